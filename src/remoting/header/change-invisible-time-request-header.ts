import { HeaderField, RemotingHeader } from './decorators';
import { TopicRequestHeader } from './topic-request-header';

/**
 * Java `ChangeInvisibleTimeRequestHeader`: CHANGE_MESSAGE_INVISIBLETIME (200053, 5.x).
 */
@RemotingHeader('org.apache.rocketmq.remoting.protocol.header.ChangeInvisibleTimeRequestHeader')
export class ChangeInvisibleTimeRequestHeader extends TopicRequestHeader {
  @HeaderField('string', { required: true }) consumerGroup!: string;
  @HeaderField('string', { required: true }) topic!: string;
  @HeaderField('int', { required: true }) queueId!: number;
  @HeaderField('string', { required: true }) extraInfo!: string;
  @HeaderField('long', { required: true }) offset!: bigint;
  @HeaderField('long', { required: true }) invisibleTime!: bigint;
}
