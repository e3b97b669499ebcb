import { HeaderField, RemotingHeader } from './decorators';
import { TopicRequestHeader } from './topic-request-header';

/** Java `GetMinOffsetRequestHeader`: GET_MIN_OFFSET (31). */
@RemotingHeader('org.apache.rocketmq.remoting.protocol.header.GetMinOffsetRequestHeader')
export class GetMinOffsetRequestHeader extends TopicRequestHeader {
  @HeaderField('string', { required: true }) topic!: string;
  @HeaderField('int', { required: true }) queueId!: number;
}
