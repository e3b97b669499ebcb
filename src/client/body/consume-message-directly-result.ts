/** Java `CMResult`: how a directly consumed message ended. */
export type CMResult = 'CR_SUCCESS' | 'CR_LATER' | 'CR_ROLLBACK' | 'CR_COMMIT' | 'CR_THROW_EXCEPTION' | 'CR_RETURN_NULL';

/** Java `ConsumeMessageDirectlyResult`, the answer to CONSUME_MESSAGE_DIRECTLY (309). */
export interface ConsumeMessageDirectlyResult {
  order: boolean;
  autoCommit: boolean;
  consumeResult: CMResult;
  remark?: string;
  spentTimeMills: number;
}

/** The body as fastjson writes the bean (properties alphabetical, enum by name, null remark left out). */
export function encodeConsumeMessageDirectlyResult(r: ConsumeMessageDirectlyResult): Buffer {
  const json: Record<string, unknown> = { autoCommit: r.autoCommit, consumeResult: r.consumeResult, order: r.order };
  if (r.remark !== undefined) json.remark = r.remark;
  json.spentTimeMills = r.spentTimeMills;
  return Buffer.from(JSON.stringify(json), 'utf8');
}
