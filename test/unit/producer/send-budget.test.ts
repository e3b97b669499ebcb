/**
 * `sendMsgTimeoutMs` (or a call's `timeoutMs`) is the total budget of one send: the route lookup draws
 * on it too, and nothing is sent once it is spent. Timing bounds here are generous on purpose: the
 * exact assertions are the typed error's `timeoutMs` and the arrival times of requests.
 */
import { RemotingTimeoutError } from '../../../src/errors';
import { silentLogger } from '../../../src/logger';
import { Message } from '../../../src/message/message';
import { DefaultMQProducer } from '../../../src/producer/default-mq-producer';
import type { ProducerOptions } from '../../../src/producer/producer-config';
import type { SendResult } from '../../../src/producer/send-result';
import type { FakeRequestContext } from '../../helpers/fake-remoting-server';
import { FakeNameServer, startFakeCluster, type FakeBroker } from '../../helpers/fake-rocketmq';

const BUDGET = 500;
const SLACK = 1000;
type Mode = 'sync' | 'async' | 'oneway';

function sendIn(p: DefaultMQProducer, mode: Mode, msg: Message, perCall: boolean): Promise<unknown> {
  const options = perCall ? { timeoutMs: BUDGET } : undefined;
  if (mode === 'sync') return p.send(msg, options);
  if (mode === 'oneway') return p.sendOneway(msg, options);
  return new Promise<SendResult>((resolve, reject) => p.send(msg, { onSuccess: resolve, onException: reject }, options));
}

/** Runs one send and returns its error and how long it took. */
async function failingSend(p: DefaultMQProducer, mode: Mode, perCall = false): Promise<{ err: unknown; elapsed: number; deadline: number }> {
  const begin = Date.now();
  const err = await sendIn(p, mode, new Message('TopicTest', 'x'), perCall).then(
    () => undefined,
    (e: unknown) => e,
  );
  return { err, elapsed: Date.now() - begin, deadline: begin + BUDGET };
}

function producer(ns: string, extra: Partial<ProducerOptions> = {}): DefaultMQProducer {
  return new DefaultMQProducer({ producerGroup: `pg_budget_${Math.random().toString(36).slice(2)}`, namesrvAddr: ns, logger: silentLogger, ...extra });
}

function expectBudgetTimeout(r: { err: unknown; elapsed: number }): void {
  expect(r.err).toBeInstanceOf(RemotingTimeoutError);
  expect((r.err as RemotingTimeoutError).timeoutMs).toBe(BUDGET);
  expect(r.elapsed).toBeLessThan(BUDGET + SLACK);
}

