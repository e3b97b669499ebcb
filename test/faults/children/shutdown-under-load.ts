import { RocketMQError } from '../../../src/errors';
import { DefaultMQProducer } from '../../../src/producer/default-mq-producer';
import { Message } from '../../../src/message/message';
import type { HostilePeer } from '../../helpers/hostile-peer';
import { TcpFaultProxy } from '../../helpers/tcp-fault-proxy';
import { CountingLogger } from '../support/counting-logger';
import { startFakeNameServer } from '../support/fake-name-server';
import { envNumber, envString, event, result } from './report';

/**
 * Scenario 7 child: fires SHUTDOWN_SENDS sends in every form (promise, callback, oneway) without
 * waiting, calls shutdown() while they are in flight, and reports how each one settled. It never
 * calls process.exit: the parent checks that the process ends by itself.
 *
 * MODE=healthy: the real name server and brokers. MODE=stalled: a stand-in name server routes the
 * topic to broker-a through a fault proxy that holds every response, so all sends are still pending
 * when shutdown() is called.
 */

const mode = envString('SHUTDOWN_MODE');
const namesrv = envString('SHUTDOWN_NAMESRV');
const brokerA = envString('SHUTDOWN_BROKER_A');
const topic = envString('SHUTDOWN_TOPIC');
const total = envNumber('SHUTDOWN_SENDS', 3000);
const shutdownAfterMs = envNumber('SHUTDOWN_AFTER_MS', 30);

const unhandled: string[] = [];
const uncaught: string[] = [];
process.on('unhandledRejection', (r) => unhandled.push(String(r)));
process.on('uncaughtException', (e) => uncaught.push(String(e)));

async function main(): Promise<void> {
  let proxy: TcpFaultProxy | undefined;
  let fakeNs: HostilePeer | undefined;
  let namesrvAddr = namesrv;
  if (mode === 'stalled') {
    proxy = await TcpFaultProxy.start({ target: brokerA });
    fakeNs = await startFakeNameServer('broker-a', proxy.addr);
    namesrvAddr = fakeNs.addr;
  }
  const logger = new CountingLogger();
  const producer = new DefaultMQProducer({
    producerGroup: `faults_shutdown_${process.pid}`,
    namesrvAddr,
    sendMsgTimeoutMs: 10_000,
    logger,
  });
  await producer.start();
  await producer.send(new Message(topic, Buffer.from('warm-up')));
  if (proxy) proxy.stall('down');

  const outcome = { ok: 0, typed: 0, untyped: 0, settled: 0, byCode: {} as Record<string, number> };
  const fail = (e: unknown): void => {
    outcome.settled++;
    if (e instanceof RocketMQError) {
      outcome.typed++;
      outcome.byCode[e.code] = (outcome.byCode[e.code] ?? 0) + 1;
    } else outcome.untyped++;
  };
  const succeed = (): void => {
    outcome.settled++;
    outcome.ok++;
  };
  event('sending');
  for (let i = 0; i < total; i++) {
    const msg = new Message(topic, Buffer.from(`shutdown ${i}`), { keys: `shutdown-${i}` });
    try {
      if (i % 3 === 0) producer.send(msg).then(succeed, fail);
      else if (i % 3 === 1) producer.send(msg, { onSuccess: succeed, onException: fail });
      else producer.sendOneway(msg).then(succeed, fail);
    } catch (e) {
      fail(e);
    }
  }
  await new Promise((r) => setTimeout(r, shutdownAfterMs));
  const settledBeforeShutdown = outcome.settled;
  const t0 = Date.now();
  await producer.shutdown();
  const shutdownMs = Date.now() - t0;
  const settledAtShutdown = outcome.settled;
  event('shutdown-resolved');
  // Whatever was still pending must settle promptly (bounded wait).
  const until = Date.now() + 5000;
  while (outcome.settled < total && Date.now() < until) await new Promise((r) => setTimeout(r, 10));
  const settleAfterShutdownMs = Date.now() - t0 - shutdownMs;
  // A send after shutdown is refused, typed.
  let afterShutdown = 'none';
  try {
    await producer.send(new Message(topic, Buffer.from('late')));
    afterShutdown = 'accepted';
  } catch (e) {
    afterShutdown = e instanceof RocketMQError ? e.code : `untyped ${String(e)}`;
  }
  const inflight = producer.clientInstance?.remotingClient.inflightCount ?? -1;
  // Our own test fixtures go away too; nothing of the client may keep the process alive after this.
  await proxy?.close();
  await fakeNs?.close();
  await new Promise((r) => setImmediate(r));
  result({
    mode,
    total,
    ...outcome,
    settledBeforeShutdown,
    settledAtShutdown,
    shutdownMs,
    settleAfterShutdownMs,
    afterShutdown,
    inflight,
    unhandled: unhandled.length,
    uncaught: uncaught.length,
    unhandledSamples: unhandled.slice(0, 3),
    handlesAfter: process.getActiveResourcesInfo(),
    logs: logger.byLevel,
  });
  event('done');
}

main().catch((err: unknown) => {
  process.stderr.write(`shutdown child failed: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exitCode = 1;
});
