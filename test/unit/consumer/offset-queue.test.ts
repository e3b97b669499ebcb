import { OffsetQueue } from '../../../src/consumer/offset-queue';
import type { MessageExt } from '../../../src/message/message-decoder';

const msg = (offset: bigint): MessageExt => ({ queueOffset: offset, body: Buffer.alloc(1) }) as unknown as MessageExt;

describe('OffsetQueue', () => {
  it('keeps messages by offset, lowest first, whatever order they arrive and leave in', () => {
    const q = new OffsetQueue();
    for (const o of [10n, 11n, 12n, 15n]) expect(q.add(msg(o))).toBe(true);
    expect(q.add(msg(13n))).toBe(true); // out of order: inserted in place
    expect(q.add(msg(11n))).toBe(false); // held already
    expect(q.size).toBe(5);
    expect(q.first().map((m) => m.queueOffset)).toEqual([10n, 11n, 12n, 13n, 15n]);
    expect(q.delete(12n)?.queueOffset).toBe(12n);
    expect(q.delete(12n)).toBeUndefined();
    expect(q.firstKey()).toBe(10n);
    expect(q.delete(10n)?.queueOffset).toBe(10n);
    expect(q.firstKey()).toBe(11n);
    expect(q.lastKey()).toBe(15n);
    expect(q.delete(15n)?.queueOffset).toBe(15n);
    expect(q.lastKey()).toBe(13n);
    expect(q.has(13n)).toBe(true);
    expect(q.has(12n)).toBe(false);
    expect(q.get(99n)).toBeUndefined();
    expect(q.first(1).map((m) => m.queueOffset)).toEqual([11n]);
    // A removed offset can come back (orderly: handed out again).
    expect(q.add(msg(12n))).toBe(true);
    expect(q.first().map((m) => m.queueOffset)).toEqual([11n, 12n, 13n]);
    q.clear();
    expect(q.size).toBe(0);
    expect(q.firstKey()).toBeUndefined();
    expect(q.lastKey()).toBeUndefined();
    expect(q.first()).toEqual([]);
  });

  it('answers the message object it holds and trims a long consumed front', () => {
    const q = new OffsetQueue();
    const held = Array.from({ length: 5000 }, (_, i) => msg(BigInt(i)));
    for (const m of held) q.add(m);
    for (let i = 0; i < 4000; i++) expect(q.delete(BigInt(i))).toBe(held[i]);
    expect(q.size).toBe(1000);
    expect(q.firstKey()).toBe(4000n);
    expect(q.get(4500n)).toBe(held[4500]);
    expect(q.first(3).map((m) => m.queueOffset)).toEqual([4000n, 4001n, 4002n]);
  });

  it('matches a sorted Map through a long random sequence', () => {
    const q = new OffsetQueue();
    const model = new Map<bigint, MessageExt>();
    let seed = 7;
    const rnd = (n: number): number => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed % n;
    };
    let next = 0;
    for (let step = 0; step < 20_000; step++) {
      const r = rnd(10);
      if (r < 5) {
        // Mostly increasing offsets, sometimes one from the past.
        const o = BigInt(rnd(8) === 0 ? Math.max(0, next - rnd(50)) : next++);
        const m = msg(o);
        expect(q.add(m)).toBe(!model.has(o));
        if (!model.has(o)) model.set(o, m);
      } else {
        const o = BigInt(Math.max(0, next - 1 - rnd(300)));
        expect(q.delete(o)).toBe(model.get(o));
        model.delete(o);
      }
      expect(q.size).toBe(model.size);
      const sorted = [...model.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
      if (step % 500 === 0) expect(q.first().map((m) => m.queueOffset)).toEqual(sorted);
      expect(q.firstKey()).toBe(sorted[0]);
      expect(q.lastKey()).toBe(sorted[sorted.length - 1]);
    }
  });
});
