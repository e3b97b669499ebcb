import { TimedLock } from '../client/timed-lock';
import { MessageConst } from '../message/message-const';
import type { MessageExt } from '../message/message-decoder';
import { OffsetQueue } from './offset-queue';

/** Java `ProcessQueue.PULL_MAX_IDLE_TIME` (`rocketmq.client.pull.pullMaxIdleTime`). */
export const PULL_MAX_IDLE_TIME_MS = 120_000;

/**
 * Java `ProcessQueue`: the messages of one queue pulled and not yet consumed, by queue offset. The
 * smallest offset still held is what may be committed (everything below it was consumed); when none
 * is held, the highest offset seen + 1. `OffsetQueue` keeps them sorted (Java's TreeMap).
 */
export class ProcessQueue {
  private readonly msgs = new OffsetQueue();
  /** Orderly: the messages taken for the handler and not yet committed (Java `consumingMsgOrderlyTreeMap`). */
  private readonly consumingMsgs = new OffsetQueue();
  private lastKey = -1n;
  private _msgSize = 0;
  /** Orderly: the broker lock of this queue is ours (as of the last LOCK_BATCH_MQ answer). */
  locked = false;
  /** Orderly: when the broker last confirmed the lock. */
  lastLockTimestamp = Date.now();
  /** Orderly: releases that could not wait for the handler in flight. */
  tryUnlockTimes = 0;
  /** Orderly: held while a handler runs and its result is applied; a rebalance takes it before letting the queue go. */
  readonly consumeLock = new TimedLock();
  /** Highest offset ever put, -1 before the first. */
  queueOffsetMax = -1n;
  /** Messages behind the broker's max offset at the last pull (Java `msgAccCnt`). */
  msgAccCnt = 0n;
  dropped = false;
  lastPullTimestamp = Date.now();
  lastConsumeTimestamp = Date.now();

  /** Messages held, those in an orderly handler included. */
  get msgCount(): number {
    return this.msgs.size + this.consumingMsgs.size;
  }

  /** Bytes of the bodies held. */
  get msgSize(): number {
    return this._msgSize;
  }

  isPullExpired(now = Date.now()): boolean {
    return now - this.lastPullTimestamp > PULL_MAX_IDLE_TIME_MS;
  }

  /** Orderly: the lock is not to be trusted once `maxLiveMs` passed without a renewal (Java `isLockExpired`). */
  isLockExpired(maxLiveMs: number, now = Date.now()): boolean {
    return now - this.lastLockTimestamp > maxLiveMs;
  }

  /** Orderly: the lock is ours and fresh. */
  isLockValid(maxLiveMs: number, now = Date.now()): boolean {
    return this.locked && !this.isLockExpired(maxLiveMs, now);
  }

  /** Adds pulled messages (an offset already held is ignored). */
  putMessage(list: readonly MessageExt[]): void {
    let outOfOrder = false;
    for (const m of list) {
      // `add` refuses an offset already held, so each offset is looked up once.
      if (this.consumingMsgs.has(m.queueOffset) || !this.msgs.add(m)) continue;
      if (m.queueOffset < this.lastKey) outOfOrder = true;
      else this.lastKey = m.queueOffset;
      this._msgSize += m.body.length;
      if (m.queueOffset > this.queueOffsetMax) this.queueOffsetMax = m.queueOffset;
    }
    if (outOfOrder) this.lastKey = this.queueOffsetMax;
    const last = list[list.length - 1];
    const max = last?.getProperty(MessageConst.PROPERTY_MAX_OFFSET);
    if (last && max !== undefined && /^\d+$/.test(max)) {
      const acc = BigInt(max) - last.queueOffset;
      this.msgAccCnt = acc > 0n ? acc : 0n;
    }
  }

  /** Highest minus lowest offset held (Java `getMaxSpan`). */
  getMaxSpan(): bigint {
    if (this.msgs.size === 0) return 0n;
    return this.lastKey - this.firstKey()!;
  }

  /** Highest offset held, undefined when empty. */
  lastOffset(): bigint | undefined {
    return this.msgs.size > 0 ? this.lastKey : undefined;
  }

  firstKey(): bigint | undefined {
    return this.msgs.firstKey();
  }

  containsMessage(m: MessageExt): boolean {
    return this.msgs.get(m.queueOffset) === m;
  }

  /**
   * Removes consumed messages; answers the offset that may now be committed: the smallest offset still
   * held, or the highest seen + 1 when none is; -1 when nothing was held.
   */
  removeMessage(list: readonly MessageExt[]): bigint {
    if (this.msgs.size === 0) return -1n;
    this.lastConsumeTimestamp = Date.now();
    for (const m of list) {
      const held = this.msgs.delete(m.queueOffset);
      if (held !== undefined) this._msgSize -= held.body.length;
    }
    return this.msgs.size > 0 ? this.firstKey()! : this.queueOffsetMax + 1n;
  }

  /** The held messages, lowest offset first (Java's expired-message sweep looks at the first ones). */
  heldMessages(limit = Infinity): MessageExt[] {
    return this.msgs.first(limit);
  }

  /** Orderly: messages wait that no handler has taken yet (Java `hasTempMessage`). */
  hasTempMessage(): boolean {
    return this.msgs.size > 0;
  }

  /** Orderly: the next `batchSize` messages by offset move to the handler (Java `takeMessages`). */
  takeMessages(batchSize: number): MessageExt[] {
    const out = this.msgs.first(batchSize);
    for (const m of out) {
      this.consumingMsgs.add(m);
      this.msgs.delete(m.queueOffset);
    }
    this.lastConsumeTimestamp = Date.now();
    return out;
  }

  /**
   * Orderly: the messages taken are consumed; answers the offset after the last of them (everything below
   * it is consumed, since they were taken lowest first), -1 when none was taken (Java `commit`).
   */
  commit(): bigint {
    const last = this.consumingMsgs.lastKey();
    for (const m of this.consumingMsgs.first()) this._msgSize -= m.body.length;
    this.consumingMsgs.clear();
    return last !== undefined && last >= 0n ? last + 1n : -1n;
  }

  /** Orderly: the taken messages go back in front, to be handed out again first (Java `makeMessageToConsumeAgain`). */
  makeMessageToConsumeAgain(list: readonly MessageExt[]): void {
    let moved = false;
    for (const m of list) {
      if (this.consumingMsgs.delete(m.queueOffset) === undefined) continue;
      this.msgs.add(m);
      moved = true;
    }
    if (moved) this.lastKey = this.msgs.lastKey()!;
  }

  /** Forgets every held message (Java also resets the max offset: a seek back must not commit past what it re-reads). */
  clear(): void {
    this.consumingMsgs.clear();
    this.msgs.clear();
    this._msgSize = 0;
    this.lastKey = -1n;
    this.queueOffsetMax = -1n;
    this.msgAccCnt = 0n;
  }
}
