import type { MessageExt } from '../message/message-decoder';
import type { ConsumeMessageDirectlyResult } from './body/consume-message-directly-result';
import type { ConsumerRunningInfo } from './body/consumer-running-info';
import type { ConsumeFromWhere, ConsumeType, MessageModel } from './heartbeat-data';
import type { MessageQueue } from './message-queue';
import type { SubscriptionData } from './subscription-data';

export type { ConsumeType } from './heartbeat-data';

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
  messageModel(): MessageModel;
  consumeFromWhere(): ConsumeFromWhere;
  /** The subscriptions as heartbeats carry them (the `%RETRY%<group>` one included in clustering). */
  subscriptions(): Iterable<SubscriptionData>;
  doRebalance(): Promise<void>;
  persistConsumerOffset(): Promise<void>;
  updateTopicSubscribeInfo(topic: string, queues: ReadonlySet<MessageQueue>): void;
  isSubscribeTopicNeedUpdate(topic: string): boolean;
  isUnitMode(): boolean;
  /** CONSUME_MESSAGE_DIRECTLY (an admin's `queryMsgById -g -d`): run the listener on one message, commit nothing. */
  consumeMessageDirectly?(msg: MessageExt, brokerName: string | undefined): Promise<ConsumeMessageDirectlyResult>;
  /** GET_CONSUMER_RUNNING_INFO (`mqadmin consumerStatus`): the consumer's own part; the instance adds its properties. */
  consumerRunningInfo?(): ConsumerRunningInfo;
  /** RESET_CONSUMER_CLIENT_OFFSET (`mqadmin resetOffsetByTime`): pause, drop the queues, set and persist, resume. */
  resetOffset?(topic: string, offsets: ReadonlyArray<{ mq: MessageQueue; offset: bigint }>): Promise<void>;
}
