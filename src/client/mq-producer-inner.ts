import type { MessageExt } from '../message/message-decoder';
import type { CheckTransactionStateRequestHeader } from '../remoting/header/check-transaction-state-request-header';
import type { TopicPublishInfo } from './route/topic-publish-info';

/** A producer able to answer the broker's transaction check (Java `TransactionCheckListener` side of `MQProducerInner`). */
export interface TransactionCheckHandler {
  /** Called on the processor's turn; must only queue the work and return. */
  checkTransactionState(brokerAddr: string, msg: MessageExt, header: CheckTransactionStateRequestHeader): void;
}

/**
 * What a client instance needs to know of a registered producer (Java `MQProducerInner`). The client
 * defines it so that it never imports the producer; producers implement it.
 */
export interface MQProducerInner {
  getPublishTopicList(): Iterable<string>;
  isPublishTopicNeedUpdate(topic: string): boolean;
  updateTopicPublishInfo(topic: string, info: TopicPublishInfo): void;
  isUnitMode(): boolean;
  /** The handler of broker transaction checks, when this producer takes them (Java `getCheckListener`). */
  getTransactionCheckHandler?(): TransactionCheckHandler | undefined;
}
