import { InvalidConfigError } from '../../../src/errors';
import { MessageQueue } from '../../../src/client/message-queue';
import {
  DEFAULT_LATENCY_MAX_MS,
  DEFAULT_NOT_AVAILABLE_DURATION_MS,
  LatencyFaultTolerance,
  MQFaultStrategy,
} from '../../../src/producer/latency-fault-tolerance';
import { SendQueueIndex } from '../../../src/client/route/send-queue-index';

class FakeClock {
  t = 1_000_000;
  now(): number {
    return this.t;
  }
}

/** Java ThreadLocalIndex seeded with a known "random" value. */
const seeded = (...values: number[]) => {
  let i = 0;
  return () => values[Math.min(i++, values.length - 1)]!;
};

const qs = (...brokers: string[]) => brokers.map((b, i) => new MessageQueue('T', b, i));

describe('tables', () => {
  it('are Java 5.3.3 MQFaultStrategy\'s', () => {
    expect(DEFAULT_LATENCY_MAX_MS).toEqual([50, 100, 550, 1800, 3000, 5000, 15000]);
    expect(DEFAULT_NOT_AVAILABLE_DURATION_MS).toEqual([0, 0, 2000, 5000, 6000, 10000, 30000]);
  });

  it('map latencies to isolation windows (protocol.md 12.3)', () => {
    const s = new MQFaultStrategy({ sendLatencyFaultEnable: true });
    const cases: Array<[number, number]> = [
      [0, 0],
      [549, 0],
      [550, 2000],
      [1799, 2000],
      [1800, 5000],
      [3000, 6000],
      [5000, 10000],
      [14999, 10000],
      [15000, 30000],
    ];
    for (const [latency, duration] of cases) expect(s.computeNotAvailableDuration(latency)).toBe(duration);
  });

  it('refuses tables of different lengths', () => {
    expect(() => new MQFaultStrategy({ latencyMaxMs: [1, 2], notAvailableDurationMs: [1] })).toThrow(InvalidConfigError);
  });
});

describe('SendQueueIndex (ThreadLocalIndex)', () => {
  it('increments before use, wraps at int32 and masks non-negative', () => {
    const i = new SendQueueIndex(seeded(0x7ffffffe));
    expect(i.incrementAndGet()).toBe(0x7fffffff);
    expect(i.incrementAndGet()).toBe(0); // -2^31 & 0x7fffffff
    expect(i.incrementAndGet()).toBe(1);
    const r = new SendQueueIndex(seeded(5, -3));
    r.reset();
    expect(r.incrementAndGet()).toBe(6);
    r.reset();
    expect(r.incrementAndGet()).toBe((-3 & 0x7fffffff) + 1);
  });
});

describe('MQFaultStrategy with latency fault tolerance off (the default)', () => {
  it('does not record faults', () => {
    const s = new MQFaultStrategy();
    s.updateFaultItem('a', 100000, true, false);
    expect(s.isAvailable('a')).toBe(true);
    expect(s.isReachable('a')).toBe(true);
  });

  it('round-robins from the seeded counter and avoids the last broker', () => {
    const s = new MQFaultStrategy({ random: seeded(-1) });
    const list = qs('a', 'a', 'b', 'b');
    expect([0, 1, 2, 3, 4].map(() => s.selectOneMessageQueue(list)!.queueId)).toEqual([0, 1, 2, 3, 0]);
    // next counter value points at queue 1 (broker a): skipped for lastBrokerName a
    expect(s.selectOneMessageQueue(list, 'a')!.brokerName).toBe('b');
  });

  it('falls back to any queue when every queue is on the last broker', () => {
    const s = new MQFaultStrategy({ random: seeded(0) });
    expect(s.selectOneMessageQueue(qs('a', 'a'), 'a')!.brokerName).toBe('a');
    expect(s.selectOneMessageQueue([], 'a')).toBeUndefined();
  });

  it('keeps one counter per queue array, or uses the one given', () => {
    const s = new MQFaultStrategy({ random: seeded(-1) });
    const l1 = qs('a', 'b');
    const l2 = qs('a', 'b');
    expect(s.selectOneMessageQueue(l1)!.queueId).toBe(0);
    expect(s.selectOneMessageQueue(l1)!.queueId).toBe(1);
    expect(s.selectOneMessageQueue(l2)!.queueId).toBe(0);
    const index = new SendQueueIndex(seeded(0));
    expect(s.selectOneMessageQueue(l1, null, { index })!.queueId).toBe(1);
    expect(s.indexFor(l1)).toBe(s.indexFor(l1));
  });
});

