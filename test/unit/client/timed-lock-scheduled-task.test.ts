import { silentLogger } from '../../../src/logger';
import { NamespaceRpcHook } from '../../../src/client/namespace-rpc-hook';
import { ScheduledTask } from '../../../src/client/scheduled-task';
import { TimedLock } from '../../../src/client/timed-lock';
import { RemotingCommand } from '../../../src/remoting/protocol/remoting-command';
import { captureLogger } from '../../helpers/fake-remoting-server';

afterEach(() => jest.useRealTimers());

describe('TimedLock (Java tryLock with a timeout)', () => {
  test('tryLockNow never waits; waiters are served in order; a waiter gives up after its timeout', async () => {
    jest.useFakeTimers();
    const lock = new TimedLock();
    expect(await lock.tryLock(3000)).toBe(true);
    expect(lock.tryLockNow()).toBe(false);
    const order: string[] = [];
    const a = lock.tryLock(3000).then((ok) => order.push(`a:${ok}`));
    const b = lock.tryLock(1000).then((ok) => order.push(`b:${ok}`));
    await jest.advanceTimersByTimeAsync(1000);
    expect(order).toEqual(['b:false']);
    lock.unlock();
    await a;
    expect(order).toEqual(['b:false', 'a:true']);
    lock.unlock();
    expect(lock.locked).toBe(false);
    await b;
  });
});

describe('TimedLock.close (client instance shutdown)', () => {
  test('waiters get false at once and their timers are cleared; no one waits after close', async () => {
    jest.useFakeTimers();
    const lock = new TimedLock();
    expect(await lock.tryLock(3000)).toBe(true);
    const waiting = [lock.tryLock(3000), lock.tryLock(3000)];
    expect(jest.getTimerCount()).toBe(2);
    lock.close();
    expect(await Promise.all(waiting)).toEqual([false, false]);
    expect(jest.getTimerCount()).toBe(0);
    expect(await lock.tryLock(3000)).toBe(false);
    expect(jest.getTimerCount()).toBe(0);
    lock.unlock();
    expect(lock.locked).toBe(false);
  });
});

describe('ScheduledTask (Java scheduleAtFixedRate)', () => {
  test('initial delay, then the period; runs never overlap; errors are logged; stop ends it', async () => {
    jest.useFakeTimers();
    const log = captureLogger();
    const starts: number[] = [];
    let release: (() => void) | undefined;
    const t = new ScheduledTask(
      'x',
      10,
      100,
      () => {
        starts.push(Date.now());
        if (starts.length === 2) return new Promise<void>((r) => (release = r));
        if (starts.length === 3) throw new Error('boom');
        return undefined;
      },
      log,
    );
    const t0 = Date.now();
    t.start();
    await jest.advanceTimersByTimeAsync(10);
    expect(starts.map((s) => s - t0)).toEqual([10]);
    await jest.advanceTimersByTimeAsync(100);
    expect(starts.map((s) => s - t0)).toEqual([10, 110]);
    await jest.advanceTimersByTimeAsync(250); // the second run is still going: no overlap
    expect(starts).toHaveLength(2);
    release!();
    await jest.advanceTimersByTimeAsync(0);
    expect(starts).toHaveLength(3); // overdue: runs at once
    expect(log.lines.some((l) => l.level === 'error' && l.msg.includes('scheduled task x failed'))).toBe(true);
    await t.stop();
    await jest.advanceTimersByTimeAsync(1000);
    expect(starts).toHaveLength(3);
  });

  test('its timers are unref\'d', () => {
    const t = new ScheduledTask('y', 60_000, 60_000, () => undefined, silentLogger);
    t.start();
    const handles = (process as unknown as { _getActiveHandles(): unknown[] })._getActiveHandles();
    expect(handles.some((h) => (h as { hasRef?: () => boolean }).hasRef?.() === true && (h as { _idleTimeout?: number })._idleTimeout === 60_000)).toBe(false);
    void t.stop();
  });
});

test('NamespaceRpcHook adds nsd/ns only when namespaceV2 is set', () => {
  const a = RemotingCommand.createRequest(105);
  new NamespaceRpcHook('v2').doBeforeRequest('x', a);
  expect({ ...a.extFields }).toEqual({ nsd: 'true', ns: 'v2' });
  const b = RemotingCommand.createRequest(105);
  new NamespaceRpcHook(undefined).doBeforeRequest('x', b);
  expect(b.extFields).toBeUndefined();
});
