import { DefaultMQProducer } from '../../src/producer/default-mq-producer';
import { Message } from '../../src/message/message';
import { MessageConst } from '../../src/message/message-const';
import { RemotingClient } from '../../src/remoting/remoting-client';
import { createTopic, ensureBrokerPair, killBroker, pair, restartBroker } from './support/broker-pair';
import { CountingLogger } from './support/counting-logger';
import { recordFigures } from './support/figures';
import { ProcessWatch } from './support/process-watch';
import { faultProfile } from './support/profile';
import { SendLedger } from './support/send-ledger';
import { readTopic } from './support/store-reader';

/**
 * Scenario 1: broker-a is SIGKILLed in the middle of a stream of sync sends, then restarted on its
 * store. Every send that returned SEND_OK must be in the store afterwards (read back through the
 * broker by UNIQ_KEY); every other send must have failed with a typed error. Figures: lost (must be 0),
 * duplicates, failed sends, time to recover.
 */

const profile = faultProfile();
const WORKERS = 4;
/** After a failed send a worker pauses, so the outage is measured in time, not burnt through in a second. */
const PAUSE_AFTER_FAILURE_MS = 100;
const QUEUES = 4;

const watch = new ProcessWatch();
let producer: DefaultMQProducer | undefined;
let reader: RemotingClient | undefined;

beforeAll(async () => {
  watch.start();
  await ensureBrokerPair();
}, 600_000);

afterAll(async () => {
  await producer?.shutdown();
  await reader?.shutdown();
  watch.stop();
});

describe('scenario 1: broker SIGKILL mid-stream, then restart', () => {
  it(`${profile.crashSends.toLocaleString('en')} sync sends: no acknowledged message lost`, async () => {
    const topic = `FaultCrash${Date.now()}`;
    await createTopic(topic, ['broker-a'], QUEUES);
    const logger = new CountingLogger();
    producer = new DefaultMQProducer({ producerGroup: `faults_crash_${Date.now()}`, namesrvAddr: pair.namesrvAddr, logger });
    await producer.start();

    const ledger = new SendLedger();
    let next = 0;
    let settled = 0;
    let killAt = 0;
    let restartedAt = 0;
    let restartMs = 0;
    let crash: Promise<void> | undefined;
    const t0 = Date.now();

    const startCrash = (): void => {
      crash = (async () => {
        killAt = Date.now();
        await killBroker('broker-a');
        restartMs = await restartBroker('broker-a');
        restartedAt = Date.now();
      })();
    };

    const worker = async (): Promise<void> => {
      for (;;) {
        const i = next++;
        if (i >= profile.crashSends) return;
        const key = `crash-${i}`;
        const msg = new Message(topic, Buffer.from(`message ${i}`), { keys: key });
        try {
          const r = await producer!.send(msg);
          ledger.ok(i, key, r.msgId, r.sendStatus, r.messageQueue.brokerName);
        } catch (err) {
          ledger.failed(i, key, msg.getProperty(MessageConst.PROPERTY_UNIQ_CLIENT_MESSAGE_ID_KEYIDX), err);
          await new Promise((r) => setTimeout(r, PAUSE_AFTER_FAILURE_MS));
        }
        if (++settled === profile.crashKillAfter) startCrash();
      }
    };
    await Promise.all(Array.from({ length: WORKERS }, worker));
    const sendMs = Date.now() - t0;
    await crash;

    reader = new RemotingClient({ logger: new CountingLogger() });
    const stored = await readTopic(reader, { 'broker-a': pair.brokers['broker-a'] }, topic, QUEUES);
    const rec = ledger.reconcile(stored);

    // The outage, as the sender saw it: from the first failed send after the kill to the next SEND_OK.
    const byTime = [...ledger.records].sort((a, b) => a.at - b.at);
    const firstFailure = byTime.find((r) => !r.ok && r.at >= killAt);
    const firstOkAfterKill = firstFailure ? byTime.find((r) => r.ok && r.at >= firstFailure.at) : undefined;
    const figures = {
      ...rec,
      failureKinds: ledger.failureKinds(),
      sendMs,
      restartBrokerMs: restartMs,
      /** First failed send -> first SEND_OK again (the outage as the sender saw it). */
      outageMs: firstOkAfterKill && firstFailure ? firstOkAfterKill.at - firstFailure.at : null,
      /** Harness saw the restarted broker registered -> first SEND_OK (negative: sends resumed first). */
      recoverAfterRestartMs: firstOkAfterKill && restartedAt ? firstOkAfterKill.at - restartedAt : null,
      /** Kill issued -> first failed send. */
      firstFailureAfterKillMs: firstFailure ? firstFailure.at - killAt : null,
      throughputBeforeKillPerSec: Math.round(
        (ledger.records.filter((r) => r.ok && r.at < killAt).length * 1000) / Math.max(1, killAt - t0),
      ),
      unhandledRejections: watch.unhandled.length,
      logs: logger.byLevel,
    };
    recordFigures('s1-broker-crash', figures);

    expect(rec.sends).toBe(profile.crashSends);
    expect(rec.lost).toBe(0);
    expect(rec.untyped).toBe(0);
    // The kill did land mid-stream, and sending recovered after the restart.
    expect(rec.failed).toBeGreaterThan(0);
    expect(firstOkAfterKill).toBeDefined();
    expect(watch.unhandled).toEqual([]);
  }, 15 * 60_000);
});
