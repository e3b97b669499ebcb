import { DefaultMQProducer } from '../../src/producer/default-mq-producer';
import { Message } from '../../src/message/message';
import { MessageConst } from '../../src/message/message-const';
import { RemotingClient } from '../../src/remoting/remoting-client';
import { createTopic, ensureBrokerPair, healPair, killBroker, pair, restartBroker } from './support/broker-pair';
import { CountingLogger } from './support/counting-logger';
import { recordFigures } from './support/figures';
import { ProcessWatch } from './support/process-watch';
import { faultProfile } from './support/profile';
import { SendLedger, throughputBuckets } from './support/send-ledger';
import { readTopic } from './support/store-reader';

/**
 * Scenario 2: a topic on two masters; broker-b is SIGKILLed while sync sends run with the latency
 * fault strategy on. Sending must go on through broker-a. Figures: the throughput dip, the time until
 * throughput is back, failed sends; then broker-b is restarted and both stores are read back:
 * 0 acknowledged messages lost.
 */

const profile = faultProfile();
const WORKERS = 8;
/** A steady offered load well below capacity, so the curve is flat before the kill and the dip shows. */
const RATE_PER_SEC = 1000;
const PAUSE_AFTER_FAILURE_MS = 100;
const QUEUES = 4;
const BUCKET_MS = 250;
/** Throughput counts as recovered when a one-second window reaches this share of the pre-kill rate. */
const RECOVERED_SHARE = 0.8;

const watch = new ProcessWatch();
let producer: DefaultMQProducer | undefined;
let reader: RemotingClient | undefined;

beforeAll(async () => {
  watch.start();
  await ensureBrokerPair();
  await healPair();
}, 600_000);

afterAll(async () => {
  await producer?.shutdown();
  await reader?.shutdown();
  watch.stop();
  await healPair();
}, 600_000);

