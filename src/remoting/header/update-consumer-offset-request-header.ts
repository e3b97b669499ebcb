import { HeaderField, RemotingHeader } from './decorators';
import { TopicRequestHeader } from './topic-request-header';

/**
 * Java `UpdateConsumerOffsetRequestHeader`: UPDATE_CONSUMER_OFFSET (15). Java sends it one-way; the
 * answer carries no header.
 */
@RemotingHeader('org.apache.rocketmq.remoting.protocol.header.UpdateConsumerOffsetRequestHeader')
export class UpdateConsumerOffsetRequestHeader extends TopicRequestHeader {
  @HeaderField('string', { required: true }) consumerGroup!: string;
  @HeaderField('string', { required: true }) topic!: string;
  @HeaderField('int', { required: true }) queueId!: number;
  @HeaderField('long', { required: true }) commitOffset!: bigint;
}
