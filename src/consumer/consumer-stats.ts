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
  /** Lowest offset held (what the commit waits for), undefined when nothing is held. */
  cachedMinOffset: number | undefined;
  /** The offset the consumer commits next (everything below it was consumed); -1 when none yet. */
  consumeOffset: number;
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
  offsets: ReadonlyMap<MessageQueue, bigint>,
  pullRequestsInFlight: number,
  activeHandlers: number,
): ConsumerStats {
  const byKey = new Map<string, bigint>();
  for (const [mq, o] of offsets) byKey.set(mq.key(), o);
  const queues: QueueStats[] = [];
  let cachedMsgCount = 0;
  let cachedMsgBytes = 0;
  for (const { mq, pq } of processQueues) {
    if (pq.dropped) continue;
    const first = pq.firstKey();
    queues.push({
      topic: mq.topic,
      brokerName: mq.brokerName,
      queueId: mq.queueId,
      cachedMsgCount: pq.msgCount,
      cachedMsgBytes: pq.msgSize,
      cachedMinOffset: first === undefined ? undefined : Number(first),
      consumeOffset: Number(byKey.get(mq.key()) ?? -1n),
    });
    cachedMsgCount += pq.msgCount;
    cachedMsgBytes += pq.msgSize;
  }
  return { ownedQueues: queues.length, pullRequestsInFlight, cachedMsgCount, cachedMsgBytes, activeHandlers, queues };
}
