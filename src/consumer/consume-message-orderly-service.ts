import type { ConsumeMessageDirectlyResult } from '../client/body/consume-message-directly-result';
import type { MessageQueue } from '../client/message-queue';
import { ScheduledTask } from '../client/scheduled-task';
import type { MessageExt } from '../message/message-decoder';
import { ConsumeLimiter } from './consume-limiter';
import { consumeDirectly } from './consume-message-common';
import {
  callOrderlyListener,
  processOrderlyConsumeResult,
  type ConsumeOrderlyContext,
  type MessageListenerOrderly,
  type OrderlyBatchHost,
} from './consume-orderly-batch';
import type { ProcessQueue } from './process-queue';

export { ConsumeOrderlyStatus, type ConsumeOrderlyContext, type MessageListenerOrderly } from './consume-orderly-batch';

/** Java: delay before a queue whose lock is missing is tried again, and after a failed lock. */
const RELOCK_DELAY_MS = 10;
const RELOCK_FAILED_DELAY_MS = 3000;
/** Java `MAX_TIME_CONSUME_CONTINUOUSLY` yields for this long. */
const YIELD_DELAY_MS = 10;
/** The consume lock is only contended by a release (bounded); a handler waits for it without a limit. */
const CONSUME_LOCK_WAIT_MS = 0x7fffffff;

/** What the orderly service needs of the push consumer. */
export interface OrderlyConsumeHost extends OrderlyBatchHost {
  readonly settings: OrderlyBatchHost['settings'] & { maxTimeConsumeContinuouslyMs: number; rebalanceLockIntervalMs: number };
  /** LOCK_BATCH_MQ for one queue; true when the broker gave it to us. */
  lock(mq: MessageQueue): Promise<boolean>;
  /** Renews every held queue's lock (Java `RebalanceImpl.lockAll`). */
  lockAll(): Promise<void>;
  /** A handler finished on a queue dropped meanwhile: its release can proceed now. */
  onDroppedQueueIdle(): void;
}

/** Why a queue's loop runs again later: a suspended batch, a lock to get, a yield, or new messages. */
type Wake = 'suspend' | 'relock' | 'yield' | 'new';

/** What a consume loop leaves behind: nothing (the queue is empty or gone), or when to run again. */
type Next = { why: Exclude<Wake, 'new'>; delayMs: number } | undefined;

interface QueueState {
  /** The consume loop is queued for a slot or running. */
  active: boolean;
  /** Messages arrived while the loop was active: look again when it ends. */
  again: boolean;
  timer?: NodeJS.Timeout;
  wake?: Wake;
}

/**
 * Java `ConsumeMessageOrderlyService`: per queue one consume loop at a time, which hands the queue's
 * messages to the listener in offset order while the broker lock is ours and fresh (clustering), applies
 * the result under the queue's consume lock (SUCCESS commits the batch; SUSPEND puts it back in front and
 * waits), and yields after `maxTimeConsumeContinuouslyMs`. In clustering the locks are renewed every
 * `rebalanceLockIntervalMs`.
 */
export class ConsumeMessageOrderlyService {
  private readonly limiter: ConsumeLimiter;
  private readonly states = new WeakMap<ProcessQueue, QueueState>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly lockTask: ScheduledTask | undefined;
  private stopped = false;

  constructor(
    private readonly host: OrderlyConsumeHost,
    private readonly listener: MessageListenerOrderly,
    consumeThreadMax: number,
  ) {
    this.limiter = new ConsumeLimiter(consumeThreadMax);
    if (host.messageModel === 'CLUSTERING') {
      const every = host.settings.rebalanceLockIntervalMs;
      this.lockTask = new ScheduledTask('lockMQPeriodically', Math.min(1000, every), every, () => this.lockMQPeriodically(), host.log);
    }
  }

  get activeCount(): number {
    return this.limiter.activeCount;
  }

  start(): void {
    this.lockTask?.start();
  }

  private async lockMQPeriodically(): Promise<void> {
    if (this.stopped) return;
    try {
      await this.host.lockAll();
    } catch (err) {
      // The next round tries again; a queue whose lock ages past its live time stops being consumed.
      this.host.log.warn('lock renewal failed', { group: this.host.consumerGroup, err });
    }
  }

  /** New messages were put in `pq` (Java: dispatched only when no consume request runs for the queue). */
  submitConsumeRequest(pq: ProcessQueue, mq: MessageQueue): void {
    if (this.stopped || pq.dropped) return;
    const st = this.state(pq);
    if (st.active) st.again = true;
    // A pending wake (a suspended batch, a lock to get) is not brought forward by new messages.
    else if (!st.timer) this.run(pq, mq, st);
  }

  /** The broker (re)confirmed the lock of a queue: a loop waiting for it need not wait longer. */
  onLockRenewed(pq: ProcessQueue, mq: MessageQueue): void {
    const st = this.states.get(pq);
    if (!st || st.active || st.wake !== 'relock' || !st.timer || this.stopped) return;
    this.clearWake(st);
    this.later(pq, mq, st, 'relock', 0, () => this.run(pq, mq, st));
  }

  private state(pq: ProcessQueue): QueueState {
    let st = this.states.get(pq);
    if (!st) this.states.set(pq, (st = { active: false, again: false }));
    return st;
  }

