/**
 * The fake broker's send path (SendMessageProcessor facts): SEND_MESSAGE (V1 header), SEND_MESSAGE_V2
 * (letter keys) and SEND_BATCH_MESSAGE; topics created from TBW102 when auto-create is on, refused
 * otherwise; the response header the broker writes (msgId = offset id, queueId, queueOffset,
 * transactionId = UNIQ_KEY, a timer message's recallHandle) plus MSG_REGION and TRACE_ON; prepared
 * messages kept aside as half messages until END_TRANSACTION, and delayed ones held until due
 * (fake-schedule.ts).
 */
import { newExtFields, type ExtFields } from '../remoting/protocol/remoting-command';
import { RequestCode } from '../remoting/protocol/request-code';
import { ResponseCode } from '../remoting/protocol/response-code';
import { decodeMessages } from '../message/message-batch';
import type { HostAddress } from '../message/message-decoder';
import { MessageConst } from '../message/message-const';
import { messageProperties2String, string2messageProperties } from '../message/message-properties';
import { MessageSysFlag, getTransactionValue, resetTransactionValue } from '../message/message-sys-flag';
import type { FakeResponse } from './fake-listener';
import { PERM_INHERIT, PERM_WRITE, offsetMsgIds, type MessageToStore, type StoredMessage, type TopicConfig } from './fake-store';
import { recallHandleOf, storeOrSchedule, type ScheduleContext } from './fake-schedule';

/** The template topic new topics are created from. */
export const AUTO_CREATE_TOPIC_KEY = 'TBW102';
/** Where the broker keeps half messages. */
export const TRANS_HALF_TOPIC = 'RMQ_SYS_TRANS_HALF_TOPIC';
const MAX_MESSAGE_SIZE = 4 * 1024 * 1024;
const FAQ_APPLY_TOPIC = '\nSee http://rocketmq.apache.org/docs/faq/ for further details.';

/** What the send path needs from its broker. */
export interface SendContext extends ScheduleContext {
  readonly brokerName: string;
  readonly clusterName: string;
  readonly autoCreateTopic: boolean;
  /** Pushes a reply message to the client named by its REPLY_TO_CLIENT; an error remark when it cannot. */
  pushReply(header: ExtFields, body: Buffer, clientId: string | undefined): string | undefined;
}

const REPLY_CODES = new Set<number>([RequestCode.SEND_REPLY_MESSAGE, RequestCode.SEND_REPLY_MESSAGE_V2]);
const V1_CODES = new Set<number>([RequestCode.SEND_MESSAGE, RequestCode.SEND_REPLY_MESSAGE]);

interface SendHeader {
  producerGroup: string;
  topic: string;
  defaultTopic: string;
  defaultTopicQueueNums: number;
  queueId: number;
  sysFlag: number;
  bornTimestamp: number;
  flag: number;
  properties: string;
  reconsumeTimes: number;
}

const V2_KEYS: Record<string, keyof SendHeader> = {
  a: 'producerGroup', b: 'topic', c: 'defaultTopic', d: 'defaultTopicQueueNums', e: 'queueId', f: 'sysFlag',
  g: 'bornTimestamp', h: 'flag', i: 'properties', j: 'reconsumeTimes',
};

function readSendHeader(ext: ExtFields | undefined, v2: boolean): SendHeader {
  const get = (name: keyof SendHeader): string | undefined => {
    if (!ext) return undefined;
    if (!v2) return ext[name];
    const letter = Object.keys(V2_KEYS).find((k) => V2_KEYS[k] === name)!;
    return ext[letter];
  };
  const int = (name: keyof SendHeader, dflt: number): number => {
    const v = get(name);
    const n = v === undefined ? NaN : Number(v);
    return Number.isFinite(n) ? n : dflt;
  };
  return {
    producerGroup: get('producerGroup') ?? '',
    topic: get('topic') ?? '',
    defaultTopic: get('defaultTopic') ?? AUTO_CREATE_TOPIC_KEY,
    defaultTopicQueueNums: int('defaultTopicQueueNums', 4),
    queueId: int('queueId', -1),
    sysFlag: int('sysFlag', 0),
    bornTimestamp: int('bornTimestamp', Date.now()),
    flag: int('flag', 0),
    properties: get('properties') ?? '',
    reconsumeTimes: int('reconsumeTimes', 0),
  };
}

