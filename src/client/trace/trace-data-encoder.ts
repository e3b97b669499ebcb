import { KEY_SEPARATOR } from '../../message/message-const';
import {
  CONTENT_SPLITOR,
  FIELD_SPLITOR,
  newTraceBean,
  newTraceContext,
  TRACE_MESSAGE_TYPES,
  TRACE_TRANSACTION_STATES,
  type TraceBean,
  type TraceContext,
  type TraceMessageType,
  type TraceTransactionState,
} from './trace-context';

/** Java `TraceTransferBean`: the encoded records and the keys the trace message is indexed by. */
export interface TraceTransferBean {
  transData: string;
  /** The msgId and every key of the traced message(s), de-duplicated. */
  transKeys: Set<string>;
}

/** Java `StringBuilder.append(String)`: null prints as "null". */
function text(v: string | null | undefined): string {
  return v === null || v === undefined ? 'null' : v;
}

function ordinal(t: TraceMessageType): number {
  return TRACE_MESSAGE_TYPES.indexOf(t);
}

type Field = string | number | boolean;

/** One record: fields split by U+0001, ended by U+0002. */
function record(fields: Field[]): string {
  return fields.map(String).join(CONTENT_SPLITOR) + FIELD_SPLITOR;
}

/**
 * Java `TraceDataEncoder.encoderFromContextBean` (protocol.md 14.3): Pub, EndTransaction and Recall
 * write one record for the first bean; SubBefore and SubAfter one record per bean. SubAfter ends with
 * the timestamp and group, as Java writes it for every access channel but CLOUD.
 */
export function encodeTraceContext(ctx: TraceContext): TraceTransferBean {
  const fields: Field[] = [];
  let consumerRecords = '';
  const bean = ctx.traceBeans[0];
  switch (ctx.traceType) {
    case 'Pub':
      if (bean) {
        fields.push('Pub', ctx.timeStamp, text(ctx.regionId), ctx.groupName, bean.topic, bean.msgId, text(bean.tags), text(bean.keys));
        fields.push(bean.storeHost, bean.bodyLength, ctx.costTime, ordinal(bean.msgType), bean.offsetMsgId, ctx.isSuccess);
      }
      break;
    case 'EndTransaction':
      if (bean) {
        fields.push('EndTransaction', ctx.timeStamp, text(ctx.regionId), ctx.groupName, bean.topic, bean.msgId, text(bean.tags));
        fields.push(text(bean.keys), bean.storeHost, ordinal(bean.msgType), text(bean.transactionId));
        fields.push(bean.transactionState ?? 'UNKNOW', bean.fromTransactionCheck === true);
      }
      break;
    case 'Recall':
      if (bean) fields.push('Recall', ctx.timeStamp, text(ctx.regionId), ctx.groupName, bean.topic, bean.msgId, ctx.isSuccess);
      break;
    case 'SubBefore':
      for (const b of ctx.traceBeans) {
        consumerRecords += record(['SubBefore', ctx.timeStamp, text(ctx.regionId), ctx.groupName, ctx.requestId, b.msgId, b.retryTimes ?? 0, text(b.keys)]);
      }
      break;
    case 'SubAfter':
      for (const b of ctx.traceBeans) {
        consumerRecords += record([
          'SubAfter', ctx.requestId, b.msgId, ctx.costTime, ctx.isSuccess, text(b.keys), ctx.contextCode, ctx.timeStamp, ctx.groupName,
        ]);
      }
      break;
  }
  const transData = fields.length > 0 ? record(fields) : consumerRecords;
  const transKeys = new Set<string>();
  for (const b of ctx.traceBeans) {
    transKeys.add(b.msgId);
    if (b.keys) for (const k of b.keys.split(KEY_SEPARATOR)) transKeys.add(k);
  }
  return { transData, transKeys };
}

function int(s: string | undefined): number {
  const n = Number.parseInt(s ?? '', 10);
  return Number.isFinite(n) ? n : 0;
}

