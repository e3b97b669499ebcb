import type { z } from 'zod';
import { clientConfigShape, parseConfig, refineClientConfig } from '../client/client-config';
import { lazy, zod } from '../lazy-zod';
import { isRPCHook, type RPCHook } from '../remoting/rpc-hook';
import { openTelemetryOptionSchema } from '../client/telemetry/telemetry-options';
import type { AllocateMessageQueueStrategy } from './rebalance/allocate-message-queue-strategy';
import type { PushConsumerOptions } from './push-consumer-options';

/**
 * Push consumer options: every client option (client-config.ts) plus Java `DefaultMQPushConsumer`'s, documented on
 * `PushConsumerOptions` (push-consumer-options.ts; docs/options.md is generated from both), strict (a misspelt key is refused with a "did you mean"), with Java 5.3.3 defaults. Durations end
 * in `Ms` (Java mixes millis, seconds and minutes), sizes say their unit.
 */

const INT32_MAX = 0x7fffffff;

function isStrategy(v: unknown): v is AllocateMessageQueueStrategy {
  return typeof v === 'object' && v !== null && typeof (v as { allocate?: unknown }).allocate === 'function';
}

/** Java `UtilAll.timeMillisToHumanString3`: local time as `yyyyMMddHHmmss`. */
export function formatConsumeTimestamp(ms: number): string {
  const d = new Date(ms);
  const p = (n: number, w = 2) => String(n).padStart(w, '0');
  return `${p(d.getFullYear(), 4)}${p(d.getMonth() + 1)}${p(d.getDate())}${p(d.getHours())}${p(d.getMinutes())}${p(d.getSeconds())}`;
}

/** `yyyyMMddHHmmss` (local time) to epoch milliseconds, undefined when malformed. */
export function parseConsumeTimestamp(s: string): number | undefined {
  const m = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})$/.exec(s);
  if (!m) return undefined;
  const [y, mo, d, h, mi, se] = m.slice(1).map(Number) as [number, number, number, number, number, number];
  const t = new Date(y, mo - 1, d, h, mi, se).getTime();
  return Number.isNaN(t) ? undefined : t;
}

