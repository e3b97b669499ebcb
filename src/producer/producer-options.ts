import type { ClientOptions } from '../client/client-options';
import type { RPCHook } from '../remoting/rpc-hook';
import type { MeterProviderLike, TracerProviderLike } from '../client/telemetry/telemetry-options';

/**
 * What `new DefaultMQProducer({...})` accepts: every client option plus Java `DefaultMQProducer`'s. Strict: an
 * unknown or misspelt key is an error naming it. Defaults are Java 5.3.3's (checked against
 * `DefaultMQProducer.java` and `MQFaultStrategy.java`). The validation, defaults and bounds are the schema's
 * (producer-config.ts), which a compile-time check keeps equal to this interface; docs/options.md is generated
 * from both (`npm run docs:options`).
 */
export interface ProducerOptions extends ClientOptions {
  /**
   * Producer group: producers of one application role share it (transaction check-backs go to any of them).
   * `start()` refuses the default.
   * @defaultValue `DEFAULT_PRODUCER`
   * @java `DefaultMQProducer.producerGroup`
   */
  producerGroup?: string;
  /**
   * Topics whose routes are fetched when the producer starts (others on first send).
   * @defaultValue none
   * @java `DefaultMQProducer.topics`
   */
  topics?: string[];
  /**
   * Topic whose route serves to auto-create a topic that does not exist yet (brokers with auto-create on).
   * @defaultValue `TBW102`
   * @java `DefaultMQProducer.createTopicKey` (`TopicValidator.AUTO_CREATE_TOPIC_KEY_TOPIC`)
   */
  createTopicKey?: string;
  /**
   * Queues of a topic the broker auto-creates.
   * @defaultValue `4`
   * @java `DefaultMQProducer.defaultTopicQueueNums`
   */
  defaultTopicQueueNums?: number;
  /**
   * Total time budget of one send, retries included, in milliseconds.
   * @defaultValue `3000`
   * @java `DefaultMQProducer.sendMsgTimeout`
   */
  sendMsgTimeoutMs?: number;
  /**
   * Cap on each attempt's timeout within a send, in milliseconds; `-1` means no cap (an attempt may use
   * what is left of `sendMsgTimeoutMs`).
   * @defaultValue `-1`
   * @java `DefaultMQProducer.sendMsgMaxTimeoutPerRequest`
   */
  sendMsgMaxTimeoutPerRequestMs?: number;
  /**
   * Bodies larger than this are compressed, in bytes (not batches).
   * @defaultValue `4096`
   * @java `DefaultMQProducer.compressMsgBodyOverHowmuch`
   */
  compressMsgBodyOverBytes?: number;
  /**
   * zlib compression level, -1 to 9.
   * @defaultValue `5`
   * @java system property `rocketmq.message.compressLevel`
   */
  compressLevel?: number;
  /**
   * Body compression: `ZLIB`, `LZ4` (frame format, as lz4-java writes it), or `ZSTD` where `node:zlib` has zstd
   * (Node >= 22.15 or >= 23.8; refused with `InvalidConfigError` elsewhere). Every type is decompressed on receipt.
   * @defaultValue `ZLIB`
   * @java system property `rocketmq.message.compressType`
   */
  compressType?: 'ZLIB' | 'LZ4' | 'ZSTD';
  /**
   * Extra attempts of a sync send after a failure (so `2` means up to 3 attempts), within `sendMsgTimeoutMs`.
   * @defaultValue `2`
   * @java `DefaultMQProducer.retryTimesWhenSendFailed`
   */
  retryTimesWhenSendFailed?: number;
  /**
   * Extra attempts of an async send after a transport failure.
   * @defaultValue `2`
   * @java `DefaultMQProducer.retryTimesWhenSendAsyncFailed`
   */
  retryTimesWhenSendAsyncFailed?: number;
  /**
   * Retry a sync send on another broker when the broker answered but did not store it OK (flush or slave
   * timeout, slave not available).
   * @defaultValue `false`
   * @java `DefaultMQProducer.retryAnotherBrokerWhenNotStoreOK`
   */
  retryAnotherBrokerWhenNotStoreOK?: boolean;
  /**
   * Broker response codes after which a sync send is retried.
   * @defaultValue `17, 14, 1, 2, 16, 204, 205, 1500` (topic not exist, service not available, system error, system busy, no permission, no buddy, not in sync, go away)
   * @java `DefaultMQProducer.retryResponseCodes`
   */
  retryResponseCodes?: number[] | Set<number>;
  /**
   * Largest message body (a batch: all of it encoded), in bytes.
   * @defaultValue `4194304` (4 MiB)
   * @java `DefaultMQProducer.maxMessageSize`
   */
  maxMessageSize?: number;
  /**
   * Make async sends wait when too many (`backPressureForAsyncSendNum`) or too large
   * (`backPressureForAsyncSendSizeBytes`) are in flight, instead of failing them.
   * @defaultValue `false`
   * @java `DefaultMQProducer.enableBackpressureForAsyncMode`
   */
  enableBackpressureForAsyncMode?: boolean;
  /**
   * Async sends in flight at once under back-pressure (minimum 10).
   * @defaultValue `10000`
   * @java `DefaultMQProducer.backPressureForAsyncSendNum` (5.3.4 lowers it to 1024)
   */
  backPressureForAsyncSendNum?: number;
  /**
   * Bytes of async sends in flight at once under back-pressure (minimum 1 MiB).
   * @defaultValue `104857600` (100 MiB)
   * @java `DefaultMQProducer.backPressureForAsyncSendSize`
   */
  backPressureForAsyncSendSizeBytes?: number;
  /**
   * Send latency thresholds, in milliseconds, paired with `notAvailableDurationMs` (same length): a send that
   * took at least `latencyMaxMs[i]` isolates its broker for `notAvailableDurationMs[i]`.
   * @defaultValue `50, 100, 550, 1800, 3000, 5000, 15000`
   * @java `MQFaultStrategy.latencyMax`
   */
  latencyMaxMs?: number[];
  /**
   * How long a broker is avoided after a slow send, in milliseconds, paired with `latencyMaxMs`.
   * @defaultValue `0, 0, 2000, 5000, 6000, 10000, 30000`
   * @java `MQFaultStrategy.notAvailableDuration`
   */
  notAvailableDurationMs?: number[];
  /**
   * Hook run around every request (ACL signing: `AclClientRPCHook`).
   * @defaultValue none
   * @java the `rpcHook` constructor argument
   */
  rpcHook?: RPCHook;
  /**
   * Send a trace record (Pub, and EndTransaction for transactions) per send to the trace topic.
   * @defaultValue `false`
   * @java the `enableMsgTrace` constructor argument
   */
  enableTrace?: boolean;
  /**
   * Topic the trace records go to; blank or absent means `RMQ_SYS_TRACE_TOPIC`.
   * @defaultValue `RMQ_SYS_TRACE_TOPIC`
   * @java the `customizedTraceTopic` constructor argument
   */
  traceTopic?: string;
  /**
   * How long `shutdown()` waits, in milliseconds, for the sends in flight to settle before it fails the rest
   * with `SendOutcomeUnknownError` (they may or may not be stored) and closes. New sends are refused from the
   * start of the shutdown.
   * @defaultValue `5000`
   * @java none (Java's shutdown closes at once)
   */
  shutdownTimeoutMs?: number;
  /**
   * OpenTelemetry: a `send <topic>` PRODUCER span per send (messaging semantic conventions), W3C `traceparent` /
   * `tracestate` in each message's user properties, and metrics (`rocketmq_send_cost_time`,
   * `rocketmq_send_retry_times`, `rocketmq_send_inflight`). `true` uses the global tracer and meter providers;
   * an object names them. Needs the optional peer dependency `@opentelemetry/api` (refused with
   * `InvalidConfigError` without it); when off nothing is loaded.
   * @defaultValue `false`
   * @java none
   */
  openTelemetry?: boolean | { tracerProvider?: TracerProviderLike; meterProvider?: MeterProviderLike };
}