function msgTypeAt(s: string | undefined): TraceMessageType {
  return TRACE_MESSAGE_TYPES[int(s)] ?? 'Normal_Msg';
}

/** Fields 1-3 of Pub, EndTransaction, Recall and SubBefore records. */
function recordHead(f: string[]): Pick<TraceContext, 'timeStamp' | 'regionId' | 'groupName'> {
  return { timeStamp: int(f[1]), regionId: f[2] ?? '', groupName: f[3] ?? '' };
}

/** Fields 4-8 of Pub and EndTransaction records. */
function messageFields(f: string[]): Pick<TraceBean, 'topic' | 'msgId' | 'tags' | 'keys' | 'storeHost'> {
  return { topic: f[4] ?? '', msgId: f[5] ?? '', tags: f[6] ?? '', keys: f[7] ?? '', storeHost: f[8] ?? '' };
}

/**
 * Java `TraceDataEncoder.decoderFromTraceDataString`: what a trace message's body says. Unknown record
 * types are skipped; fields keep their text (`"null"`).
 */
export function decodeTraceData(data: string): TraceContext[] {
  const out: TraceContext[] = [];
  if (!data) return out;
  for (const record of data.split(FIELD_SPLITOR)) {
    const f = record.split(CONTENT_SPLITOR);
    if (f[0] === 'Pub') {
      const ctx = newTraceContext('Pub', { ...recordHead(f), costTime: int(f[10]) });
      const bean = newTraceBean({ ...messageFields(f), bodyLength: int(f[9]), msgType: msgTypeAt(f[11]) });
      if (f.length === 13) ctx.isSuccess = f[12] === 'true';
      else if (f.length >= 14) {
        bean.offsetMsgId = f[12]!;
        ctx.isSuccess = f[13] === 'true';
      }
      ctx.traceBeans.push(bean);
      out.push(ctx);
    } else if (f[0] === 'EndTransaction') {
      const ctx = newTraceContext('EndTransaction', recordHead(f));
      const state = (TRACE_TRANSACTION_STATES as readonly string[]).includes(f[11] ?? '') ? (f[11] as TraceTransactionState) : 'UNKNOW';
      ctx.traceBeans.push(
        newTraceBean({
          ...messageFields(f),
          msgType: msgTypeAt(f[9]),
          transactionId: f[10] ?? '',
          transactionState: state,
          fromTransactionCheck: f[12] === 'true',
        }),
      );
      out.push(ctx);
    } else if (f[0] === 'Recall') {
      const ctx = newTraceContext('Recall', { ...recordHead(f), isSuccess: f[6] === 'true' });
      ctx.traceBeans.push(newTraceBean({ topic: f[4] ?? '', msgId: f[5] ?? '' }));
      out.push(ctx);
    } else if (f[0] === 'SubBefore') {
      const ctx = newTraceContext('SubBefore', { ...recordHead(f), requestId: f[4] ?? '' });
      ctx.traceBeans.push(newTraceBean({ msgId: f[5] ?? '', retryTimes: int(f[6]), keys: f[7] ?? '' }));
      out.push(ctx);
    } else if (f[0] === 'SubAfter') {
      out.push(decodeSubAfter(f));
    }
  }
  return out;
}

/** A SubAfter record; older clients wrote fewer fields (no context code, timestamp or group). */
function decodeSubAfter(f: string[]): TraceContext {
  const ctx = newTraceContext('SubAfter', { requestId: f[1] ?? '', costTime: int(f[3]), isSuccess: f[4] === 'true' });
  ctx.traceBeans.push(newTraceBean({ msgId: f[2] ?? '', keys: f[5] ?? '' }));
  if (f.length >= 7) ctx.contextCode = int(f[6]);
  if (f.length >= 8) ctx.timeStamp = int(f[7]);
  if (f.length >= 9) ctx.groupName = f[8] ?? '';
  return ctx;
}
