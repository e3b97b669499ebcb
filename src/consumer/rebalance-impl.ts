import type { Logger } from '../logger';
import type { MessageModel } from '../client/heartbeat-data';
import type { MessageQueue } from '../client/message-queue';
import type { SubscriptionData } from '../client/subscription-data';
import { ProcessQueue } from './process-queue';
import type { AllocateMessageQueueStrategy } from './rebalance/allocate-message-queue-strategy';

/** Java `PullRequest`: one pull loop's state, bound to one (queue, process queue) assignment. */
export interface PullRequest {
  consumerGroup: string;
  messageQueue: MessageQueue;
  processQueue: ProcessQueue;
  nextOffset: bigint;
}

/** What the push consumer supplies to its rebalance (Java `RebalancePushImpl`'s hooks). */
export interface RebalanceHost {
  readonly consumerGroup: string;
  messageModel(): MessageModel;
  readonly strategy: AllocateMessageQueueStrategy;
  clientId(): string;
  findConsumerIdList(topic: string): Promise<string[] | undefined>;
  /** The start offset of a newly assigned queue; rejects when it cannot be known (the queue is not taken). */
  computePullFromWhere(mq: MessageQueue): Promise<bigint>;
  /** Persists the queue's offset (checked) and forgets it; false keeps the process queue. */
  removeUnnecessaryMessageQueue(mq: MessageQueue, pq: ProcessQueue): Promise<boolean>;
  /** Forgets any offset held for a queue about to be (re)taken. */
  removeDirtyOffset(mq: MessageQueue): void;
  dispatchPullRequest(requests: PullRequest[]): void;
  /** The broker allocates this topic (`clientRebalance: false`); false leaves it to the client-side round. */
  rebalanceByBroker?(topic: string): Promise<boolean>;
  /** The assignment of a topic changed (thresholds, subVersion, heartbeat). */
  messageQueueChanged(topic: string, mqAll: ReadonlySet<MessageQueue>, mqDivided: ReadonlySet<MessageQueue>): void;
  /** Orderly consumption (push only): new queues are locked on their broker before they are pulled (clustering). */
  isConsumeOrderly?(): boolean;
  /** LOCK_BATCH_MQ to the master of `brokerName`: the queues it locked for us. Rejects when it cannot be asked. */
  lockBatchMQ?(brokerName: string, mqs: readonly MessageQueue[]): Promise<MessageQueue[]>;
  /** UNLOCK_BATCH_MQ to the master of `brokerName`. */
  unlockBatchMQ?(brokerName: string, mqs: readonly MessageQueue[], oneway: boolean): Promise<void>;
  /** Another rebalance round soon (a queue could not be locked yet). */
  rebalanceLater?(delayMs: number): void;
  /** The broker confirmed our lock of a queue. */
  onQueueLocked?(mq: MessageQueue, pq: ProcessQueue): void;
}

/** Java `rebalanceLater(500)` after a queue could not be locked. */
const RELOCK_REBALANCE_DELAY_MS = 500;

/**
 * Java `RebalanceImpl`: per subscribed topic, allocate the topic's queues among the group's members with
 * the strategy, then drop the process queues no longer owned (offset persisted first) and start exactly
 * one pull loop per newly owned queue. A queue whose start offset cannot be read is left for the next round.
 */
export class RebalanceImpl {
  readonly processQueueTable = new Map<string, { mq: MessageQueue; pq: ProcessQueue }>();
  readonly topicSubscribeInfoTable = new Map<string, ReadonlySet<MessageQueue>>();
  readonly subscriptionInner = new Map<string, SubscriptionData>();
  private running: Promise<void> | undefined;

  constructor(
    private readonly host: RebalanceHost,
    private readonly log: Logger,
  ) {}

  /** Java `updateTopicSubscribeInfo` of the consumers: the readable queues of a subscribed topic. */
  updateTopicSubscribeInfo(topic: string, queues: ReadonlySet<MessageQueue>): void {
    if (this.subscriptionInner.has(topic)) this.topicSubscribeInfoTable.set(topic, queues);
  }

  /** A subscribed topic whose queues are not known yet. */
  isSubscribeTopicNeedUpdate(topic: string): boolean {
    return this.subscriptionInner.has(topic) && !this.topicSubscribeInfoTable.has(topic);
  }

  /** One round over every subscription; overlapping calls share the round in progress. */
  doRebalance(): Promise<void> {
    if (this.running) return this.running;
    this.running = this.rebalanceAll().finally(() => (this.running = undefined));
    return this.running;
  }

