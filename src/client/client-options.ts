import type * as tls from 'node:tls';
import type { LoggerLike } from '../logger';
import type { LanguageName } from '../remoting/protocol/language-code';

/**
 * What every client accepts (Java `ClientConfig` plus the remoting settings of `NettyClientConfig`). The
 * documentation users see in their editor and in docs/options.md (`npm run docs:options`); the validation,
 * defaults and bounds are the schema's (client-config.ts), which a compile-time check keeps equal to this.
 * Durations end in `Ms` (milliseconds), sizes in `Bytes`.
 */
export interface ClientOptions {
  /**
   * Name servers to ask for routes: `'host:port;host:port'` or an array of `host:port`. A Java `http://`
   * endpoint is accepted (the text after its last `/`).
   * @defaultValue env `NAMESRV_ADDR`
   * @java `ClientConfig.namesrvAddr` (system property `rocketmq.namesrv.addr`, env `NAMESRV_ADDR`)
   */
  namesrvAddr?: string | string[];
  /**
   * IP address this client reports in its client id and heartbeats.
   * @defaultValue the first non-loopback IPv4 address, chosen like Java's
   * @java `ClientConfig.clientIP` (`NetworkUtil.getLocalAddress()`)
   */
  clientIP?: string;
  /**
   * Instance name in the client id; producers with the same id share one client instance (connections,
   * routes, heartbeats). `DEFAULT` becomes `pid#hrtime` when a producer starts, as in Java.
   * @defaultValue `DEFAULT`
   * @java `ClientConfig.instanceName` (system property `rocketmq.client.name`)
   */
  instanceName?: string;
  /**
   * Java's unit mode, sent in the send header's `unitMode` field.
   * @defaultValue `false`
   * @java `ClientConfig.unitMode`
   */
  unitMode?: boolean;
  /**
   * Unit name appended to the client id (`ip@instance@unitName`).
   * @defaultValue none
   * @java `ClientConfig.unitName`
   */
  unitName?: string;
  /**
   * Deprecated client-side namespace: topics and groups go to the broker as `namespace%name`.
   * Prefer `namespaceV2`.
   * @defaultValue none (or the instance id of an `MQ_INST_` name-server endpoint)
   * @java `ClientConfig.namespace`
   */
  namespace?: string;
  /**
   * Server-side namespace: sent as the `ns`/`nsd` ext fields of every request, names left unchanged.
   * @defaultValue none
   * @java `ClientConfig.namespaceV2`
   */
  namespaceV2?: string;
  /**
   * How often routes of the topics in use are fetched again from the name servers, in milliseconds.
   * @defaultValue `30000`
   * @java `ClientConfig.pollNameServerInterval`
   */
  pollNameServerIntervalMs?: number;
  /**
   * How often a heartbeat goes to every broker in use, in milliseconds.
   * @defaultValue `30000`
   * @java `ClientConfig.heartbeatBrokerInterval`
   */
  heartbeatBrokerIntervalMs?: number;
  /**
   * Timeout of name-server and admin calls (routes, topic creation), in milliseconds.
   * @defaultValue `3000`
   * @java `ClientConfig.mqClientApiTimeout`
   */
  mqClientApiTimeoutMs?: number;
  /**
   * Send to the broker's VIP port (its listen port - 2).
   * @defaultValue `false`
   * @java `ClientConfig.vipChannelEnabled` (system property `com.rocketmq.sendMessageWithVIPChannel`)
   */
  vipChannelEnabled?: boolean;
  /**
   * Connect with TLS (certificates verified; see `tls` for options).
   * @defaultValue `false`
   * @java `ClientConfig.useTLS` (system property `tls.enable`)
   */
  useTLS?: boolean;
  /**
   * `true`, or node:tls connect options (CA, client certificate...); implies `useTLS`. Certificates are verified
   * unless `rejectUnauthorized: false`.
   * @defaultValue none
   * @java none (Java reads `tls.client.*` system properties)
   */
  tls?: boolean | tls.ConnectionOptions;
  /**
   * Send a heartbeat as soon as a connection to a broker is (re)established.
   * @defaultValue `true`
   * @java `ClientConfig.enableHeartbeatChannelEventListener`
   */
  enableHeartbeatChannelEventListener?: boolean;
  /**
   * Isolate slow or failing brokers for a while when choosing a queue (latencyMaxMs / notAvailableDurationMs).
   * @defaultValue `false`
   * @java `ClientConfig.sendLatencyEnable` (system property `com.rocketmq.sendLatencyEnable`)
   */
  sendLatencyFaultEnable?: boolean;
  /**
   * Probe isolated brokers in the background so they come back as soon as they answer.
   * @defaultValue `false`
   * @java `ClientConfig.startDetectorEnable` (system property `com.rocketmq.startDetectorEnable`)
   */
  startDetectorEnable?: boolean;
  /**
   * Timeout of one detector probe, in milliseconds.
   * @defaultValue `200`
   * @java `ClientConfig.detectTimeout`
   */
  detectTimeoutMs?: number;
  /**
   * Interval between detector rounds, in milliseconds.
   * @defaultValue `2000`
   * @java `ClientConfig.detectInterval`
   */
  detectIntervalMs?: number;
  /**
   * TCP (and TLS) connect timeout, in milliseconds.
   * @defaultValue `3000`
   * @java `NettyClientConfig.connectTimeoutMillis`
   */
  connectTimeoutMs?: number;
  /**
   * Async requests in flight at once per client; more wait (RemotingTooManyRequestsError past their timeout).
   * @defaultValue `65535`
   * @java `NettyClientConfig.clientAsyncSemaphoreValue`
   */
  maxAsyncInflight?: number;
  /**
   * Oneway requests in flight at once per client.
   * @defaultValue `65535`
   * @java `NettyClientConfig.clientOnewaySemaphoreValue`
   */
  maxOnewayInflight?: number;
  /**
   * Close a connection idle for this long, in milliseconds; `0` never.
   * @defaultValue `120000`
   * @java `NettyClientConfig.clientChannelMaxIdleTimeSeconds` (120 s)
   */
  idleTimeoutMs?: number;
  /**
   * Close the connection when a request on it times out.
   * @defaultValue `true`
   * @java `NettyClientConfig.clientCloseSocketIfTimeout`
   */
  closeSocketIfTimeout?: boolean;
  /**
   * Largest frame accepted from a server, in bytes; a larger one closes the connection.
   * @defaultValue `16777216` (16 MiB)
   * @java `NettyDecoder.FRAME_MAX_LENGTH`
   */
  maxFrameBytes?: number;
  /**
   * Most ext fields a received header may carry; a header with more closes the connection with
   * `RemotingProtocolError` (a broker sends a few dozen).
   * @defaultValue `4096`
   * @java none (Java has no such bound)
   */
  maxExtFields?: number;
  /**
   * Most bytes of ext fields (keys and values) a received header may carry; more closes the connection
   * with `RemotingProtocolError`.
   * @defaultValue `4194304` (4 MiB)
   * @java none (Java has no such bound)
   */
  maxExtFieldsBytes?: number;
  /**
   * Header encoding of requests: `JSON` or `ROCKETMQ` (binary). Responses are decoded in either.
   * @defaultValue `JSON`
   * @java system property `rocketmq.serialize.type`
   */
  serializeType?: 'JSON' | 'ROCKETMQ';
  /**
   * Language code sent in every request. `OTHER` is known to every broker version (`NODE_JS` only to 5.3.2+).
   * @defaultValue `OTHER`
   * @java `RemotingCommand.language` (Java sends `JAVA`)
   */
  language?: LanguageName;
  /**
   * Client version sent in every request.
   * @defaultValue `479` (Java 5.3.3's `MQVersion.CURRENT_VERSION`)
   * @java `MQVersion.CURRENT_VERSION`
   */
  version?: number;
  /**
   * Where the client logs: a rocketmq-ts `Logger`, a pino or winston logger, or `console`.
   * @defaultValue warnings and errors to stderr (`ROCKETMQ_LOG_LEVEL` changes the level)
   * @java none (Java logs through its own logging configuration)
   */
  logger?: LoggerLike;
  /**
   * Identical info/warn/error events (same message, peer and error code) are logged once, then summarised
   * with their count ("repeated N times between t1 and t2") every this many milliseconds, and at shutdown.
   * `0` logs every occurrence.
   * @defaultValue `10000`
   * @java none (Java logs every occurrence)
   */
  logRepeatSummaryIntervalMs?: number;
}
