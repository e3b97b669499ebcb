import { ClientStateError, RemotingTooManyRequestsError } from '../../../src/errors';
import { silentLogger } from '../../../src/logger';
import { DefaultMQProducer } from '../../../src/producer/default-mq-producer';
import { Message } from '../../../src/message/message';
import { AsyncSemaphore, AsyncSendBackpressure } from '../../../src/producer/send-backpressure';
import type { SendResult } from '../../../src/producer/send-result';
import { FakeRocketMQ, RequestCode } from '../../../src/testing';
import { until } from '../../helpers/fake-rocketmq';

afterEach(() => jest.useRealTimers());

describe('AsyncSemaphore.close', () => {
  test('waiters get false at once, their timers are cleared, later calls do not wait', async () => {
    jest.useFakeTimers();
    const sem = new AsyncSemaphore(1);
    expect(await sem.tryAcquire(1, 1000)).toBe(true);
    const waiting = [sem.tryAcquire(1, 60_000), sem.tryAcquire(1, 60_000)];
    expect(jest.getTimerCount()).toBe(2);
    sem.close();
    expect(await Promise.all(waiting)).toEqual([false, false]);
    expect(jest.getTimerCount()).toBe(0);
    sem.release(1);
    expect(await sem.tryAcquire(1, 60_000)).toBe(false);
    expect(jest.getTimerCount()).toBe(0);
  });
});

describe('AsyncSendBackpressure.close', () => {
  test('a waiting acquire rejects with ClientStateError, not RemotingTooManyRequestsError at its deadline', async () => {
    jest.useFakeTimers();
    const bp = new AsyncSendBackpressure(10, 1024 * 1024);
    const held = await Promise.all(Array.from({ length: 10 }, () => bp.acquire(1, Date.now() + 1000)));
    const waiting = bp.acquire(1, Date.now() + 60_000).catch((e: unknown) => e);
    bp.close();
    const err = await waiting;
    expect(err).toBeInstanceOf(ClientStateError);
    expect(err).not.toBeInstanceOf(RemotingTooManyRequestsError);
    expect(jest.getTimerCount()).toBe(0);
    for (const t of held) t.release();
    await expect(bp.acquire(1, Date.now() + 1000)).rejects.toBeInstanceOf(ClientStateError);
  });
});

describe('producer shutdown with an async send waiting for a permit', () => {
  test('the waiting send settles with ClientStateError right away', async () => {
    const fake = await FakeRocketMQ.start({ topics: { TopicTest: {} } });
    const sends = () => fake.requests(RequestCode.SEND_MESSAGE_V2);
    const p = new DefaultMQProducer({
      producerGroup: 'pg_bp_shutdown',
      namesrvAddr: fake.namesrvAddr,
      logger: silentLogger,
      enableBackpressureForAsyncMode: true,
      backPressureForAsyncSendNum: 10,
      // Far longer than the jest timeout: only a release at shutdown lets the test finish.
      sendMsgTimeoutMs: 600_000,
      // The held sends are given up (outcome unknown) soon after the waiter was released.
      shutdownTimeoutMs: 200,
    });
    try {
      await p.start();
      // Sends are held: never answered.
      fake.script(RequestCode.SEND_MESSAGE_V2, { action: { type: 'drop' } });
      const outcomes: Array<SendResult | Error> = [];
      let waiter: SendResult | Error | undefined;
      for (let i = 0; i < 10; i++) {
        p.send(new Message('TopicTest', 'abc'), { onSuccess: (r) => outcomes.push(r), onException: (e) => outcomes.push(e) });
      }
      await until(() => sends().length === 10, 'ten in flight');
      let inFlightSettledBefore = -1;
      const settle = (o: SendResult | Error) => {
        waiter = o;
        inFlightSettledBefore = outcomes.length;
      };
      p.send(new Message('TopicTest', 'eleventh'), { onSuccess: settle, onException: settle });
      await p.shutdown();
      await until(() => waiter !== undefined, 'waiting send settled');
      expect(waiter).toBeInstanceOf(ClientStateError);
      // Released by the shutdown itself, not by a held send failing when its connection closed.
      expect(inFlightSettledBefore).toBe(0);
      expect(sends()).toHaveLength(10);
    } finally {
      await p.shutdown();
      await fake.close();
    }
  });
});
