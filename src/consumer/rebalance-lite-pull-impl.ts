import type { Logger } from '../logger';
import type { MessageQueue } from '../client/message-queue';
import type { AssignedMessageQueue } from './assigned-message-queue';
import { persistAndForgetOffset } from './broker-offset-lookups';
import { ConsumerRebalanceHost, type RebalanceOwner } from './consumer-rebalance-host';
import type { LitePullCommitter } from './lite-pull-committer';
import type { LitePullConsumerConfig } from './lite-pull-consumer-config';
import type { MessageQueueListener } from './lite-pull-listeners';
import type { LitePullTaskTable } from './lite-pull-task';
import type { PullRequest } from './rebalance-impl';

/** What the rebalance needs of the lite pull consumer. */
export interface LitePullRebalanceOwner extends RebalanceOwner {
  readonly log: Logger;
  readonly config: Pick<LitePullConsumerConfig, 'messageModel' | 'consumeFromWhere' | 'consumeTimestamp' | 'autoCommit'>;
  readonly assigned: AssignedMessageQueue;
  readonly tasks: LitePullTaskTable;
  readonly committer: LitePullCommitter;
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
export class RebalanceLitePullImpl extends ConsumerRebalanceHost {
  readonly queueListeners = new Map<string, MessageQueueListener>();
  /** Start offsets the rebalance computed for new queues, taken when their state is created. */
  private readonly starts = new Map<string, bigint>();

  constructor(private readonly c: LitePullRebalanceOwner) {
    super(c, 'MEMORY_FIRST_THEN_STORE');
  }

  removeUnnecessaryMessageQueue(mq: MessageQueue): Promise<boolean> {
    if (this.c.config.autoCommit) this.c.committer.commitQueue(mq);
    return persistAndForgetOffset(this.c.offsetStore, mq, this.c.log);
  }
  dispatchPullRequest(requests: PullRequest[]): void {
    for (const r of requests) this.starts.set(r.messageQueue.key(), r.nextOffset);
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