/** The topic's config, created from the template when allowed (`TopicConfigManager.createTopicInSendMessageMethod`). */
function topicFor(ctx: SendContext, h: SendHeader): TopicConfig | FakeResponse {
  const existing = ctx.store.topics.get(h.topic);
  if (existing) return existing;
  const template = ctx.store.topics.get(h.defaultTopic);
  const retry = h.topic.startsWith('%RETRY%');
  if (!retry && !(ctx.autoCreateTopic && template && (template.perm & PERM_INHERIT) !== 0)) {
    return { code: ResponseCode.TOPIC_NOT_EXIST, remark: `topic[${h.topic}] not exist, apply first please!${FAQ_APPLY_TOPIC}` };
  }
  const queues = retry ? 1 : Math.max(1, Math.min(h.defaultTopicQueueNums, template!.writeQueueNums));
  const config: TopicConfig = {
    topicName: h.topic,
    readQueueNums: queues,
    writeQueueNums: queues,
    perm: retry ? 6 : template!.perm & ~PERM_INHERIT,
    topicSysFlag: 0,
  };
  ctx.store.putTopic(config);
  return config;
}

/** What a 5.3 broker adds to every stored message's properties (seen on messages a consumer reads). */
function addBrokerProperties(props: Map<string, string>, ctx: SendContext): void {
  props.set(MessageConst.PROPERTY_CLUSTER, ctx.clusterName);
  props.set(MessageConst.PROPERTY_MSG_REGION, 'DefaultRegion');
  props.set(MessageConst.PROPERTY_TRACE_SWITCH, 'true');
}

function withSendExt(ext: ExtFields): ExtFields {
  ext.MSG_REGION = 'DefaultRegion';
  ext.TRACE_ON = 'true';
  return ext;
}

/** An error answer to a send: the broker adds MSG_REGION and TRACE_ON to those as well. */
function sendError(code: number, remark: string): FakeResponse {
  return { code, remark, extFields: withSendExt(newExtFields()) };
}

export function handleSend(ctx: SendContext, code: number, ext: ExtFields | undefined, body: Buffer, bornHost: HostAddress): FakeResponse {
  const h = readSendHeader(ext, !V1_CODES.has(code));
  if (!h.topic) return sendError(ResponseCode.SYSTEM_ERROR, 'the topic is missing from the send header');
  const topic = topicFor(ctx, h);
  if ('code' in topic) return { ...topic, extFields: withSendExt(newExtFields()) };
  if ((topic.perm & PERM_WRITE) === 0) {
    return sendError(ResponseCode.NO_PERMISSION, `the topic[${h.topic}] sending message is forbidden`);
  }
  let queueId = h.queueId;
  if (queueId < 0) queueId = Math.floor(Math.random() * topic.writeQueueNums);
  if (queueId >= topic.writeQueueNums) {
    return sendError(ResponseCode.SYSTEM_ERROR, `request queueId[${queueId}] is illegal, topic:${h.topic} Producer: ${h.producerGroup}`);
  }
  if (body.length > MAX_MESSAGE_SIZE) return sendError(ResponseCode.MESSAGE_ILLEGAL, `the message body size over max value, MAX: ${MAX_MESSAGE_SIZE}`);
  const props = string2messageProperties(h.properties);
  const base = { topic: h.topic, queueId, sysFlag: h.sysFlag, bornTimestamp: h.bornTimestamp, bornHost, reconsumeTimes: h.reconsumeTimes };
  const out = withSendExt(newExtFields());
  if (code === RequestCode.SEND_BATCH_MESSAGE) {
    if (h.topic.startsWith('%RETRY%')) return sendError(ResponseCode.MESSAGE_ILLEGAL, `batch request does not support retry group ${h.topic}`);
    let inner;
    try {
      inner = decodeMessages(body);
    } catch (e) {
      return sendError(ResponseCode.MESSAGE_ILLEGAL, `bad batch body: ${(e as Error).message}`);
    }
    // Each member keeps its own flag, body and properties, then the batch's properties (its WAIT and
    // UNIQ_KEY, and the CLUSTER the broker adds) are appended: a 5.3 broker stores the batch's UNIQ_KEY on
    // every member.
    addBrokerProperties(props, ctx);
    const stored = inner.map((m) => {
      const merged = new Map(m.properties);
      for (const [k, v] of props) merged.set(k, v);
      return ctx.putVisible({ ...base, body: m.body, flag: m.flag, properties: merged });
    });
    out.msgId = offsetMsgIds(stored);
    out.queueId = String(queueId);
    out.queueOffset = String(stored[0]?.ext.queueOffset ?? 0n);
    out.transactionId = props.get(MessageConst.PROPERTY_UNIQ_CLIENT_MESSAGE_ID_KEYIDX) ?? '';
    return { code: ResponseCode.SUCCESS, extFields: out };
  }
  addBrokerProperties(props, ctx);
  if (REPLY_CODES.has(code)) {
    // ReplyMessageProcessor: push to the requester first, then store.
    props.set(MessageConst.PROPERTY_PUSH_REPLY_TIME, String(Date.now()));
    const failed = ctx.pushReply(replyHeader(h, queueId, props, bornHost, ctx), body, props.get(MessageConst.PROPERTY_MESSAGE_REPLY_TO_CLIENT));
    if (failed !== undefined) return sendError(ResponseCode.SYSTEM_ERROR, failed);
  }
  const msg: MessageToStore = { ...base, body, flag: h.flag, properties: props };
  let stored: StoredMessage;
  if (getTransactionValue(h.sysFlag) === MessageSysFlag.TRANSACTION_PREPARED_TYPE) {
    stored = storeHalf(ctx, msg);
  } else {
    stored = storeOrSchedule(ctx, msg);
  }
  out.msgId = stored.ext.offsetMsgId;
  out.queueId = String(queueId);
  out.queueOffset = String(stored.ext.queueOffset);
  out.transactionId = props.get(MessageConst.PROPERTY_UNIQ_CLIENT_MESSAGE_ID_KEYIDX) ?? '';
  const recallHandle = recallHandleOf(stored, ctx.brokerName);
  if (recallHandle !== undefined) out.recallHandle = recallHandle;
  return { code: ResponseCode.SUCCESS, extFields: out };
}