/** The push consumer's own fields (built on first use: see lazy-zod.ts). */
export const pushConsumerConfigShape = lazy(() => {
  const z = zod();
  return {
    /** The consumer group (Java `consumerGroup`); required. Members of one group share the queues (clustering). */
    consumerGroup: z.string().min(1),
    /**
     * `CLUSTERING` (default: the group shares the queues, offsets on the broker) or `BROADCASTING` (every member
     * consumes every queue, offsets in a local file under `localOffsetStoreDir`, failed messages are not retried)
     * (Java `messageModel`).
     */
    messageModel: z.enum(['CLUSTERING', 'BROADCASTING']).default('CLUSTERING'),
    /** Where a group with no stored offset starts (Java `consumeFromWhere`); default `CONSUME_FROM_LAST_OFFSET`. */
    consumeFromWhere: z.enum(['CONSUME_FROM_LAST_OFFSET', 'CONSUME_FROM_FIRST_OFFSET', 'CONSUME_FROM_TIMESTAMP']).default('CONSUME_FROM_LAST_OFFSET'),
    /** Start time for CONSUME_FROM_TIMESTAMP, local `yyyyMMddHHmmss` (Java `consumeTimestamp`); default 30 minutes ago. */
    consumeTimestamp: z
      .string()
      .refine((s) => parseConsumeTimestamp(s) !== undefined, { error: 'expected yyyyMMddHHmmss' })
      .default(() => formatConsumeTimestamp(Date.now() - 30 * 60_000)),
    /** How queues are shared in the group (Java `allocateMessageQueueStrategy`); default AllocateMessageQueueAveragely. */
    allocateMessageQueueStrategy: z.custom<AllocateMessageQueueStrategy>(isStrategy, { error: 'expected an AllocateMessageQueueStrategy' }).optional(),
    /** Subscriptions made at construction, topic -> expression (Java `subscription`). */
    subscription: z.record(z.string(), z.string()).optional(),
    /** Handlers running at once (Java `consumeThreadMax`, 20: there threads, here a concurrency limit). */
    consumeThreadMax: z.number().int().min(1).max(1000).default(20),
    /** Concurrently: stop pulling a queue while its held offsets span more than this (Java `consumeConcurrentlyMaxSpan`, 2000). */
    consumeConcurrentlyMaxSpan: z.number().int().min(1).max(65535).default(2000),
    /** Stop pulling a queue while it holds more messages than this (Java `pullThresholdForQueue`, 1000). */
    pullThresholdForQueue: z.number().int().min(1).max(65535).default(1000),
    /** Stop pulling a queue while its held bodies exceed this many MiB (Java `pullThresholdSizeForQueue`, 100). */
    pullThresholdSizeForQueue: z.number().int().min(1).max(1024).default(100),
    /** Topic-wide message limit split across its queues; -1 off (Java `pullThresholdForTopic`). */
    pullThresholdForTopic: z.number().int().min(-1).max(6553500).default(-1),
    /** Topic-wide MiB limit split across its queues; -1 off (Java `pullThresholdSizeForTopic`). */
    pullThresholdSizeForTopic: z.number().int().min(-1).max(102400).default(-1),
    /** Pause between pulls of one queue, ms (Java `pullInterval`, 0). */
    pullIntervalMs: z.number().int().min(0).max(65535).default(0),
    /** Messages per handler call (Java `consumeMessageBatchMaxSize`, 1). */
    consumeMessageBatchMaxSize: z.number().int().min(1).max(1024).default(1),
    /** Messages asked for per pull (Java `pullBatchSize`, 32). */
    pullBatchSize: z.number().int().min(1).max(1024).default(32),
    /** Send the expression with every pull instead of relying on the heartbeat (Java `postSubscriptionWhenPull`, false). */
    postSubscriptionWhenPull: z.boolean().default(false),
    /**
     * Deliveries before a message goes to %DLQ%; -1 means 16 for concurrent consumption, unbounded for orderly
     * (Java `maxReconsumeTimes`).
     */
    maxReconsumeTimes: z.number().int().min(-1).max(INT32_MAX).default(-1),
    /** Orderly: how long a queue waits before a suspended batch comes again, ms (Java `suspendCurrentQueueTimeMillis`, 1000; 10..30000). */
    suspendCurrentQueueTimeMs: z.number().int().min(10).max(30_000).default(1000),
    /** Orderly: the longest one queue is consumed in one go before others get its handler slot, ms (Java `maxTimeConsumeContinuously`, 60000). */
    maxTimeConsumeContinuouslyMs: z.number().int().min(1).max(INT32_MAX).default(60_000),
    /** Orderly, clustering: how often the broker locks of the owned queues are renewed, ms (Java `rocketmq.client.rebalance.lockInterval`, 20000). */
    rebalanceLockIntervalMs: z.number().int().min(10).max(INT32_MAX).default(20_000),
    /**
     * Orderly, clustering: a queue whose lock was not renewed for this long is not consumed until it is locked
     * again, ms (Java `rocketmq.client.rebalance.lockMaxLiveTime`, 30000; the broker keeps a lock 60 s).
     */
    rebalanceLockMaxLiveTimeMs: z.number().int().min(20).max(INT32_MAX).default(30_000),
    /** A message held longer than this by a handler is sent back for retry, ms (Java `consumeTimeout`, 15 minutes). */
    consumeTimeoutMs: z.number().int().min(1000).max(INT32_MAX).default(15 * 60_000),
    /** How long shutdown() waits for running handlers before committing offsets, ms (Java `awaitTerminationMillisWhenShutdown`; Java 0, here 30 s). */
    awaitTerminationMsWhenShutdown: z.number().int().min(0).max(INT32_MAX).default(30_000),
    /**
     * OpenTelemetry (opt-in, needs the optional peer `@opentelemetry/api`): a `process <topic>` CONSUMER span per
     * message around the listener, continuing the producer's trace from the message's `traceparent`, and
     * `rocketmq_delivery_latency`, `rocketmq_await_time`, `rocketmq_process_time`. `true`: the global providers.
     */
    openTelemetry: openTelemetryOptionSchema(z),
    /** Long-polling suspend of a pull on the broker, ms (Java `BROKER_SUSPEND_MAX_TIME_MILLIS`, 15000). */
    brokerSuspendMaxTimeMs: z.number().int().min(1).max(INT32_MAX).default(15_000),
    /** Call timeout of a suspended pull, ms; must exceed the suspend (Java `CONSUMER_TIMEOUT_MILLIS_WHEN_SUSPEND`, 30000). */
    consumerPullTimeoutMs: z.number().int().min(1).max(INT32_MAX).default(30_000),
    /** Delay before a failed pull is retried, ms (Java `pullTimeDelayMillsWhenException`, 3000). */
    pullTimeDelayMsWhenException: z.number().int().min(0).max(INT32_MAX).default(3000),
    /**
     * BROADCASTING only: the directory of the local offsets files, `<dir>/<clientId>/<group>/offsets.json`
     * (Java system property `rocketmq.client.localOffsetStoreDir`); default `~/.rocketmq_offsets`. The client id
     * is `<clientIP>@<instanceName>`: give each broadcasting member of one host its own `instanceName` and keep it
     * across restarts, so that it resumes from its own file.
     */
    localOffsetStoreDir: z.string().min(1).optional(),
    /**
     * `false`: the broker allocates the queues (QUERY_ASSIGNMENT, 5.x), and when the group is switched to POP
     * (`mqadmin setConsumeMode -m POP`) its queues are popped and acked per message instead of pulled (Java
     * `clientRebalance`, true). Clustering only; broadcasting always rebalances on the client.
     */
    clientRebalance: z.boolean().default(true),
    /** Pop mode: how long a popped message stays invisible to others before the broker gives it out again, ms (Java `popInvisibleTime`, 60000). */
    popInvisibleTimeMs: z.number().int().min(5000).max(300_000).default(60_000),
    /** Pop mode: messages asked for per POP_MESSAGE (Java `popBatchNums`, 32). */
    popBatchNums: z.number().int().min(1).max(32).default(32),
    /** Pop mode: stop popping a queue while more than this many of its messages await their ack (Java `popThresholdForQueue`, 96). */
    popThresholdForQueue: z.number().int().min(1).max(65535).default(96),
    /** RPC hook on every request (ACL signing: `AclClientRPCHook`). */
    rpcHook: z.custom<RPCHook>(isRPCHook, { error: 'expected an RPCHook (doBeforeRequest, doAfterResponse)' }).optional(),
    /**
     * Message trace (Java `enableMsgTrace`): a SubBefore record before and a SubAfter record after each
     * listener call, sent in batches to `traceTopic` (default `RMQ_SYS_TRACE_TOPIC`; the broker needs
     * `traceTopicEnable=true` to have it) by an internal sender.
     */
    enableTrace: z.boolean().default(false),
    /** Java `customizedTraceTopic`: where trace records go when `enableTrace` is set. */
    traceTopic: z.string().optional(),
  };
});

