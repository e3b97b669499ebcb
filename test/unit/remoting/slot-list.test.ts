import { SlotList, type Slotted } from '../../../src/remoting/slot-list';

class Item implements Slotted {
  slot = -1;
  constructor(readonly id: number) {}
}

describe('SlotList', () => {
  it('adds, finds and deletes members, keeping every slot pointing at its member', () => {
    const list = new SlotList<Item>();
    const items = Array.from({ length: 10 }, (_, i) => new Item(i));
    for (const it of items) list.add(it);
    expect(list.size).toBe(10);
    // Delete from the middle, the end and the start; the moved last member takes the freed slot.
    expect(list.delete(items[4]!)).toBe(true);
    expect(list.delete(items[9]!)).toBe(true);
    expect(list.delete(items[0]!)).toBe(true);
    expect(list.size).toBe(7);
    for (const it of [items[0]!, items[4]!, items[9]!]) {
      expect(list.has(it)).toBe(false);
      expect(it.slot).toBe(-1);
      expect(list.delete(it)).toBe(false);
    }
    const left = list.toArray();
    expect(left.map((i) => i.id).sort((a, b) => a - b)).toEqual([1, 2, 3, 5, 6, 7, 8]);
    left.forEach((it, i) => expect(it.slot).toBe(i));
  });

  it('ignores a second add of the same member and refuses a member of another list', () => {
    const a = new SlotList<Item>();
    const b = new SlotList<Item>();
    const x = new Item(1);
    const y = new Item(2);
    a.add(x);
    a.add(x);
    expect(a.size).toBe(1);
    b.add(y);
    // y's slot (0) is x's slot in `a`: `a` must not take y for x.
    expect(a.has(y)).toBe(false);
    expect(a.delete(y)).toBe(false);
    expect(a.has(x)).toBe(true);
  });

  it('toArray is a copy that survives deletes while iterating, clear empties and resets slots', () => {
    const list = new SlotList<Item>();
    const items = Array.from({ length: 5 }, (_, i) => new Item(i));
    for (const it of items) list.add(it);
    for (const it of list.toArray()) list.delete(it);
    expect(list.size).toBe(0);
    for (const it of items) list.add(it);
    const all = list.clear();
    expect(all).toHaveLength(5);
    expect(list.size).toBe(0);
    expect(items.every((i) => i.slot === -1)).toBe(true);
  });

  it('matches a Set through a long random add/delete sequence', () => {
    const list = new SlotList<Item>();
    const model = new Set<Item>();
    const pool = Array.from({ length: 64 }, (_, i) => new Item(i));
    let seed = 12345;
    const rnd = (n: number): number => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed % n;
    };
    for (let step = 0; step < 5000; step++) {
      const it = pool[rnd(pool.length)]!;
      if (rnd(2) === 0) {
        list.add(it);
        model.add(it);
      } else {
        expect(list.delete(it)).toBe(model.delete(it));
      }
      expect(list.size).toBe(model.size);
    }
    expect(new Set(list.toArray())).toEqual(model);
  });
});