describe('scenario 2: two masters, one killed', () => {
  it('sending continues on the survivor; no acknowledged message lost', async () => {
    const topic = `FaultFailover${Date.now()}`;
    await createTopic(topic, ['broker-a', 'broker-b'], QUEUES);
    const logger = new CountingLogger();
    producer = new DefaultMQProducer({
      producerGroup: `faults_failover_${Date.now()}`,
      namesrvAddr: pair.namesrvAddr,
      sendLatencyFaultEnable: true,
      logger,
    });
    await producer.start();

    const ledger = new SendLedger();
    // Warm the route and connections to both brokers before the clock starts.
    for (let i = 0; i < 50; i++) await producer.send(new Message(topic, Buffer.from('warm-up'), { keys: `warm-${i}` }));
    const t0 = Date.now();
    const stopAt = t0 + profile.failoverRunMs;
    let killAt = 0;
    let killedAt = 0;
    let n = 0;
    const killer = (async () => {
      await new Promise((r) => setTimeout(r, profile.failoverKillAtMs));
      killAt = Date.now();
      await killBroker('broker-b');
      // The harness returns once the process is gone: the kill happened in [killAt, killedAt].
      killedAt = Date.now();
    })();
    const worker = async (): Promise<void> => {
      while (Date.now() < stopAt) {
        const i = n++;
        // Send i is due at t0 + i / rate; a worker that fell behind sends at once (catching up).
        const due = t0 + (i * 1000) / RATE_PER_SEC;
        if (due > Date.now()) await new Promise((r) => setTimeout(r, due - Date.now()));
        if (Date.now() >= stopAt) break;
        const key = `failover-${i}`;
        const msg = new Message(topic, Buffer.from(`message ${i}`), { keys: key });
        try {
          const r = await producer!.send(msg);
          ledger.ok(i, key, r.msgId, r.sendStatus, r.messageQueue.brokerName);
        } catch (err) {
          ledger.failed(i, key, msg.getProperty(MessageConst.PROPERTY_UNIQ_CLIENT_MESSAGE_ID_KEYIDX), err);
          await new Promise((r) => setTimeout(r, PAUSE_AFTER_FAILURE_MS));
        }
      }
    };
    await Promise.all([killer, ...Array.from({ length: WORKERS }, worker)]);
    const t1 = Date.now();
    const inflightAfter = producer.clientInstance?.remotingClient.inflightCount;

    // Throughput curve around the kill, in one-second windows sliding by 250 ms.
    const buckets = throughputBuckets(ledger.records, t0, t1, BUCKET_MS);
    const perWindow = 1000 / BUCKET_MS;
    const windowSum = (b: number): number => buckets.slice(b, b + perWindow).reduce((x, y) => x + y, 0);
    const killBucket = Math.floor((killAt - t0) / BUCKET_MS);
    const killedBucket = Math.ceil((killedAt - t0) / BUCKET_MS);
    const warm = Math.floor(1000 / BUCKET_MS);
    let baseSum = 0;
    let baseN = 0;
    for (let b = warm; b + perWindow <= killBucket; b++) {
      baseSum += windowSum(b);
      baseN++;
    }
    const baselinePerSec = baseSum / Math.max(1, baseN);
    const threshold = RECOVERED_SHARE * baselinePerSec;
    let lowest = Infinity;
    let firstRecovered: number | undefined;
    let lastBelow: number | undefined;
    let below = 0;
    for (let b = killBucket; b + perWindow <= buckets.length; b++) {
      const w = windowSum(b);
      lowest = Math.min(lowest, w);
      if (w >= threshold && firstRecovered === undefined && b >= killedBucket) firstRecovered = b;
      if (w < threshold) {
        lastBelow = b;
        below++;
      }
    }
    const recoveredBucket = firstRecovered;
    const sentToB = ledger.acked.filter((r) => r.brokerName === 'broker-b' && r.at > killedAt).length;
    const topLogs = [...logger.byMessage.entries()].sort((a, b) => b[1] - a[1]).slice(0, 5);

    // Bring broker-b back on its store and read both brokers.
    const restartMs = await restartBroker('broker-b');
    reader = new RemotingClient({ logger: new CountingLogger() });
    const stored = await readTopic(reader, pair.brokers, topic, QUEUES);
    const rec = ledger.reconcile(stored);
    const figures = {
      ...rec,
      failureKinds: ledger.failureKinds(),
      runMs: t1 - t0,
      killIssuedAtMs: killAt - t0,
      killDoneAtMs: killedAt - t0,
      baselinePerSec: Math.round(baselinePerSec),
      /** Lowest one-second window after the kill, as a share of the baseline. */
      dipLowestShare: Number((lowest / Math.max(1e-9, baselinePerSec)).toFixed(2)),
      /** Kill done -> the first one-second window back at >= 80 % of the baseline. */
      recoverMs: recoveredBucket === undefined ? null : Math.max(0, recoveredBucket * BUCKET_MS - (killedAt - t0)),
      /** Kill done -> start of the last window below 80 % (later dips: probes of the dead broker). */
      lastDipMs: lastBelow === undefined ? null : lastBelow * BUCKET_MS - (killedAt - t0),
      windowsBelow80: below,
      offeredPerSec: RATE_PER_SEC,
      afterKillPerSec: Math.round(
        (ledger.acked.filter((r) => r.at > killAt + 5000).length * 1000) / Math.max(1, t1 - killAt - 5000),
      ),
      ackedOnBrokerBAfterKill: sentToB,
      restartBrokerMs: restartMs,
      inflightAfterRun: inflightAfter,
      unhandledRejections: watch.unhandled.length,
      curvePerSec: buckets
        .reduce<number[]>((acc, v, i) => {
          acc[Math.floor((i * BUCKET_MS) / 1000)] = (acc[Math.floor((i * BUCKET_MS) / 1000)] ?? 0) + v;
          return acc;
        }, [])
        .join(' '),
      logs: logger.byLevel,
      topLogs,
    };
    recordFigures('s2-two-masters-failover', figures);

    expect(rec.lost).toBe(0);
    expect(rec.untyped).toBe(0);
    expect(sentToB).toBe(0);
    expect(recoveredBucket).toBeDefined();
    expect(ledger.acked.filter((r) => r.at > killAt + 5000).length).toBeGreaterThan(0);
    expect(inflightAfter).toBe(0);
    expect(watch.unhandled).toEqual([]);
  }, 15 * 60_000);
});
