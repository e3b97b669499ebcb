// Header classes and helpers (internal API of the client layers; not exported from the package root).
export {
  HeaderField,
  RemotingHeader,
  headerFieldsOf,
  headerClassInfo,
  type HeaderClass,
  type HeaderClassInfo,
  type HeaderClassOptions,
  type HeaderFieldDescriptor,
  type HeaderFieldOptions,
  type HeaderFieldType,
} from './decorators';
export {
  toExtFields,
  fromExtFields,
  createHeader,
  fastHeaderKeysOf,
  type CommandCustomHeader,
  type HeaderFields,
  type HeaderValues,
} from './header-codec';
export {
  createRequestCommand,
  createResponseCommand,
  decodeCommandCustomHeader,
  type CommandOptions,
} from './create-command';
export { javaDoubleToString, parseJavaBoolean, parseJavaDouble, parseJavaInt, parseJavaLong } from './java-values';
export { RpcRequestHeader } from './rpc-request-header';
export { TopicRequestHeader } from './topic-request-header';
export { SendMessageRequestHeader } from './send-message-request-header';
export { SendMessageRequestHeaderV2 } from './send-message-request-header-v2';
export { SendMessageResponseHeader } from './send-message-response-header';
export { GetRouteInfoRequestHeader } from './get-route-info-request-header';
export { HeartbeatRequestHeader } from './heartbeat-request-header';
export { UnregisterClientRequestHeader } from './unregister-client-request-header';
export { EndTransactionRequestHeader, TransactionType } from './end-transaction-request-header';
export { CheckTransactionStateRequestHeader } from './check-transaction-state-request-header';
export { CheckTransactionStateResponseHeader } from './check-transaction-state-response-header';
export { ReplyMessageRequestHeader } from './reply-message-request-header';
export { GetMaxOffsetRequestHeader } from './get-max-offset-request-header';
export { GetMaxOffsetResponseHeader } from './get-max-offset-response-header';
export { GetMinOffsetRequestHeader } from './get-min-offset-request-header';
export { GetMinOffsetResponseHeader } from './get-min-offset-response-header';
export { SearchOffsetRequestHeader, type BoundaryType } from './search-offset-request-header';
export { SearchOffsetResponseHeader } from './search-offset-response-header';
export { GetEarliestMsgStoretimeRequestHeader } from './get-earliest-msg-storetime-request-header';
export { GetEarliestMsgStoretimeResponseHeader } from './get-earliest-msg-storetime-response-header';
export { QueryMessageRequestHeader } from './query-message-request-header';
export { QueryMessageResponseHeader } from './query-message-response-header';
export { ViewMessageRequestHeader } from './view-message-request-header';
export { CreateTopicRequestHeader, type TopicFilterType } from './create-topic-request-header';
export { RecallMessageRequestHeader } from './recall-message-request-header';
export { RecallMessageResponseHeader } from './recall-message-response-header';
export { PullMessageRequestHeader } from './pull-message-request-header';
export { PullMessageResponseHeader } from './pull-message-response-header';
export { QueryConsumerOffsetRequestHeader } from './query-consumer-offset-request-header';
export { QueryConsumerOffsetResponseHeader } from './query-consumer-offset-response-header';
export { UpdateConsumerOffsetRequestHeader } from './update-consumer-offset-request-header';
export { GetConsumerListByGroupRequestHeader } from './get-consumer-list-by-group-request-header';
export { ConsumerSendMsgBackRequestHeader } from './consumer-send-msg-back-request-header';
export { NotifyConsumerIdsChangedRequestHeader } from './notify-consumer-ids-changed-request-header';
export { ResetOffsetRequestHeader } from './reset-offset-request-header';
export { GetConsumerRunningInfoRequestHeader } from './get-consumer-running-info-request-header';
export { ConsumeMessageDirectlyResultRequestHeader } from './consume-message-directly-result-request-header';
export { GetConsumerStatusRequestHeader } from './get-consumer-status-request-header';
export { PopMessageRequestHeader } from './pop-message-request-header';
export { PopMessageResponseHeader } from './pop-message-response-header';
export { AckMessageRequestHeader } from './ack-message-request-header';
export { ChangeInvisibleTimeRequestHeader } from './change-invisible-time-request-header';
export { ChangeInvisibleTimeResponseHeader } from './change-invisible-time-response-header';
export { LockBatchMqRequestHeader, UnlockBatchMqRequestHeader } from './lock-batch-mq-request-header';
