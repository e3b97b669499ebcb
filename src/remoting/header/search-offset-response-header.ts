import { HeaderField, RemotingHeader } from './decorators';

/** Java `SearchOffsetResponseHeader`; decoded from the broker, so `offset` may be absent. */
@RemotingHeader('org.apache.rocketmq.remoting.protocol.header.SearchOffsetResponseHeader')
export class SearchOffsetResponseHeader {
  @HeaderField('long', { required: true }) offset?: bigint;
}