describe('MQFaultStrategy with latency fault tolerance on', () => {
  const make = (clock = new FakeClock()) => ({ clock, s: new MQFaultStrategy({ sendLatencyFaultEnable: true, clock, random: seeded(-1) }) });

  it('isolates a slow broker for its window, then lets it back', () => {
    const { clock, s } = make();
    s.updateFaultItem('a', 600, false);
    expect(s.isAvailable('a')).toBe(false);
    clock.t += 1999;
    expect(s.isAvailable('a')).toBe(false);
    clock.t += 1;
    expect(s.isAvailable('a')).toBe(true);
    expect(s.isAvailable('never-seen')).toBe(true);
  });

  it('counts an isolating failure as 10 000 ms of latency', () => {
    const { clock, s } = make();
    s.updateFaultItem('a', 5, true, true);
    clock.t += 9999;
    expect(s.isAvailable('a')).toBe(false);
    clock.t += 1;
    expect(s.isAvailable('a')).toBe(true);
  });

  it('only ever extends the window, and overwrites reachability each time', () => {
    const { clock, s } = make();
    s.updateFaultItem('a', 20000, false, false); // 30 s
    s.updateFaultItem('a', 600, false, true); // 2 s: does not shorten
    expect(s.isReachable('a')).toBe(true);
    clock.t += 29999;
    expect(s.isAvailable('a')).toBe(false);
    s.updateFaultItem('a', 10, false, false);
    expect(s.isReachable('a')).toBe(false);
  });

  it('prefers available brokers, then reachable ones, then anything', () => {
    const { s } = make();
    const list = qs('a', 'b', 'c');
    s.updateFaultItem('a', 20000, false, true);
    s.updateFaultItem('b', 20000, false, false);
    for (let i = 0; i < 5; i++) expect(s.selectOneMessageQueue(list)!.brokerName).toBe('c');
    // c was the last broker: a is unavailable but reachable, b is neither
    expect(s.selectOneMessageQueue(list, 'c')!.brokerName).toBe('a');
    s.updateFaultItem('a', 20000, false, false);
    expect(['a', 'b', 'c']).toContain(s.selectOneMessageQueue(list, 'c')!.brokerName);
  });

  it('resets the counter on retries when asked', () => {
    const { s } = make();
    const index = { n: 0, resets: 0, incrementAndGet() { return this.n++; }, reset() { this.resets++; } };
    s.selectOneMessageQueue(qs('a'), undefined, { index, resetIndex: true });
    expect(index.resets).toBe(1);
    new MQFaultStrategy({ random: seeded(0) }).selectOneMessageQueue(qs('a'), undefined, { index, resetIndex: true });
    expect(index.resets).toBe(1); // Java resets only with fault tolerance on
  });
});

describe('LatencyFaultTolerance', () => {
  it('runs one detector round: drops vanished brokers, marks probed ones reachable, honours checkStamp', async () => {
    const clock = new FakeClock();
    const t = new LatencyFaultTolerance(clock, 2000, 200);
    t.updateFaultItem('gone', 0, 1000, false);
    t.updateFaultItem('back', 0, 1000, false);
    t.updateFaultItem('down', 0, 1000, false);
    const probes: string[] = [];
    const detect = async (addr: string, timeoutMs: number) => {
      probes.push(`${addr}/${timeoutMs}`);
      if (addr === 'down:1') throw new Error('boom');
      return true;
    };
    const resolve = (name: string) => (name === 'gone' ? undefined : `${name}:1`);
    await t.detectByOneRound(resolve, detect);
    expect(probes).toEqual(['back:1/200', 'down:1/200']);
    expect(t.snapshot().map((i) => i.name)).toEqual(['back', 'down']);
    expect(t.isReachable('back')).toBe(true);
    expect(t.isReachable('down')).toBe(false);
    await t.detectByOneRound(resolve, detect);
    expect(probes).toHaveLength(2); // not due before checkStamp
    clock.t += 2000;
    await t.detectByOneRound(resolve, detect);
    expect(probes).toHaveLength(4);
    expect(t.pickOneAtLeast()).toBe('back');
    t.remove('back');
    expect(t.pickOneAtLeast()).toBeUndefined();
  });
});
