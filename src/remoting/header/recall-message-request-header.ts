import { HeaderField, RemotingHeader } from './decorators';
import { TopicRequestHeader } from './topic-request-header';

/** Java `RecallMessageRequestHeader`: RECALL_MESSAGE (370), withdraws a timer message by handle. */
@RemotingHeader('org.apache.rocketmq.remoting.protocol.header.RecallMessageRequestHeader')
export class RecallMessageRequestHeader extends TopicRequestHeader {
  @HeaderField('string') producerGroup?: string;
  @HeaderField('string', { required: true }) topic!: string;
  @HeaderField('string', { required: true }) recallHandle!: string;
}
