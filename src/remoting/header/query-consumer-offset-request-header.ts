import { HeaderField, RemotingHeader } from './decorators';
import { TopicRequestHeader } from './topic-request-header';

/**
 * Java `QueryConsumerOffsetRequestHeader`: QUERY_CONSUMER_OFFSET (14). `setZeroIfNotFound` is 5.x: false
 * asks the broker to answer QUERY_NOT_FOUND instead of 0 when the group has no stored offset.
 */
@RemotingHeader('org.apache.rocketmq.remoting.protocol.header.QueryConsumerOffsetRequestHeader')
export class QueryConsumerOffsetRequestHeader extends TopicRequestHeader {
  @HeaderField('string', { required: true }) consumerGroup!: string;
  @HeaderField('string', { required: true }) topic!: string;
  @HeaderField('int', { required: true }) queueId!: number;
  @HeaderField('boolean') setZeroIfNotFound?: boolean;
}
