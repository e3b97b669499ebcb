/**
 * What a fake broker does for consumers beyond pulls: CONSUMER_SEND_MSG_BACK (a message the consumer
 * could not process goes to %RETRY%<group> with a growing delay, or to %DLQ%<group> once it has been
 * retried maxReconsumeTimes), and the queue locks of orderly consumers (LOCK_BATCH_MQ /
 * UNLOCK_BATCH_MQ, RebalanceLockManager: a lock lives 60 s unless renewed by its owner).
 */
import type { ExtFields } from '../remoting/protocol/remoting-command';
import { ResponseCode } from '../remoting/protocol/response-code';
import { MessageConst } from '../message/message-const';
import type { FakeResponse } from './fake-listener';
import type { SendContext } from './fake-broker-send';
import { storeOrSchedule } from './fake-schedule';

/** The subscription group's default `retryMaxTimes`. */
const DEFAULT_MAX_RECONSUME_TIMES = 16;
/** RebalanceLockManager's REBALANCE_LOCK_MAX_LIVE_TIME (`rocketmq.broker.rebalance.lockMaxLiveTime`). */
export const DEFAULT_LOCK_LIVE_MS = 60_000;

function ensureTopic(ctx: SendContext, topic: string): void {
  if (!ctx.store.topics.has(topic)) ctx.store.putTopic({ topicName: topic, readQueueNums: 1, writeQueueNums: 1, perm: 6, topicSysFlag: 0 });
}

export function handleSendBack(ctx: SendContext, ext: ExtFields | undefined): FakeResponse {
  const group = ext?.group ?? '';
  let offset: bigint;
  try {
    offset = BigInt(ext?.offset ?? 'x');
  } catch {
    return { code: ResponseCode.SYSTEM_ERROR, remark: `look message by offset failed, ${ext?.offset ?? ''}` };
  }
  const found = ctx.store.byOffset.get(offset);
  if (!found) return { code: ResponseCode.SYSTEM_ERROR, remark: `look message by offset failed, ${offset}` };
  const m = found.ext;
  const props = new Map(m.properties);
  if (!props.has(MessageConst.PROPERTY_RETRY_TOPIC)) props.set(MessageConst.PROPERTY_RETRY_TOPIC, m.topic);
  props.set(MessageConst.PROPERTY_WAIT_STORE_MSG_OK, 'false');
  const maxTimes = ext?.maxReconsumeTimes !== undefined ? Number(ext.maxReconsumeTimes) : DEFAULT_MAX_RECONSUME_TIMES;
  let delayLevel = Number(ext?.delayLevel ?? 0);
  let topic = `%RETRY%${group}`;
  if (m.reconsumeTimes >= maxTimes || delayLevel < 0) {
    topic = `%DLQ%${group}`;
    // A DLQ message is stored at once, whatever DELAY its earlier retry left in its properties.
    props.delete(MessageConst.PROPERTY_DELAY_TIME_LEVEL);
  } else {
    if (delayLevel === 0) delayLevel = 3 + m.reconsumeTimes;
    props.set(MessageConst.PROPERTY_DELAY_TIME_LEVEL, String(delayLevel));
  }
  ensureTopic(ctx, topic);
  // The stored message's own ORIGIN_MESSAGE_ID, else its offset id; the header's originMsgId is not used.
  if (!props.get(MessageConst.PROPERTY_ORIGIN_MESSAGE_ID)) props.set(MessageConst.PROPERTY_ORIGIN_MESSAGE_ID, m.offsetMsgId);
  storeOrSchedule(ctx, {
    topic,
    queueId: 0,
    body: m.body,
    flag: m.flag,
    sysFlag: m.sysFlag,
    properties: props,
    bornTimestamp: m.bornTimestamp,
    bornHost: m.bornHost,
    reconsumeTimes: m.reconsumeTimes + 1,
  });
  return { code: ResponseCode.SUCCESS };
}

interface LockedQueue {
  topic: string;
  brokerName: string;
  queueId: number;
}

interface LockBody {
  consumerGroup?: string;
  clientId?: string;
  mqSet?: LockedQueue[];
}

/**
 * The queue locks of one broker, as RebalanceLockManager keeps them: (group, queue) -> owner and when it
 * last locked. A lock not renewed within `liveMs` is free for anyone; its owner may always renew it.
 */
export class FakeQueueLocks {
  private readonly locks = new Map<string, { clientId: string; at: number }>();

  constructor(private readonly liveMs = DEFAULT_LOCK_LIVE_MS) {}

  lock(body: Buffer | undefined): FakeResponse {
    const req = parse(body);
    if (!req) return { code: ResponseCode.SYSTEM_ERROR, remark: 'lock request body is not JSON' };
    const now = Date.now();
    const ok: LockedQueue[] = [];
    for (const mq of req.mqSet ?? []) {
      const key = lockKey(req.consumerGroup, mq);
      const held = this.locks.get(key);
      if (!held || held.clientId === req.clientId || now - held.at > this.liveMs) {
        this.locks.set(key, { clientId: req.clientId ?? '', at: now });
        ok.push(mq);
      }
    }
    // fastjson field order: brokerName, queueId, topic.
    const lockOKMQSet = ok.map((q) => ({ brokerName: q.brokerName, queueId: q.queueId, topic: q.topic }));
    return { code: ResponseCode.SUCCESS, body: Buffer.from(JSON.stringify({ lockOKMQSet }), 'utf8') };
  }

  unlock(body: Buffer | undefined): FakeResponse {
    const req = parse(body);
    if (!req) return { code: ResponseCode.SYSTEM_ERROR, remark: 'unlock request body is not JSON' };
    for (const mq of req.mqSet ?? []) {
      const key = lockKey(req.consumerGroup, mq);
      if (this.locks.get(key)?.clientId === req.clientId) this.locks.delete(key);
    }
    return { code: ResponseCode.SUCCESS };
  }

  /** The client holding a queue's lock, if any and alive. */
  owner(group: string, mq: LockedQueue): string | undefined {
    const held = this.locks.get(lockKey(group, mq));
    return held && Date.now() - held.at <= this.liveMs ? held.clientId : undefined;
  }
}

function lockKey(group: string | undefined, mq: LockedQueue): string {
  return `${group ?? ''}\u0000${mq.topic}\u0000${mq.brokerName}\u0000${mq.queueId}`;
}

function parse(body: Buffer | undefined): LockBody | undefined {
  try {
    return JSON.parse((body ?? Buffer.alloc(0)).toString('utf8') || '{}') as LockBody;
  } catch {
    return undefined;
  }
}
