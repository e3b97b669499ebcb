import type { z } from 'zod';
import { lazy, zod } from '../lazy-zod';
import { clientConfigShape, parseConfig, refineClientConfig } from '../client/client-config';
import { isRPCHook, type RPCHook } from '../remoting/rpc-hook';
import { DEFAULT_RETRY_RESPONSE_CODES } from '../remoting/protocol/response-code';
import { DEFAULT_COMPRESS_LEVEL, compressionTypeProblem } from '../message/compression';
import { DEFAULT_LATENCY_MAX_MS, DEFAULT_NOT_AVAILABLE_DURATION_MS } from './latency-fault-tolerance';
import { openTelemetryOptionSchema } from '../client/telemetry/telemetry-options';
import type { ProducerOptions } from './producer-options';
import { AUTO_CREATE_TOPIC_KEY_TOPIC, DEFAULT_PRODUCER_GROUP } from '../message/validators';

/**
 * The producer options' schema: validation, defaults (Java 5.3.3's) and bounds. What each option means is
 * documented on `ProducerOptions` (producer-options.ts); docs/options.md is generated from both.
 */

const INT32_MAX = 0x7fffffff;



/** The producer's own fields (built on first use: see lazy-zod.ts). */
export const producerConfigShape = lazy(() => {
  const z = zod();
  const msArray = z.array(z.number().int().min(0).max(Number.MAX_SAFE_INTEGER)).min(1);
  return {
    producerGroup: z.string().default(DEFAULT_PRODUCER_GROUP),
    topics: z.array(z.string().min(1)).optional(),
    createTopicKey: z.string().min(1).default(AUTO_CREATE_TOPIC_KEY_TOPIC),
    defaultTopicQueueNums: z.number().int().min(1).max(INT32_MAX).default(4),
    sendMsgTimeoutMs: z.number().int().min(1).max(INT32_MAX).default(3000),
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
      .superRefine((v, ctx) => {
        const problem = compressionTypeProblem(v);
        if (problem !== undefined) ctx.addIssue({ code: 'custom', message: problem });
      })
      .default('ZLIB'),
    retryTimesWhenSendFailed: z.number().int().min(0).max(1000).default(2),
    retryTimesWhenSendAsyncFailed: z.number().int().min(0).max(1000).default(2),
    retryAnotherBrokerWhenNotStoreOK: z.boolean().default(false),
    retryResponseCodes: z
      .union([z.array(z.number().int()), z.set(z.number().int())])
      .default(() => [...DEFAULT_RETRY_RESPONSE_CODES])
      .transform((v): ReadonlySet<number> => new Set(v)),
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
    rpcHook: z.custom<RPCHook>(isRPCHook, { error: 'expected an RPCHook (doBeforeRequest, doAfterResponse)' }).optional(),
    enableTrace: z.boolean().default(false),
    traceTopic: z.string().optional(),
    shutdownTimeoutMs: z.number().int().min(0).max(INT32_MAX).default(5000),
    openTelemetry: openTelemetryOptionSchema(z),
  };
});

export const ProducerOptionsSchema = lazy(() =>
  zod()
    .strictObject({ ...clientConfigShape(), ...producerConfigShape() })
    .superRefine((o, ctx) => {
      refineClientConfig(o, ctx);
      if (o.latencyMaxMs.length !== o.notAvailableDurationMs.length) {
        ctx.addIssue({
          code: 'custom',
          path: ['notAvailableDurationMs'],
          message: `must have as many entries as latencyMaxMs (${o.latencyMaxMs.length})`,
        });
      }
    }),
);

export type { ProducerOptions };

type SchemaInput = z.input<ReturnType<typeof ProducerOptionsSchema>>;
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
/** Compile-time: the documented interface and the schema accept exactly the same keys and values. */
const documentedOptionsMatchSchema: Same<ProducerOptions, SchemaInput> & Same<keyof ProducerOptions, keyof SchemaInput> = true;
void documentedOptionsMatchSchema;

/** The validated producer settings, defaults filled in. */
export type ProducerConfig = z.output<ReturnType<typeof ProducerOptionsSchema>>;

/** `ProducerOptionsSchema` through `parseConfig`: an `InvalidConfigError` naming every bad or unknown key. */
export function parseProducerOptions(input: unknown): ProducerConfig {
  return parseConfig(ProducerOptionsSchema(), input, 'producer options');
}