/** The ReplyMessageRequestHeader of PUSH_REPLY_MESSAGE_TO_CLIENT (hosts as Java's InetSocketAddress prints them). */
function replyHeader(h: SendHeader, queueId: number, props: Map<string, string>, bornHost: HostAddress, ctx: SendContext): ExtFields {
  const ext = newExtFields();
  Object.assign(ext, {
    producerGroup: h.producerGroup,
    topic: h.topic,
    defaultTopic: h.defaultTopic,
    defaultTopicQueueNums: String(h.defaultTopicQueueNums),
    queueId: String(queueId),
    sysFlag: String(h.sysFlag),
    bornTimestamp: String(h.bornTimestamp),
    flag: String(h.flag),
    properties: messageProperties2String(props),
    reconsumeTimes: String(h.reconsumeTimes),
    unitMode: 'false',
    bornHost: `/${bornHost.address}`,
    storeHost: `/${ctx.store.storeHost.address}`,
    storeTimestamp: String(Date.now()),
  });
  return ext;
}

/** A prepared message goes to the half topic with its real topic and queue in properties. */
function storeHalf(ctx: SendContext, m: MessageToStore): StoredMessage {
  const props = new Map(m.properties);
  props.set(MessageConst.PROPERTY_REAL_TOPIC, m.topic);
  props.set(MessageConst.PROPERTY_REAL_QUEUE_ID, String(m.queueId));
  // A 5.3.3 broker's committed message carries __transactionId__ = UNIQ_KEY (seen by a consumer).
  const uniq = props.get(MessageConst.PROPERTY_UNIQ_CLIENT_MESSAGE_ID_KEYIDX);
  if (uniq !== undefined) props.set(MessageConst.PROPERTY_TRANSACTION_ID, uniq);
  const sysFlag = resetTransactionValue(m.sysFlag, MessageSysFlag.TRANSACTION_NOT_TYPE);
  const half = ctx.store.append({ ...m, topic: TRANS_HALF_TOPIC, queueId: 0, sysFlag, properties: props }, ctx.store.nextHalfOffset++);
  ctx.store.halves.set(half.ext.commitLogOffset, half);
  return half;
}

/**
 * The real message of a half one, as EndTransactionProcessor rebuilds it for a commit. It clears
 * REAL_TOPIC, REAL_QID and TRAN_MSG only after writing the properties string, so a 5.3 broker stores
 * them (a consumer sees them): kept here too.
 */
export function realMessageOf(half: StoredMessage, commitOrRollback: number): MessageToStore {
  const props = new Map(half.ext.properties);
  const topic = props.get(MessageConst.PROPERTY_REAL_TOPIC) ?? half.ext.topic;
  const queueId = Number(props.get(MessageConst.PROPERTY_REAL_QUEUE_ID) ?? 0);
  return {
    topic,
    queueId,
    body: half.ext.body,
    flag: half.ext.flag,
    sysFlag: resetTransactionValue(half.ext.sysFlag, commitOrRollback),
    properties: props,
    bornTimestamp: half.ext.bornTimestamp,
    bornHost: half.ext.bornHost,
    reconsumeTimes: half.ext.reconsumeTimes,
    preparedTransactionOffset: half.ext.commitLogOffset,
  };
}
