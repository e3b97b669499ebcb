/**
 * The fake broker's PULL_MESSAGE / LITE_PULL_MESSAGE (PullMessageProcessor and
 * DefaultMessageStore.getMessage facts): the body is the stored records back to back; the status is
 * FOUND (SUCCESS), PULL_NOT_FOUND, PULL_RETRY_IMMEDIATELY (nothing matched the filter) or
 * PULL_OFFSET_MOVED, with nextBeginOffset/minOffset/maxOffset; a request with the SUSPEND flag that
 * finds nothing is held up to its suspendTimeoutMillis and answered when a message arrives.
 */
import { newExtFields, type ExtFields } from '../remoting/protocol/remoting-command';
import { ResponseCode } from '../remoting/protocol/response-code';
import type { FakeResponse } from './fake-listener';
import { buildSubscription, subscriptionMatches, type FakeClients, type FakeSubscription } from './fake-clients';
import { PERM_READ, type FakeStore } from './fake-store';

const FLAG_COMMIT_OFFSET = 0x1;
const FLAG_SUSPEND = 0x2;
const FLAG_SUBSCRIPTION = 0x4;
/** The broker's `maxTransferCountOnMessageInMemory`. */
const MAX_TRANSFER_COUNT = 32;
/** The broker's `maxTransferBytesOnMessageInMemory`. */
const MAX_TRANSFER_BYTES = 256 * 1024;

export interface PullContext {
  readonly store: FakeStore;
  readonly clients: FakeClients;
  readonly longPollingEnable: boolean;
  /** The broker's `shortPollingTimeMills`, the hold when long polling is off. */
  readonly shortPollingTimeMs: number;
  /** Holds a pull until a message reaches (topic, queueId) or `ms` pass; then `retry` runs once. */
  suspend(topic: string, queueId: number, ms: number, retry: () => void): void;
}

interface PullHeader {
  consumerGroup: string;
  topic: string;
  queueId: number;
  queueOffset: bigint;
  maxMsgNums: number;
  sysFlag: number;
  commitOffset: bigint;
  suspendTimeoutMillis: number;
  subscription: string | undefined;
  subVersion: number;
  expressionType: string;
}

function readPullHeader(ext: ExtFields | undefined): PullHeader {
  const e = ext ?? newExtFields();
  const num = (k: string, d: number): number => (e[k] !== undefined && Number.isFinite(Number(e[k])) ? Number(e[k]) : d);
  const big = (k: string, d: bigint): bigint => {
    try {
      return e[k] !== undefined ? BigInt(e[k]) : d;
    } catch {
      return d;
    }
  };
  return {
    consumerGroup: e.consumerGroup ?? '',
    topic: e.topic ?? '',
    queueId: num('queueId', -1),
    queueOffset: big('queueOffset', 0n),
    maxMsgNums: num('maxMsgNums', MAX_TRANSFER_COUNT),
    sysFlag: num('sysFlag', 0),
    commitOffset: big('commitOffset', -1n),
    suspendTimeoutMillis: num('suspendTimeoutMillis', 0),
    subscription: e.subscription,
    subVersion: num('subVersion', 0),
    expressionType: e.expressionType ?? 'TAG',
  };
}

function pullHeader(next: bigint, min: bigint, max: bigint): ExtFields {
  const ext = newExtFields();
  ext.suggestWhichBrokerId = '0';
  ext.nextBeginOffset = String(next);
  ext.minOffset = String(min);
  ext.maxOffset = String(max);
  ext.topicSysFlag = '0';
  ext.groupSysFlag = '0';
  return ext;
}

