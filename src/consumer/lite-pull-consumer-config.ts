import type { z } from 'zod';
import { clientConfigShape, parseConfig, refineClientConfig } from '../client/client-config';
import { lazy, zod } from '../lazy-zod';
import { pushConsumerConfigShape } from './consumer-config';

/**
 * Lite pull consumer options: every client option plus Java `DefaultLitePullConsumer`'s, strict (a
 * misspelt key is refused with a "did you mean"), with Java 5.3.3 defaults. The fields it shares with
 * the push consumer (group, model, start position, strategy, per-queue limits, offsets directory, RPC
 * hook) are the push consumer's schema entries; durations end in `Ms`.
 */

const INT32_MAX = 0x7fffffff;
/** Java `DefaultLitePullConsumer.MIN_AUTOCOMMIT_INTERVAL_MILLIS`. */
const MIN_AUTO_COMMIT_INTERVAL_MS = 1000;

export const litePullConsumerConfigShape = lazy(() => {
  const z = zod();
  const push = pushConsumerConfigShape();
  return {
    consumerGroup: push.consumerGroup,
    messageModel: push.messageModel,
    consumeFromWhere: push.consumeFromWhere,
    consumeTimestamp: push.consumeTimestamp,
    allocateMessageQueueStrategy: push.allocateMessageQueueStrategy,
    pullThresholdForQueue: push.pullThresholdForQueue,
    pullThresholdSizeForQueue: push.pullThresholdSizeForQueue,
    localOffsetStoreDir: push.localOffsetStoreDir,
    rpcHook: push.rpcHook,
    /** Commit what earlier polls returned when `poll()` is called and the interval has passed (Java `autoCommit`, true). */
    autoCommit: z.boolean().default(true),
    /** How often `poll()` commits, ms, at least 1000 (Java `autoCommitIntervalMillis`, 5000). */
    autoCommitIntervalMs: z.number().int().min(MIN_AUTO_COMMIT_INTERVAL_MS).max(INT32_MAX).default(5000),
    /** Messages asked for per pull, and so at most per `poll()` (Java `pullBatchSize`, 10). */
    pullBatchSize: z.number().int().min(1).max(1024).default(10),
    /** Stop pulling while the polled-for buffer holds about this many messages over all queues (Java `pullThresholdForAll`, 10000). */
    pullThresholdForAll: z.number().int().min(1).max(INT32_MAX).default(10_000),
    /** Stop pulling a queue while its buffered offsets span more than this (Java `consumeMaxSpan`, 2000). */
    consumeMaxSpan: z.number().int().min(1).max(65535).default(2000),
    /** How long `poll()` without an argument waits for messages, ms (Java `pollTimeoutMillis`, 5000). */
    pollTimeoutMs: z.number().int().min(0).max(INT32_MAX).default(5000),
    /** How often the queues of topics with a change listener are looked up, ms (Java `topicMetadataCheckIntervalMillis`, 30000). */
    topicMetadataCheckIntervalMs: z.number().int().min(1000).max(INT32_MAX).default(30_000),
    /** Long-polling suspend of a pull on the broker, ms (Java `brokerSuspendMaxTimeMillis`, 20000). */
    brokerSuspendMaxTimeMs: z.number().int().min(1).max(INT32_MAX).default(20_000),
    /** Call timeout of a suspended pull, ms; must exceed the suspend (Java `consumerTimeoutMillisWhenSuspend`, 30000). */
    consumerTimeoutMsWhenSuspend: z.number().int().min(1).max(INT32_MAX).default(30_000),
    /** Delay before a failed pull is retried, ms (Java `pullTimeDelayMillsWhenException`, 1000). */
    pullTimeDelayMsWhenException: z.number().int().min(0).max(INT32_MAX).default(1000),
  };
});

export const LitePullConsumerOptionsSchema = lazy(() =>
  zod()
    .strictObject({ ...clientConfigShape(), ...litePullConsumerConfigShape() })
    .superRefine((o, ctx) => {
      refineClientConfig(o, ctx);
      if (o.consumerTimeoutMsWhenSuspend <= o.brokerSuspendMaxTimeMs) {
        ctx.addIssue({ code: 'custom', path: ['consumerTimeoutMsWhenSuspend'], message: 'must be greater than brokerSuspendMaxTimeMs' });
      }
    }),
);

/** What users pass to `new DefaultLitePullConsumer(...)`. */
export type LitePullConsumerOptions = z.input<ReturnType<typeof LitePullConsumerOptionsSchema>>;
/** The validated settings, defaults filled in. */
export type LitePullConsumerConfig = z.output<ReturnType<typeof LitePullConsumerOptionsSchema>>;

/** An `InvalidConfigError` naming every bad or unknown key ("did you mean"). */
export function parseLitePullConsumerOptions(input: unknown): LitePullConsumerConfig {
  return parseConfig(LitePullConsumerOptionsSchema(), input, 'lite pull consumer options');
}
