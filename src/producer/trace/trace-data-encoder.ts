import { KEY_SEPARATOR } from '../../message/message-const';
import { LOCAL_TRANSACTION_STATES, type LocalTransactionState } from '../transaction-listener';
import {
  CONTENT_SPLITOR,
  FIELD_SPLITOR,
  newTraceBean,
  newTraceContext,
  TRACE_MESSAGE_TYPES,
  type TraceContext,
  type TraceMessageType,
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

/**
 * Java `TraceDataEncoder.encoderFromContextBean` for the producer's record types (protocol.md 14.3):
 * fields split by U+0001, each record ended by U+0002.
 */
export function encodeTraceContext(ctx: TraceContext): TraceTransferBean {
  const fields: Array<string | number | boolean> = [];
  const bean = ctx.traceBeans[0];
  switch (ctx.traceType) {
    case 'Pub':
      if (bean) {
        fields.push('Pub', ctx.timeStamp, ctx.regionId, ctx.groupName, bean.topic, bean.msgId, text(bean.tags), text(bean.keys));
        fields.push(bean.storeHost, bean.bodyLength, ctx.costTime, ordinal(bean.msgType), bean.offsetMsgId, ctx.isSuccess);
      }
      break;
    case 'EndTransaction':
      if (bean) {
        fields.push('EndTransaction', ctx.timeStamp, ctx.regionId, ctx.groupName, bean.topic, bean.msgId, text(bean.tags));
        fields.push(text(bean.keys), bean.storeHost, ordinal(bean.msgType), text(bean.transactionId));
        fields.push(bean.transactionState ?? 'UNKNOW', bean.fromTransactionCheck === true);
      }
      break;
    case 'Recall':
      if (bean) fields.push('Recall', ctx.timeStamp, ctx.regionId, ctx.groupName, bean.topic, bean.msgId, ctx.isSuccess);
      break;
    default:
      // Consumer record types are not produced by this client.
      break;
  }
  const transData = fields.length > 0 ? fields.map(String).join(CONTENT_SPLITOR) + FIELD_SPLITOR : '';
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

/**
 * Java `TraceDataEncoder.decoderFromTraceDataString` for Pub, EndTransaction and Recall records: what
 * a trace message's body says. Unknown record types are skipped; fields keep their text (`"null"`).
 */
export function decodeTraceData(data: string): TraceContext[] {
  const out: TraceContext[] = [];
  if (!data) return out;
  for (const record of data.split(FIELD_SPLITOR)) {
    const f = record.split(CONTENT_SPLITOR);
    if (f[0] === 'Pub') {
      const ctx = newTraceContext('Pub', { timeStamp: int(f[1]), regionId: f[2] ?? '', groupName: f[3] ?? '', costTime: int(f[10]) });
      const bean = newTraceBean({
        topic: f[4] ?? '',
        msgId: f[5] ?? '',
        tags: f[6] ?? '',
        keys: f[7] ?? '',
        storeHost: f[8] ?? '',
        bodyLength: int(f[9]),
        msgType: msgTypeAt(f[11]),
      });
      if (f.length === 13) ctx.isSuccess = f[12] === 'true';
      else if (f.length >= 14) {
        bean.offsetMsgId = f[12]!;
        ctx.isSuccess = f[13] === 'true';
      }
      ctx.traceBeans.push(bean);
      out.push(ctx);
    } else if (f[0] === 'EndTransaction') {
      const ctx = newTraceContext('EndTransaction', { timeStamp: int(f[1]), regionId: f[2] ?? '', groupName: f[3] ?? '' });
      const state = (LOCAL_TRANSACTION_STATES as readonly string[]).includes(f[11] ?? '') ? (f[11] as LocalTransactionState) : 'UNKNOW';
      ctx.traceBeans.push(
        newTraceBean({
          topic: f[4] ?? '',
          msgId: f[5] ?? '',
          tags: f[6] ?? '',
          keys: f[7] ?? '',
          storeHost: f[8] ?? '',
          msgType: msgTypeAt(f[9]),
          transactionId: f[10] ?? '',
          transactionState: state,
          fromTransactionCheck: f[12] === 'true',
        }),
      );
      out.push(ctx);
    } else if (f[0] === 'Recall') {
      const ctx = newTraceContext('Recall', { timeStamp: int(f[1]), regionId: f[2] ?? '', groupName: f[3] ?? '', isSuccess: f[6] === 'true' });
      ctx.traceBeans.push(newTraceBean({ topic: f[4] ?? '', msgId: f[5] ?? '' }));
      out.push(ctx);
    }
  }
  return out;
}
