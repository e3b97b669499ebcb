import type { MessageQueue } from '../message-queue';
import { subscriptionDataJson, type SubscriptionData } from '../subscription-data';

/** Java `ConsumerRunningInfo` property keys that mqadmin reads. */
export const ConsumerRunningInfoProps = {
  PROP_NAMESERVER_ADDR: 'PROP_NAMESERVER_ADDR',
  PROP_THREADPOOL_CORE_SIZE: 'PROP_THREADPOOL_CORE_SIZE',
  PROP_CONSUME_ORDERLY: 'PROP_CONSUMEORDERLY',
  PROP_CONSUME_TYPE: 'PROP_CONSUME_TYPE',
  PROP_CLIENT_VERSION: 'PROP_CLIENT_VERSION',
  PROP_CONSUMER_START_TIMESTAMP: 'PROP_CONSUMER_START_TIMESTAMP',
} as const;

/** Java `ProcessQueueInfo` (offsets as bigint, timestamps in ms). */
export interface ProcessQueueInfo {
  commitOffset: bigint;
  cachedMsgMinOffset: bigint;
  cachedMsgMaxOffset: bigint;
  cachedMsgCount: number;
  cachedMsgSizeInMiB: number;
  dropped: boolean;
  lastPullTimestamp: number;
  lastConsumeTimestamp: number;
}

/** Java `ConsumerRunningInfo`, the answer to GET_CONSUMER_RUNNING_INFO (307) that `mqadmin consumerStatus` prints. */
export interface ConsumerRunningInfo {
  properties: Record<string, string>;
  subscriptionSet: SubscriptionData[];
  mqTable: Array<[MessageQueue, ProcessQueueInfo]>;
  /** Topics of the subscriptions (per-topic RT/TPS are not measured: zeros). */
  statusTopics: string[];
}

/** fastjson's key for a MessageQueue map entry: the bean itself, properties alphabetical (not standard JSON). */
function mqKey(mq: MessageQueue): string {
  return JSON.stringify({ brokerName: mq.brokerName, queueId: mq.queueId, topic: mq.topic });
}

function pqJson(p: ProcessQueueInfo): string {
  // Longs written as JSON numbers, as fastjson does (offsets stay well inside 2^63).
  return (
    `{"cachedMsgCount":${p.cachedMsgCount},"cachedMsgMaxOffset":${p.cachedMsgMaxOffset},"cachedMsgMinOffset":${p.cachedMsgMinOffset},` +
    `"cachedMsgSizeInMiB":${p.cachedMsgSizeInMiB},"commitOffset":${p.commitOffset},"dropped":${p.dropped},` +
    `"lastConsumeTimestamp":${p.lastConsumeTimestamp},"lastLockTimestamp":0,"lastPullTimestamp":${p.lastPullTimestamp},` +
    `"locked":false,"transactionMsgCount":0,"transactionMsgMaxOffset":0,"transactionMsgMinOffset":0,"tryUnlockTimes":0}`
  );
}

const ZERO_STATUS = '{"consumeFailedMsgs":0,"consumeFailedTPS":0.0,"consumeOKTPS":0.0,"consumeRT":0.0,"pullRT":0.0,"pullTPS":0.0}';

/**
 * The body as fastjson writes it: bean properties alphabetical, the `mqTable` and `mqPopTable` maps keyed by
 * MessageQueue objects (`{{"brokerName":..}:{..}}`, which fastjson, and so mqadmin, reads back), TreeMap order.
 */
export function encodeConsumerRunningInfo(info: ConsumerRunningInfo): Buffer {
  const mqTable = [...info.mqTable].sort((a, b) => a[0].compareTo(b[0]));
  // Java `SubscriptionData.compareTo`: topic@subString.
  const order = (s: SubscriptionData) => `${s.topic}@${s.subString}`;
  const subs = [...info.subscriptionSet].sort((a, b) => (order(a) < order(b) ? -1 : order(a) > order(b) ? 1 : 0));
  const status = [...new Set(info.statusTopics)].sort();
  const parts = [
    `"mqPopTable":{}`,
    `"mqTable":{${mqTable.map(([mq, pq]) => `${mqKey(mq)}:${pqJson(pq)}`).join(',')}}`,
    `"properties":${JSON.stringify(info.properties)}`,
    `"statusTable":{${status.map((t) => `${JSON.stringify(t)}:${ZERO_STATUS}`).join(',')}}`,
    `"subscriptionSet":${JSON.stringify(subs.map(subscriptionDataJson))}`,
    `"userConsumerInfo":{}`,
  ];
  return Buffer.from(`{${parts.join(',')}}`, 'utf8');
}
