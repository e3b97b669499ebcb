import * as net from 'node:net';
import { RocketMQError } from '../../src/errors';
import { DefaultMQProducer } from '../../src/producer/default-mq-producer';
import { Message } from '../../src/message/message';
import { MessageConst } from '../../src/message/message-const';
import { RemotingClient } from '../../src/remoting/remoting-client';
import { TcpFaultProxy } from '../helpers/tcp-fault-proxy';
import { createTopic, ensureBrokerPair, healPair, pair } from './support/broker-pair';
import { CountingLogger } from './support/counting-logger';
import { recordFigures } from './support/figures';
import { ProcessWatch } from './support/process-watch';
import { faultProfile } from './support/profile';
import { SendLedger } from './support/send-ledger';
import { readTopic } from './support/store-reader';

/**
 * Scenario 3: the name server goes away while brokers stay up. The client reaches the name server
 * through a fault proxy, which makes it unreachable exactly as a dead process does (connections reset,
 * connects refused) or as a dead host does (blackhole). Sends on cached routes must go on, refresh
 * failures be logged without a crash, and a topic never seen before be routable again soon after the
 * name server returns. Then: two name servers configured, one dead from the start.
 */

const profile = faultProfile();
const QUEUES = 4;
const RATE_PER_SEC = 200;
const POLL_MS = 2000;
const ROUTE_FAILED = 'updateTopicRouteInfoFromNameServer failed';

const watch = new ProcessWatch();
const producers: DefaultMQProducer[] = [];
let nsProxy: TcpFaultProxy | undefined;
let reader: RemotingClient | undefined;
let cachedTopic = '';
let freshTopic = '';
let lookupTopic = '';
const figures: Record<string, unknown> = {};

function newProducer(namesrvAddr: string, logger: CountingLogger, extra: Record<string, unknown> = {}): DefaultMQProducer {
  const p = new DefaultMQProducer({
    producerGroup: `faults_ns_${Date.now()}_${producers.length}`,
    namesrvAddr,
    pollNameServerIntervalMs: POLL_MS,
    logger,
    ...extra,
  });
  producers.push(p);
  return p;
}

/** A loopback port with nothing listening on it. */
async function deadPort(): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as net.AddressInfo).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

async function timed<T>(fn: () => Promise<T>): Promise<{ ok: boolean; ms: number; value?: T; err?: unknown }> {
  const t0 = Date.now();
  try {
    const value = await fn();
    return { ok: true, ms: Date.now() - t0, value };
  } catch (err) {
    return { ok: false, ms: Date.now() - t0, err };
  }
}

beforeAll(async () => {
  watch.start();
  await ensureBrokerPair();
  await healPair();
  const stamp = Date.now();
  cachedTopic = `FaultNsCached${stamp}`;
  freshTopic = `FaultNsFresh${stamp}`;
  lookupTopic = `FaultNsLookup${stamp}`;
  await createTopic(cachedTopic, ['broker-a', 'broker-b'], QUEUES);
  await createTopic(freshTopic, ['broker-a'], QUEUES);
  await createTopic(lookupTopic, ['broker-a'], QUEUES);
  nsProxy = await TcpFaultProxy.start({ target: pair.namesrvAddr });
}, 600_000);

afterAll(async () => {
  for (const p of producers) await p.shutdown().catch(() => {});
  await reader?.shutdown();
  await nsProxy?.close();
  watch.stop();
  recordFigures('s3-nameserver-outage', figures);
});

