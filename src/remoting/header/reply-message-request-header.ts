import { HeaderField, RemotingHeader } from './decorators';
import { TopicRequestHeader } from './topic-request-header';

/**
 * Java `ReplyMessageRequestHeader`: PUSH_REPLY_MESSAGE_TO_CLIENT (326), broker to requester, with the
 * reply's body. Decoded from the broker, so every field may be absent.
 */
@RemotingHeader('org.apache.rocketmq.remoting.protocol.header.ReplyMessageRequestHeader')
export class ReplyMessageRequestHeader extends TopicRequestHeader {
  @HeaderField('string', { required: true }) producerGroup?: string;
  @HeaderField('string', { required: true }) topic?: string;
  @HeaderField('string', { required: true }) defaultTopic?: string;
  @HeaderField('int', { required: true }) defaultTopicQueueNums?: number;
  @HeaderField('int', { required: true }) queueId?: number;
  @HeaderField('int', { required: true }) sysFlag?: number;
  @HeaderField('long', { required: true }) bornTimestamp?: bigint;
  @HeaderField('int', { required: true }) flag?: number;
  @HeaderField('string') properties?: string;
  @HeaderField('int') reconsumeTimes?: number;
  /** A Java primitive: always present, false by default. */
  @HeaderField('boolean') unitMode?: boolean = false;
  /** `host:port` of the original sender. */
  @HeaderField('string', { required: true }) bornHost?: string;
  @HeaderField('string', { required: true }) storeHost?: string;
  /** A Java primitive: always present, 0 by default. */
  @HeaderField('long', { required: true }) storeTimestamp?: bigint = 0n;
}
