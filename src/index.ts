// Public API: every export is listed explicitly (no `export *`); test/unit/index.test.ts checks the list.
export {
  RocketMQError,
  RemotingError,
  RemotingConnectError,
  RemotingTimeoutError,
  RemotingSendError,
  RemotingClosedError,
  RemotingTooManyRequestsError,
  RemotingProtocolError,
  RequestAbortedError,
  BrokerResponseError,
  InvalidConfigError,
  InvalidArgumentError,
  ClientStateError,
  ClientError,
  TopicRouteNotFoundError,
  SendRetriesExhaustedError,
  RpcHookError,
  AccessDeniedError,
  RequestTimeoutError,
  SendOutcomeUnknownError,
} from './errors';
export type { Logger, LoggerLike, LogLevel, LogFields } from './logger';
export { createConsoleLogger, silentLogger } from './logger';

export { DefaultMQProducer } from './producer/default-mq-producer';
export type { ProducerOptions } from './producer/producer-options';
export type { ClientOptions } from './client/client-options';
export type { SendOptions } from './producer/send-options';
export { Message } from './message/message';
export type { MessageBody, MessageOptions } from './message/message';
export { MessageQueue } from './client/message-queue';
export type { SendResult, SendStatus, SendCallback } from './producer/send-result';
export { selectMessageQueueByHash, selectMessageQueueByRandom, createRoundRobinSelector } from './producer/queue-selector';
export type { MessageQueueSelector } from './producer/queue-selector';
export type {
  SendMessageHook,
  SendMessageContext,
  CheckForbiddenHook,
  CheckForbiddenContext,
  CommunicationMode,
  SendMessageType,
} from './producer/send-hooks';
export type { ServiceState } from './client/service-state';
export type { RPCHook } from './remoting/rpc-hook';
export { CHANNEL_REMOTING_REQUEST, CHANNEL_PRODUCER_SEND, CHANNEL_PRODUCER_SEND_RETRY } from './diagnostics';
export type { ProducerSendRetryMessage } from './diagnostics';
export type { OpenTelemetryOption, TracerProviderLike, MeterProviderLike } from './client/telemetry/telemetry-options';
export { TransactionMQProducer } from './producer/transaction-mq-producer';
export type { TransactionProducerOptions, TransactionSendResult } from './producer/transaction-mq-producer';
export type {
  TransactionListener,
  LocalTransactionState,
  EndTransactionHook,
  EndTransactionContext,
} from './producer/transaction-listener';
export type { MessageExt } from './message/message-decoder';
export { DefaultMQPushConsumer } from './consumer/default-mq-push-consumer';
export type { MessageSelector, MessageHandler } from './consumer/default-mq-push-consumer';
export type { MessageBatch, MessagesOptions } from './consumer/push-consumer-iterator';
export type { PushConsumerOptions } from './consumer/consumer-config';
export type { ConsumerStats, QueueStats } from './consumer/consumer-stats';
export { ConsumeConcurrentlyStatus } from './consumer/consume-message-concurrently-service';
export { FilterExpressionRefusedError } from './errors';
export type {
  ConsumeConcurrentlyContext,
  MessageListenerConcurrently,
} from './consumer/consume-message-concurrently-service';
export { ConsumeOrderlyStatus } from './consumer/consume-message-orderly-service';
export type { ConsumeOrderlyContext, MessageListenerOrderly } from './consumer/consume-message-orderly-service';
export type { MessageListener } from './consumer/default-mq-push-consumer-impl';
export {
  AllocateMessageQueueAveragely,
  AllocateMessageQueueAveragelyByCircle,
  AllocateMessageQueueConsistentHash,
  AllocateMessageQueueByMachineRoom,
  AllocateMessageQueueByConfig,
  AllocateMachineRoomNearby,
} from './consumer/rebalance';
export type { AllocateMessageQueueStrategy, MachineRoomResolver } from './consumer/rebalance';
export { createReplyMessage, getReplyToClient } from './producer/request-reply';
export type { RequestOptions } from './producer/request-reply';
export type { RequestCallback } from './producer/request-response-future';
export { AclClientRPCHook } from './client/acl-client-rpc-hook';
export { SessionCredentials } from './client/session-credentials';
export type { SessionCredentialsInit } from './client/session-credentials';
// Pop consumption (RocketMQ 5.x).
export { SimpleConsumer } from './consumer/pop/simple-consumer';
export { MessageView } from './consumer/pop/message-view';
export type { SimpleConsumerOptions, FilterExpression } from './consumer/pop/simple-consumer-options';
export { BrokerFeatureNotSupportedError } from './errors';
// Lite pull consumption.
export { DefaultLitePullConsumer } from './consumer/default-lite-pull-consumer';
export type {
  MessageQueueLike,
  MessageQueueListener,
  LitePullMessagesOptions,
  OffsetLike,
  TopicMessageQueueChangeListener,
} from './consumer/default-lite-pull-consumer';
export type { LitePullConsumerOptions } from './consumer/lite-pull-consumer-config';
export { SubscriptionConflictError } from './errors';