export const PushConsumerOptionsSchema = lazy(() =>
  zod()
    .strictObject({ ...clientConfigShape(), ...pushConsumerConfigShape() })
    .superRefine((o, ctx) => {
      refineClientConfig(o, ctx);
      if (o.rebalanceLockIntervalMs >= o.rebalanceLockMaxLiveTimeMs) {
        ctx.addIssue({ code: 'custom', path: ['rebalanceLockIntervalMs'], message: 'must be less than rebalanceLockMaxLiveTimeMs (a lock is renewed before it expires)' });
      }
      if (o.consumerPullTimeoutMs <= o.brokerSuspendMaxTimeMs) {
        ctx.addIssue({ code: 'custom', path: ['consumerPullTimeoutMs'], message: 'must be greater than brokerSuspendMaxTimeMs' });
      }
    }),
);

/** What users pass to `new DefaultMQPushConsumer(...)`, documented in push-consumer-options.ts. */
export type { PushConsumerOptions };

type SchemaInput = z.input<ReturnType<typeof PushConsumerOptionsSchema>>;
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
/** Compile-time: the documented interface and the schema accept exactly the same keys and values. */
const documentedOptionsMatchSchema: Same<PushConsumerOptions, SchemaInput> & Same<keyof PushConsumerOptions, keyof SchemaInput> = true;
void documentedOptionsMatchSchema;
/** The validated settings, defaults filled in. */
export type PushConsumerConfig = z.output<ReturnType<typeof PushConsumerOptionsSchema>>;

/** An `InvalidConfigError` naming every bad or unknown key ("did you mean"). */
export function parsePushConsumerOptions(input: unknown): PushConsumerConfig {
  return parseConfig(PushConsumerOptionsSchema(), input, 'push consumer options');
}
