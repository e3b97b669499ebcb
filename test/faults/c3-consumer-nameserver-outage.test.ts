import { DefaultMQProducer } from '../../src/producer/default-mq-producer';
import { createTopic, killNameServer, pair, restartNameServer } from './support/broker-pair';
import { ConsumeLedger } from './support/consume-ledger';
import { CountingLogger } from './support/counting-logger';
import { recordFigures } from './support/figures';
import { startLedgerConsumer, topicQueuesOwned } from './support/ledger-consumer';
import { pacedSends } from './support/paced-sends';
import { eventually } from './support/process-watch';
import { scenarioScope } from './support/scenario-scope';
import { faultProfile } from './support/profile';

/**
 * Consumer scenario 3: the name server process is SIGKILLed by its pid while a push consumer reads a
 * topic on both brokers, then started again. The brokers stay up, so consumption on the routes the
 * consumer already knows must go on through the outage: it keeps every queue it owns, messages sent
 * during the outage are consumed during the outage, nothing acknowledged is lost, and route refreshes
 * (every 2 s here) fail with a log line and no crash.
 */

const profile = faultProfile();
const QUEUES = 4;
const POLL_MS = 2000;
const BEFORE_MS = 5000;
const AFTER_MS = profile.name === 'ci' ? 5000 : 10_000;
const ROUTE_FAILED = 'updateTopicRouteInfoFromNameServer failed';

// healAfter: never leave the suite without its name server.
const scope = scenarioScope({ healAfter: true });
const watch = scope.watch;

describe('consumer scenario 3: name server outage', () => {
  it(`name server down for ${profile.nameServerOutageMs / 1000} s: consumption on known routes goes on`, async () => {
    const stamp = Date.now();
    const topic = `FaultCNs${stamp}`;
    const group = `faults_cns_${stamp}`;
    await createTopic(topic, ['broker-a', 'broker-b'], QUEUES);
    const logger = new CountingLogger();
    const ledger = new ConsumeLedger();
    const started = await startLedgerConsumer({
      consumerGroup: group,
      namesrvAddr: pair.namesrvAddr,
      pollNameServerIntervalMs: POLL_MS,
      topic,
      queues: 2 * QUEUES,
      ledger,
      logger,
    });
    const consumer = scope.own(started.consumer, (c) => c.shutdown());
    expect(started.owned).toBe(true);
    const topicQueues = (): number => topicQueuesOwned(consumer, topic);
    const producer = scope.own(
      new DefaultMQProducer({ producerGroup: `faults_cns_p_${stamp}`, namesrvAddr: pair.namesrvAddr, pollNameServerIntervalMs: POLL_MS, logger: new CountingLogger() }),
      (p) => p.shutdown(),
    );
    await producer.start();

    let killedAt = 0;
    let restartAt = 0;
    let restartedAt = 0;
    let restartMs = 0;
    let failuresBefore = 0;
    let failuresDuring = 0;
    let minQueuesDuring = Infinity;
    const outage = (async () => {
      await new Promise((r) => setTimeout(r, BEFORE_MS));
      failuresBefore = logger.count(ROUTE_FAILED);
      await killNameServer();
      killedAt = Date.now();
      while (Date.now() - killedAt < profile.nameServerOutageMs) {
        minQueuesDuring = Math.min(minQueuesDuring, topicQueues());
        await new Promise((r) => setTimeout(r, 250));
      }
      failuresDuring = logger.count(ROUTE_FAILED) - failuresBefore;
      restartAt = Date.now();
      restartMs = await restartNameServer();
      restartedAt = Date.now();
    })();
    const sends = await pacedSends(producer, {
      topic,
      keyPrefix: 'cn',
      ratePerSec: profile.consumerNsRatePerSec,
      until: () => restartedAt > 0 && Date.now() >= restartedAt + AFTER_MS,
      maxMs: 10 * 60_000,
    });
    await outage;
    const drained = await eventually(() => ledger.missing(sends.okKeys).length === 0, 120_000);
    const stats = consumer.stats();

    const figures = {
      outageMs: restartAt - killedAt,
      restartNameServerMs: restartMs,
      sent: sends.sent,
      acked: sends.okKeys.length,
      failedSends: sends.failed,
      failureKinds: sends.failureKinds,
      ackedDuringOutage: sends.okAfter(killedAt) - sends.okAfter(restartAt),
      consumedDuringOutage: ledger.between(killedAt, restartAt),
      consumedAfterRestart: ledger.since(restartedAt).count,
      consumedDistinct: ledger.distinct,
      duplicates: ledger.duplicates,
      lost: ledger.missing(sends.okKeys).length,
      minOwnedTopicQueuesDuringOutage: minQueuesDuring,
      routeRefreshFailuresDuringOutage: failuresDuring,
      pullRequestsInFlight: stats.pullRequestsInFlight,
      ownedQueues: stats.ownedQueues,
      unhandledRejections: watch.unhandled.length,
      logs: logger.byLevel,
    };
    process.stdout.write(`${JSON.stringify({ scenario: 'c3-consumer-nameserver-outage', profile: profile.name, ...figures })}\n`);
    recordFigures('c3-consumer-nameserver-outage', figures);

    expect(drained).toBe(true);
    expect(figures.lost).toBe(0);
    expect(figures.ackedDuringOutage).toBeGreaterThan(0);
    // Consumption went on while the name server was down, on every queue the consumer owned.
    expect(figures.consumedDuringOutage).toBeGreaterThan(0);
    expect(minQueuesDuring).toBe(2 * QUEUES);
    expect(failuresDuring).toBeGreaterThan(0);
    expect(figures.consumedAfterRestart).toBeGreaterThan(0);
    expect(sends.untyped).toBe(0);
    expect(watch.unhandled).toEqual([]);
  }, 15 * 60_000);
});
