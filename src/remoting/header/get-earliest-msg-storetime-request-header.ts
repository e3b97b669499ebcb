import { HeaderField, RemotingHeader } from './decorators';
import { TopicRequestHeader } from './topic-request-header';

/** Java `GetEarliestMsgStoretimeRequestHeader`: GET_EARLIEST_MSG_STORETIME (32). */
@RemotingHeader('org.apache.rocketmq.remoting.protocol.header.GetEarliestMsgStoretimeRequestHeader')
export class GetEarliestMsgStoretimeRequestHeader extends TopicRequestHeader {
  @HeaderField('string', { required: true }) topic!: string;
  @HeaderField('int', { required: true }) queueId!: number;
}