describe('the send budget bounds the whole call', () => {
  let ns: FakeNameServer;
  let brokers: FakeBroker[];
  let close: () => Promise<void>;
  /** Arrival time of each request at the name server and the brokers. */
  let nsArrivals: number[];
  let sendArrivals: number[];

  beforeEach(async () => {
    ({ ns, brokers, close } = await startFakeCluster(2));
    ns.setRoute('TopicTest', brokers);
    nsArrivals = [];
    sendArrivals = [];
    for (const b of brokers) {
      b.onSend = () => {
        sendArrivals.push(Date.now());
        return 'hold';
      };
    }
  });
  afterEach(() => close());

  /** The name server records arrivals and answers after `delayMs`, or never (`'hang'`). */
  function nameServerAnswers(delay: number | 'hang'): void {
    const route = ns.routes.get('TopicTest')!;
    ns.server.setHandler((ctx: FakeRequestContext) => {
      nsArrivals.push(Date.now());
      if (delay !== 'hang') ctx.respondLater(delay, { code: 0, body: Buffer.from(ns.routeJson(route), 'utf8') });
    });
  }

  test.each<[Mode, boolean]>([
    ['sync', false],
    ['async', false],
    ['oneway', true],
  ])('a hung name server: %s fails with the budget, not mqClientApiTimeoutMs (per-call timeoutMs: %s)', async (mode, perCall) => {
    nameServerAnswers('hang');
    const p = producer(ns.addr, perCall ? {} : { sendMsgTimeoutMs: BUDGET });
    try {
      await p.start();
      const r = await failingSend(p, mode, perCall);
      expectBudgetTimeout(r);
      for (const t of nsArrivals) expect(t).toBeLessThanOrEqual(r.deadline);
      expect(sendArrivals).toHaveLength(0);
    } finally {
      await p.shutdown();
    }
  });

  test.each<Mode>(['sync', 'async'])('a hung broker: %s fails with the budget and sends nothing after the deadline', async (mode) => {
    // Several attempts fit in the budget (sync), an async send retries its transport failure.
    const p = producer(ns.addr, { sendMsgTimeoutMs: BUDGET, sendMsgMaxTimeoutPerRequestMs: 150, closeSocketIfTimeout: false });
    try {
      await p.start();
      const r = await failingSend(p, mode);
      expectBudgetTimeout(r);
      expect(sendArrivals.length).toBeGreaterThanOrEqual(1);
      for (const t of sendArrivals) expect(t).toBeLessThanOrEqual(r.deadline);
      // Nothing more arrives later either.
      const sent = sendArrivals.length;
      await new Promise((res) => setTimeout(res, 300));
      expect(sendArrivals).toHaveLength(sent);
    } finally {
      await p.shutdown();
    }
  });

  test.each<Mode>(['sync', 'async', 'oneway'])('a route slower than the budget: %s fails at the budget, no send goes out', async (mode) => {
    nameServerAnswers(BUDGET + 1500);
    const p = producer(ns.addr, { sendMsgTimeoutMs: BUDGET });
    try {
      await p.start();
      const r = await failingSend(p, mode);
      expectBudgetTimeout(r);
      expect(nsArrivals.length).toBeGreaterThanOrEqual(1);
      await new Promise((res) => setTimeout(res, BUDGET + 1600 - r.elapsed));
      expect(sendArrivals).toHaveLength(0);
    } finally {
      await p.shutdown();
    }
  });

  test('a slow route inside the budget leaves the rest of it to the attempts', async () => {
    nameServerAnswers(150);
    const p = producer(ns.addr, { sendMsgTimeoutMs: BUDGET });
    try {
      await p.start();
      const r = await failingSend(p, 'sync');
      expectBudgetTimeout(r);
      expect(sendArrivals.length).toBeGreaterThanOrEqual(1);
      for (const t of sendArrivals) expect(t).toBeLessThanOrEqual(r.deadline);
    } finally {
      await p.shutdown();
    }
  });
});

describe('two name servers, one hung', () => {
  test('20 fresh producers: every first send succeeds within the budget', async () => {
    const { ns, brokers, close } = await startFakeCluster(1);
    ns.setRoute('TopicTest', brokers);
    const hung = await FakeNameServer.start();
    hung.server.setHandler(() => {});
    const budget = 2000;
    const producers = Array.from({ length: 20 }, () => producer(`${hung.addr};${ns.addr}`, { sendMsgTimeoutMs: budget }));
    try {
      await Promise.all(producers.map((p) => p.start()));
      const outcomes = await Promise.all(
        producers.map(async (p) => {
          const begin = Date.now();
          const r = await p.send(new Message('TopicTest', 'first')).catch((e: unknown) => e);
          return { r, elapsed: Date.now() - begin };
        }),
      );
      for (const o of outcomes) {
        expect(o.r).toMatchObject({ sendStatus: 'SEND_OK' });
        expect(o.elapsed).toBeLessThan(budget);
      }
      // Both name servers were asked by someone: the list order is shuffled per client instance.
      expect(hung.server.received.length).toBeGreaterThan(0);
    } finally {
      await Promise.all(producers.map((p) => p.shutdown()));
      await hung.close();
      await close();
    }
  }, 20_000);
});
