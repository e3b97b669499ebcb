/**
 * Graceful shutdown: new sends are refused, sends in flight settle (bounded by shutdownTimeoutMs),
 * the ones still pending at the bound fail with SendOutcomeUnknownError, and nothing is retried into
 * the closing client.
 */
import { ClientStateError, SendOutcomeUnknownError } from '../../../src/errors';
import { silentLogger } from '../../../src/logger';
import { Message } from '../../../src/message/message';
import { DefaultMQProducer } from '../../../src/producer/default-mq-producer';
import type { SendResult } from '../../../src/producer/send-result';
import { SendPipeline } from '../../../src/producer/send-pipeline';
import { startFakeCluster, until, type FakeBroker } from '../../helpers/fake-rocketmq';

type Outcome = SendResult | Error;

function sendAsync(p: DefaultMQProducer, body: string, outcomes: Outcome[]): void {
  p.send(new Message('TopicTest', body), { onSuccess: (r) => outcomes.push(r), onException: (e) => outcomes.push(e) });
}

/** `nAsync` async and `nSync` sync sends, all at the brokers before this resolves. */
async function inFlight(p: DefaultMQProducer, brokers: FakeBroker[], nAsync: number, nSync: number): Promise<{ outcomes: Outcome[]; syncs: Promise<Outcome>[] }> {
  await p.start();
  const outcomes: Outcome[] = [];
  for (let i = 0; i < nAsync; i++) sendAsync(p, `a${i}`, outcomes);
  const syncs = Array.from({ length: nSync }, (_, i) => p.send(new Message('TopicTest', `s${i}`)).catch((e: Error) => e));
  await until(() => brokers.reduce((n, b) => n + b.sendCount, 0) === nAsync + nSync, 'all sends at the brokers');
  return { outcomes, syncs };
}

describe('producer shutdown drains sends in flight', () => {
  test('200 async and 20 sync sends answered late: every one succeeds, a send during the drain is refused', async () => {
    const { ns, brokers, close } = await startFakeCluster(2);
    ns.setRoute('TopicTest', brokers);
    for (const b of brokers) b.onSend = (ctx) => (ctx.respondLater(400, b.successFor(ctx.request)), 'hold');
    const p = new DefaultMQProducer({ producerGroup: 'pg_drain_ok', namesrvAddr: ns.addr, logger: silentLogger });
    try {
      const { outcomes, syncs } = await inFlight(p, brokers, 200, 20);
      const shutdown = p.shutdown();
      const refused = await p.send(new Message('TopicTest', 'late')).catch((e: unknown) => e);
      expect(refused).toBeInstanceOf(ClientStateError);
      await shutdown;
      // Settled before shutdown() resolved.
      expect(outcomes).toHaveLength(200);
      for (const o of [...outcomes, ...(await Promise.all(syncs))]) expect(o).toMatchObject({ sendStatus: 'SEND_OK' });
      expect(brokers.reduce((n, b) => n + b.sendCount, 0)).toBe(220);
    } finally {
      await p.shutdown();
      await close();
    }
  });

  test('sends still pending at shutdownTimeoutMs fail as outcome-unknown; nothing is retried', async () => {
    const { ns, brokers, close } = await startFakeCluster(2);
    ns.setRoute('TopicTest', brokers);
    for (const b of brokers) b.onSend = () => 'hold';
    const p = new DefaultMQProducer({ producerGroup: 'pg_drain_unknown', namesrvAddr: ns.addr, logger: silentLogger, shutdownTimeoutMs: 300, sendMsgTimeoutMs: 60_000 });
    try {
      const { outcomes, syncs } = await inFlight(p, brokers, 100, 10);
      const begin = Date.now();
      await p.shutdown();
      expect(Date.now() - begin).toBeLessThan(300 + 2000);
      await until(() => outcomes.length === 100, 'async sends settled');
      const all = [...outcomes, ...(await Promise.all(syncs))];
      for (const o of all) {
        expect(o).toBeInstanceOf(SendOutcomeUnknownError);
        expect((o as SendOutcomeUnknownError).topic).toBe('TopicTest');
        expect((o as SendOutcomeUnknownError).msgId).toMatch(/^[0-9A-F]{32}$/);
      }
      // No retry went to either broker when the client closed.
      await new Promise((r) => setTimeout(r, 100));
      expect(brokers.reduce((n, b) => n + b.sendCount, 0)).toBe(110);
    } finally {
      await p.shutdown();
      await close();
    }
  });

  test('async sends on a known route (the callback path, no promise per send) pending at shutdownTimeoutMs fail as outcome-unknown', async () => {
    const { ns, brokers, close } = await startFakeCluster(2);
    ns.setRoute('TopicTest', brokers);
    const p = new DefaultMQProducer({ producerGroup: 'pg_drain_known', namesrvAddr: ns.addr, logger: silentLogger, shutdownTimeoutMs: 300, sendMsgTimeoutMs: 60_000 });
    const fast = jest.spyOn(SendPipeline.prototype, 'trySendAsync');
    try {
      await p.start();
      // The route is known after this send: the async sends below skip the route lookup.
      await p.send(new Message('TopicTest', 'warm'));
      for (const b of brokers) b.onSend = () => 'hold';
      const outcomes: Outcome[] = [];
      for (let i = 0; i < 50; i++) sendAsync(p, `k${i}`, outcomes);
      expect(fast.mock.results.filter((r) => r.value === true)).toHaveLength(50);
      await until(() => brokers.reduce((n, b) => n + b.sendCount, 0) === 51, 'all sends at the brokers');
      await p.shutdown();
      await until(() => outcomes.length === 50, 'async sends settled');
      for (const o of outcomes) expect(o).toBeInstanceOf(SendOutcomeUnknownError);
      await new Promise((r) => setTimeout(r, 100));
      expect(brokers.reduce((n, b) => n + b.sendCount, 0)).toBe(51);
      expect(outcomes).toHaveLength(50);
    } finally {
      fast.mockRestore();
      await p.shutdown();
      await close();
    }
  });
});
