import { TimedWaiters } from '../../../src/client/timed-waiters';

describe('TimedWaiters', () => {
  afterEach(() => jest.useRealTimers());

  test('grants in arrival order; a waiter that times out leaves the queue and runs onTimeout', async () => {
    jest.useFakeTimers();
    const w = new TimedWaiters<string>();
    const timedOut: string[] = [];
    const a = w.wait('a', 1000);
    const b = w.wait('b', 100, () => timedOut.push('b'));
    const c = w.wait('c', 1000);
    expect(w.peek()).toBe('a');
    jest.advanceTimersByTime(100);
    await expect(b).resolves.toBe(false);
    expect(timedOut).toEqual(['b']);
    expect(w.length).toBe(2);
    expect(w.grantNext()).toBe(true);
    await expect(a).resolves.toBe(true);
    expect(w.peek()).toBe('c');
    w.cancelAll();
    await expect(c).resolves.toBe(false);
    expect(w.grantNext()).toBe(false);
    expect(jest.getTimerCount()).toBe(0);
  });
});