  private async rebalanceAll(): Promise<void> {
    for (const topic of [...this.subscriptionInner.keys()]) {
      try {
        if (this.host.rebalanceByBroker && (await this.host.rebalanceByBroker(topic))) continue;
        await this.rebalanceByTopic(topic);
      } catch (err) {
        this.log.warn('rebalanceByTopic failed', { topic, err });
      }
    }
    await this.truncateMessageQueueNotMyTopic();
  }

  private async rebalanceByTopic(topic: string): Promise<void> {
    const mqSet = this.topicSubscribeInfoTable.get(topic);
    if (!mqSet) {
      this.log.warn('doRebalance, but the topic route is not known yet', { group: this.host.consumerGroup, topic });
      return;
    }
    if (this.host.messageModel() === 'BROADCASTING') {
      if (await this.updateProcessQueueTableInRebalance(topic, mqSet)) this.host.messageQueueChanged(topic, mqSet, mqSet);
      return;
    }
    const cidAll = await this.host.findConsumerIdList(topic);
    if (!cidAll || cidAll.length === 0) {
      this.log.warn('doRebalance, but the consumer id list is empty', { group: this.host.consumerGroup, topic });
      return;
    }
    const mqAll = [...mqSet].sort((a, b) => a.compareTo(b));
    const cids = [...cidAll].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    let allocated: MessageQueue[];
    try {
      allocated = this.host.strategy.allocate(this.host.consumerGroup, this.host.clientId(), mqAll, cids);
    } catch (err) {
      this.log.error('allocate message queue failed', { strategy: this.host.strategy.name, err });
      return;
    }
    const divided = new Set(allocated);
    if (await this.updateProcessQueueTableInRebalance(topic, divided)) {
      this.log.info('rebalanced', { group: this.host.consumerGroup, topic, cids: cids.length, queues: allocated.map(String) });
      this.host.messageQueueChanged(topic, mqSet, divided);
    }
  }

  /**
   * Java `updateProcessQueueTableInRebalance`: true when the set of owned queues changed. Orderly
   * (clustering): a new queue is taken only once its broker lock is ours; a dropped queue whose handler
   * is still running stays (dropped) until its release succeeds, even if it is assigned to us again. @internal
   */
  async updateProcessQueueTableInRebalance(topic: string, mqSet: ReadonlySet<MessageQueue>): Promise<boolean> {
    let changed = false;
    const needLock = this.host.isConsumeOrderly?.() === true && this.host.messageModel() === 'CLUSTERING';
    const wanted = new Set([...mqSet].map((q) => q.key()));
    for (const [key, { mq, pq }] of [...this.processQueueTable]) {
      if (mq.topic !== topic) continue;
      const expired = pq.isPullExpired();
      if (wanted.has(key) && !expired && !pq.dropped) continue;
      if (expired) this.log.warn('the pull of a queue stalled for too long, it is dropped and taken again', { mq: mq.toString() });
      pq.dropped = true;
      if (await this.host.removeUnnecessaryMessageQueue(mq, pq)) {
        this.processQueueTable.delete(key);
        changed = true;
      }
    }
    const requests: PullRequest[] = [];
    let allLocked = true;
    for (const mq of mqSet) {
      if (this.processQueueTable.has(mq.key())) continue;
      if (needLock && !(await this.lock(mq))) {
        this.log.warn('doRebalance, add a new mq failed, because lock failed', { group: this.host.consumerGroup, mq: mq.toString() });
        allLocked = false;
        continue;
      }
      this.host.removeDirtyOffset(mq);
      let nextOffset: bigint;
      try {
        nextOffset = await this.host.computePullFromWhere(mq);
      } catch (err) {
        this.log.warn('the start offset of a queue cannot be read, not taken this round', { mq: mq.toString(), err });
        continue;
      }
      if (nextOffset < 0n || this.processQueueTable.has(mq.key())) continue;
      const pq = new ProcessQueue();
      // As Java: locked from the start (broadcasting needs no broker lock; clustering just took it).
      pq.locked = true;
      pq.lastLockTimestamp = Date.now();
      this.processQueueTable.set(mq.key(), { mq, pq });
      requests.push({ consumerGroup: this.host.consumerGroup, messageQueue: mq, processQueue: pq, nextOffset });
      this.log.info('doRebalance, add a new mq', { group: this.host.consumerGroup, mq: mq.toString(), nextOffset: String(nextOffset) });
      changed = true;
    }
    if (!allLocked) this.host.rebalanceLater?.(RELOCK_REBALANCE_DELAY_MS);
    this.host.dispatchPullRequest(requests);
    return changed;
  }

  /** Process queues of topics no longer subscribed are dropped. */
  private async truncateMessageQueueNotMyTopic(): Promise<void> {
    for (const [key, { mq, pq }] of [...this.processQueueTable]) {
      if (this.subscriptionInner.has(mq.topic)) continue;
      pq.dropped = true;
      if (await this.host.removeUnnecessaryMessageQueue(mq, pq)) this.processQueueTable.delete(key);
    }
  }

