import { HeaderField, RemotingHeader } from './decorators';

/** Java `GetMinOffsetResponseHeader`; decoded from the broker, so `offset` may be absent. */
@RemotingHeader('org.apache.rocketmq.remoting.protocol.header.GetMinOffsetResponseHeader')
export class GetMinOffsetResponseHeader {
  @HeaderField('long', { required: true }) offset?: bigint;
}
