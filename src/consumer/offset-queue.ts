import type { MessageExt } from '../message/message-decoder';

/**
 * The messages of one queue by offset, lowest first: what `ProcessQueue` holds. Offsets arrive
 * increasing from one pull loop, so the messages sit in an array in arrival order and a removal
 * only blanks its slot (the front is trimmed as it empties); an offset arriving out of order is
 * inserted in place. Lookups are binary searches.
 *
 * Why not a `Map<bigint, MessageExt>`: a Map that keeps adding and deleting rehashes every few
 * hundred messages, and V8 links each replaced table to its successor with its old entries in place;
 * once one of those tables is in old space, every message any later table held stays reachable for
 * the scavenger until the next full collection (src/remoting/slot-list.ts says more).
 */
export class OffsetQueue {
  private keys: bigint[] = [];
  private msgs: Array<MessageExt | undefined> = [];
  /** Index of the first slot that may be held. */
  private head = 0;
  private count = 0;

  get size(): number {
    return this.count;
  }

  /** Index of `offset`'s slot, or of where it would go (as `~index`). */
  private find(offset: bigint): number {
    const keys = this.keys;
    let lo = this.head;
    let hi = keys.length - 1;
    if (hi < lo) return ~lo;
    // Nearly every lookup is for an offset at either end: consumed from the front, arriving at the back.
    if (keys[lo] === offset) return lo;
    if (keys[hi] === offset) return hi;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const k = keys[mid]!;
      if (k < offset) lo = mid + 1;
      else if (k > offset) hi = mid - 1;
      else return mid;
    }
    return ~lo;
  }

  get(offset: bigint): MessageExt | undefined {
    const i = this.find(offset);
    return i >= 0 ? this.msgs[i] : undefined;
  }

  has(offset: bigint): boolean {
    return this.get(offset) !== undefined;
  }

  /** Adds `msg` under its `queueOffset` unless that offset is held; false when it was. */
  add(msg: MessageExt): boolean {
    const offset = msg.queueOffset;
    const n = this.keys.length;
    if (n === this.head || this.keys[n - 1]! < offset) {
      this.keys.push(offset);
      this.msgs.push(msg);
      this.count++;
      return true;
    }
    const i = this.find(offset);
    if (i >= 0) {
      if (this.msgs[i] !== undefined) return false;
      this.msgs[i] = msg; // a removed offset comes back (orderly: taken, then handed out again)
    } else {
      this.keys.splice(~i, 0, offset);
      this.msgs.splice(~i, 0, msg);
    }
    this.count++;
    return true;
  }

  /** Removes the message at `offset`; answers it, or undefined when none was held there. */
  delete(offset: bigint): MessageExt | undefined {
    const i = this.find(offset);
    if (i < 0) return undefined;
    const m = this.msgs[i];
    if (m === undefined) return undefined;
    this.msgs[i] = undefined;
    this.count--;
    this.trimFront();
    return m;
  }

  /** Lowest offset held. */
  firstKey(): bigint | undefined {
    return this.count === 0 ? undefined : this.keys[this.head];
  }

  /** Highest offset held. */
  lastKey(): bigint | undefined {
    if (this.count === 0) return undefined;
    for (let i = this.msgs.length - 1; i >= this.head; i--) if (this.msgs[i] !== undefined) return this.keys[i];
    return undefined;
  }

  /** Up to `limit` held messages, lowest offset first. */
  first(limit = Infinity): MessageExt[] {
    const out: MessageExt[] = [];
    for (let i = this.head; i < this.msgs.length && out.length < limit; i++) {
      const m = this.msgs[i];
      if (m !== undefined) out.push(m);
    }
    return out;
  }

  clear(): void {
    this.keys = [];
    this.msgs = [];
    this.head = 0;
    this.count = 0;
  }

  /** Skips blanked slots at the front; drops them from the arrays once they are most of them. */
  private trimFront(): void {
    const msgs = this.msgs;
    let h = this.head;
    while (h < msgs.length && msgs[h] === undefined) h++;
    if (h === msgs.length) {
      this.keys.length = 0;
      msgs.length = 0;
      h = 0;
    } else if (h >= 1024 && h * 2 >= msgs.length) {
      this.keys.splice(0, h);
      msgs.splice(0, h);
      h = 0;
    }
    this.head = h;
  }
}
