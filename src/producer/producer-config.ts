import { z } from 'zod';
import { clientConfigShape, parseConfig } from '../client/client-config';
import type { RPCHook } from '../remoting/rpc-hook';
import { DEFAULT_RETRY_RESPONSE_CODES } from '../remoting/protocol/response-code';
import { DEFAULT_COMPRESS_LEVEL } from '../message/compression';
import { DEFAULT_LATENCY_MAX_MS, DEFAULT_NOT_AVAILABLE_DURATION_MS } from './latency-fault-tolerance';
import { AUTO_CREATE_TOPIC_KEY_TOPIC, DEFAULT_PRODUCER_GROUP } from '../message/validators';
import type { MeterProviderLike, TracerProviderLike } from '../client/telemetry/messaging-telemetry';

const hasMethod = (name: string) => (v: unknown) => typeof v === 'object' && v !== null && typeof (v as Record<string, unknown>)[name] === 'function';

/**
 * Producer options: every client option (client-config.ts) plus Java `DefaultMQProducer`'s, strict,
 * with Java 5.3.3 defaults (checked against `DefaultMQProducer.java` and `MQFaultStrategy.java`):
 * | option | default | Java |
 * |---|---|---|
 * | producerGroup | `DEFAULT_PRODUCER` (refused by start()) | same, via the no-arg constructor |
 * | topics | none | `topics` (routes fetched at start) |
 * | createTopicKey | `TBW102` | `TopicValidator.AUTO_CREATE_TOPIC_KEY_TOPIC` |
 * | defaultTopicQueueNums | 4 | same |
 * | sendMsgTimeoutMs | 3000 | `sendMsgTimeout` |
 * | sendMsgMaxTimeoutPerRequestMs | -1 (off) | `sendMsgMaxTimeoutPerRequest` |
 * | compressMsgBodyOverBytes | 4096 | `compressMsgBodyOverHowmuch` |
 * | compressLevel | 5 | `rocketmq.message.compressLevel` |
 * | compressType | `ZLIB` (LZ4/ZSTD refused: not implemented) | `rocketmq.message.compressType` |
 * | retryTimesWhenSendFailed | 2 (3 sync attempts) | same |
 * | retryTimesWhenSendAsyncFailed | 2 | same |
 * | retryAnotherBrokerWhenNotStoreOK | false | same |
 * | retryResponseCodes | 17, 14, 1, 2, 16, 204, 205, 1500 | same |
 * | maxMessageSize | 4194304 | same |
 * | enableBackpressureForAsyncMode | false | same |
 * | backPressureForAsyncSendNum | 10000 (minimum 10) | same in 5.3.3 (5.3.4 lowers it to 1024) |
 * | backPressureForAsyncSendSizeBytes | 104857600 (minimum 1 MiB) | `backPressureForAsyncSendSize` |
 * | latencyMaxMs | 50, 100, 550, 1800, 3000, 5000, 15000 | `MQFaultStrategy.latencyMax` |
 * | notAvailableDurationMs | 0, 0, 2000, 5000, 6000, 10000, 30000 | `MQFaultStrategy.notAvailableDuration` |
 * | rpcHook | none | constructor argument |
 * | enableTrace | false | `enableMsgTrace` (constructor argument) |
 * | traceTopic | `RMQ_SYS_TRACE_TOPIC` | `customizedTraceTopic` |
 * | shutdownTimeoutMs | 5000 | none (Java's shutdown does not wait for sends in flight) |
 * | openTelemetry | false | none |
 */

const INT32_MAX = 0x7fffffff;

function isRpcHook(v: unknown): v is RPCHook {
  if (typeof v !== 'object' || v === null) return false;
  const h = v as Record<string, unknown>;
  return typeof h.doBeforeRequest === 'function' && typeof h.doAfterResponse === 'function';
}

const msArray = z.array(z.number().int().min(0).max(Number.MAX_SAFE_INTEGER)).min(1);

