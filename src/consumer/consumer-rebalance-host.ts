import type { ConsumeFromWhere, MessageModel } from '../client/heartbeat-data';
import type { MessageQueue } from '../client/message-queue';
import type { MQClientInstance } from '../client/mq-client-instance';
import { brokerOffsetLookups } from './broker-offset-lookups';
import { computePullFromWhere } from './compute-pull-from-where';
import type { ProcessQueue } from './process-queue';
import type { AllocateMessageQueueStrategy } from './rebalance/allocate-message-queue-strategy';
import type { PullRequest, RebalanceHost } from './rebalance-impl';
import type { OffsetStore, ReadOffsetType } from './store/offset-store';

/** What both consumers (push and lite pull) give their rebalance host; read lazily (some throw before start). */
export interface RebalanceOwner {
  readonly consumerGroup: string;
  readonly strategy: AllocateMessageQueueStrategy;
  readonly config: { readonly messageModel: MessageModel; readonly consumeFromWhere: ConsumeFromWhere; readonly consumeTimestamp: string };
  readonly clientInstance: MQClientInstance;
  readonly offsetStore: OffsetStore;
}

/**
 * The part of Java's `RebalancePushImpl` / `RebalanceLitePullImpl` they share: the group, the model, the
 * members of the group, and where a newly owned queue starts (`readType`: the lite pull consumer reads its
 * memory first). The consumer-specific subclasses release queues and start their pulls.
 */
export abstract class ConsumerRebalanceHost implements RebalanceHost {
  constructor(
    private readonly owner: RebalanceOwner,
    private readonly readType: ReadOffsetType = 'READ_FROM_STORE',
  ) {}

  get consumerGroup(): string {
    return this.owner.consumerGroup;
  }
  get strategy(): AllocateMessageQueueStrategy {
    return this.owner.strategy;
  }
  messageModel(): MessageModel {
    return this.owner.config.messageModel;
  }
  clientId(): string {
    return this.owner.clientInstance.clientId;
  }
  findConsumerIdList(topic: string): Promise<string[] | undefined> {
    return this.owner.clientInstance.findConsumerIdList(topic, this.owner.consumerGroup);
  }
  computePullFromWhere(mq: MessageQueue): Promise<bigint> {
    const { config, offsetStore, clientInstance } = this.owner;
    return computePullFromWhere(mq, config.consumeFromWhere, config.consumeTimestamp, offsetStore, brokerOffsetLookups(clientInstance), this.readType);
  }
  removeDirtyOffset(mq: MessageQueue): void {
    this.owner.offsetStore.removeOffset(mq);
  }

  abstract removeUnnecessaryMessageQueue(mq: MessageQueue, pq: ProcessQueue): Promise<boolean>;
  abstract dispatchPullRequest(requests: PullRequest[]): void;
  abstract messageQueueChanged(topic: string, mqAll: ReadonlySet<MessageQueue>, mqDivided: ReadonlySet<MessageQueue>): void;
}
