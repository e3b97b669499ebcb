/**
 * Bookkeeping of the consumer-group e2e tests: what each member consumed (msgId, queue, offset, when) and which
 * queues each member pulled over time, so that a test can say which queues moved between members and whether
 * every duplicate delivery happened on one of them.
 */
import type { DefaultMQPushConsumer } from '../../../src/index';
import { MessageQueue } from '../../../src/client/message-queue';
import { silentLogger } from '../../../src/logger';
import { AllocateMessageQueueAveragely } from '../../../src/consumer/rebalance/allocate-message-queue-averagely';

export interface Delivery {
  member: string;
  msgId: string;
  queueId: number;
  offset: string;
  t: number;
}

export interface OwnershipEvent {
  t: number;
  member: string;
  queueId: number;
  action: 'take' | 'release';
}

export interface Duplicate {
  msgId: string;
  queueId: number;
  offset: string;
  members: string[];
  /** When each delivery happened. */
  times: number[];
  /** When the second delivery happened. */
  t: number;
}

export class GroupTracker {
  readonly deliveries: Delivery[] = [];
  readonly events: OwnershipEvent[] = [];
  /** What each member pulls now. */
  readonly owned = new Map<string, Set<number>>();

  deliver(d: Delivery): void {
    this.deliveries.push(d);
  }

  /** Records the queues a member pulls now; the difference with the last call becomes take / release events. */
  setOwned(member: string, queues: Iterable<number>, t = Date.now()): void {
    const now = new Set(queues);
    const before = this.owned.get(member) ?? new Set<number>();
    for (const q of now) if (!before.has(q)) this.events.push({ t, member, queueId: q, action: 'take' });
    for (const q of before) if (!now.has(q)) this.events.push({ t, member, queueId: q, action: 'release' });
    this.owned.set(member, now);
  }

  /** Queues taken more than once over the run (by another member, or by the same one again). */
  movedQueues(): Set<number> {
    const takes = new Map<number, number>();
    for (const e of this.events) if (e.action === 'take') takes.set(e.queueId, (takes.get(e.queueId) ?? 0) + 1);
    return new Set([...takes].filter(([, n]) => n > 1).map(([q]) => q));
  }

  /** Every msgId delivered more than once, with the members that got it, in delivery order. */
  duplicates(): Duplicate[] {
    const byId = new Map<string, Delivery[]>();
    for (const d of this.deliveries) {
      const list = byId.get(d.msgId);
      if (list) list.push(d);
      else byId.set(d.msgId, [d]);
    }
    const out: Duplicate[] = [];
    for (const [msgId, list] of byId) {
      if (list.length < 2) continue;
      list.sort((a, b) => a.t - b.t);
      out.push({ msgId, queueId: list[0]!.queueId, offset: list[0]!.offset, members: list.map((d) => d.member), times: list.map((d) => d.t), t: list[1]!.t });
    }
    return out;
  }

  consumedIds(): Set<string> {
    return new Set(this.deliveries.map((d) => d.msgId));
  }

  /**
   * The members' current assignment when it is the one the default strategy (averagely, over the sorted client
   * ids and queues) gives for exactly these members: each queue pulled by exactly the member it belongs to, so no
   * stale assignment of a member that has not rebalanced yet passes. Undefined otherwise.
   */
  settled(clientIds: Readonly<Record<string, string>>, queueIds: readonly number[]): Record<string, number[]> | undefined {
    const cidAll = Object.values(clientIds).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    const mqAll = [...queueIds].sort((a, b) => a - b).map((q) => new MessageQueue('T', 'B', q));
    const strategy = new AllocateMessageQueueAveragely({ logger: silentLogger });
    const out: Record<string, number[]> = {};
    for (const [member, cid] of Object.entries(clientIds)) {
      const want = strategy.allocate('G', cid, mqAll, cidAll).map((q) => q.queueId);
      const have = [...(this.owned.get(member) ?? [])].sort((a, b) => a - b);
      if (JSON.stringify(want) !== JSON.stringify(have)) return undefined;
      out[member] = have;
    }
    return out;
  }
}

/** The queues of `topic` an in-process consumer pulls now (dropped process queues excluded). */
export function ownedQueues(consumer: DefaultMQPushConsumer, topic: string): number[] {
  return [...consumer.impl.rebalanceImpl.processQueueTable.values()]
    .filter((e) => e.mq.topic === topic && !e.pq.dropped)
    .map((e) => e.mq.queueId)
    .sort((a, b) => a - b);
}
