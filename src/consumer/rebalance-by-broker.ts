import { BrokerResponseError } from '../errors';
import type { Logger } from '../logger';
import type { MessageQueueAssignment } from '../client/body/assignment-body';
import type { MessageQueue } from '../client/message-queue';
import { buildSubscriptionData, type SubscriptionData } from '../client/subscription-data';
import { RETRY_GROUP_TOPIC_PREFIX } from '../message/namespace';
import { ResponseCode } from '../remoting/protocol/response-code';
import { buildPopRetryTopicV1 } from './pop/extra-info';
import { PopProcessQueue } from './pop/pop-process-queue';
import type { PopRequest } from './pop/pop-pull-service';

/** What the broker-side rebalance needs of the push consumer. */
export interface BrokerRebalanceHost {
  readonly consumerGroup: string;
  readonly log: Logger;
  readonly subscriptionInner: Map<string, SubscriptionData>;
  /** QUERY_ASSIGNMENT to a broker of the topic; undefined when no broker of it is known. */
  queryAssignment(topic: string): Promise<MessageQueueAssignment[] | undefined>;
  /** The pull-mode part: Java `updateProcessQueueTableInRebalance` over these queues; true when it changed. */
  updatePullQueues(topic: string, queues: ReadonlySet<MessageQueue>): Promise<boolean>;
  dispatchPopRequests(requests: PopRequest[]): void;
  popInitMode(): number;
  messageQueueChanged(topic: string, mqAll: ReadonlySet<MessageQueue>, mqDivided: ReadonlySet<MessageQueue>): void;
}

/**
 * Java `RebalanceImpl.getRebalanceResultFromBroker` / `updateMessageQueueAssignment` (push consumer with
 * `clientRebalance: false`): the broker allocates the queues and says for each whether it is pulled (the
 * usual pull loop and offsets) or popped (a pop loop, acks instead of offsets), as the group's request
 * mode (`mqadmin setConsumeMode`) says. Switching a topic to pop drops its pull queues and the other way round.
 *
 * Unlike Java, a broker that does not know QUERY_ASSIGNMENT (4.x) sends the consumer back to the client-side
 * rebalance instead of leaving it with no queues.
 */
export class RebalanceByBroker {
  readonly popProcessQueueTable = new Map<string, { mq: MessageQueue; pq: PopProcessQueue }>();
  private unsupported = false;

  constructor(private readonly host: BrokerRebalanceHost) {}

  /** One topic's round; false when the client-side rebalance must do it (the broker cannot). */
  async rebalance(topic: string): Promise<boolean> {
    if (this.unsupported) return false;
    let assignments: MessageQueueAssignment[] | undefined;
    try {
      assignments = await this.host.queryAssignment(topic);
    } catch (err) {
      if (err instanceof BrokerResponseError && err.responseCode === ResponseCode.REQUEST_CODE_NOT_SUPPORTED) {
        this.unsupported = true;
        this.host.log.warn('the broker does not allocate queues (QUERY_ASSIGNMENT unsupported); the client rebalances', { topic });
        return false;
      }
      if (!topic.startsWith(RETRY_GROUP_TOPIC_PREFIX)) this.host.log.warn('query assignment failed', { topic, err });
      return true;
    }
    if (!assignments) return true;
    const pull = new Map<string, MessageQueue>();
    const pop = new Map<string, MessageQueue>();
    for (const a of assignments) (a.mode === 'POP' ? pop : pull).set(a.messageQueue.key(), a.messageQueue);
    this.switchPopRetrySubscription(topic, pull.size, pop.size);
    let changed = await this.host.updatePullQueues(topic, new Set(pull.values()));
    if (this.updatePopQueues(topic, pop)) changed = true;
    if (changed) {
      const all = new Set([...pull.values(), ...pop.values()]);
      this.host.log.info('broker rebalanced result changed', { group: this.host.consumerGroup, topic, pull: pull.size, pop: pop.size });
      this.host.messageQueueChanged(topic, all, all);
    }
    return true;
  }

  /** Pulling a topic: its pop retry topic is pulled too (what was popped and failed); popping: the broker serves it. */
  private switchPopRetrySubscription(topic: string, pulled: number, popped: number): void {
    if (topic.startsWith(RETRY_GROUP_TOPIC_PREFIX)) return;
    const retry = buildPopRetryTopicV1(topic, this.host.consumerGroup);
    if (popped === 0 && pulled > 0) this.host.subscriptionInner.set(retry, buildSubscriptionData(retry, '*', 'TAG'));
    else if (popped > 0 && pulled === 0) this.host.subscriptionInner.delete(retry);
  }

  private updatePopQueues(topic: string, assigned: ReadonlyMap<string, MessageQueue>): boolean {
    let changed = false;
    for (const [key, { mq, pq }] of [...this.popProcessQueueTable]) {
      if (mq.topic !== topic) continue;
      const expired = pq.isPullExpired();
      if (assigned.has(key) && !expired) continue;
      if (expired) this.host.log.warn('the pop of a queue stalled for too long, it is dropped and taken again', { mq: mq.toString() });
      pq.dropped = true;
      this.popProcessQueueTable.delete(key);
      changed = true;
    }
    const requests: PopRequest[] = [];
    for (const [key, mq] of assigned) {
      if (this.popProcessQueueTable.has(key)) continue;
      const pq = new PopProcessQueue();
      this.popProcessQueueTable.set(key, { mq, pq });
      requests.push({ consumerGroup: this.host.consumerGroup, messageQueue: mq, processQueue: pq, initMode: this.host.popInitMode() });
      this.host.log.info('doRebalance, add a new pop mq', { group: this.host.consumerGroup, mq: mq.toString() });
      changed = true;
    }
    this.host.dispatchPopRequests(requests);
    return changed;
  }

  /** Pop queues of topics no longer subscribed are dropped. */
  truncateMessageQueueNotMyTopic(): void {
    for (const [key, { mq, pq }] of [...this.popProcessQueueTable]) {
      if (this.host.subscriptionInner.has(mq.topic)) continue;
      pq.dropped = true;
      this.popProcessQueueTable.delete(key);
    }
  }

  dropAll(): void {
    for (const { pq } of this.popProcessQueueTable.values()) pq.dropped = true;
  }
}
