/**
 * Calls awaiting a response, by opaque. Opaques are issued in sequence, so an array indexed by the
 * opaque's low bits holds nearly every call with no hashing; a call still waiting when its slot comes
 * round again (a long-polling pull among many sends) moves to a small Map, which then changes only as
 * often as calls outlive a whole array of newer ones. A Map for every call would rehash every few
 * hundred calls, which V8 makes costly for the scavenger (see slot-list.ts).
 */
const INITIAL_SLOTS = 1024;

export class OpaqueIndex<T> {
  private keys = new Int32Array(INITIAL_SLOTS);
  private values: Array<T | undefined> = new Array<T | undefined>(INITIAL_SLOTS).fill(undefined);
  private mask = INITIAL_SLOTS - 1;
  private inSlots = 0;
  private readonly displaced = new Map<number, T>();

  get size(): number {
    return this.inSlots + this.displaced.size;
  }

  get(opaque: number): T | undefined {
    const i = opaque & this.mask;
    if (this.keys[i] === opaque) {
      const v = this.values[i];
      if (v !== undefined) return v;
    }
    return this.displaced.size === 0 ? undefined : this.displaced.get(opaque);
  }

  has(opaque: number): boolean {
    return this.get(opaque) !== undefined;
  }

  /** Stores `value` under `opaque` (an int32, as every opaque is), replacing what was there. */
  set(opaque: number, value: T): void {
    const i = opaque & this.mask;
    const held = this.values[i];
    if (held !== undefined && this.keys[i] === opaque) {
      this.values[i] = value;
      return;
    }
    if (this.displaced.size !== 0) this.displaced.delete(opaque);
    // An older call that has waited a whole round of opaques moves aside; the new one takes the slot.
    if (held !== undefined) this.displaced.set(this.keys[i]!, held);
    else this.inSlots++;
    this.keys[i] = opaque;
    this.values[i] = value;
    if (this.inSlots * 2 > this.values.length) this.grow();
  }

  delete(opaque: number): boolean {
    const i = opaque & this.mask;
    if (this.keys[i] === opaque && this.values[i] !== undefined) {
      this.values[i] = undefined;
      this.inSlots--;
      return true;
    }
    return this.displaced.size !== 0 && this.displaced.delete(opaque);
  }

  /** A copy of the stored values, safe to iterate while they are deleted. */
  toArray(): T[] {
    const out: T[] = [];
    for (const v of this.values) if (v !== undefined) out.push(v);
    for (const v of this.displaced.values()) out.push(v);
    return out;
  }

  private grow(): void {
    const keys = this.keys;
    const values = this.values;
    const size = values.length * 2;
    this.keys = new Int32Array(size);
    this.values = new Array<T | undefined>(size).fill(undefined);
    this.mask = size - 1;
    this.inSlots = 0;
    for (let i = 0; i < values.length; i++) {
      const v = values[i];
      if (v !== undefined) this.set(keys[i]!, v);
    }
  }
}
