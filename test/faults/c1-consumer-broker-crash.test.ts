import { DefaultMQProducer } from '../../src/producer/default-mq-producer';
import { RemotingClient } from '../../src/remoting/remoting-client';
import { createTopic, killBroker, pair, restartBroker } from './support/broker-pair';
import { readTopicMaxOffsets } from './support/store-reader';
import { ConsumeLedger } from './support/consume-ledger';
import { CountingLogger } from './support/counting-logger';
import { recordFigures } from './support/figures';
import { startLedgerConsumer } from './support/ledger-consumer';
import { OffsetWatch } from './support/offset-watch';
import { eventually } from './support/process-watch';
import { scenarioScope } from './support/scenario-scope';
import { faultProfile } from './support/profile';
import { pacedSends } from './support/paced-sends';

/**
 * Consumer scenario 1: a push consumer reads a topic on broker-a while a steady stream is sent to it;
 * broker-a is SIGKILLed and restarted on its store. Every message whose send was acknowledged must
 * reach the handler at least once, consumption must resume without help, and the group's committed
 * offsets (QUERY_CONSUMER_OFFSET on the broker) must never end below what was committed before the
 * kill. The broker itself flushes committed offsets every 5 s, so a SIGKILL may roll some back: that
 * figure is reported (brokerRolledBackQueues), and the client must commit its newer offsets again.
 */

const profile = faultProfile();
const QUEUES = 4;
const OFFSET_POLL_MS = 500;
const DRAIN_BOUND_MS = 120_000;

const scope = scenarioScope();
const watch = scope.watch;