  /** Drops one queue now (OFFSET_ILLEGAL); the next round takes it again. */
  async removeProcessQueue(mq: MessageQueue): Promise<void> {
    const held = this.processQueueTable.get(mq.key());
    if (!held) return;
    held.pq.dropped = true;
    await this.host.removeUnnecessaryMessageQueue(mq, held.pq);
    this.processQueueTable.delete(mq.key());
  }

  /** Java `RebalanceImpl.lock`: LOCK_BATCH_MQ for one queue; true when it is ours. Never rejects. */
  async lock(mq: MessageQueue): Promise<boolean> {
    try {
      const locked = (await this.host.lockBatchMQ?.(mq.brokerName, [mq])) ?? [];
      this.markLocked(locked);
      return locked.some((q) => q.key() === mq.key());
    } catch (err) {
      this.log.warn('lockBatchMQ failed', { mq: mq.toString(), err });
      return false;
    }
  }

  private markLocked(locked: readonly MessageQueue[]): void {
    const now = Date.now();
    for (const q of locked) {
      const held = this.processQueueTable.get(q.key());
      if (!held) continue;
      held.pq.locked = true;
      held.pq.lastLockTimestamp = now;
      this.host.onQueueLocked?.(held.mq, held.pq);
    }
  }

  /**
   * Java `RebalanceImpl.lockAll`: renews the lock of every held queue, broker by broker; a queue the broker
   * refuses is marked unlocked; a broker that fails leaves its queues to age (and expire locally). Dropped
   * queues are renewed only while their handler still runs (the next owner must wait for it).
   */
  async lockAll(): Promise<void> {
    for (const [brokerName, entries] of this.byBroker((pq) => !pq.dropped || pq.consumeLock.locked)) {
      let locked: MessageQueue[];
      try {
        locked = (await this.host.lockBatchMQ?.(brokerName, entries.map((e) => e.mq))) ?? [];
      } catch (err) {
        this.log.warn('lockBatchMQ failed', { brokerName, queues: entries.length, err });
        continue;
      }
      this.markLocked(locked);
      const ok = new Set(locked.map((q) => q.key()));
      for (const { mq, pq } of entries) {
        if (ok.has(mq.key())) continue;
        pq.locked = false;
        this.log.warn('the message queue lock failed', { group: this.host.consumerGroup, mq: mq.toString() });
      }
    }
  }

  /** Java `RebalanceImpl.unlock`: UNLOCK_BATCH_MQ for one queue; errors are logged. */
  async unlock(mq: MessageQueue, oneway: boolean): Promise<void> {
    try {
      await this.host.unlockBatchMQ?.(mq.brokerName, [mq], oneway);
    } catch (err) {
      this.log.warn('unlockBatchMQ failed; the broker frees the lock when it expires', { mq: mq.toString(), err });
    }
    const held = this.processQueueTable.get(mq.key());
    if (held) held.pq.locked = false;
  }

  /**
   * Java `RebalanceImpl.unlockAll` (shutdown): every held queue, broker by broker; errors are logged.
   * Unlike Java, a queue whose orderly handler is still running (it outlived the shutdown's wait) keeps
   * its broker lock until that expires: released now, another member would consume the queue beside the
   * handler, the next messages before the running one is done.
   */
  async unlockAll(oneway: boolean): Promise<void> {
    for (const { mq, pq } of this.processQueueTable.values()) {
      if (pq.consumeLock.locked) this.log.warn('a handler still runs on the queue at shutdown; its broker lock is left to expire', { mq: mq.toString() });
    }
    for (const [brokerName, entries] of this.byBroker((pq) => !pq.consumeLock.locked)) {
      try {
        await this.host.unlockBatchMQ?.(brokerName, entries.map((e) => e.mq), oneway);
      } catch (err) {
        this.log.warn('unlockBatchMQ failed; the broker frees the locks when they expire', { brokerName, err });
      }
      for (const { pq } of entries) pq.locked = false;
    }
  }

  private byBroker(keep: (pq: ProcessQueue) => boolean): Map<string, Array<{ mq: MessageQueue; pq: ProcessQueue }>> {
    const out = new Map<string, Array<{ mq: MessageQueue; pq: ProcessQueue }>>();
    for (const e of this.processQueueTable.values()) {
      if (!keep(e.pq)) continue;
      const list = out.get(e.mq.brokerName);
      if (list) list.push(e);
      else out.set(e.mq.brokerName, [e]);
    }
    return out;
  }

  /** Drops every queue (shutdown): pull loops see `dropped` and stop. */
  dropAll(): void {
    for (const { pq } of this.processQueueTable.values()) pq.dropped = true;
  }
}
