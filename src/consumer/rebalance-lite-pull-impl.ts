import type { Logger } from '../logger';
import type { MessageModel } from '../client/heartbeat-data';
import type { MessageQueue } from '../client/message-queue';
import type { MQClientInstance } from '../client/mq-client-instance';
import type { AssignedMessageQueue } from './assigned-message-queue';
import { brokerOffsetLookups, persistAndForgetOffset } from './broker-offset-lookups';
import { computePullFromWhere } from './compute-pull-from-where';
import type { LitePullCommitter } from './lite-pull-committer';
import type { LitePullConsumerConfig } from './lite-pull-consumer-config';
import type { MessageQueueListener } from './lite-pull-listeners';
import type { LitePullTaskTable } from './lite-pull-task';
import type { AllocateMessageQueueStrategy } from './rebalance/allocate-message-queue-strategy';
import type { PullRequest, RebalanceHost } from './rebalance-impl';
import type { OffsetStore } from './store/offset-store';


/** What the rebalance needs of the lite pull consumer. */
export interface LitePullRebalanceOwner {
  readonly consumerGroup: string;
  readonly strategy: AllocateMessageQueueStrategy;
  readonly log: Logger;
  readonly config: Pick<LitePullConsumerConfig, 'messageModel' | 'consumeFromWhere' | 'consumeTimestamp' | 'autoCommit'>;
  readonly assigned: AssignedMessageQueue;
  readonly tasks: LitePullTaskTable;
  readonly committer: LitePullCommitter;
  readonly clientInstance: MQClientInstance;
  readonly offsetStore: OffsetStore;
  unwrap(mq: MessageQueue): MessageQueue;
  userTopic(topic: string): string;
}

/**
 * Java `RebalanceLitePullImpl`: the lite pull consumer's side of `RebalanceImpl`. A new queue starts at its
 * stored offset (memory first), else where `consumeFromWhere` says; a queue that leaves has its offset
 * persisted (with auto-commit, what was polled is committed first; Java persists only what was committed);
 * the assignment of a topic (all its queues when broadcasting) becomes the assigned queues and their pull
 * tasks, and the subscriber's `MessageQueueListener` hears of it.
 */
export class RebalanceLitePullImpl implements RebalanceHost {
  readonly queueListeners = new Map<string, MessageQueueListener>();
  /** Start offsets the rebalance computed for new queues, taken when their state is created. */
  private readonly starts = new Map<string, bigint>();

  constructor(private readonly c: LitePullRebalanceOwner) {}

  get consumerGroup(): string {
    return this.c.consumerGroup;
  }
  get strategy(): AllocateMessageQueueStrategy {
    return this.c.strategy;
  }
  messageModel(): MessageModel {
    return this.c.config.messageModel;
  }
  clientId(): string {
    return this.c.clientInstance.clientId;
  }
  findConsumerIdList(topic: string): Promise<string[] | undefined> {
    return this.c.clientInstance.findConsumerIdList(topic, this.c.consumerGroup);
  }
  computePullFromWhere(mq: MessageQueue): Promise<bigint> {
    const { consumeFromWhere, consumeTimestamp } = this.c.config;
    return computePullFromWhere(mq, consumeFromWhere, consumeTimestamp, this.c.offsetStore, brokerOffsetLookups(this.c.clientInstance), 'MEMORY_FIRST_THEN_STORE');
  }
  removeUnnecessaryMessageQueue(mq: MessageQueue): Promise<boolean> {
    if (this.c.config.autoCommit) this.c.committer.commitQueue(mq);
    return persistAndForgetOffset(this.c.offsetStore, mq, this.c.log);
  }
  removeDirtyOffset(mq: MessageQueue): void {
    this.c.offsetStore.removeOffset(mq);
  }
  dispatchPullRequest(requests: PullRequest[]): void {
    for (const r of requests) this.starts.set(r.messageQueue.key(), r.nextOffset);
  }
  /** Lite pull is never orderly: no queue is locked on the broker, so the lock calls are never made. */
  isConsumeOrderly(): boolean {
    return false;
  }
  lockBatchMQ(): Promise<MessageQueue[]> {
    return Promise.resolve([]);
  }
  unlockBatchMQ(): Promise<void> {
    return Promise.resolve();
  }
  rebalanceLater(delayMs: number): void {
    setTimeout(() => void this.c.clientInstance.rebalanceImmediately().catch(() => undefined), delayMs).unref();
  }
  messageQueueChanged(topic: string, mqAll: ReadonlySet<MessageQueue>, mqDivided: ReadonlySet<MessageQueue>): void {
    const mine = this.c.config.messageModel === 'BROADCASTING' ? mqAll : mqDivided;
    this.c.assigned.update(mine, topic);
    for (const mq of mine) {
      const start = this.starts.get(mq.key());
      const state = this.c.assigned.get(mq);
      if (start !== undefined && state && state.pullOffset === -1n) state.pullOffset = start;
      this.starts.delete(mq.key());
    }
    this.c.tasks.update(mine, topic);
    const listener = this.queueListeners.get(topic);
    if (!listener) return;
    try {
      listener(this.c.userTopic(topic), [...mqAll].map((q) => this.c.unwrap(q)), [...mqDivided].map((q) => this.c.unwrap(q)));
    } catch (err) {
      this.c.log.error('messageQueueChanged listener threw', { topic, err });
    }
  }
}
