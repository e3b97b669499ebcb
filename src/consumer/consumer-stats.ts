import type { MessageQueue } from '../client/message-queue';
import type { ProcessQueue } from './process-queue';

/** One owned queue as the push consumer holds it right now. */
export interface QueueStats {
  topic: string;
  brokerName: string;
  queueId: number;
  /** Messages pulled and not yet consumed. */
  cachedMsgCount: number;
  /** Bytes of their bodies. */
  cachedMsgBytes: number;
}

/**
 * A snapshot of the push consumer's pull and consume machinery, for monitoring: how many queues it
 * owns, how many pull loops are alive (one per owned queue when healthy), how much it holds in memory
 * and how many handlers run. The same figures go into GET_CONSUMER_RUNNING_INFO's properties.
 */
export interface ConsumerStats {
  ownedQueues: number;
  pullRequestsInFlight: number;
  cachedMsgCount: number;
  cachedMsgBytes: number;
  activeHandlers: number;
  queues: QueueStats[];
}

export function buildConsumerStats(
  processQueues: Iterable<{ mq: MessageQueue; pq: ProcessQueue }>,
  pullRequestsInFlight: number,
  activeHandlers: number,
): ConsumerStats {
  const queues: QueueStats[] = [];
  let cachedMsgCount = 0;
  let cachedMsgBytes = 0;
  for (const { mq, pq } of processQueues) {
    if (pq.dropped) continue;
    queues.push({ topic: mq.topic, brokerName: mq.brokerName, queueId: mq.queueId, cachedMsgCount: pq.msgCount, cachedMsgBytes: pq.msgSize });
    cachedMsgCount += pq.msgCount;
    cachedMsgBytes += pq.msgSize;
  }
  return { ownedQueues: queues.length, pullRequestsInFlight, cachedMsgCount, cachedMsgBytes, activeHandlers, queues };
}
