import { HeaderField, RemotingHeader } from './decorators';

/** Java `GetMaxOffsetResponseHeader`; decoded from the broker, so `offset` may be absent. */
@RemotingHeader('org.apache.rocketmq.remoting.protocol.header.GetMaxOffsetResponseHeader')
export class GetMaxOffsetResponseHeader {
  @HeaderField('long', { required: true }) offset?: bigint;
}