describe('scenario 3: name server outage', () => {
  it(`name server unreachable for ${profile.nameServerOutageMs / 1000} s: cached routes keep working, recovery after`, async () => {
    const logger = new CountingLogger();
    const producer = newProducer(nsProxy!.addr, logger);
    await producer.start();
    for (let i = 0; i < 20; i++) await producer.send(new Message(cachedTopic, Buffer.from('warm-up'), { keys: `warm-${i}` }));

    const ledger = new SendLedger();
    const before = 5000;
    const after = 10_000;
    const t0 = Date.now();
    const outageStart = t0 + before;
    const outageEnd = outageStart + profile.nameServerOutageMs;
    const stopAt = outageEnd + after;
    let n = 0;
    const worker = async (): Promise<void> => {
      while (Date.now() < stopAt) {
        const i = n++;
        const due = t0 + (i * 1000) / RATE_PER_SEC;
        if (due > Date.now()) await new Promise((r) => setTimeout(r, due - Date.now()));
        const key = `ns-${i}`;
        const msg = new Message(cachedTopic, Buffer.from(`message ${i}`), { keys: key });
        try {
          const r = await producer.send(msg);
          ledger.ok(i, key, r.msgId, r.sendStatus, r.messageQueue.brokerName);
        } catch (err) {
          ledger.failed(i, key, msg.getProperty(MessageConst.PROPERTY_UNIQ_CLIENT_MESSAGE_ID_KEYIDX), err);
        }
      }
    };

    // During the outage, a topic the producer has never seen cannot be routed: it must fail, typed and
    // within its budget. After the outage, how long until it works is the recovery time.
    const freshDuring: { ok: boolean; ms: number; err?: string }[] = [];
    let refreshFailuresBefore = 0;
    let refreshFailuresDuring = 0;
    let recoveredAfterMs: number | null = null;
    let freshAttemptsAfter = 0;
    const outage = (async () => {
      await new Promise((r) => setTimeout(r, outageStart - Date.now()));
      refreshFailuresBefore = logger.count(ROUTE_FAILED);
      await nsProxy!.refuse();
      while (Date.now() < outageEnd - 4000) {
        const o = await timed(() => producer.send(new Message(freshTopic, Buffer.from('fresh'), { keys: 'fresh' }), { timeoutMs: 2000 }));
        freshDuring.push({
          ok: o.ok,
          ms: o.ms,
          err: o.err instanceof RocketMQError ? `${o.err.name}(${o.err.code})` : o.err === undefined ? undefined : String(o.err),
        });
        await new Promise((r) => setTimeout(r, 3000));
      }
      await new Promise((r) => setTimeout(r, Math.max(0, outageEnd - Date.now())));
      refreshFailuresDuring = logger.count(ROUTE_FAILED) - refreshFailuresBefore;
      await nsProxy!.allow();
      const back = Date.now();
      while (Date.now() - back < 60_000) {
        freshAttemptsAfter++;
        const o = await timed(() => producer.send(new Message(freshTopic, Buffer.from('fresh'), { keys: 'fresh-after' }), { timeoutMs: 3000 }));
        if (o.ok) {
          recoveredAfterMs = Date.now() - back;
          break;
        }
        await new Promise((r) => setTimeout(r, 250));
      }
    })();
    await Promise.all([outage, ...Array.from({ length: 4 }, worker)]);

    reader = new RemotingClient({ logger: new CountingLogger() });
    const stored = await readTopic(reader, pair.brokers, cachedTopic, QUEUES);
    const rec = ledger.reconcile(stored);
    const during = ledger.records.filter((r) => r.at >= outageStart && r.at < outageEnd);
    Object.assign(figures, {
      outage: {
        ...rec,
        outageMs: profile.nameServerOutageMs,
        sendsDuringOutage: during.length,
        okDuringOutage: during.filter((r) => r.ok).length,
        failureKinds: ledger.failureKinds(),
        routeRefreshFailuresLogged: refreshFailuresDuring,
        freshTopicDuringOutage: freshDuring,
        freshTopicRecoveredAfterMs: recoveredAfterMs,
        freshAttemptsAfter,
        inflightAfter: producer.clientInstance?.remotingClient.inflightCount,
        logs: logger.byLevel,
      },
    });

    expect(rec.lost).toBe(0);
    expect(rec.failed).toBe(0);
    expect(during.length).toBeGreaterThan(0);
    expect(refreshFailuresDuring).toBeGreaterThan(0);
    expect(freshDuring.length).toBeGreaterThan(0);
    for (const f of freshDuring) {
      expect(f.ok).toBe(false);
      expect(f.err).toMatch(/\(ERR_/);
      expect(f.ms).toBeLessThan(2000 + 50);
    }
    expect(recoveredAfterMs).not.toBeNull();
    expect(watch.unhandled).toEqual([]);
  }, 15 * 60_000);

  it('a name server that hangs (blackhole) for 10 s: cached routes keep working, sends stay within budget', async () => {
    const logger = new CountingLogger();
    const producer = newProducer(nsProxy!.addr, logger);
    await producer.start();
    await producer.send(new Message(cachedTopic, Buffer.from('warm-up')));
    nsProxy!.blackhole();
    nsProxy!.dropAll();
    const ledger = new SendLedger();
    const t0 = Date.now();
    let i = 0;
    let slowest = 0;
    while (Date.now() - t0 < 10_000) {
      const key = `hang-${i}`;
      const t = Date.now();
      try {
        const r = await producer.send(new Message(cachedTopic, Buffer.from('x'), { keys: key }));
        ledger.ok(i, key, r.msgId, r.sendStatus, r.messageQueue.brokerName);
      } catch (err) {
        ledger.failed(i, key, undefined, err);
      }
      slowest = Math.max(slowest, Date.now() - t);
      i++;
      await new Promise((r) => setTimeout(r, 20));
    }
    nsProxy!.heal();
    figures.hang = { sends: i, failed: ledger.failures.length, slowestSendMs: slowest, failureKinds: ledger.failureKinds() };
    expect(ledger.failures.length).toBe(0);
    expect(slowest).toBeLessThan(3000);
  }, 120_000);

  it('two name servers, one dead from the start: start and route lookup succeed through the other', async () => {
    const dead = `127.0.0.1:${await deadPort()}`;
    const runs: { order: string; startMs: number; firstSendMs: number; ok: boolean; err?: string }[] = [];
    // The client picks its first name server at random: 10 fresh producers make it all but certain
    // that the dead one is tried first in some of them, whichever way round the list is written.
    for (let k = 0; k < 10; k++) {
      const order = k % 2 === 0 ? 'dead-first' : 'live-first';
      const list = order === 'dead-first' ? `${dead};${pair.namesrvAddr}` : `${pair.namesrvAddr};${dead}`;
      const logger = new CountingLogger();
      const producer = newProducer(list, logger);
      const s = await timed(() => producer.start());
      const f = await timed(() => producer.send(new Message(lookupTopic, Buffer.from('lookup'))));
      runs.push({
        order,
        startMs: s.ms,
        firstSendMs: f.ms,
        ok: s.ok && f.ok,
        err: s.err !== undefined ? String(s.err) : f.err !== undefined ? String(f.err) : undefined,
      });
      await producer.shutdown();
    }
    figures.deadFromStart = runs;
    for (const r of runs) expect(r).toMatchObject({ ok: true });
  }, 300_000);

  it('two name servers, one hung (blackhole) from the start: route lookup gets through on the next attempt', async () => {
    const hung = await TcpFaultProxy.start({ target: pair.namesrvAddr });
    hung.blackhole();
    try {
      const runs: { attemptsUntilOk: number; totalMs: number; errors: string[] }[] = [];
      for (let k = 0; k < 4; k++) {
        const logger = new CountingLogger();
        const producer = newProducer(`${hung.addr};${pair.namesrvAddr}`, logger);
        await producer.start();
        const t0 = Date.now();
        const errors: string[] = [];
        let attempts = 0;
        for (; attempts < 3; ) {
          attempts++;
          const f = await timed(() => producer.send(new Message(lookupTopic, Buffer.from('lookup'))));
          if (f.ok) break;
          errors.push(f.err instanceof RocketMQError ? `${f.err.name}(${f.err.code})` : String(f.err));
        }
        runs.push({ attemptsUntilOk: attempts, totalMs: Date.now() - t0, errors });
        await producer.shutdown();
      }
      figures.hungFromStart = runs;
      for (const r of runs) {
        expect(r.attemptsUntilOk).toBeLessThanOrEqual(2);
        for (const e of r.errors) expect(e).toMatch(/\(ERR_/);
      }
    } finally {
      await hung.close();
    }
  }, 300_000);
});
