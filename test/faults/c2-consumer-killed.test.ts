import { DefaultMQProducer } from '../../src/producer/default-mq-producer';
import { RemotingClient } from '../../src/remoting/remoting-client';
import { createTopic, pair } from './support/broker-pair';
import { spawnChild, type ChildHandle } from './support/child';
import { ConsumeLedger } from './support/consume-ledger';
import type { ConsumerSample } from './support/consumer-sample';
import { CountingLogger } from './support/counting-logger';
import { recordFigures } from './support/figures';
import { OffsetWatch } from './support/offset-watch';
import { pacedSends } from './support/paced-sends';
import { eventually } from './support/process-watch';
import { faultProfile } from './support/profile';
import { scenarioScope } from './support/scenario-scope';

/**
 * Consumer scenario 2: two consumer processes of one group share a topic; one (A) is SIGKILLed by its
 * pid while handlers are running. Its queues must be taken over by the survivor (B), every acknowledged
 * message consumed at least once, and the duplicates bounded by what A had consumed but not committed:
 * per queue of A, from the committed offset read on the broker just before the kill up to the highest
 * offset A's handlers finished. Every duplicate must lie in that window.
 */

const profile = faultProfile();
const QUEUES = 8;
const KILL_AT_SHARE = 0.3;
const DRAIN_BOUND_MS = 120_000;

const scope = scenarioScope();

