import { HeaderField, RemotingHeader } from './decorators';
import { TopicRequestHeader } from './topic-request-header';

/**
 * Java `SendMessageRequestHeader`: SEND_MESSAGE (10) and SEND_REPLY_MESSAGE (324). The V2 form
 * (`SendMessageRequestHeaderV2`) carries the same fields under one-letter keys.
 */
@RemotingHeader('org.apache.rocketmq.remoting.protocol.header.SendMessageRequestHeader')
export class SendMessageRequestHeader extends TopicRequestHeader {
  @HeaderField('string', { required: true }) producerGroup!: string;
  @HeaderField('string', { required: true }) topic!: string;
  /** The topic new topics are created from (`TBW102`). */
  @HeaderField('string', { required: true }) defaultTopic!: string;
  @HeaderField('int', { required: true }) defaultTopicQueueNums!: number;
  /** A negative queue id lets the broker choose. */
  @HeaderField('int', { required: true }) queueId!: number;
  @HeaderField('int', { required: true }) sysFlag!: number;
  /** Epoch milliseconds. */
  @HeaderField('long', { required: true }) bornTimestamp!: bigint;
  /** The message's user flag. */
  @HeaderField('int', { required: true }) flag!: number;
  /** Message properties, `key\u0001value\u0002` each. */
  @HeaderField('string') properties?: string;
  @HeaderField('int') reconsumeTimes?: number;
  @HeaderField('boolean') unitMode?: boolean;
  @HeaderField('boolean') batch?: boolean;
  @HeaderField('int') maxReconsumeTimes?: number;
}
