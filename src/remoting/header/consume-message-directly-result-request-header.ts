import { HeaderField, RemotingHeader } from './decorators';
import { TopicRequestHeader } from './topic-request-header';

/**
 * Java `ConsumeMessageDirectlyResultRequestHeader`: CONSUME_MESSAGE_DIRECTLY (309), broker (for an admin)
 * to client; the body is the stored message. Its own `brokerName` field is distinct from `bname`.
 */
@RemotingHeader('org.apache.rocketmq.remoting.protocol.header.ConsumeMessageDirectlyResultRequestHeader')
export class ConsumeMessageDirectlyResultRequestHeader extends TopicRequestHeader {
  @HeaderField('string', { required: true }) consumerGroup!: string;
  @HeaderField('string') clientId?: string;
  @HeaderField('string') msgId?: string;
  @HeaderField('string', { wireName: 'brokerName' }) msgBrokerName?: string;
  @HeaderField('string') topic?: string;
  @HeaderField('int') topicSysFlag?: number;
  @HeaderField('int') groupSysFlag?: number;
}
