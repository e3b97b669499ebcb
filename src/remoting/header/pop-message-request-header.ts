import { HeaderField, RemotingHeader } from './decorators';
import { TopicRequestHeader } from './topic-request-header';

/**
 * Java `PopMessageRequestHeader`: POP_MESSAGE (200050, 5.x). The broker answers POLLING_TIMEOUT when
 * `now - bornTime - pollTime` exceeds 500 ms, so `bornTime` must be the real send time. `order` is a
 * `Boolean` defaulting to false, so it is sent unless cleared.
 */
@RemotingHeader('org.apache.rocketmq.remoting.protocol.header.PopMessageRequestHeader')
export class PopMessageRequestHeader extends TopicRequestHeader {
  @HeaderField('string', { required: true }) consumerGroup!: string;
  @HeaderField('string', { required: true }) topic!: string;
  /** -1: any queue. */
  @HeaderField('int', { required: true }) queueId!: number;
  @HeaderField('int', { required: true }) maxMsgNums!: number;
  @HeaderField('long', { required: true }) invisibleTime!: bigint;
  @HeaderField('long', { required: true }) pollTime!: bigint;
  @HeaderField('long', { required: true }) bornTime!: bigint;
  /** 0: from the min offset, 1: from the max. */
  @HeaderField('int', { required: true }) initMode!: number;
  @HeaderField('string') expType?: string;
  @HeaderField('string') exp?: string;
  @HeaderField('boolean') order: boolean = false;
  @HeaderField('string') attemptId?: string;
}
