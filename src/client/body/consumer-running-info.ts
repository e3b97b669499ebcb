import { javaDoubleJson, writeMessageQueueMap } from './fastjson-map';
import type { MessageQueue } from '../message-queue';
import { subscriptionDataJson, type SubscriptionData } from '../subscription-data';

/**
 * Java `ConsumerRunningInfo`: the answer to GET_CONSUMER_RUNNING_INFO (307), what `mqadmin consumerStatus`
 * and the console show. Written as fastjson writes it, so that Java's `ConsumerRunningInfo.decode` reads it:
 * bean fields in name order, `mqTable` / `mqPopTable` as maps with `MessageQueue` beans as keys (TreeMaps:
 * sorted by queue), `statusTable` / `userConsumerInfo` sorted by key, `subscriptionSet` a TreeSet ordered by
 * `topic@subString`, doubles in Java's form, `jstack` left out when absent (fastjson skips nulls).
 */

export const ConsumerRunningInfoProps = {
  PROP_NAMESERVER_ADDR: 'PROP_NAMESERVER_ADDR',
  PROP_THREADPOOL_CORE_SIZE: 'PROP_THREADPOOL_CORE_SIZE',
  PROP_CONSUME_ORDERLY: 'PROP_CONSUMEORDERLY',
  PROP_CONSUME_TYPE: 'PROP_CONSUME_TYPE',
  PROP_CLIENT_VERSION: 'PROP_CLIENT_VERSION',
  PROP_CONSUMER_START_TIMESTAMP: 'PROP_CONSUMER_START_TIMESTAMP',
} as const;

type Long = number | bigint;

/** Java `ProcessQueueInfo` (field names as Java spells them, `droped` included). */
export interface ProcessQueueInfo {
  commitOffset: Long;
  cachedMsgMinOffset: Long;
  cachedMsgMaxOffset: Long;
  cachedMsgCount: number;
  cachedMsgSizeInMiB: number;
  transactionMsgMinOffset: Long;
  transactionMsgMaxOffset: Long;
  transactionMsgCount: number;
  locked: boolean;
  tryUnlockTimes: Long;
  lastLockTimestamp: Long;
  droped: boolean;
  lastPullTimestamp: Long;
  lastConsumeTimestamp: Long;
}

/** Java `PopProcessQueueInfo`. */
export interface PopProcessQueueInfo {
  waitAckCount: number;
  droped: boolean;
  lastPopTimestamp: Long;
}

/** Java `ConsumeStatus`: per-topic rates (doubles) and the failed-message count. */
export interface ConsumeStatus {
  pullRT: number;
  pullTPS: number;
  consumeRT: number;
  consumeOKTPS: number;
  consumeFailedTPS: number;
  consumeFailedMsgs: Long;
}

export interface ConsumerRunningInfo {
  /** Written in the order given (Java writes its `Properties` in hash order; any order reads back). */
  properties: Iterable<readonly [string, string]>;
  subscriptionSet: Iterable<SubscriptionData>;
  mqTable: Iterable<readonly [MessageQueue, ProcessQueueInfo]>;
  mqPopTable?: Iterable<readonly [MessageQueue, PopProcessQueueInfo]>;
  statusTable: Iterable<readonly [string, ConsumeStatus]>;
  userConsumerInfo?: Iterable<readonly [string, string]>;
  jstack?: string;
}

const str = (s: string): string => JSON.stringify(s);
const byKey = <T>(entries: Iterable<readonly [string, T]>): Array<readonly [string, T]> =>
  [...new Map(entries)].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
const byQueue = <T>(entries: Iterable<readonly [MessageQueue, T]>): Array<readonly [MessageQueue, T]> => {
  const unique = new Map<string, readonly [MessageQueue, T]>();
  for (const e of entries) unique.set(e[0].key(), e);
  return [...unique.values()].sort(([a], [b]) => a.compareTo(b));
};
const object = (fields: Array<readonly [string, string]>): string => `{${fields.map(([k, v]) => `${str(k)}:${v}`).join(',')}}`;

function processQueueInfoJson(p: ProcessQueueInfo): string {
  return object([
    ['cachedMsgCount', String(p.cachedMsgCount)],
    ['cachedMsgMaxOffset', String(p.cachedMsgMaxOffset)],
    ['cachedMsgMinOffset', String(p.cachedMsgMinOffset)],
    ['cachedMsgSizeInMiB', String(p.cachedMsgSizeInMiB)],
    ['commitOffset', String(p.commitOffset)],
    ['droped', String(p.droped)],
    ['lastConsumeTimestamp', String(p.lastConsumeTimestamp)],
    ['lastLockTimestamp', String(p.lastLockTimestamp)],
    ['lastPullTimestamp', String(p.lastPullTimestamp)],
    ['locked', String(p.locked)],
    ['transactionMsgCount', String(p.transactionMsgCount)],
    ['transactionMsgMaxOffset', String(p.transactionMsgMaxOffset)],
    ['transactionMsgMinOffset', String(p.transactionMsgMinOffset)],
    ['tryUnlockTimes', String(p.tryUnlockTimes)],
  ]);
}

function popProcessQueueInfoJson(p: PopProcessQueueInfo): string {
  return object([
    ['droped', String(p.droped)],
    ['lastPopTimestamp', String(p.lastPopTimestamp)],
    ['waitAckCount', String(p.waitAckCount)],
  ]);
}

function consumeStatusJson(s: ConsumeStatus): string {
  return object([
    ['consumeFailedMsgs', String(s.consumeFailedMsgs)],
    ['consumeFailedTPS', javaDoubleJson(s.consumeFailedTPS)],
    ['consumeOKTPS', javaDoubleJson(s.consumeOKTPS)],
    ['consumeRT', javaDoubleJson(s.consumeRT)],
    ['pullRT', javaDoubleJson(s.pullRT)],
    ['pullTPS', javaDoubleJson(s.pullTPS)],
  ]);
}

/** Java's TreeSet<SubscriptionData>: ordered by `topic + "@" + subString`, equal keys kept once. */
function subscriptionSetJson(subs: Iterable<SubscriptionData>): string {
  const unique = new Map<string, SubscriptionData>();
  for (const s of subs) {
    const k = `${s.topic}@${s.subString}`;
    if (!unique.has(k)) unique.set(k, s);
  }
  const sorted = byKey(unique).map(([, s]) => JSON.stringify(subscriptionDataJson(s)));
  return `[${sorted.join(',')}]`;
}

export function encodeConsumerRunningInfo(info: ConsumerRunningInfo): Buffer {
  const fields: Array<readonly [string, string]> = [];
  if (info.jstack !== undefined) fields.push(['jstack', str(info.jstack)]);
  fields.push(
    ['mqPopTable', writeMessageQueueMap(byQueue(info.mqPopTable ?? []).map(([mq, p]) => [mq, popProcessQueueInfoJson(p)] as const))],
    ['mqTable', writeMessageQueueMap(byQueue(info.mqTable).map(([mq, p]) => [mq, processQueueInfoJson(p)] as const))],
    ['properties', object([...new Map(info.properties)].map(([k, v]) => [k, str(v)] as const))],
    ['statusTable', object(byKey(info.statusTable).map(([k, s]) => [k, consumeStatusJson(s)] as const))],
    ['subscriptionSet', subscriptionSetJson(info.subscriptionSet)],
    ['userConsumerInfo', object(byKey(info.userConsumerInfo ?? []).map(([k, v]) => [k, str(v)] as const))],
  );
  return Buffer.from(object(fields), 'utf8');
}
