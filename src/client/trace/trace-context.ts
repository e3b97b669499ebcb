import { RMQ_SYS_TRACE_TOPIC } from '../../message/validators';

/**
 * The trace records of Java's `org.apache.rocketmq.client.trace` (protocol.md 14): the model, its text
 * encoding and the dispatcher are shared by producers (Pub, EndTransaction) and consumers (SubBefore,
 * SubAfter), so they live below both.
 */

/** Java `TraceConstants.CONTENT_SPLITOR`: between the fields of one record. */
export const CONTENT_SPLITOR = '\u0001';
/** Java `TraceConstants.FIELD_SPLITOR`: after each record. */
export const FIELD_SPLITOR = '\u0002';
/** Java `TraceConstants.GROUP_NAME_PREFIX`: the trace producer's group prefix. */
export const TRACE_GROUP_NAME_PREFIX = '_INNER_TRACE_PRODUCER';
/** Java `TraceConstants.TRACE_INSTANCE_NAME`. */
const TRACE_INSTANCE_NAME = 'PID_CLIENT_INNER_TRACE_PRODUCER';

/** The instance every trace producer of a process shares per name server list (Java `<TRACE_INSTANCE_NAME>_<namesrv>`). */
export function traceInstanceName(namesrvAddr: readonly string[]): string {
  return `${TRACE_INSTANCE_NAME}_${namesrvAddr.join(';')}`;
}
/** `TopicValidator.RMQ_SYS_TRACE_TOPIC`: the default trace topic. */
export const DEFAULT_TRACE_TOPIC = RMQ_SYS_TRACE_TOPIC;

/** Java `TraceType` (the names are what the records carry). */
export type TraceType = 'Pub' | 'Recall' | 'SubBefore' | 'SubAfter' | 'EndTransaction';

/** Java `MessageType`, in ordinal order: a record carries the ordinal. */
export const TRACE_MESSAGE_TYPES = ['Normal_Msg', 'Trans_Msg_Half', 'Trans_msg_Commit', 'Delay_Msg', 'Order_Msg'] as const;
export type TraceMessageType = (typeof TRACE_MESSAGE_TYPES)[number];

/** Java `LocalTransactionState` by name, as EndTransaction records carry it. */
export type TraceTransactionState = 'COMMIT_MESSAGE' | 'ROLLBACK_MESSAGE' | 'UNKNOW';
export const TRACE_TRANSACTION_STATES: readonly TraceTransactionState[] = ['COMMIT_MESSAGE', 'ROLLBACK_MESSAGE', 'UNKNOW'];

/** Java `ConsumeReturnType`, in ordinal order: a SubAfter record carries the ordinal as its context code. */
export const CONSUME_RETURN_TYPES = ['SUCCESS', 'TIME_OUT', 'EXCEPTION', 'RETURNNULL', 'FAILED'] as const;
export type ConsumeReturnType = (typeof CONSUME_RETURN_TYPES)[number];

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
  transactionState?: TraceTransactionState;
  fromTransactionCheck?: boolean;
  /** Consumer records: the message's reconsume times. */
  retryTimes?: number;
}

/** Java `TraceContext`: one record (a send, an end of transaction) or, for consumers, one per bean. */
export interface TraceContext {
  traceType: TraceType;
  /** Epoch ms: creation time of the context (Pub: before the send). */
  timeStamp: number;
  /** Consumer records copy the message's MSG_REGION, which may be absent (Java writes "null"). */
  regionId: string | null;
  groupName: string;
  costTime: number;
  isSuccess: boolean;
  /** Java `requestId`: a fresh unique id per SubBefore (the only record that makes one); SubAfter repeats it. */
  requestId: string;
  /** SubAfter: the ordinal of the `ConsumeReturnType`. */
  contextCode: number;
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
    requestId: '',
    contextCode: 0,
    traceBeans: [],
    ...init,
  };
}