  private run(pq: ProcessQueue, mq: MessageQueue, st: QueueState): void {
    st.active = true;
    st.again = false;
    this.limiter.submit(async () => {
      let next: Next;
      try {
        next = await this.consumeLoop(pq, mq);
      } catch (err) {
        // Not the listener's (that is a SUSPEND): whatever it was, the queue is tried again later.
        this.host.log.error('orderly consume loop failed', { mq: mq.toString(), err });
        next = { why: 'suspend', delayMs: this.host.settings.suspendCurrentQueueTimeMs };
      } finally {
        st.active = false;
      }
      this.loopEnded(pq, mq, st, next);
    });
  }

  private later(pq: ProcessQueue, mq: MessageQueue, st: QueueState, why: Wake, delayMs: number, fn: () => void): void {
    if (this.stopped) return;
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      if (st.timer === timer) this.clearWake(st);
      if (!this.stopped && !pq.dropped) fn();
    }, delayMs);
    timer.unref?.();
    this.timers.add(timer);
    st.timer = timer;
    st.wake = why;
  }

  private clearWake(st: QueueState): void {
    if (st.timer) {
      clearTimeout(st.timer);
      this.timers.delete(st.timer);
    }
    st.timer = undefined;
    st.wake = undefined;
  }

  private loopEnded(pq: ProcessQueue, mq: MessageQueue, st: QueueState, next: Next): void {
    if (pq.dropped) {
      // A release gave up waiting for this handler: it can proceed now.
      if (pq.tryUnlockTimes > 0) this.host.onDroppedQueueIdle();
      return;
    }
    if (next?.why === 'relock') return this.tryLockLaterAndReconsume(pq, mq, st, next.delayMs);
    if (next) return this.later(pq, mq, st, next.why, next.delayMs, () => this.run(pq, mq, st));
    if (st.again && pq.hasTempMessage()) this.run(pq, mq, st);
  }

  /** Java `ConsumeRequest.run`: consumes the queue until it is empty, suspended, unlocked or its time is up. */
  private async consumeLoop(pq: ProcessQueue, mq: MessageQueue): Promise<Next> {
    const clustering = this.host.messageModel === 'CLUSTERING';
    const { maxTimeConsumeContinuouslyMs, rebalanceLockMaxLiveTimeMs } = this.host.settings;
    const begin = Date.now();
    for (;;) {
      if (pq.dropped || this.stopped) return undefined;
      if (clustering && !pq.isLockValid(rebalanceLockMaxLiveTimeMs)) {
        this.host.log.warn('the message queue is not locked or its lock expired, consume later', { mq: mq.toString() });
        return { why: 'relock', delayMs: RELOCK_DELAY_MS };
      }
      if (Date.now() - begin > maxTimeConsumeContinuouslyMs) return { why: 'yield', delayMs: YIELD_DELAY_MS };
      if (!(await pq.consumeLock.tryLock(CONSUME_LOCK_WAIT_MS))) return undefined;
      try {
        // Checked again under the consume lock: a release takes it after marking the queue dropped.
        if (pq.dropped || this.stopped) return undefined;
        if (clustering && !pq.isLockValid(rebalanceLockMaxLiveTimeMs)) continue;
        const msgs = pq.takeMessages(this.host.consumeMessageBatchMaxSize);
        if (msgs.length === 0) return undefined;
        const context: ConsumeOrderlyContext = { messageQueue: mq, suspendCurrentQueueTimeMs: -1 };
        const status = await callOrderlyListener(this.host, this.listener, msgs, context);
        let suspendMs: number | undefined;
        try {
          suspendMs = await processOrderlyConsumeResult(this.host, msgs, status, context, pq, mq);
        } catch (err) {
          // Taken and not committed: back in front, or a later commit would count them as consumed.
          pq.makeMessageToConsumeAgain(msgs);
          throw err;
        }
        if (suspendMs !== undefined) return { why: 'suspend', delayMs: suspendMs };
      } finally {
        pq.consumeLock.unlock();
      }
    }
  }

  /** Java `tryLockLaterAndReconsume`: ask for the lock, then consume soon, or later when refused. */
  private tryLockLaterAndReconsume(pq: ProcessQueue, mq: MessageQueue, st: QueueState, delayMs: number): void {
    this.later(pq, mq, st, 'relock', delayMs, () => {
      void (async () => {
        let ok = false;
        try {
          ok = await this.host.lock(mq);
        } catch (err) {
          this.host.log.warn('lock of one queue failed', { mq: mq.toString(), err });
        }
        if (st.timer || st.active) return;
        this.later(pq, mq, st, 'relock', ok ? RELOCK_DELAY_MS : RELOCK_FAILED_DELAY_MS, () => this.run(pq, mq, st));
      })();
    });
  }

  /** Java `consumeMessageDirectly` (orderly): the listener on one message an admin sent; nothing committed. */
  consumeMessageDirectly(msg: MessageExt, mq: MessageQueue): Promise<ConsumeMessageDirectlyResult> {
    const context: ConsumeOrderlyContext = { messageQueue: mq, suspendCurrentQueueTimeMs: -1 };
    return consumeDirectly(this.host, msg, () => this.listener([msg], context), { success: 'SUCCESS', later: 'SUSPEND_CURRENT_QUEUE_A_MOMENT', order: true });
  }

  /** Stops renewing and starting handlers; waits up to `awaitMs` for the running ones. The caller unlocks. */
  async shutdown(awaitMs: number): Promise<boolean> {
    this.stopped = true;
    await this.lockTask?.stop();
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    this.limiter.close();
    return this.limiter.idle(awaitMs);
  }
}
