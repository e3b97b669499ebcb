import { RemotingClosedError, RemotingConnectError, RemotingError, RemotingTimeoutError, RocketMQError } from '../../src/errors';
import { RemotingCommand } from '../../src/remoting/protocol/remoting-command';
import { RequestCode } from '../../src/remoting/protocol/request-code';
import { DefaultMQProducer } from '../../src/producer/default-mq-producer';
import { Message } from '../../src/message/message';
import type { SendResult } from '../../src/producer/send-result';
import { RemotingClient } from '../../src/remoting/remoting-client';
import type { HostilePeer } from '../helpers/hostile-peer';
import { TcpFaultProxy } from '../helpers/tcp-fault-proxy';
import { createTopic, ensureBrokerPair } from './support/broker-pair';
import { startFakeNameServer } from './support/fake-name-server';
import { CountingLogger } from './support/counting-logger';
import { recordFigures } from './support/figures';
import { eventually, ProcessWatch } from './support/process-watch';
import { timedAgainstControl, type Timed } from './support/timing';

/**
 * Scenario 4: a TCP fault proxy between the RemotingClient and a real broker. Whatever the network
 * does — latency, stalls, dropped connections, half-close, a blackhole, refused connects — every call
 * settles, timeouts fire within 50 ms of their setting, nothing hangs, and the in-flight table is
 * empty afterwards.
 */

const SLACK_MS = 50;
/** Lateness that would mean a stuck call rather than a busy machine. */
const HANG_MS = 250;
const TIMEOUT_MS = 500;

let proxy: TcpFaultProxy;
let client: RemotingClient;
let logger: CountingLogger;
const watch = new ProcessWatch();
/** Late timeouts seen, for the figures. */
const timing = { timeouts: 0, maxOverMs: 0, sumOverMs: 0, maxLateMs: 0, maxLoopLagMs: 0 };

function getMaxOffset(): RemotingCommand {
  const ext = Object.create(null) as Record<string, string>;
  ext.topic = 'TBW102';
  ext.queueId = '0';
  return RemotingCommand.createRequest(RequestCode.GET_MAX_OFFSET, ext);
}

type Outcome = Timed<unknown>;

async function call(timeoutMs = TIMEOUT_MS): Promise<Outcome> {
  const o = await timedAgainstControl(timeoutMs, () => client.invoke(proxy.addr, getMaxOffset(), timeoutMs));
  if (o.err instanceof RemotingTimeoutError) {
    timing.timeouts++;
    timing.sumOverMs += o.ms - timeoutMs;
    timing.maxOverMs = Math.max(timing.maxOverMs, o.ms - timeoutMs);
    timing.maxLateMs = Math.max(timing.maxLateMs, o.lateMs);
    timing.maxLoopLagMs = Math.max(timing.maxLoopLagMs, o.loopLagMs);
  }
  return o;
}

/**
 * A timeout that fired no earlier than its setting and within SLACK_MS after it — after the control
 * timer, when the machine itself was late (support/timing.ts).
 */
function expectTimedOut(o: Outcome, timeoutMs = TIMEOUT_MS): void {
  expect(o.err).toBeInstanceOf(RemotingTimeoutError);
  expect(o.ms).toBeGreaterThanOrEqual(timeoutMs - 1);
  expect(o.lateMs).toBeLessThan(SLACK_MS);
}

/**
 * Concurrent calls on one stuck connection: the first to time out closes the connection (Java's
 * clientCloseSocketIfTimeout), which fails the others with RemotingClosedError at that moment, a
 * few ms before their own deadlines at most. So: at least one timeout, and every call settled by its
 * deadline (+ slack).
 */
function expectAllSettledByDeadline(outs: Outcome[], timeoutMs = TIMEOUT_MS): void {
  expect(outs.some((o) => o.err instanceof RemotingTimeoutError)).toBe(true);
  for (const o of outs) {
    if (!(o.err instanceof RemotingTimeoutError)) expect(o.err).toBeInstanceOf(RemotingClosedError);
    expect(o.ms).toBeGreaterThanOrEqual(timeoutMs - 20);
    expect(o.lateMs).toBeLessThan(SLACK_MS);
  }
}

async function expectHealthy(): Promise<void> {
  const o = await call(3000);
  if (!o.ok) throw o.err;
  expect(client.inflightCount).toBe(0);
}