describe('consumer scenario 1: broker SIGKILL and restart during consumption', () => {
  it('every acknowledged message consumed, consumption resumes, committed offsets never end below the pre-kill ones', async () => {
    const stamp = Date.now();
    const topic = `FaultCCrash${stamp}`;
    const group = `faults_ccrash_${stamp}`;
    await createTopic(topic, ['broker-a'], QUEUES);
    const logger = new CountingLogger();
    const ledger = new ConsumeLedger();
    const started = await startLedgerConsumer({ consumerGroup: group, namesrvAddr: pair.namesrvAddr, topic, queues: QUEUES, ledger, logger });
    const consumer = scope.own(started.consumer, (c) => c.shutdown());
    expect(started.owned).toBe(true);

    const reader = scope.own(new RemotingClient({ logger: new CountingLogger() }), (r) => r.shutdown());
    const offsets = scope.own(new OffsetWatch(reader, { 'broker-a': pair.brokers['broker-a'] }, group, topic, QUEUES).start(OFFSET_POLL_MS), (o) => o.stop());
    const producer = scope.own(new DefaultMQProducer({ producerGroup: `faults_ccrash_p_${stamp}`, namesrvAddr: pair.namesrvAddr, logger: new CountingLogger() }), (p) => p.shutdown());
    await producer.start();

    let killAt = 0;
    let killedAt = 0;
    let restartedAt = 0;
    let restartMs = 0;
    const t0 = Date.now();
    const crash = (async () => {
      await new Promise((r) => setTimeout(r, profile.consumerCrashBeforeKillMs));
      killAt = Date.now();
      await killBroker('broker-a');
      killedAt = Date.now();
      restartMs = await restartBroker('broker-a');
      restartedAt = Date.now();
    })();
    const sends = await pacedSends(producer, {
      topic,
      keyPrefix: 'cc',
      ratePerSec: profile.consumerCrashRatePerSec,
      // Send until a while after the restart (the restart's own length varies with the machine's load).
      until: () => restartedAt > 0 && Date.now() >= restartedAt + profile.consumerCrashAfterRestartMs,
      maxMs: 10 * 60_000,
    });
    await crash;
    const sendMs = Date.now() - t0;

    const drained = await eventually(() => ledger.missing(sends.okKeys).length === 0, DRAIN_BOUND_MS);
    // Committed offsets catch up: the consumer commits every 5 s and with each pull.
    const preKill = offsets.maxBefore(killAt);
    const caughtUp = await eventually(() => Object.entries(preKill).every(([q, o]) => (offsets.latest()[q] ?? -1) >= o), 60_000);
    await offsets.stop();
    // Once everything is consumed and the stream has stopped, every queue's committed offset reaches its
    // max offset (the periodic persist, every 5 s): nothing is left held or uncommitted behind a lost commit.
    const maxOffsets = (await readTopicMaxOffsets(reader, pair.brokers['broker-a'], topic, QUEUES)).map((o, i) => [`broker-a/${i}`, o] as const);
    const committedAtEnd = async (): Promise<boolean> => {
      await offsets.pollOnce();
      return maxOffsets.every(([q, max]) => offsets.latest()[q] === max);
    };
    let allCommitted = false;
    for (const until = Date.now() + 60_000; !allCommitted && Date.now() < until; ) {
      allCommitted = await committedAtEnd();
      if (!allCommitted) await new Promise((r) => setTimeout(r, 1000));
    }

    const firstAfter: Record<string, number> = {};
    for (const [q, list] of offsets.readings) {
      const r = list.find((x) => x.at >= killedAt);
      if (r) firstAfter[q] = r.offset;
    }
    const rolledBack = Object.keys(preKill).filter((q) => firstAfter[q] !== undefined && firstAfter[q]! < preKill[q]!);
    // From the broker's first answer after the kill (it may answer before the harness saw it registered):
    // once a queue's committed offset is back at (or above) its pre-kill value, it never drops below it again.
    const belowAfterRecommit: { queue: string; offset: number; preKill: number }[] = [];
    for (const [q, list] of offsets.readings) {
      const base = preKill[q];
      if (base === undefined) continue;
      let back = false;
      for (const r of list.filter((x) => x.at >= killedAt)) {
        if (r.offset >= base) back = true;
        else if (back) belowAfterRecommit.push({ queue: q, offset: r.offset, preKill: base });
      }
    }
    const resumed = ledger.since(killedAt);
    // A released queue's last long poll may still be out; then exactly one loop per owned queue.
    const loopsMatch = await eventually(() => consumer.stats().pullRequestsInFlight === consumer.stats().ownedQueues, 40_000);
    const stats = consumer.stats();
    const figures = {
      sent: sends.sent,
      acked: sends.okKeys.length,
      failedSends: sends.failed,
      consumedDistinct: ledger.distinct,
      deliveries: ledger.total,
      duplicates: ledger.duplicates,
      lost: ledger.missing(sends.okKeys).length,
      sendMs,
      restartBrokerMs: restartMs,
      /** Kill -> first delivery after it (the outage as the handler saw it). */
      consumptionResumedAfterKillMs: resumed.first !== undefined ? resumed.first - killAt : null,
      /** The harness saw the broker registered again -> first delivery (negative: consumption resumed first). */
      consumptionResumedAfterRestartMs: resumed.first !== undefined ? resumed.first - restartedAt : null,
      committedBeforeKill: preKill,
      /** The broker's first answer after the kill: below committedBeforeKill = commits it lost (5 s flush). */
      committedFirstAfterRestart: firstAfter,
      committedFinal: offsets.latest(),
      maxOffsets: Object.fromEntries(maxOffsets),
      allCommittedAtEnd: allCommitted,
      /** The consumer's own view of each queue at the end (held messages, next commit). */
      queuesAtEnd: consumer.stats().queues.filter((q) => q.topic === topic).map((q) => `${q.queueId}:held=${q.cachedMsgCount}@${q.cachedMinOffset ?? '-'},next=${q.consumeOffset}`),
      brokerRolledBackQueues: rolledBack.length,
      regressionsBeforeKill: offsets.regressions(0, killAt).length,
      regressionsAfterRestart: offsets.regressions(killedAt).length,
      belowPreKillAfterRecommit: belowAfterRecommit.length,
      offsetReadFailures: offsets.failures,
      pullRequestsInFlight: stats.pullRequestsInFlight,
      ownedQueues: stats.ownedQueues,
      unhandledRejections: watch.unhandled.length,
      logs: logger.byLevel,
    };
    process.stdout.write(`${JSON.stringify({ scenario: 'c1-consumer-broker-crash', profile: profile.name, ...figures })}\n`);
    recordFigures('c1-consumer-broker-crash', figures);

    expect(sends.okKeys.length).toBeGreaterThan(0);
    expect(sends.okAfter(restartedAt)).toBeGreaterThan(0);
    expect(drained).toBe(true);
    expect(figures.lost).toBe(0);
    expect(resumed.first).toBeDefined();
    expect(Object.keys(preKill).length).toBe(QUEUES);
    expect(caughtUp).toBe(true);
    expect(allCommitted).toBe(true);
    expect(figures.regressionsBeforeKill).toBe(0);
    expect(figures.regressionsAfterRestart).toBe(0);
    expect(belowAfterRecommit).toEqual([]);
    expect(loopsMatch).toBe(true);
    expect(watch.unhandled).toEqual([]);
  }, 15 * 60_000);
});
