import { HeaderField, RemotingHeader } from './decorators';

/** Java `QueryMessageResponseHeader`; decoded from the broker, so both fields may be absent. */
@RemotingHeader('org.apache.rocketmq.remoting.protocol.header.QueryMessageResponseHeader')
export class QueryMessageResponseHeader {
  @HeaderField('long', { required: true }) indexLastUpdateTimestamp?: bigint;
  @HeaderField('long', { required: true }) indexLastUpdatePhyoffset?: bigint;
}