beforeAll(async () => {
  watch.start();
  const pair = await ensureBrokerPair();
  proxy = await TcpFaultProxy.start({ target: pair.brokers['broker-a'] });
  logger = new CountingLogger();
  client = new RemotingClient({ logger, connectTimeoutMs: 1000 });
}, 600_000);

afterAll(async () => {
  await client?.shutdown();
  await proxy?.close();
  watch.stop();
  recordFigures('s4-tcp-faults', {
    timeoutsMeasured: timing.timeouts,
    meanLateMs: timing.timeouts ? Number((timing.sumOverMs / timing.timeouts).toFixed(1)) : 0,
    /** Wall-clock: settle time minus the setting. */
    maxOverMs: Number(timing.maxOverMs.toFixed(1)),
    /** Attributable to the client: settle time minus max(setting, a control timer started with it). */
    maxLateMs: Number(timing.maxLateMs.toFixed(1)),
    /** How late the control timers themselves fired: the machine's share. */
    maxLoopLagMs: Number(timing.maxLoopLagMs.toFixed(1)),
    proxyConnections: proxy?.stats.accepted,
    unhandledRejections: watch.unhandled.length,
    ...chaosFigures,
    producer: producerFigures,
  });
});

afterEach(async () => {
  proxy.heal();
  await proxy.allow();
});

let chaosFigures: Record<string, unknown> = {};
const producerFigures: Record<string, unknown> = {};

