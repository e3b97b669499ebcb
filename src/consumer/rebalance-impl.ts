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
  /** The assignment of a topic changed (thresholds, subVersion, heartbeat). */
  messageQueueChanged(topic: string, mqAll: ReadonlySet<MessageQueue>, mqDivided: ReadonlySet<MessageQueue>): void;
}

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

  /** Java `updateProcessQueueTableInRebalance`: true when the set of owned queues changed. */
  private async updateProcessQueueTableInRebalance(topic: string, mqSet: ReadonlySet<MessageQueue>): Promise<boolean> {
    let changed = false;
    const wanted = new Set([...mqSet].map((q) => q.key()));
    for (const [key, { mq, pq }] of [...this.processQueueTable]) {
      if (mq.topic !== topic) continue;
      const expired = pq.isPullExpired();
      if (wanted.has(key) && !expired) continue;
      if (expired) this.log.warn('the pull of a queue stalled for too long, it is dropped and taken again', { mq: mq.toString() });
      pq.dropped = true;
      if (await this.host.removeUnnecessaryMessageQueue(mq, pq)) {
        this.processQueueTable.delete(key);
        changed = true;
      }
    }
    const requests: PullRequest[] = [];
    for (const mq of mqSet) {
      if (this.processQueueTable.has(mq.key())) continue;
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
      this.processQueueTable.set(mq.key(), { mq, pq });
      requests.push({ consumerGroup: this.host.consumerGroup, messageQueue: mq, processQueue: pq, nextOffset });
      this.log.info('doRebalance, add a new mq', { group: this.host.consumerGroup, mq: mq.toString(), nextOffset: String(nextOffset) });
      changed = true;
    }
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

  /** Drops every queue (shutdown): pull loops see `dropped` and stop. */
  dropAll(): void {
    for (const { pq } of this.processQueueTable.values()) pq.dropped = true;
  }
}
