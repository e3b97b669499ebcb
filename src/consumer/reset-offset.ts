import type { MessageQueue } from '../client/message-queue';
import type { PushConsumerCore } from './push-consumer-hosts';
import type { RebalancePushImpl } from './rebalance-push-impl';

/** How long a reset waits for pull answers in flight before it persists the new offsets. */
const RESET_OFFSET_SETTLE_MS = 1000;

/** The consumer as the reset sees it: its core, and the pause that keeps rebalance and pulls off meanwhile. */
export interface ResetOffsetHost extends PushConsumerCore {
  suspend(): void;
  resume(): void;
}

/**
 * Java `MQClientInstance.resetOffset` (the broker's RESET_CONSUMER_CLIENT_OFFSET, `mqadmin resetOffsetByTime`):
 * suspend, drop the named queues of `topic` (their handlers can no longer commit), let answers in flight
 * land, set and persist the new offsets (checked), release the queues, resume: the next rebalance takes them
 * again from the new offsets. Java waits 10 s for handlers to finish; here dropped queues never commit, so
 * a short settle is enough.
 */
export async function resetOffset(
  host: ResetOffsetHost,
  release: RebalancePushImpl,
  topic: string,
  offsets: ReadonlyArray<{ mq: MessageQueue; offset: bigint }>,
): Promise<void> {
  const wanted = new Map(offsets.filter((o) => o.mq.topic === topic).map((o) => [o.mq.key(), o.offset]));
  const table = host.rebalanceImpl.processQueueTable;
  host.suspend();
  try {
    for (const { mq, pq } of table.values()) {
      if (!wanted.has(mq.key())) continue;
      pq.dropped = true;
      pq.clear();
    }
    await new Promise<void>((r) => setTimeout(r, RESET_OFFSET_SETTLE_MS).unref());
    for (const [key, { mq, pq }] of [...table]) {
      const offset = wanted.get(key);
      if (offset === undefined) continue;
      host.offsetStore.updateOffset(mq, offset, false);
      // Orderly: a handler still running keeps the lock; the reset offset is persisted all the same.
      if (!(await release.removeUnnecessaryMessageQueue(mq, pq))) await release.persistAndForget(mq);
      table.delete(key);
    }
  } finally {
    host.resume();
  }
}