describe('scenario 4: TCP faults between client and broker', () => {
  it('baseline: a request through the proxy gets its answer', async () => {
    await expectHealthy();
  });

  it('added latency below the timeout is just slower; above it, the timeout fires on time', async () => {
    proxy.setLatency(100);
    const slow = await call(2000);
    expect(slow.ok).toBe(true);
    expect(slow.ms).toBeGreaterThanOrEqual(195);
    proxy.setLatency(400);
    expectTimedOut(await call());
    expect(client.inflightCount).toBe(0);
    proxy.setLatency(0);
    // The late answer to the timed-out call must not confuse the next one.
    await new Promise((r) => setTimeout(r, 400));
    await expectHealthy();
  });

  it('a stall: pending calls time out on time; after resume the next call succeeds', async () => {
    await expectHealthy();
    proxy.stall();
    expectAllSettledByDeadline(await Promise.all(Array.from({ length: 20 }, () => call())));
    expect(client.inflightCount).toBe(0);
    proxy.resume();
    await expectHealthy();
  });

  it('a dropped connection fails every pending call at once with RemotingClosedError', async () => {
    await expectHealthy();
    proxy.stall('down');
    const pending = Array.from({ length: 50 }, () => call(5000));
    await new Promise((r) => setTimeout(r, 100));
    expect(proxy.dropAll(true)).toBeGreaterThan(0);
    const outs = await Promise.all(pending);
    for (const o of outs) {
      expect(o.err).toBeInstanceOf(RemotingClosedError);
      expect(o.ms).toBeLessThan(1000);
    }
    expect(client.inflightCount).toBe(0);
    proxy.resume();
    await expectHealthy();
  });

  it('half-close towards the client (FIN, no data): pending calls fail fast, no hang', async () => {
    await expectHealthy();
    proxy.stall('down');
    const pending = Array.from({ length: 10 }, () => call(5000));
    await new Promise((r) => setTimeout(r, 100));
    proxy.halfClose('client');
    const outs = await Promise.all(pending);
    for (const o of outs) {
      expect(o.err).toBeInstanceOf(RemotingError);
      expect(o.ms).toBeLessThan(1000);
    }
    expect(client.inflightCount).toBe(0);
    proxy.resume();
    await expectHealthy();
  });

  it('half-close towards the broker: the broker hangs up and the calls fail fast', async () => {
    await expectHealthy();
    proxy.stall('down');
    const pending = Array.from({ length: 10 }, () => call(5000));
    await new Promise((r) => setTimeout(r, 100));
    proxy.halfClose('server');
    const outs = await Promise.all(pending);
    for (const o of outs) {
      expect(o.err).toBeInstanceOf(RemotingError);
      expect(o.ms).toBeLessThan(5000);
    }
    expect(client.inflightCount).toBe(0);
    proxy.resume();
    await expectHealthy();
  });

  it('a blackhole (live and new connections): every call times out on time', async () => {
    await expectHealthy();
    proxy.blackhole();
    expectAllSettledByDeadline(await Promise.all(Array.from({ length: 10 }, () => call())));
    // The timeouts closed the connection (Java's clientCloseSocketIfTimeout); the new one is blackholed too.
    for (let i = 0; i < 3; i++) expectTimedOut(await call());
    expect(client.inflightCount).toBe(0);
    proxy.blackhole('both', false);
    await expectHealthy();
  });

  it('refused connects fail fast with RemotingConnectError', async () => {
    await expectHealthy();
    const gone = new Promise<void>((r) => client.once('disconnected', () => r()));
    await proxy.refuse();
    // The live connection was reset; once the client has seen that, new calls must connect afresh.
    await gone;
    const o = await call();
    expect(o.err).toBeInstanceOf(RemotingConnectError);
    expect(o.ms).toBeLessThan(TIMEOUT_MS);
    expect(client.inflightCount).toBe(0);
    await proxy.allow();
    await expectHealthy();
  });

  it('chaos: 30 s of random faults under load; every call settles by its deadline', async () => {
    const until = Date.now() + 30_000;
    const faults = ['latency', 'stall', 'drop', 'half-close', 'blackhole', 'refuse', 'heal'] as const;
    let rnd = 12345;
    const next = (): number => {
      rnd = (Math.imul(rnd, 1103515245) + 12345) >>> 0;
      return rnd / 4294967296;
    };
    const counts = {
      calls: 0,
      ok: 0,
      timeouts: 0,
      closed: 0,
      connect: 0,
      otherTyped: 0,
      untyped: 0,
      late: 0,
      maxLateMs: 0,
      maxLoopLagMs: 0,
      faults: 0,
    };
    let stop = false;
    const injector = (async () => {
      while (Date.now() < until) {
        const f = faults[Math.floor(next() * faults.length)]!;
        counts.faults++;
        proxy.heal();
        await proxy.allow();
        if (f === 'latency') proxy.setLatency(Math.floor(next() * 400));
        else if (f === 'stall') proxy.stall();
        else if (f === 'drop') proxy.dropAll(next() < 0.5);
        else if (f === 'half-close') proxy.halfClose(next() < 0.5 ? 'client' : 'server');
        else if (f === 'blackhole') proxy.blackhole();
        else if (f === 'refuse') await proxy.refuse();
        await new Promise((r) => setTimeout(r, 200 + Math.floor(next() * 800)));
      }
      stop = true;
      proxy.heal();
      await proxy.allow();
    })();
    const worker = async (): Promise<void> => {
      while (!stop) {
        const timeoutMs = 200 + Math.floor(next() * 400);
        const o = await call(timeoutMs);
        counts.calls++;
        // No call may outlive its deadline by more than the slack, whatever the fault.
        if (o.lateMs >= SLACK_MS) counts.late++;
        counts.maxLateMs = Math.max(counts.maxLateMs, Math.round(o.lateMs));
        counts.maxLoopLagMs = Math.max(counts.maxLoopLagMs, Math.round(o.loopLagMs));
        // Refused connects fail in microseconds: do not spin; and leave the event loop some air.
        await new Promise((r) => setTimeout(r, !o.ok && o.ms < 5 ? 10 : 1));
        if (o.ok) counts.ok++;
        else if (o.err instanceof RemotingTimeoutError) counts.timeouts++;
        else if (o.err instanceof RemotingClosedError) counts.closed++;
        else if (o.err instanceof RemotingConnectError) counts.connect++;
        else if (o.err instanceof RemotingError) counts.otherTyped++;
        else counts.untyped++;
      }
    };
    await Promise.all([injector, ...Array.from({ length: 8 }, worker)]);
    chaosFigures = { chaos: counts };
    expect(counts.untyped).toBe(0);
    // Over tens of thousands of calls on a loaded 2-core machine, the OS can preempt the process between
    // the control timer and the client's timer (both expired in the same loop turn); the control cannot
    // tell that apart. So: at most 0.1 % of the calls over the 50 ms slack, and none anywhere near a hang.
    expect(counts.late).toBeLessThanOrEqual(Math.max(1, Math.floor(counts.calls / 1000)));
    expect(counts.maxLateMs).toBeLessThan(HANG_MS);
    expect(counts.ok).toBeGreaterThan(0);
    expect(client.inflightCount).toBe(0);
    await expectHealthy();
    expect(watch.unhandled).toEqual([]);
  }, 90_000);
});

/**
 * The same faults one level up: a producer whose broker traffic goes through the proxy (a stand-in
 * name server routes the topic to it). The send budget (`timeoutMs`, retries included) is honoured
 * within 50 ms whatever the network does, in the promise and the callback form.
 */
