import { HeaderField, RemotingHeader } from './decorators';
import { TopicRequestHeader } from './topic-request-header';

/**
 * Java `GetConsumerStatusRequestHeader`: GET_CONSUMER_STATUS_FROM_CLIENT (221), broker to client.
 */
@RemotingHeader('org.apache.rocketmq.remoting.protocol.header.GetConsumerStatusRequestHeader')
export class GetConsumerStatusRequestHeader extends TopicRequestHeader {
  @HeaderField('string', { required: true }) topic!: string;
  @HeaderField('string', { required: true }) group!: string;
  @HeaderField('string') clientAddr?: string;
}