/** Answers one pull through `reply`, possibly later (long polling). */
export function handlePull(ctx: PullContext, ext: ExtFields | undefined, reply: (r: FakeResponse) => void): void {
  const h = readPullHeader(ext);
  const topic = ctx.store.topics.get(h.topic);
  if (!topic) {
    reply({ code: ResponseCode.TOPIC_NOT_EXIST, remark: `topic[${h.topic}] not exist, apply first please!` });
    return;
  }
  if ((topic.perm & PERM_READ) === 0) {
    reply({ code: ResponseCode.NO_PERMISSION, remark: `the topic[${h.topic}] pulling message is forbidden` });
    return;
  }
  if (h.queueId < 0 || h.queueId >= topic.readQueueNums) {
    reply({ code: ResponseCode.SYSTEM_ERROR, remark: `queueId[${h.queueId}] is illegal, topic:[${h.topic}] topicConfig.readQueueNums:[${topic.readQueueNums}]` });
    return;
  }
  let sub: FakeSubscription | undefined;
  if (h.sysFlag & FLAG_SUBSCRIPTION) {
    sub = buildSubscription(h.topic, h.subscription, h.expressionType, h.subVersion);
  } else {
    if (ctx.clients.consumerIds(h.consumerGroup).length === 0) {
      reply({ code: ResponseCode.SUBSCRIPTION_NOT_EXIST, remark: `the consumer's group info not exist` });
      return;
    }
    sub = ctx.clients.subscription(h.consumerGroup, h.topic);
    if (!sub) {
      reply({ code: ResponseCode.SUBSCRIPTION_NOT_EXIST, remark: `the consumer's subscription not exist` });
      return;
    }
    if (sub.subVersion < h.subVersion) {
      reply({ code: ResponseCode.SUBSCRIPTION_NOT_LATEST, remark: `the consumer's subscription not latest` });
      return;
    }
  }
  // The push consumer piggybacks its committed offset on the first attempt of a pull.
  if (h.sysFlag & FLAG_COMMIT_OFFSET && h.commitOffset >= 0n) {
    ctx.store.commitConsumerOffset(h.consumerGroup, h.topic, h.queueId, h.commitOffset);
  }
  const answer = (mayHold: boolean): void => {
    const r = readQueue(ctx.store, h, sub);
    if (r.code === ResponseCode.PULL_NOT_FOUND && mayHold && h.sysFlag & FLAG_SUSPEND) {
      const hold = ctx.longPollingEnable ? Math.max(0, h.suspendTimeoutMillis) : ctx.shortPollingTimeMs;
      ctx.suspend(h.topic, h.queueId, hold, () => answer(false));
      return;
    }
    reply(r);
  };
  answer(true);
}

function readQueue(store: FakeStore, h: PullHeader, sub: FakeSubscription): FakeResponse {
  const q = store.queue(h.topic, h.queueId);
  const min = 0n;
  const max = BigInt(q.length);
  const offset = h.queueOffset;
  const moved = (next: bigint): FakeResponse => ({ code: ResponseCode.PULL_OFFSET_MOVED, extFields: pullHeader(next, min, max) });
  const notFound = (next: bigint): FakeResponse => ({ code: ResponseCode.PULL_NOT_FOUND, extFields: pullHeader(next, min, max) });
  if (max === 0n) return offset !== 0n ? moved(0n) : notFound(0n);
  if (offset < min) return moved(min);
  if (offset === max) return notFound(offset);
  if (offset > max) return moved(min === 0n ? min : max);
  const limit = Math.max(1, Math.min(h.maxMsgNums, MAX_TRANSFER_COUNT));
  const records: Buffer[] = [];
  let bytes = 0;
  let i = Number(offset);
  for (; i < q.length && records.length < limit; i++) {
    const m = q[i]!;
    if (!subscriptionMatches(sub, m.tagsCode)) continue;
    if (records.length > 0 && bytes + m.record.length > MAX_TRANSFER_BYTES) break;
    records.push(m.record);
    bytes += m.record.length;
  }
  const next = BigInt(i);
  if (records.length === 0) return { code: ResponseCode.PULL_RETRY_IMMEDIATELY, extFields: pullHeader(next, min, max) };
  return { code: ResponseCode.SUCCESS, extFields: pullHeader(next, min, max), body: Buffer.concat(records) };
}
