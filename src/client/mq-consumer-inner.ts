import type { MessageQueue } from './message-queue';

/** Java `ConsumeType`. */
export type ConsumeType = 'CONSUME_ACTIVELY' | 'CONSUME_PASSIVELY' | 'CONSUME_POP';

/**
 * What a client instance needs to know of a registered consumer (Java `MQConsumerInner`). Defined by
 * the client so that consumers plug in the way producers do (`MQProducerInner`), without the client
 * importing them. Consumers register their broker-request handlers (NOTIFY_CONSUMER_IDS_CHANGED,
 * RESET_CONSUMER_CLIENT_OFFSET, GET_CONSUMER_RUNNING_INFO, CONSUME_MESSAGE_DIRECTLY) with the
 * instance's `ClientRemotingProcessor`.
 */
export interface MQConsumerInner {
  groupName(): string;
  consumeType(): ConsumeType;
  subscriptions(): Iterable<string>;
  doRebalance(): Promise<void>;
  persistConsumerOffset(): Promise<void>;
  updateTopicSubscribeInfo(topic: string, queues: ReadonlySet<MessageQueue>): void;
  isSubscribeTopicNeedUpdate(topic: string): boolean;
  isUnitMode(): boolean;
}
