import { z } from 'zod';
import { clientConfigShape, parseConfig, refineClientConfig } from '../../client/client-config';
import type { RPCHook } from '../../remoting/rpc-hook';

/**
 * SimpleConsumer options: every client option (client-config.ts) plus these, strict. The shape and
 * defaults follow the official gRPC clients' SimpleConsumer (`awaitDuration` 30 s, `receive(10, 15 s)`):
 * | option | default | source |
 * |---|---|---|
 * | consumerGroup | required | gRPC `consumerGroup` |
 * | subscriptions | `{}` | gRPC `subscriptions` (topic -> filter expression) |
 * | awaitDurationMs | 30000 | gRPC `awaitDuration`: the long-polling time of one receive |
 * | consumeFromWhere | `CONSUME_FROM_LAST_OFFSET` | Java `ConsumeInitMode.MAX`, what the 5.x proxy asks for |
 * | rpcHook | none | Java constructor argument (ACL) |
 */

/** A filter expression: a tag expression (`'*'`, `'TagA || TagB'`) or an SQL92 one. */
export interface FilterExpression {
  expression: string;
  /** Default `TAG`. */
  type?: 'TAG' | 'SQL92';
}

const INT32_MAX = 0x7fffffff;

function isRpcHook(v: unknown): v is RPCHook {
  if (typeof v !== 'object' || v === null) return false;
  const h = v as Record<string, unknown>;
  return typeof h.doBeforeRequest === 'function' && typeof h.doAfterResponse === 'function';
}

export const filterExpressionSchema = z.union([
  z.string().min(1),
  z.strictObject({ expression: z.string().min(1), type: z.enum(['TAG', 'SQL92']).optional() }),
]);

const subscriptionsSchema = z
  .union([z.record(z.string(), filterExpressionSchema), z.map(z.string(), filterExpressionSchema)])
  .default({})
  .transform((v): Map<string, FilterExpression> => {
    const entries = v instanceof Map ? [...v] : Object.entries(v);
    return new Map(entries.map(([t, f]) => [t, typeof f === 'string' ? { expression: f, type: 'TAG' } : { type: 'TAG', ...f }]));
  })
  .describe("Topic -> filter expression: a tag expression string ('*' for all) or { expression, type }");

export const simpleConsumerConfigShape = {
  consumerGroup: z.string().min(1).describe('The consumer group (required)'),
  subscriptions: subscriptionsSchema,
  awaitDurationMs: z.number().int().min(0).max(INT32_MAX).default(30_000).describe('Long-polling time of one receive'),
  consumeFromWhere: z
    .enum(['CONSUME_FROM_LAST_OFFSET', 'CONSUME_FROM_FIRST_OFFSET'])
    .default('CONSUME_FROM_LAST_OFFSET')
    .describe('Where a group that never consumed a queue starts (the broker keeps the offset after that)'),
  rpcHook: z.custom<RPCHook>(isRpcHook, { error: 'expected an RPCHook (doBeforeRequest, doAfterResponse)' }).optional(),
};

export const SimpleConsumerOptionsSchema = z
  .strictObject({ ...clientConfigShape, ...simpleConsumerConfigShape })
  .superRefine(refineClientConfig);

/** What users pass to `new SimpleConsumer(...)`. */
export type SimpleConsumerOptions = z.input<typeof SimpleConsumerOptionsSchema>;
/** The validated settings, defaults filled in. */
export type SimpleConsumerConfig = z.output<typeof SimpleConsumerOptionsSchema>;

/** `SimpleConsumerOptionsSchema` through `parseConfig`: an `InvalidConfigError` naming every bad or unknown key. */
export function parseSimpleConsumerOptions(input: unknown): SimpleConsumerConfig {
  return parseConfig(SimpleConsumerOptionsSchema, input, 'simple consumer options');
}
