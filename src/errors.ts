import { boundPeerText } from './peer-text';

/**
 * One typed error tree for the whole client. Every error has a stable `code`, a `retriable`
 * flag the producer's retry policy reads, and an optional ES2022 `cause`.
 */

export interface RocketMQErrorOptions {
  cause?: unknown;
  retriable?: boolean;
}

export class RocketMQError extends Error {
  /** Stable machine-readable code, e.g. `ERR_REMOTING_TIMEOUT`. */
  readonly code: string;
  /** Whether sending the same request again (possibly elsewhere) may succeed. */
  readonly retriable: boolean;

  constructor(code: string, message: string, options: RocketMQErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.retriable = options.retriable ?? false;
    Object.defineProperty(this, 'name', { value: new.target.name, enumerable: false, configurable: true });
  }
}

/** Transport failures: connect, timeout, write, close, malformed frames. */
export class RemotingError extends RocketMQError {}

export class RemotingConnectError extends RemotingError {
  readonly addr: string;
  constructor(addr: string, message: string, options: RocketMQErrorOptions = {}) {
    super('ERR_REMOTING_CONNECT', message, { retriable: true, ...options });
    this.addr = addr;
  }
}

export interface RemotingTimeoutInfo {
  opaque?: number;
  requestCode?: number;
  addr: string;
  timeoutMs: number;
  /** Epoch ms when the call was made. */
  createdAt?: number;
  /** Epoch ms when the frame was handed to the socket (undefined if it never was). */
  sentAt?: number;
}

export class RemotingTimeoutError extends RemotingError {
  readonly opaque?: number;
  readonly requestCode?: number;
  readonly addr: string;
  readonly timeoutMs: number;
  readonly createdAt?: number;
  readonly sentAt?: number;
  constructor(info: RemotingTimeoutInfo, message?: string, options: RocketMQErrorOptions = {}) {
    super(
      'ERR_REMOTING_TIMEOUT',
      message ??
        `request ${info.requestCode ?? '?'} (opaque ${info.opaque ?? '?'}) to ${info.addr} timed out after ${info.timeoutMs} ms`,
      { retriable: true, ...options },
    );
    this.opaque = info.opaque;
    this.requestCode = info.requestCode;
    this.addr = info.addr;
    this.timeoutMs = info.timeoutMs;
    this.createdAt = info.createdAt;
    this.sentAt = info.sentAt;
  }
}

export class RemotingSendError extends RemotingError {
  readonly addr: string;
  constructor(addr: string, message: string, options: RocketMQErrorOptions = {}) {
    super('ERR_REMOTING_SEND', message, { retriable: true, ...options });
    this.addr = addr;
  }
}

export class RemotingClosedError extends RemotingError {
  readonly addr: string;
  constructor(addr: string, message: string, options: RocketMQErrorOptions = {}) {
    super('ERR_REMOTING_CLOSED', message, { retriable: true, ...options });
    this.addr = addr;
  }
}

/** Too many requests in flight: refused at once rather than queued without bound. */
export class RemotingTooManyRequestsError extends RemotingError {
  readonly limit: number;
  constructor(limit: number, kind: 'async' | 'oneway') {
    super('ERR_REMOTING_TOO_MANY_REQUESTS', `too many requests: ${limit} ${kind} requests already in flight`, {
      retriable: false,
    });
    this.limit = limit;
  }
}

/** A peer sent bytes we cannot decode; the connection that carried them is closed. */
export class RemotingProtocolError extends RemotingError {
  constructor(message: string, options: RocketMQErrorOptions = {}) {
    super('ERR_REMOTING_PROTOCOL', message, { retriable: false, ...options });
  }
}

/** The call was aborted through its AbortSignal. */
export class RequestAbortedError extends RocketMQError {
  constructor(message = 'request aborted', options: RocketMQErrorOptions = {}) {
    super('ERR_ABORTED', message, { retriable: false, ...options });
  }
}

/** A broker or name server answered with a non-success response code. */
export class BrokerResponseError extends RocketMQError {
  readonly responseCode: number;
  readonly remark: string | undefined;
  readonly brokerAddr: string | undefined;
  constructor(
    responseCode: number,
    remark: string | undefined,
    brokerAddr: string | undefined,
    options: RocketMQErrorOptions = {},
  ) {
    super(
      'ERR_BROKER_RESPONSE',
      `CODE: ${responseCode} DESC: ${boundPeerText(remark ?? '')}${brokerAddr ? ` BROKER: ${brokerAddr}` : ''}`,
      options,
    );
    this.responseCode = responseCode;
    this.remark = remark;
    this.brokerAddr = brokerAddr;
  }
}

