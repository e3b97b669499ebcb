import { OpaqueIndex } from '../../../src/remoting/opaque-index';

describe('OpaqueIndex', () => {
  it('stores, finds and deletes by opaque, including negative (wrapped) opaques', () => {
    const idx = new OpaqueIndex<string>();
    idx.set(7, 'a');
    idx.set(-5, 'b');
    idx.set(2147483647, 'c');
    expect(idx.get(7)).toBe('a');
    expect(idx.get(-5)).toBe('b');
    expect(idx.get(2147483647)).toBe('c');
    expect(idx.get(8)).toBeUndefined();
    expect(idx.has(-5)).toBe(true);
    expect(idx.size).toBe(3);
    expect(idx.delete(-5)).toBe(true);
    expect(idx.delete(-5)).toBe(false);
    expect(idx.get(-5)).toBeUndefined();
    expect(idx.size).toBe(2);
    idx.set(7, 'a2');
    expect(idx.get(7)).toBe('a2');
    expect(idx.size).toBe(2);
  });

  it('keeps a call that outlives a whole round of opaques reachable (it moves aside)', () => {
    const idx = new OpaqueIndex<number>();
    idx.set(0, -1); // the long poll
    // 100,000 short calls pass through, never more than 8 at once: the array never grows, slot 0 comes round.
    for (let op = 1; op <= 100_000; op++) {
      idx.set(op, op);
      if (op > 8) expect(idx.delete(op - 8)).toBe(true);
      expect(idx.get(0)).toBe(-1);
    }
    expect(idx.size).toBe(9);
    expect(idx.delete(0)).toBe(true);
    expect(idx.get(0)).toBeUndefined();
    expect(idx.size).toBe(8);
  });

  it('grows past its initial slots without losing an entry, and toArray lists every value', () => {
    const idx = new OpaqueIndex<number>();
    for (let op = 0; op < 5000; op++) idx.set(op * 3, op);
    expect(idx.size).toBe(5000);
    for (let op = 0; op < 5000; op++) expect(idx.get(op * 3)).toBe(op);
    expect(idx.toArray().sort((a, b) => a - b)).toEqual(Array.from({ length: 5000 }, (_, i) => i));
  });

  it('matches a Map through a long random sequence of sets and deletes on colliding opaques', () => {
    const idx = new OpaqueIndex<number>();
    const model = new Map<number, number>();
    let seed = 99;
    const rnd = (n: number): number => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed % n;
    };
    for (let step = 0; step < 20_000; step++) {
      // Keys a multiple of 1024 apart collide in the first array.
      const key = rnd(6) * 1024 + rnd(3) - 1;
      if (rnd(3) > 0) {
        idx.set(key, step);
        model.set(key, step);
      } else {
        expect(idx.delete(key)).toBe(model.delete(key));
      }
      expect(idx.size).toBe(model.size);
      expect(idx.get(key)).toBe(model.get(key));
    }
    expect(idx.toArray().sort((a, b) => a - b)).toEqual([...model.values()].sort((a, b) => a - b));
  });
});
