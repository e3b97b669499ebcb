import { InvalidArgumentError } from '../../errors';
import { HeaderField, RemotingHeader } from './decorators';
import { TopicRequestHeader } from './topic-request-header';

/** Java `TopicFilterType`. */
export type TopicFilterType = 'SINGLE_TAG' | 'MULTI_TAG';

/** Java `CreateTopicRequestHeader`: UPDATE_AND_CREATE_TOPIC (17). */
@RemotingHeader('org.apache.rocketmq.remoting.protocol.header.CreateTopicRequestHeader')
export class CreateTopicRequestHeader extends TopicRequestHeader {
  @HeaderField('string', { required: true }) topic!: string;
  @HeaderField('string', { required: true }) defaultTopic!: string;
  @HeaderField('int', { required: true }) readQueueNums!: number;
  @HeaderField('int', { required: true }) writeQueueNums!: number;
  /** PermName bits: 2 write, 4 read, 6 both. */
  @HeaderField('int', { required: true }) perm!: number;
  @HeaderField('string', { required: true }) topicFilterType!: TopicFilterType;
  @HeaderField('int') topicSysFlag?: number;
  @HeaderField('boolean', { required: true }) order: boolean = false;
  /** Topic attributes, `+key=value` joined by commas. */
  @HeaderField('string') attributes?: string;
  @HeaderField('boolean') force?: boolean = false;

  checkFields(): void {
    const v: unknown = this.topicFilterType;
    if (v !== 'SINGLE_TAG' && v !== 'MULTI_TAG') {
      throw new InvalidArgumentError(`CreateTopicRequestHeader.topicFilterType = [${String(v)}] value invalid`);
    }
  }
}