export interface ConfigIssue {
  path: string;
  message: string;
}

/** Invalid configuration, refused before any I/O. */
export class InvalidConfigError extends RocketMQError {
  readonly issues: readonly ConfigIssue[];
  constructor(message: string, issues: readonly ConfigIssue[] = [], options: RocketMQErrorOptions = {}) {
    super('ERR_INVALID_CONFIG', message, options);
    this.issues = issues;
  }
}

/** Invalid topic, group, message or argument, refused before any I/O. */
export class InvalidArgumentError extends RocketMQError {
  /** The Java client's MQClientException code where one applies (13 for an illegal message). */
  readonly clientCode?: number;
  constructor(message: string, clientCode?: number, options: RocketMQErrorOptions = {}) {
    super('ERR_INVALID_ARGUMENT', message, options);
    this.clientCode = clientCode;
  }
}

/** Call made in the wrong service state: before start(), after shutdown(), start() twice. */
export class ClientStateError extends RocketMQError {
  readonly state: string;
  constructor(state: string, message: string, options: RocketMQErrorOptions = {}) {
    super('ERR_CLIENT_STATE', message, options);
    this.state = state;
  }
}

/**
 * A lite pull consumer is either subscribed (the group shares the queues) or assigned queues (the caller
 * picks them), never both (Java: "Subscribe and assign are mutually exclusive."). `state` is the mode
 * already chosen, `requested` the other one.
 */
export class SubscriptionConflictError extends ClientStateError {
  readonly requested: string;
  constructor(current: string, requested: string, options: RocketMQErrorOptions = {}) {
    super(current, 'Subscribe and assign are mutually exclusive.', { retriable: false, ...options });
    (this as { code: string }).code = 'ERR_SUBSCRIPTION_CONFLICT';
    this.requested = requested;
  }
}

/** Java `ClientErrorCode`: the `clientCode` values of `ClientError`. */
export const ClientErrorCode = {
  BROKER_NOT_EXIST_EXCEPTION: 10003,
  NO_NAME_SERVER_EXCEPTION: 10004,
  CREATE_REPLY_MESSAGE_EXCEPTION: 10007,
} as const;

/** A client-side failure that maps onto the Java MQClientException codes (10001..10007). */
export class ClientError extends RocketMQError {
  readonly clientCode: number;
  constructor(clientCode: number, message: string, options: RocketMQErrorOptions = {}) {
    super('ERR_CLIENT', message, options);
    this.clientCode = clientCode;
  }
}

export class TopicRouteNotFoundError extends RocketMQError {
  readonly topic: string;
  constructor(topic: string, message?: string, options: RocketMQErrorOptions = {}) {
    super('ERR_TOPIC_ROUTE_NOT_FOUND', message ?? `No route info of this topic: ${topic}`, options);
    this.topic = topic;
  }
}

/** Every attempt of a send failed; `errors` holds one entry per attempt, `cause` the last. */
export class SendRetriesExhaustedError extends RocketMQError {
  readonly errors: readonly unknown[];
  constructor(message: string, errors: readonly unknown[], options: RocketMQErrorOptions = {}) {
    super('ERR_SEND_FAILED', message, { cause: errors[errors.length - 1], ...options });
    this.errors = errors;
  }
}

/**
 * An RPC hook threw a non-RocketMQ error. Only the call the hook ran for fails. `phase` tells whether
 * the request was never sent (`doBeforeRequest`) or was answered before the hook failed (`doAfterResponse`).
 */
export class RpcHookError extends RocketMQError {
  readonly phase: 'doBeforeRequest' | 'doAfterResponse';
  constructor(phase: 'doBeforeRequest' | 'doAfterResponse', cause: unknown) {
    super('ERR_RPC_HOOK', `RPC hook ${phase} threw: ${cause instanceof Error ? cause.message : String(cause)}`, {
      cause,
      retriable: false,
    });
    this.phase = phase;
  }
}

/**
 * The broker's ACL refused the request: NO_PERMISSION (16) from its authentication chain (unknown
 * user, wrong secret: `AUTHENTICATION`) or its authorization chain (no Pub/Sub right on the topic or
 * group: `AUTHORIZATION`). Raised by `AclClientRPCHook`; names the access key, never the secret.
 */
