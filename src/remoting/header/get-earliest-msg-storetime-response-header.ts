import { HeaderField, RemotingHeader } from './decorators';

/** Java `GetEarliestMsgStoretimeResponseHeader`; decoded from the broker, so `timestamp` may be absent. */
@RemotingHeader('org.apache.rocketmq.remoting.protocol.header.GetEarliestMsgStoretimeResponseHeader')
export class GetEarliestMsgStoretimeResponseHeader {
  @HeaderField('long', { required: true }) timestamp?: bigint;
}
