import { InvalidArgumentError } from '../../errors';
import { KEY_SEPARATOR } from '../../message/message-const';
import { RETRY_GROUP_TOPIC_PREFIX } from '../../message/namespace';

/**
 * The pop checkpoint text (Java `ExtraInfoUtil`, remoting module): the receipt handle a popped
 * message carries in its `POP_CK` property and that ACK_MESSAGE / CHANGE_MESSAGE_INVISIBLETIME send
 * back as `extraInfo`. Eight fields joined by a space:
 * `ckQueueOffset popTime invisibleTime reviveQid retryMark brokerName queueId msgQueueOffset`.
 */

/** The retry mark: 0 a normal topic, 1 the `%RETRY%group_topic` retry topic, 2 the `%RETRY%group+topic` one. */
export type RetryMark = '0' | '1' | '2';

/** Java `KeyBuilder.POP_ORDER_REVIVE_QUEUE`: the revive queue id that marks an orderly pop. */
export const POP_ORDER_REVIVE_QUEUE = 999;

/** Java `KeyBuilder.buildPopRetryTopicV1`: `%RETRY%<group>_<topic>` (what 5.x brokers use by default). */
export function buildPopRetryTopicV1(topic: string, group: string): string {
  return `${RETRY_GROUP_TOPIC_PREFIX}${group}_${topic}`;
}

/** Java `KeyBuilder.buildPopRetryTopicV2`: `%RETRY%<group>+<topic>` (brokers with `enableRetryTopicV2`). */
export function buildPopRetryTopicV2(topic: string, group: string): string {
  return `${RETRY_GROUP_TOPIC_PREFIX}${group}+${topic}`;
}

/** Java `ExtraInfoUtil.getRetry(topic)`: which kind of topic a record was popped from. */
export function retryMarkOf(topic: string): RetryMark {
  if (!topic.startsWith(RETRY_GROUP_TOPIC_PREFIX)) return '0';
  return topic.includes('+') ? '2' : '1';
}

/** The topic an ack names (Java `ExtraInfoUtil.getRealTopic`): the retry topic when the handle says so. */
export function realTopicOf(mark: string, topic: string, group: string): string {
  if (mark === '1') return buildPopRetryTopicV1(topic, group);
  if (mark === '2') return buildPopRetryTopicV2(topic, group);
  return topic;
}

export interface ExtraInfoFields {
  ckQueueOffset: bigint;
  popTime: bigint;
  invisibleTime: bigint;
  reviveQid: number;
  /** The topic the record came from (only its retry mark is written). */
  topic: string;
  brokerName: string;
  queueId: number;
  msgQueueOffset: bigint;
}

/** Java `ExtraInfoUtil.buildExtraInfo` (the eight-field form). */
export function buildExtraInfo(f: ExtraInfoFields): string {
  return [f.ckQueueOffset, f.popTime, f.invisibleTime, f.reviveQid, retryMarkOf(f.topic), f.brokerName, f.queueId, f.msgQueueOffset].join(
    KEY_SEPARATOR,
  );
}

/** A receipt handle split into its fields. */
export interface ReceiptHandle {
  readonly ckQueueOffset: bigint;
  readonly popTime: bigint;
  readonly invisibleTime: bigint;
  readonly reviveQid: number;
  readonly retryMark: string;
  readonly brokerName: string;
  readonly queueId: number;
  readonly msgQueueOffset: bigint;
}

const LONG = /^-?\d{1,19}$/;
const INT = /^-?\d{1,10}$/;

/**
 * Parses a receipt handle; anything that is not eight well-formed fields is an `InvalidArgumentError`
 * (refused before any I/O), never a broker round trip with garbage.
 */
export function parseReceiptHandle(handle: unknown): ReceiptHandle {
  if (typeof handle !== 'string') throw new InvalidArgumentError('receipt handle must be a string');
  const p = handle.split(KEY_SEPARATOR);
  const ok =
    p.length === 8 &&
    LONG.test(p[0]!) &&
    LONG.test(p[1]!) &&
    LONG.test(p[2]!) &&
    INT.test(p[3]!) &&
    /^[012]$/.test(p[4]!) &&
    p[5]!.length > 0 &&
    INT.test(p[6]!) &&
    LONG.test(p[7]!);
  if (!ok) throw new InvalidArgumentError(`malformed receipt handle: ${JSON.stringify(handle.slice(0, 200))}`);
  return {
    ckQueueOffset: BigInt(p[0]!),
    popTime: BigInt(p[1]!),
    invisibleTime: BigInt(p[2]!),
    reviveQid: Number(p[3]),
    retryMark: p[4]!,
    brokerName: p[5]!,
    queueId: Number(p[6]),
    msgQueueOffset: BigInt(p[7]!),
  };
}

/**
 * One of the response header's `;`-separated lists (`startOffsetInfo`, `msgOffsetInfo`,
 * `orderCountInfo`): entries `retryMark queueKey value`, keyed `retryMark@queueKey` (Java's
 * `parse*Info`). Malformed or duplicate entries are refused as Java refuses them.
 */
function parseInfoList<T>(info: string | undefined, what: string, value: (s: string) => T): Map<string, T> | undefined {
  if (info === undefined || info.length === 0) return undefined;
  const out = new Map<string, T>();
  for (const one of info.split(';')) {
    const parts = one.split(KEY_SEPARATOR);
    if (parts.length !== 3) throw new InvalidArgumentError(`parse ${what} error, ${info}`);
    const key = `${parts[0]}@${parts[1]}`;
    if (out.has(key)) throw new InvalidArgumentError(`parse ${what} error, duplicate, ${info}`);
    out.set(key, value(parts[2]!));
  }
  return out;
}

function parseLong(s: string): bigint {
  if (!LONG.test(s)) throw new InvalidArgumentError(`not a long: ${JSON.stringify(s.slice(0, 40))}`);
  return BigInt(s);
}

/** Java `ExtraInfoUtil.parseStartOffsetInfo`: `retryMark@queueId` -> checkpoint start offset. */
export function parseStartOffsetInfo(info: string | undefined): Map<string, bigint> | undefined {
  return parseInfoList(info, 'startOffsetInfo', parseLong);
}

/** Java `ExtraInfoUtil.parseMsgOffsetInfo`: `retryMark@queueId` -> the queue offsets popped, in order. */
export function parseMsgOffsetInfo(info: string | undefined): Map<string, bigint[]> | undefined {
  return parseInfoList(info, 'msgOffsetInfo', (s) => s.split(',').map(parseLong));
}

/** Java `ExtraInfoUtil.parseOrderCountInfo`: `retryMark@queueId` or `retryMark@qo<queueId>%<offset>` -> count. */
export function parseOrderCountInfo(info: string | undefined): Map<string, number> | undefined {
  return parseInfoList(info, 'orderCountInfo', (s) => {
    if (!INT.test(s)) throw new InvalidArgumentError(`not an int: ${JSON.stringify(s.slice(0, 40))}`);
    return Number(s);
  });
}

/** Java `ExtraInfoUtil.getQueueOffsetMapKey`: the orderCountInfo key of one message. */
export function queueOffsetMapKey(mark: string, queueId: number, queueOffset: bigint): string {
  return `${mark}@qo${queueId}%${queueOffset}`;
}
