import { lazy, zod } from '../../lazy-zod';
import { parseJsonBody } from './parse-json-body';

/**
 * Java `ConsumeMessageDirectlyResult`: the answer to CONSUME_MESSAGE_DIRECTLY (309), what
 * `mqadmin consumeMessage` / the console's "resend to this consumer" prints. fastjson form: bean fields in
 * name order, `remark` left out when absent.
 */

const CM_RESULTS = ['CR_SUCCESS', 'CR_LATER', 'CR_ROLLBACK', 'CR_COMMIT', 'CR_THROW_EXCEPTION', 'CR_RETURN_NULL'] as const;

/** Java `CMResult`. */
export type CMResult = (typeof CM_RESULTS)[number];

export interface ConsumeMessageDirectlyResult {
  /** Consumed by an orderly listener. Java default false. */
  order?: boolean;
  /** Java default true. */
  autoCommit?: boolean;
  consumeResult: CMResult;
  remark?: string;
  spentTimeMills: number;
}

export function encodeConsumeMessageDirectlyResult(r: ConsumeMessageDirectlyResult): Buffer {
  const json =
    `{"autoCommit":${r.autoCommit ?? true},"consumeResult":${JSON.stringify(r.consumeResult)},"order":${r.order ?? false}` +
    `${r.remark === undefined ? '' : `,"remark":${JSON.stringify(r.remark)}`},"spentTimeMills":${Math.trunc(r.spentTimeMills)}}`;
  return Buffer.from(json, 'utf8');
}

const ConsumeMessageDirectlyResultSchema = lazy(() => {
  const z = zod();
  return z.looseObject({
    order: z.boolean().default(false),
    autoCommit: z.boolean().default(true),
    consumeResult: z.enum(CM_RESULTS),
    remark: z.string().nullish(),
    spentTimeMills: z.number().int().default(0),
  });
});

/** Reads the answer a consumer (Java's or ours) gave to CONSUME_MESSAGE_DIRECTLY. */
export function parseConsumeMessageDirectlyResult(body: Uint8Array | undefined): ConsumeMessageDirectlyResult {
  const r = parseJsonBody(ConsumeMessageDirectlyResultSchema(), body, 'CONSUME_MESSAGE_DIRECTLY answer');
  return {
    order: r.order,
    autoCommit: r.autoCommit,
    consumeResult: r.consumeResult,
    spentTimeMills: r.spentTimeMills,
    ...(r.remark === null || r.remark === undefined ? {} : { remark: r.remark }),
  };
}
