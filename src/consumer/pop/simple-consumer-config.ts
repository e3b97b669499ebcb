import type { z } from 'zod';
import { lazy, zod } from '../../lazy-zod';
import { clientConfigShape, parseConfig, refineClientConfig } from '../../client/client-config';
import type { RPCHook } from '../../remoting/rpc-hook';
import type { FilterExpression, SimpleConsumerOptions } from './simple-consumer-options';

/**
 * The SimpleConsumer options' schema: validation, defaults and bounds. What each option means is documented
 * on `SimpleConsumerOptions` (simple-consumer-options.ts).
 */

const INT32_MAX = 0x7fffffff;

function isRpcHook(v: unknown): v is RPCHook {
  if (typeof v !== 'object' || v === null) return false;
  const h = v as Record<string, unknown>;
  return typeof h.doBeforeRequest === 'function' && typeof h.doAfterResponse === 'function';
}

/** A filter expression as `subscribe()` and `subscriptions` accept it. */
export const filterExpressionSchema = lazy(() => {
  const z = zod();
  return z.union([z.string().min(1), z.strictObject({ expression: z.string().min(1), type: z.enum(['TAG', 'SQL92']).optional() })]);
});

export const simpleConsumerConfigShape = lazy(() => {
  const z = zod();
  const filter = filterExpressionSchema();
  return {
    consumerGroup: z.string().min(1),
    subscriptions: z
      .union([z.record(z.string(), filter), z.map(z.string(), filter)])
      .default({})
      .transform((v): Map<string, FilterExpression> => {
        const entries = v instanceof Map ? [...v] : Object.entries(v);
        return new Map(entries.map(([t, f]) => [t, typeof f === 'string' ? { expression: f, type: 'TAG' } : { type: 'TAG', ...f }]));
      }),
    awaitDurationMs: z.number().int().min(0).max(INT32_MAX).default(30_000),
    consumeFromWhere: z.enum(['CONSUME_FROM_LAST_OFFSET', 'CONSUME_FROM_FIRST_OFFSET']).default('CONSUME_FROM_LAST_OFFSET'),
    rpcHook: z.custom<RPCHook>(isRpcHook, { error: 'expected an RPCHook (doBeforeRequest, doAfterResponse)' }).optional(),
  };
});

export const SimpleConsumerOptionsSchema = lazy(() =>
  zod()
    .strictObject({ ...clientConfigShape(), ...simpleConsumerConfigShape() })
    .superRefine(refineClientConfig),
);

export type { SimpleConsumerOptions, FilterExpression };

type SchemaInput = z.input<ReturnType<typeof SimpleConsumerOptionsSchema>>;
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
/** Compile-time: the documented interface and the schema accept exactly the same keys and values. */
const documentedOptionsMatchSchema: Same<SimpleConsumerOptions, SchemaInput> & Same<keyof SimpleConsumerOptions, keyof SchemaInput> = true;
void documentedOptionsMatchSchema;

/** The validated settings, defaults filled in. */
export type SimpleConsumerConfig = z.output<ReturnType<typeof SimpleConsumerOptionsSchema>>;

/** `SimpleConsumerOptionsSchema` through `parseConfig`: an `InvalidConfigError` naming every bad or unknown key. */
export function parseSimpleConsumerOptions(input: unknown): SimpleConsumerConfig {
  return parseConfig(SimpleConsumerOptionsSchema(), input, 'simple consumer options');
}
