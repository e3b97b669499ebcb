import { HeaderField, RemotingHeader } from './decorators';
import { TopicRequestHeader } from './topic-request-header';

/**
 * Java `ResetOffsetRequestHeader`: RESET_CONSUMER_CLIENT_OFFSET (220), broker to client (body: the
 * offset table). `queueId` and `offset` are 5.x (one queue); the primitives are always sent.
 */
@RemotingHeader('org.apache.rocketmq.remoting.protocol.header.ResetOffsetRequestHeader')
export class ResetOffsetRequestHeader extends TopicRequestHeader {
  @HeaderField('string', { required: true }) group!: string;
  @HeaderField('string', { required: true }) topic!: string;
  /** -1: every queue of the offset table in the body. */
  @HeaderField('int') queueId: number = -1;
  @HeaderField('long') offset?: bigint;
  @HeaderField('long', { required: true }) timestamp: bigint = 0n;
  @HeaderField('boolean', { required: true }) isForce: boolean = false;
}
