import * as api from '../../src/index';

// The public API, exactly (types are erased at run time and are checked by tsc on the demo and e2e code).
const EXPECTED_EXPORTS = [
  'AccessDeniedError',
  'AclClientRPCHook',
  'RequestTimeoutError',
  'SessionCredentials',
  'TransactionMQProducer',
  'createReplyMessage',
  'getReplyToClient',
  'BrokerResponseError',
  'CHANNEL_PRODUCER_SEND',
  'CHANNEL_PRODUCER_SEND_RETRY',
  'SendOutcomeUnknownError',
  'CHANNEL_REMOTING_REQUEST',
  'ClientError',
  'ClientStateError',
  'DefaultMQProducer',
  'DefaultLitePullConsumer',
  'SubscriptionConflictError',
  'InvalidArgumentError',
  'InvalidConfigError',
  'Message',
  'MessageQueue',
  'RemotingClosedError',
  'RemotingConnectError',
  'RemotingError',
  'RemotingProtocolError',
  'RemotingSendError',
  'RemotingTimeoutError',
  'RemotingTooManyRequestsError',
  'RequestAbortedError',
  'RocketMQError',
  'RpcHookError',
  'SendRetriesExhaustedError',
  'TopicRouteNotFoundError',
  'createConsoleLogger',
  'createRoundRobinSelector',
  'selectMessageQueueByHash',
  'selectMessageQueueByRandom',
  'silentLogger',
  'SimpleConsumer',
  'MessageView',
  'BrokerFeatureNotSupportedError',
  'DefaultMQPushConsumer',
  'ConsumeConcurrentlyStatus',
  'FilterExpressionRefusedError',
  'ConsumeOrderlyStatus',
  'AllocateMessageQueueAveragely',
  'AllocateMessageQueueAveragelyByCircle',
  'AllocateMessageQueueConsistentHash',
  'AllocateMessageQueueByMachineRoom',
  'AllocateMessageQueueByConfig',
  'AllocateMachineRoomNearby',
];

test('src/index.ts exports exactly the public API', () => {
  expect(Object.keys(api).sort()).toEqual([...EXPECTED_EXPORTS].sort());
});

test('internals stay internal', () => {
  for (const name of ['MQClientInstance', 'MQClientManager', 'RemotingClient', 'DefaultMQProducerImpl', 'RemotingCommand']) {
    expect(Object.keys(api)).not.toContain(name);
  }
});
