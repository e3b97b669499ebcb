import { ConsumerRunningInfoProps, type ConsumeStatus, type ConsumerRunningInfo } from '../client/body/consumer-running-info';
import type { MessageQueue } from '../client/message-queue';
import type { SubscriptionData } from '../client/subscription-data';
import type { PushConsumerConfig } from './consumer-config';
import type { ConsumerStats } from './consumer-stats';
import type { ProcessQueue } from './process-queue';
import type { PopProcessQueue } from './pop/pop-process-queue';

const ZERO_STATUS: ConsumeStatus = { pullRT: 0, pullTPS: 0, consumeRT: 0, consumeOKTPS: 0, consumeFailedTPS: 0, consumeFailedMsgs: 0 };

export interface RunningInfoSource {
  config: PushConsumerConfig;
  consumerGroup: string;
  instanceName: string;
  strategyName: string;
  /** Orderly consumption (PROP_CONSUMEORDERLY, and the queues' lock state). */
  consumeOrderly?: boolean;
  startTimestamp: number;
  offsets: Map<MessageQueue, bigint>;
  processQueues: Array<{ mq: MessageQueue; pq: ProcessQueue }>;
  subscriptions: SubscriptionData[];
  /** Queues consumed by pop (`clientRebalance: false` and the group in POP mode). */
  popProcessQueues?: Array<{ mq: MessageQueue; pq: PopProcessQueue }>;
  /** Our own counters, added as extra properties (Java's reader keeps unknown ones). */
  stats?: ConsumerStats;
}

/**
 * Java `DefaultMQPushConsumerImpl.consumerRunningInfo`: the settings under Java's property names (Java dumps
 * every field of the consumer object), the subscriptions, and each owned queue's state (`ProcessQueueInfo`).
 */
export function buildConsumerRunningInfo(src: RunningInfoSource): ConsumerRunningInfo {
  const c = src.config;
  const properties: Record<string, string> = {
    consumerGroup: src.consumerGroup,
    messageModel: c.messageModel,
    consumeFromWhere: c.consumeFromWhere,
    consumeTimestamp: c.consumeTimestamp,
    allocateMessageQueueStrategy: src.strategyName,
    consumeThreadMax: String(c.consumeThreadMax),
    consumeConcurrentlyMaxSpan: String(c.consumeConcurrentlyMaxSpan),
    pullThresholdForQueue: String(c.pullThresholdForQueue),
    pullThresholdSizeForQueue: String(c.pullThresholdSizeForQueue),
    pullInterval: String(c.pullIntervalMs),
    consumeMessageBatchMaxSize: String(c.consumeMessageBatchMaxSize),
    pullBatchSize: String(c.pullBatchSize),
    maxReconsumeTimes: String(c.maxReconsumeTimes),
    consumeTimeout: String(Math.round(c.consumeTimeoutMs / 60_000)),
    instanceName: src.instanceName,
    unitMode: String(c.unitMode),
    clientRebalance: String(c.clientRebalance),
    popInvisibleTime: String(c.popInvisibleTimeMs),
    popBatchNums: String(c.popBatchNums),
    popThresholdForQueue: String(c.popThresholdForQueue),
    [ConsumerRunningInfoProps.PROP_CONSUME_ORDERLY]: String(src.consumeOrderly ?? false),
    [ConsumerRunningInfoProps.PROP_THREADPOOL_CORE_SIZE]: String(c.consumeThreadMax),
    [ConsumerRunningInfoProps.PROP_CONSUMER_START_TIMESTAMP]: String(src.startTimestamp),
  };
  if (src.stats) {
    properties.ownedQueues = String(src.stats.ownedQueues);
    properties.pullRequestsInFlight = String(src.stats.pullRequestsInFlight);
    properties.activeHandlers = String(src.stats.activeHandlers);
  }
  const offsets = new Map([...src.offsets].map(([mq, o]) => [mq.key(), o]));
  const mqTable: ConsumerRunningInfo['mqTable'] = src.processQueues.map(({ mq, pq }) => [
    mq,
    {
      commitOffset: offsets.get(mq.key()) ?? -1n,
      cachedMsgMinOffset: pq.firstKey() ?? 0n,
      cachedMsgMaxOffset: pq.lastOffset() ?? 0n,
      cachedMsgCount: pq.msgCount,
      cachedMsgSizeInMiB: Math.floor(pq.msgSize / (1024 * 1024)),
      transactionMsgMinOffset: 0n,
      transactionMsgMaxOffset: 0n,
      transactionMsgCount: 0,
      locked: src.consumeOrderly ? pq.locked : false,
      tryUnlockTimes: BigInt(pq.tryUnlockTimes),
      lastLockTimestamp: src.consumeOrderly ? pq.lastLockTimestamp : 0,
      droped: pq.dropped,
      lastPullTimestamp: pq.lastPullTimestamp,
      lastConsumeTimestamp: pq.lastConsumeTimestamp,
    },
  ]);
  // Per-topic RT/TPS are not measured yet: zeros, as a Java consumer that has consumed nothing reports.
  const statusTable = src.subscriptions.map((s) => [s.topic, ZERO_STATUS] as const);
  const mqPopTable: ConsumerRunningInfo['mqPopTable'] = (src.popProcessQueues ?? []).map(({ mq, pq }) => [
    mq,
    { waitAckCount: pq.waitAckCount, droped: pq.dropped, lastPopTimestamp: pq.lastPopTimestamp },
  ]);
  return { properties: Object.entries(properties), subscriptionSet: src.subscriptions, mqTable, mqPopTable, statusTable };
}
