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
} from './errors';
export type { Logger, LogLevel, LogFields } from './logger';
export { createConsoleLogger, silentLogger } from './logger';
