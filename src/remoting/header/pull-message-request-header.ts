import { HeaderField, RemotingHeader } from './decorators';
import { TopicRequestHeader } from './topic-request-header';

/** The own fields, written first by Java's `encode`, then the inherited ones. */
const PULL_OWN_KEYS = [
  'consumerGroup', 'topic', 'queueId', 'queueOffset', 'maxMsgNums', 'sysFlag', 'commitOffset', 'suspendTimeoutMillis',
  'subscription', 'subVersion', 'expressionType', 'maxMsgBytes', 'requestSource', 'proxyFrowardClientId',
] as const;

/**
 * Java `PullMessageRequestHeader` (a `FastCodesHeader`): PULL_MESSAGE (11) and, 5.x, LITE_PULL_MESSAGE
 * (361). `maxMsgBytes`, `requestSource` and `proxyFrowardClientId` (so spelled) are 5.x; a 4.9 broker
 * ignores them. Set `brokerName` (`bname`): the 5.x proxy refuses a pull without it.
 */
@RemotingHeader('org.apache.rocketmq.remoting.protocol.header.PullMessageRequestHeader', {
  fastCodes: true,
  fastCodesKeys: [...PULL_OWN_KEYS, 'lo', 'ns', 'nsd', 'bname', 'oway'],
})
export class PullMessageRequestHeader extends TopicRequestHeader {
  @HeaderField('string', { required: true }) consumerGroup!: string;
  @HeaderField('string', { required: true }) topic!: string;
  @HeaderField('int', { required: true }) queueId!: number;
  @HeaderField('long', { required: true }) queueOffset!: bigint;
  @HeaderField('int', { required: true }) maxMsgNums!: number;
  /** `PullSysFlag` bits: COMMIT_OFFSET 0x1, SUSPEND 0x2, SUBSCRIPTION 0x4, CLASS_FILTER 0x8, LITE_PULL 0x10. */
  @HeaderField('int', { required: true }) sysFlag!: number;
  /** Piggybacked consumer offset (with COMMIT_OFFSET; never to a slave). */
  @HeaderField('long', { required: true }) commitOffset!: bigint;
  /** How long the broker may hold the request (long polling, with SUSPEND). */
  @HeaderField('long', { required: true }) suspendTimeoutMillis!: bigint;
  /** The expression, sent with SUBSCRIPTION; otherwise the broker uses the one from the heartbeat. */
  @HeaderField('string') subscription?: string;
  @HeaderField('long', { required: true }) subVersion!: bigint;
  /** TAG or SQL92. */
  @HeaderField('string') expressionType?: string;
  @HeaderField('int') maxMsgBytes?: number;
  @HeaderField('int') requestSource?: number;
  @HeaderField('string') proxyFrowardClientId?: string;
}