describe('consumer scenario 2: a consumer process SIGKILLed mid-batch', () => {
  it('its queues are taken over, every acknowledged message consumed, duplicates within the uncommitted window', async () => {
    const stamp = Date.now();
    const topic = `FaultCKill${stamp}`;
    const group = `faults_ckill_${stamp}`;
    await createTopic(topic, ['broker-a'], QUEUES);
    const ledger = new ConsumeLedger();
    const last: Record<string, ConsumerSample> = {};
    let killAt = 0;
    let allQueuesAt = 0;
    const spawn = (label: string): ChildHandle => {
      const h = spawnChild(
        'push-consumer.ts',
        {
          PC_NAMESRV: pair.namesrvAddr,
          PC_TOPIC: topic,
          PC_GROUP: group,
          PC_REPORT: '1',
          PC_BATCH: '8',
          PC_HANDLER_DELAY_MS: '250',
          PC_SAMPLE_MS: '500',
        },
        10 * 60_000,
        {
          onLine: (tag, payload) => {
            if (tag === 's') {
              last[label] = JSON.parse(payload) as ConsumerSample;
              if (label === 'B' && killAt > 0 && allQueuesAt === 0 && last.B!.topicQueues === QUEUES) allQueuesAt = Date.now();
            }
            if (tag !== 'c') return;
            const at = Date.now();
            for (const rec of payload.split(' ')) {
              const [brokerName, queueId, offset, key] = rec.split('/');
              ledger.record({ key: key!, by: label, queue: `${brokerName}/${queueId}`, offset: Number(offset), at });
            }
          },
        },
      );
      return scope.own(h, async (c) => {
        c.kill('SIGKILL');
        await c.done;
      });
    };
    const a = spawn('A');
    const b = spawn('B');
    const shared = await eventually(
      () => (last.A?.topicQueues ?? 0) > 0 && (last.B?.topicQueues ?? 0) > 0 && last.A!.topicQueues + last.B!.topicQueues === QUEUES,
      120_000,
    );
    expect(shared).toBe(true);
    const queuesOfABeforeKill = last.A!.topicQueues;

    const reader = scope.own(new RemotingClient({ logger: new CountingLogger() }), (r) => r.shutdown());
    const offsets = new OffsetWatch(reader, { 'broker-a': pair.brokers['broker-a'] }, group, topic, QUEUES);
    const producer = scope.own(new DefaultMQProducer({ producerGroup: `faults_ckill_p_${stamp}`, namesrvAddr: pair.namesrvAddr, logger: new CountingLogger() }), (p) => p.shutdown());
    await producer.start();

    let handlersAtKill = -1;
    const killer = (async () => {
      const ok = await eventually(() => ledger.total >= profile.consumerKillMessages * KILL_AT_SHARE, 5 * 60_000);
      if (!ok) return;
      // Mid-batch: A's last sample shows handlers running (they take 250 ms a batch, so most samples do).
      await eventually(() => (last.A?.activeHandlers ?? 0) > 0, 10_000);
      // A fresh reading of the committed offsets, then the kill at once: the window read is a superset.
      await offsets.pollOnce();
      handlersAtKill = last.A?.activeHandlers ?? -1;
      killAt = Date.now();
      a.kill('SIGKILL');
    })();
    const t0 = Date.now();
    const sends = await pacedSends(producer, {
      topic,
      keyPrefix: 'ck',
      ratePerSec: profile.consumerKillRatePerSec,
      maxSends: profile.consumerKillMessages,
      maxMs: 10 * 60_000,
    });
    const sendMs = Date.now() - t0;
    await killer;
    const aRun = await a.done;
    const drained = await eventually(() => ledger.missing(sends.okKeys).length === 0, DRAIN_BOUND_MS);
    const takenOver = await eventually(() => last.B?.topicQueues === QUEUES, 60_000);
    // A queue B released and took back may keep its old loop until that loop's long poll returns (15 s).
    const oneLoopEach = await eventually(() => last.B !== undefined && last.B.pullRequestsInFlight === last.B.ownedQueues, 60_000);
    const bLast = last.B;
    b.kill('SIGTERM');
    const bRun = await b.done;

    // The uncommitted window of each queue A consumed from.
    const committedAtKill = offsets.maxBefore(killAt + 1);
    const maxByA: Record<string, number> = {};
    let deliveredToA = 0;
    let takeoverFirst: number | undefined;
    const aQueues = new Set<string>();
    for (const d of ledger.deliveries()) {
      if (d.by === 'A') {
        deliveredToA++;
        aQueues.add(d.queue);
        maxByA[d.queue] = Math.max(maxByA[d.queue] ?? -1, d.offset);
      }
    }
    for (const d of ledger.deliveries()) {
      if (d.by === 'B' && aQueues.has(d.queue) && d.at >= killAt && (takeoverFirst === undefined || d.at < takeoverFirst)) takeoverFirst = d.at;
    }
    const window: Record<string, [number, number]> = {};
    let uncommitted = 0;
    for (const q of aQueues) {
      const from = committedAtKill[q] ?? 0;
      const to = maxByA[q]! + 1;
      window[q] = [from, to];
      uncommitted += Math.max(0, to - from);
    }
    const outside = ledger
      .duplicated()
      .flat()
      .filter((d) => d.by === 'B' && d.at >= killAt)
      .filter((d) => !(window[d.queue] && d.offset >= window[d.queue]![0] && d.offset < window[d.queue]![1]));
    const dupBeforeKill = ledger.duplicated().filter((c) => c.filter((d) => d.at < killAt).length > 1).length;

    const figures = {
      messages: profile.consumerKillMessages,
      acked: sends.okKeys.length,
      failedSends: sends.failed,
      sendMs,
      queuesOfAAtKill: queuesOfABeforeKill,
      deliveredToA,
      handlersRunningInAAtKill: handlersAtKill,
      aExit: aRun.signal ?? aRun.code,
      consumedDistinct: ledger.distinct,
      deliveries: ledger.total,
      lost: ledger.missing(sends.okKeys).length,
      duplicates: ledger.duplicates,
      /** Sum over A's queues of (highest offset A finished + 1 - committed offset read just before the kill). */
      uncommittedAtKill: uncommitted,
      duplicatesOutsideWindow: outside.length,
      duplicatesBeforeKill: dupBeforeKill,
      /** Kill -> B's first sample (every 500 ms) owning every queue. */
      takeoverMs: allQueuesAt > 0 ? allQueuesAt - killAt : null,
      /** Kill -> first handler B finished on a queue A had (B's handlers take 250 ms a batch and have a backlog). */
      firstDeliveryFromAQueuesMs: takeoverFirst !== undefined ? takeoverFirst - killAt : null,
      bQueuesAtEnd: bLast?.topicQueues,
      bPullRequestsInFlight: bLast?.pullRequestsInFlight,
      bOwnedQueues: bLast?.ownedQueues,
      bExit: bRun.code,
    };
    process.stdout.write(`${JSON.stringify({ scenario: 'c2-consumer-killed', profile: profile.name, ...figures })}\n`);
    recordFigures('c2-consumer-killed', figures);

    expect(killAt).toBeGreaterThan(0);
    expect(aRun.signal).toBe('SIGKILL');
    expect(takenOver).toBe(true);
    expect(drained).toBe(true);
    expect(figures.lost).toBe(0);
    expect(outside).toEqual([]);
    expect(figures.duplicates).toBeLessThanOrEqual(uncommitted);
    expect(oneLoopEach).toBe(true);
    expect(bRun.code).toBe(0);
    expect(bRun.timedOut).toBe(false);
  }, 15 * 60_000);
});
