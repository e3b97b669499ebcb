import { MessageConst } from '../message/message-const';
import type { MessageExt } from '../message/message-decoder';

/** Java `ProcessQueue.PULL_MAX_IDLE_TIME` (`rocketmq.client.pull.pullMaxIdleTime`). */
export const PULL_MAX_IDLE_TIME_MS = 120_000;

/**
 * Java `ProcessQueue`: the messages of one queue pulled and not yet consumed, by queue offset. The
 * smallest offset still held is what may be committed (everything below it was consumed); when none
 * is held, the highest offset seen + 1. Offsets arrive increasing from one pull loop, so an insertion-
 * ordered Map is a sorted map here (an out-of-order insert re-sorts it).
 */
export class ProcessQueue {
  private msgs = new Map<bigint, MessageExt>();
  private lastKey = -1n;
  private _msgSize = 0;
  /** Highest offset ever put, -1 before the first. */
  queueOffsetMax = -1n;
  /** Messages behind the broker's max offset at the last pull (Java `msgAccCnt`). */
  msgAccCnt = 0n;
  dropped = false;
  lastPullTimestamp = Date.now();
  lastConsumeTimestamp = Date.now();

  get msgCount(): number {
    return this.msgs.size;
  }

  /** Bytes of the bodies held. */
  get msgSize(): number {
    return this._msgSize;
  }

  isPullExpired(now = Date.now()): boolean {
    return now - this.lastPullTimestamp > PULL_MAX_IDLE_TIME_MS;
  }

  /** Adds pulled messages (an offset already held is ignored). */
  putMessage(list: readonly MessageExt[]): void {
    let resort = false;
    for (const m of list) {
      if (this.msgs.has(m.queueOffset)) continue;
      if (m.queueOffset < this.lastKey) resort = true;
      else this.lastKey = m.queueOffset;
      this.msgs.set(m.queueOffset, m);
      this._msgSize += m.body.length;
      if (m.queueOffset > this.queueOffsetMax) this.queueOffsetMax = m.queueOffset;
    }
    if (resort) {
      this.msgs = new Map([...this.msgs].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0)));
      this.lastKey = this.queueOffsetMax;
    }
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
    return this.msgs.keys().next().value;
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
      const held = this.msgs.get(m.queueOffset);
      if (held === undefined) continue;
      this.msgs.delete(m.queueOffset);
      this._msgSize -= held.body.length;
    }
    return this.msgs.size > 0 ? this.firstKey()! : this.queueOffsetMax + 1n;
  }

  /** The held messages, lowest offset first (Java's expired-message sweep looks at the first ones). */
  heldMessages(limit = Infinity): MessageExt[] {
    const out: MessageExt[] = [];
    for (const m of this.msgs.values()) {
      if (out.length >= limit) break;
      out.push(m);
    }
    return out;
  }

  /** Forgets every held message (Java also resets the max offset: a seek back must not commit past what it re-reads). */
  clear(): void {
    this.msgs.clear();
    this._msgSize = 0;
    this.lastKey = -1n;
    this.queueOffsetMax = -1n;
    this.msgAccCnt = 0n;
  }
}
