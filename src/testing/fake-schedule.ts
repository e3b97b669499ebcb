/**
 * How a fake broker holds delayed messages until due (5.3 facts: HookUtils.handleScheduleMessage,
 * ScheduleMessageService, TimerMessageStore). A DELAY level (capped at the highest level) is held in
 * SCHEDULE_TOPIC_XXXX queue level-1 and comes back after the level's delay with every property, DELAY
 * included; timer properties on it are dropped. A TIMER_DELAY_SEC / TIMER_DELAY_MS / TIMER_DELIVER_MS
 * message due in the future is held in rmq_sys_wheel_timer queue 0 with TIMER_OUT_MS, its due time
 * rounded down to the wheel's precision (one slot earlier when exactly on a slot), and reaches its topic
 * when that slot is read, with TIMER_ENQUEUE_MS (the wheel's write time, a slot) and TIMER_DEQUEUE_MS
 * (when it was taken out) added. Either keeps its real topic and queue in REAL_TOPIC / REAL_QID.
 */
import { MessageConst } from '../message/message-const';
import { isRetryTopic } from '../message/namespace';
import { RMQ_SYS_SCHEDULE_TOPIC } from '../message/validators';
import type { FakeStore, MessageToStore, StoredMessage } from './fake-store';

/** Where the broker holds DELAY-level messages, one queue per level. */
const SCHEDULE_TOPIC = RMQ_SYS_SCHEDULE_TOPIC;
/** Where the broker's timer wheel holds TIMER_* messages (one queue). */
const TIMER_TOPIC = 'rmq_sys_wheel_timer';
/** The broker's default `messageDelayLevel` (1s 5s 10s 30s 1m ... 2h). */
export const DEFAULT_DELAY_LEVELS_MS: readonly number[] = [1, 5, 10, 30, 60, 120, 180, 240, 300, 360, 420, 480, 540, 600, 1200, 1800, 3600, 7200].map((s) => s * 1000);
/** The broker's default `timerPrecisionMs`. */
export const DEFAULT_TIMER_PRECISION_MS = 1000;

const TIMER_PROPERTIES = [MessageConst.PROPERTY_TIMER_DELIVER_MS, MessageConst.PROPERTY_TIMER_DELAY_SEC, MessageConst.PROPERTY_TIMER_DELAY_MS];

/** What holding a message needs from its broker. */
export interface ScheduleContext {
  readonly store: FakeStore;
  /** Delay of each `DELAY` level, the broker's `messageDelayLevel`. */
  readonly delayLevelsMs: readonly number[];
  /** The timer wheel's slot, the broker's `timerPrecisionMs`. */
  readonly timerPrecisionMs: number;
  /** Stores a visible message and wakes pulls waiting on its queue. */
  putVisible(m: MessageToStore): StoredMessage;
  /** Runs `fn` after `ms` (cleared on close). */
  later(ms: number, fn: () => void): void;
}

/** The timer's due time, in the order the broker reads the properties; undefined without a timer or when it does not parse. */
function timerDue(props: Map<string, string>, now: number): number | undefined {
  const sec = props.get(MessageConst.PROPERTY_TIMER_DELAY_SEC);
  const ms = props.get(MessageConst.PROPERTY_TIMER_DELAY_MS);
  const at = props.get(MessageConst.PROPERTY_TIMER_DELIVER_MS);
  const due = sec !== undefined ? now + Number(sec) * 1000 : ms !== undefined ? now + Number(ms) : at !== undefined ? Number(at) : undefined;
  return due !== undefined && Number.isFinite(due) ? due : undefined;
}

/** The slot a timer message is due in (TIMER_OUT_MS): rounded down, and a time exactly on a slot goes one slot earlier. */
export function timerOutMs(dueMs: number, precisionMs: number): number {
  return dueMs % precisionMs === 0 ? dueMs - precisionMs : Math.floor(dueMs / precisionMs) * precisionMs;
}

/**
 * Stores a message now, or holds a delayed one until due; the result describes the stored or held
 * record (what the send answers with).
 */
export function storeOrSchedule(ctx: ScheduleContext, msg: MessageToStore): StoredMessage {
  const now = Date.now();
  const props = msg.properties;
  const level = Number(props.get(MessageConst.PROPERTY_DELAY_TIME_LEVEL) ?? 0);
  if (level > 0 && ctx.delayLevelsMs.length > 0) {
    for (const k of TIMER_PROPERTIES) props.delete(k);
    const capped = Math.min(level, ctx.delayLevelsMs.length);
    props.set(MessageConst.PROPERTY_DELAY_TIME_LEVEL, String(capped));
    return hold(ctx, msg, SCHEDULE_TOPIC, capped - 1, now + ctx.delayLevelsMs[capped - 1]!, () => {});
  }
  const due = timerDue(props, now);
  if (due === undefined || due <= now) return ctx.putVisible(msg);
  const precision = ctx.timerPrecisionMs;
  const out = timerOutMs(due, precision);
  props.set(MessageConst.PROPERTY_TIMER_OUT_MS, String(out));
  const enqueuedAt = Math.floor(now / precision) * precision;
  return hold(ctx, msg, TIMER_TOPIC, 0, out, (delivered) => {
    delivered.set(MessageConst.PROPERTY_TIMER_ENQUEUE_MS, String(enqueuedAt));
    delivered.set(MessageConst.PROPERTY_TIMER_DEQUEUE_MS, String(Date.now()));
  });
}

function hold(ctx: ScheduleContext, msg: MessageToStore, topic: string, queueId: number, dueMs: number, onDue: (props: Map<string, string>) => void): StoredMessage {
  msg.properties.set(MessageConst.PROPERTY_REAL_TOPIC, msg.topic);
  msg.properties.set(MessageConst.PROPERTY_REAL_QUEUE_ID, String(msg.queueId));
  const held = ctx.store.put({ ...msg, topic, queueId, properties: new Map(msg.properties) });
  const deliver = (): void => {
    // Never before due, even when a timer fires a millisecond early.
    const wait = dueMs - Date.now();
    if (wait > 0) {
      ctx.later(wait, deliver);
      return;
    }
    const properties = new Map(msg.properties);
    onDue(properties);
    ctx.putVisible({ ...msg, properties });
  };
  ctx.later(Math.max(0, dueMs - Date.now()), deliver);
  return held;
}

/**
 * The recall handle a 5.3 broker answers a timer message's send with (RecallMessageHandle.HandleV1):
 * URL-safe base64 of `v1 <topic> <brokerName> <TIMER_OUT_MS + 1> <UNIQ_KEY>`; none for a message not in
 * the timer wheel or bound for a retry topic.
 */
export function recallHandleOf(held: StoredMessage, brokerName: string): string | undefined {
  const m = held.ext;
  const out = m.getProperty(MessageConst.PROPERTY_TIMER_OUT_MS);
  const realTopic = m.getProperty(MessageConst.PROPERTY_REAL_TOPIC);
  const uniq = m.getProperty(MessageConst.PROPERTY_UNIQ_CLIENT_MESSAGE_ID_KEYIDX);
  if (m.topic !== TIMER_TOPIC || out === undefined || realTopic === undefined || isRetryTopic(realTopic)) return undefined;
  const raw = ['v1', realTopic, brokerName, String(Number(out) + 1), uniq ?? ''].join(' ');
  return Buffer.from(raw, 'utf8').toString('base64').replace(/\+/g, '-').replace(/\//g, '_');
}
