import { HeaderField, RemotingHeader } from './decorators';
import { TopicRequestHeader } from './topic-request-header';

/** Java `GetMaxOffsetRequestHeader`: GET_MAX_OFFSET (30). */
@RemotingHeader('org.apache.rocketmq.remoting.protocol.header.GetMaxOffsetRequestHeader')
export class GetMaxOffsetRequestHeader extends TopicRequestHeader {
  @HeaderField('string', { required: true }) topic!: string;
  @HeaderField('int', { required: true }) queueId!: number;
  /** A Java primitive, so always sent: only committed messages count (true by default). */
  @HeaderField('boolean') committed: boolean = true;
}