describe('scenario 4: TCP faults under the producer', () => {
  let bproxy: TcpFaultProxy;
  let fakeNs: HostilePeer;
  let producer: DefaultMQProducer;
  let topic = '';
  const BUDGET_MS = 800;

  beforeAll(async () => {
    const pair = await ensureBrokerPair();
    topic = `FaultProxy${Date.now()}`;
    await createTopic(topic, ['broker-a'], 4);
    bproxy = await TcpFaultProxy.start({ target: pair.brokers['broker-a'] });
    fakeNs = await startFakeNameServer('broker-a', bproxy.addr);
    producer = new DefaultMQProducer({
      producerGroup: `faults_proxy_${Date.now()}`,
      namesrvAddr: fakeNs.addr,
      logger: new CountingLogger(),
    });
    await producer.start();
    await producer.send(new Message(topic, Buffer.from('warm-up')));
  }, 600_000);

  afterAll(async () => {
    await producer?.shutdown();
    await fakeNs?.close();
    await bproxy?.close();
  });

  afterEach(async () => {
    bproxy.heal();
    await bproxy.allow();
  });

  function send(): Promise<Outcome> {
    return timedAgainstControl(BUDGET_MS, () => producer.send(new Message(topic, Buffer.from('x')), { timeoutMs: BUDGET_MS }));
  }

  function sendAsync(): Promise<Outcome> {
    return timedAgainstControl(
      BUDGET_MS,
      () =>
        new Promise<SendResult>((resolve, reject) => {
          producer.send(new Message(topic, Buffer.from('x')), { onSuccess: resolve, onException: reject }, { timeoutMs: BUDGET_MS });
        }),
    );
  }

  /** Failed, typed, not before and not more than 50 ms after the budget. */
  function expectBudgetHonoured(o: Outcome, label: string): void {
    producerFigures[label] = {
      ok: o.ok,
      ms: Math.round(o.ms),
      lateMs: Math.round(o.lateMs),
      err: o.err instanceof Error ? o.err.name : undefined,
    };
    expect(o.ok).toBe(false);
    expect(o.err).toBeInstanceOf(RocketMQError);
    expect(o.lateMs).toBeLessThan(SLACK_MS);
  }

  async function expectProducerHealthy(): Promise<void> {
    const o = await send();
    if (!o.ok) throw o.err;
    // Background calls (heartbeats, route polls) may be in flight for a moment; nothing may stay.
    const remoting = producer.clientInstance!.remotingClient;
    expect(await eventually(() => remoting.inflightCount === 0, 3000)).toBe(true);
  }

  it('stalled broker: send and async send fail by their budget', async () => {
    bproxy.stall();
    const [a, b] = await Promise.all([send(), sendAsync()]);
    expectBudgetHonoured(a, 'stall-sync');
    expectBudgetHonoured(b, 'stall-async');
    expect(a.ms).toBeGreaterThanOrEqual(BUDGET_MS - 1);
    bproxy.resume();
    await expectProducerHealthy();
  });

  it('blackholed broker: send fails by its budget', async () => {
    bproxy.blackhole();
    expectBudgetHonoured(await send(), 'blackhole-sync');
    expectBudgetHonoured(await sendAsync(), 'blackhole-async');
    bproxy.blackhole('both', false);
    await expectProducerHealthy();
  });

  it('latency below the budget only slows the send down', async () => {
    bproxy.setLatency(150);
    const o = await send();
    producerFigures['latency-150ms'] = { ok: o.ok, ms: Math.round(o.ms) };
    expect(o.ok).toBe(true);
    bproxy.setLatency(0);
  });

  it('dropped connections and half-close: sends fail typed or succeed on a retry, within the budget', async () => {
    for (const fault of ['drop', 'half-close-client', 'half-close-server'] as const) {
      bproxy.stall('down');
      const pending = Array.from({ length: 20 }, () => send());
      await new Promise((r) => setTimeout(r, 50));
      if (fault === 'drop') bproxy.dropAll();
      else bproxy.halfClose(fault === 'half-close-client' ? 'client' : 'server');
      bproxy.resume();
      const outs = await Promise.all(pending);
      producerFigures[fault] = { ok: outs.filter((o) => o.ok).length, failed: outs.filter((o) => !o.ok).length };
      for (const o of outs) {
        if (!o.ok) expect(o.err).toBeInstanceOf(RocketMQError);
        expect(o.lateMs).toBeLessThan(SLACK_MS);
      }
      await expectProducerHealthy();
    }
  });
});
