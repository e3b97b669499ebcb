import type { LocalTransactionState } from '../transaction-listener';
import { RMQ_SYS_TRACE_TOPIC } from '../../message/validators';

/** Java `TraceConstants.CONTENT_SPLITOR`: between the fields of one record. */
export const CONTENT_SPLITOR = '\u0001';
/** Java `TraceConstants.FIELD_SPLITOR`: after each record. */
export const FIELD_SPLITOR = '\u0002';
/** Java `TraceConstants.GROUP_NAME_PREFIX`: the trace producer's group prefix. */
export const TRACE_GROUP_NAME_PREFIX = '_INNER_TRACE_PRODUCER';
/** Java `TraceConstants.TRACE_INSTANCE_NAME`. */
export const TRACE_INSTANCE_NAME = 'PID_CLIENT_INNER_TRACE_PRODUCER';
/** `TopicValidator.RMQ_SYS_TRACE_TOPIC`: the default trace topic. */
export const DEFAULT_TRACE_TOPIC = RMQ_SYS_TRACE_TOPIC;

/** Java `TraceType` (the names are what the records carry). */
export type TraceType = 'Pub' | 'Recall' | 'SubBefore' | 'SubAfter' | 'EndTransaction';

/** Java `MessageType`, in ordinal order: a record carries the ordinal. */
export const TRACE_MESSAGE_TYPES = ['Normal_Msg', 'Trans_Msg_Half', 'Trans_msg_Commit', 'Delay_Msg', 'Order_Msg'] as const;
export type TraceMessageType = (typeof TRACE_MESSAGE_TYPES)[number];

/** Java `TraceBean`: one message's facts in a record. */
export interface TraceBean {
  topic: string;
  msgId: string;
  offsetMsgId: string;
  /** `null` when the message has none (Java writes the text "null"). */
  tags: string | null;
  keys: string | null;
  storeHost: string;
  bodyLength: number;
  msgType: TraceMessageType;
  transactionId?: string | null;
  transactionState?: LocalTransactionState;
  fromTransactionCheck?: boolean;
}

/** Java `TraceContext`: one record (a send or an end of transaction). */
export interface TraceContext {
  traceType: TraceType;
  /** Epoch ms: creation time of the context (Pub: before the send). */
  timeStamp: number;
  regionId: string;
  groupName: string;
  costTime: number;
  isSuccess: boolean;
  traceBeans: TraceBean[];
}

export function newTraceBean(init: Partial<TraceBean> = {}): TraceBean {
  return {
    topic: '',
    msgId: '',
    offsetMsgId: '',
    tags: '',
    keys: '',
    storeHost: '',
    bodyLength: 0,
    msgType: 'Normal_Msg',
    ...init,
  };
}

export function newTraceContext(traceType: TraceType, init: Partial<TraceContext> = {}): TraceContext {
  return {
    traceType,
    timeStamp: Date.now(),
    regionId: '',
    groupName: '',
    costTime: 0,
    isSuccess: true,
    traceBeans: [],
    ...init,
  };
}
