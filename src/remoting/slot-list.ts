/**
 * An unordered set of objects that each remember their own position (`slot`), for the sets a client
 * churns once per request (the calls not written yet, the sends a producer has pending).
 *
 * Why not a `Set`: a JS Map/Set that keeps adding and deleting is rebuilt every few hundred operations,
 * the new table goes in the generation of the old one, and V8 leaves the replaced table holding its
 * entries and a link to its successor. Once a table is in old space, every replaced one stays there,
 * garbage, until the next full collection, and the scavenger treats what it holds as live: every
 * request gets promoted, and the process runs mark-compacts several times a second (measured: 15-22
 * per 3 s instead of 1 at 90k sends/s; docs/benchmarks.md). An array with swap-remove never links an
 * old backing store to a new one.
 */
export interface Slotted {
  /** Position in the list holding this object; -1 when in none. Owned by `SlotList`. */
  slot: number;
}

export class SlotList<T extends Slotted> {
  private readonly items: T[] = [];

  get size(): number {
    return this.items.length;
  }

  /** Adds `item` unless it is in a list already. */
  add(item: T): void {
    if (item.slot >= 0) return;
    item.slot = this.items.length;
    this.items.push(item);
  }

  has(item: T): boolean {
    return item.slot >= 0 && this.items[item.slot] === item;
  }

  /** False when `item` was not in this list. */
  delete(item: T): boolean {
    const i = item.slot;
    const items = this.items;
    if (i < 0 || items[i] !== item) return false;
    const last = items.pop()!;
    if (last !== item) {
      items[i] = last;
      last.slot = i;
    }
    item.slot = -1;
    return true;
  }

  /** A copy of the members, safe to iterate while they are deleted. */
  toArray(): T[] {
    return this.items.slice();
  }

  /** Empties the list; returns what it held. */
  clear(): T[] {
    const all = this.items.splice(0);
    for (const item of all) item.slot = -1;
    return all;
  }
}
