import { HeaderField, RemotingHeader } from './decorators';

/**
 * Java `QueryConsumerOffsetResponseHeader`; decoded from the broker, so `offset` may be absent.
 */
@RemotingHeader('org.apache.rocketmq.remoting.protocol.header.QueryConsumerOffsetResponseHeader')
export class QueryConsumerOffsetResponseHeader {
  @HeaderField('long', { required: true }) offset?: bigint;
}