export class AccessDeniedError extends BrokerResponseError {
  readonly reason: 'AUTHENTICATION' | 'AUTHORIZATION';
  readonly accessKey: string;
  constructor(
    reason: 'AUTHENTICATION' | 'AUTHORIZATION',
    accessKey: string,
    remark: string | undefined,
    brokerAddr: string | undefined,
    options: RocketMQErrorOptions = {},
  ) {
    super(16, remark, brokerAddr, options);
    (this as { code: string }).code = 'ERR_ACCESS_DENIED';
    this.reason = reason;
    this.accessKey = accessKey;
    const what = reason === 'AUTHENTICATION' ? 'authentication failed' : 'authorization failed';
    this.message = `${what} for access key "${accessKey}"${brokerAddr ? ` at ${brokerAddr}` : ''}: ${remark === undefined ? '(no remark)' : boundPeerText(remark)} (CODE: 16)`;
  }
}

/**
 * A request/reply call got no reply in time (Java `RequestTimeoutException`, client code 10006):
 * the request was sent, but no reply with its correlation id came back within the timeout.
 */
export class RequestTimeoutError extends ClientError {
  readonly correlationId: string;
  readonly timeoutMs: number;
  constructor(correlationId: string, timeoutMs: number, message?: string, options: RocketMQErrorOptions = {}) {
    super(10006, message ?? `no reply to request ${correlationId} within ${timeoutMs} ms`, { retriable: true, ...options });
    (this as { code: string }).code = 'ERR_REQUEST_TIMEOUT';
    this.correlationId = correlationId;
    this.timeoutMs = timeoutMs;
  }
}

/**
 * The broker does not know the request: it answered REQUEST_CODE_NOT_SUPPORTED (3), as a 4.9 broker
 * answers POP_MESSAGE, ACK_MESSAGE and CHANGE_MESSAGE_INVISIBLETIME (pop consumption is 5.x only).
 * Not retriable: the same broker answers the same way until it is upgraded.
 */
export class BrokerFeatureNotSupportedError extends BrokerResponseError {
  /** The feature, e.g. `POP_MESSAGE`. */
  readonly feature: string;
  constructor(feature: string, remark: string | undefined, brokerAddr: string | undefined, options: RocketMQErrorOptions = {}) {
    super(3, remark, brokerAddr, { retriable: false, ...options });
    (this as { code: string }).code = 'ERR_BROKER_FEATURE_NOT_SUPPORTED';
    this.feature = feature;
    this.message = `${feature} is not supported by the broker${brokerAddr ? ` at ${brokerAddr}` : ''} (pop consumption needs RocketMQ 5.x): CODE: 3 DESC: ${boundPeerText(remark ?? '')}`;
  }
}

/**
 * A broker refused a subscription's filter at CHECK_CLIENT_CONFIG before the consumer started (Java
 * `checkClientInBroker`): SQL92 on a broker without `enablePropertyFilter=true` (SYSTEM_ERROR, 1) or an
 * expression the broker cannot compile (SUBSCRIPTION_PARSE_FAILED, 23). `remark` is the broker's reason.
 * Not retriable: the same broker answers the same way until its configuration or the expression changes.
 */
export class FilterExpressionRefusedError extends BrokerResponseError {
  readonly topic: string;
  readonly expressionType: string;
  readonly expression: string;
  constructor(
    sub: { topic: string; expressionType: string; expression: string },
    responseCode: number,
    remark: string | undefined,
    brokerAddr: string | undefined,
    options: RocketMQErrorOptions = {},
  ) {
    super(responseCode, remark, brokerAddr, { retriable: false, ...options });
    (this as { code: string }).code = 'ERR_FILTER_REFUSED';
    this.topic = sub.topic;
    this.expressionType = sub.expressionType;
    this.expression = sub.expression;
    this.message =
      `the broker${brokerAddr ? ` at ${brokerAddr}` : ''} refused the ${sub.expressionType} subscription of ${sub.topic}: ` +
      `${boundPeerText(remark ?? '(no remark)')} (CODE: ${responseCode})`;
  }
}

/**
 * A send still pending when `shutdown()` stopped waiting for it (`shutdownTimeoutMs`): it may or may not
 * have been stored by the broker. Never retried by the client; resend only if duplicates are acceptable.
 */
export class SendOutcomeUnknownError extends RocketMQError {
  readonly topic: string;
  /** The message's unique id (UNIQ_KEY) when it had one by then. */
  readonly msgId: string | undefined;
  constructor(topic: string, msgId: string | undefined, message: string, options: RocketMQErrorOptions = {}) {
    super('ERR_SEND_OUTCOME_UNKNOWN', message, { retriable: false, ...options });
    this.topic = topic;
    this.msgId = msgId;
  }
}