export const producerConfigShape = {
  producerGroup: z.string().default(DEFAULT_PRODUCER_GROUP),
  topics: z.array(z.string().min(1)).optional().describe('Topics whose routes are fetched at start'),
  createTopicKey: z.string().min(1).default(AUTO_CREATE_TOPIC_KEY_TOPIC),
  defaultTopicQueueNums: z.number().int().min(1).max(INT32_MAX).default(4),
  sendMsgTimeoutMs: z
    .number()
    .int()
    .min(1)
    .max(INT32_MAX)
    .default(3000)
    .describe('Total budget of one send in ms, route lookup and retries included (sync, async, oneway)'),
  sendMsgMaxTimeoutPerRequestMs: z
    .number()
    .int()
    .min(-1)
    .max(INT32_MAX)
    .refine((v) => v !== 0, { error: 'expected -1 (off) or a positive number' })
    .default(-1),
  compressMsgBodyOverBytes: z.number().int().min(0).max(INT32_MAX).default(4096),
  compressLevel: z.number().int().min(-1).max(9).default(DEFAULT_COMPRESS_LEVEL),
  compressType: z
    .enum(['ZLIB', 'LZ4', 'ZSTD'])
    .refine((v) => v === 'ZLIB', { error: 'LZ4 and ZSTD are not supported by rocketmq-ts; use ZLIB' })
    .default('ZLIB'),
  retryTimesWhenSendFailed: z.number().int().min(0).max(1000).default(2),
  retryTimesWhenSendAsyncFailed: z.number().int().min(0).max(1000).default(2),
  retryAnotherBrokerWhenNotStoreOK: z.boolean().default(false),
  retryResponseCodes: z
    .union([z.array(z.number().int()), z.set(z.number().int())])
    .default(() => [...DEFAULT_RETRY_RESPONSE_CODES])
    .transform((v): ReadonlySet<number> => new Set(v))
    .describe('Broker response codes a sync send retries'),
  maxMessageSize: z.number().int().min(1).max(INT32_MAX).default(4 * 1024 * 1024),
  enableBackpressureForAsyncMode: z.boolean().default(false),
  backPressureForAsyncSendNum: z.number().int().min(10).max(INT32_MAX).default(10000),
  backPressureForAsyncSendSizeBytes: z
    .number()
    .int()
    .min(1024 * 1024)
    .max(INT32_MAX)
    .default(100 * 1024 * 1024),
  latencyMaxMs: msArray.default(() => [...DEFAULT_LATENCY_MAX_MS]),
  notAvailableDurationMs: msArray.default(() => [...DEFAULT_NOT_AVAILABLE_DURATION_MS]),
  rpcHook: z.custom<RPCHook>(isRpcHook, { error: 'expected an RPCHook (doBeforeRequest, doAfterResponse)' }).optional(),
  enableTrace: z.boolean().default(false).describe('Send a Pub (and EndTransaction) trace record per send to the trace topic'),
  traceTopic: z.string().optional().describe('Trace topic; blank or absent means RMQ_SYS_TRACE_TOPIC'),
  /**
   * How long `shutdown()` waits, in milliseconds, for the sends in flight to settle before it fails the
   * rest with `SendOutcomeUnknownError` (they may or may not be stored) and closes. New sends are refused
   * from the start of the shutdown. Default 5000. No Java equivalent (Java's shutdown closes at once).
   */
  shutdownTimeoutMs: z
    .number()
    .int()
    .min(0)
    .max(INT32_MAX)
    .default(5000)
    .describe('How long shutdown() waits for sends in flight before failing them as outcome-unknown (ms)'),
  /**
   * OpenTelemetry spans (`send <topic>`, PRODUCER, messaging semantic conventions), W3C `traceparent` /
   * `tracestate` in each message's user properties, and metrics (`rocketmq_send_cost_time`,
   * `rocketmq_send_retry_times`, `rocketmq_send_inflight`). `true` uses the global tracer and meter
   * providers; an object names them. Needs the optional peer dependency `@opentelemetry/api` (refused
   * with `InvalidConfigError` without it). Default false: nothing is loaded. No Java option (the Java
   * 4.x/5.x remoting client has none; the official gRPC clients' metrics share these names).
   */
  openTelemetry: z
    .union([
      z.boolean(),
      z.strictObject({
        tracerProvider: z.custom<TracerProviderLike>(hasMethod('getTracer'), { error: 'expected a TracerProvider' }).optional(),
        meterProvider: z.custom<MeterProviderLike>(hasMethod('getMeter'), { error: 'expected a MeterProvider' }).optional(),
      }),
    ])
    .default(false)
    .describe('OpenTelemetry spans, trace context in messages and metrics: true (global providers) or { tracerProvider, meterProvider }'),
};

export const ProducerOptionsSchema = z
  .strictObject({ ...clientConfigShape, ...producerConfigShape })
  .superRefine((o, ctx) => {
    if (o.latencyMaxMs.length !== o.notAvailableDurationMs.length) {
      ctx.addIssue({
        code: 'custom',
        path: ['notAvailableDurationMs'],
        message: `must have as many entries as latencyMaxMs (${o.latencyMaxMs.length})`,
      });
    }
  });

/** What users pass to the producer (every key optional). */
export type ProducerOptions = z.input<typeof ProducerOptionsSchema>;
/** The validated producer settings, defaults filled in. */
export type ProducerConfig = z.output<typeof ProducerOptionsSchema>;

/** `ProducerOptionsSchema` through `parseConfig`: an `InvalidConfigError` naming every bad or unknown key. */
export function parseProducerOptions(input: unknown): ProducerConfig {
  return parseConfig(ProducerOptionsSchema, input, 'producer options');
}
