import { HeaderField, RemotingHeader } from './decorators';
import { TopicRequestHeader } from './topic-request-header';

/**
 * Java `AckMessageRequestHeader`: ACK_MESSAGE (200051, 5.x); `topic` is the pop retry topic when the
 * retry flag of the receipt handle is set.
 */
@RemotingHeader('org.apache.rocketmq.remoting.protocol.header.AckMessageRequestHeader')
export class AckMessageRequestHeader extends TopicRequestHeader {
  @HeaderField('string', { required: true }) consumerGroup!: string;
  @HeaderField('string', { required: true }) topic!: string;
  @HeaderField('int', { required: true }) queueId!: number;
  @HeaderField('string', { required: true }) extraInfo!: string;
  @HeaderField('long', { required: true }) offset!: bigint;
}
