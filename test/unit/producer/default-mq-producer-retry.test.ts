import {
  BrokerResponseError,
  RemotingTimeoutError,
  RemotingTooManyRequestsError,
  SendRetriesExhaustedError,
} from '../../../src/errors';
import { silentLogger } from '../../../src/logger';
import { DefaultMQProducer } from '../../../src/producer/default-mq-producer';
import { Message } from '../../../src/message/message';
import type { ProducerOptions } from '../../../src/producer/producer-config';
import type { SendResult } from '../../../src/producer/send-result';
import { RequestCode } from '../../../src/remoting/protocol/request-code';
import { startFakeCluster, until, untilImmediate, type FakeBroker, type FakeNameServer } from '../../helpers/fake-rocketmq';

let ns: FakeNameServer;
let brokers: FakeBroker[];
let closeCluster: () => Promise<void>;
const producers: DefaultMQProducer[] = [];

async function started(options: Partial<ProducerOptions> = {}): Promise<DefaultMQProducer> {
  const p = new DefaultMQProducer({ producerGroup: 'pg_retry', namesrvAddr: ns.addr, logger: silentLogger, ...options });
  producers.push(p);
  await p.start();
  return p;
}

const brokerOf = (b: FakeBroker) => b.name;
/** Broker names in the order they received send requests. */
function sendOrder(): string[] {
  const all = brokers.flatMap((b) => b.sends().map((r) => ({ b: brokerOf(b), opaque: r.opaque })));
  return all.sort((x, y) => x.opaque - y.opaque).map((x) => x.b);
}

beforeEach(async () => {
  ({ ns, brokers, close: closeCluster } = await startFakeCluster(2));
  ns.setRoute('TopicTest', brokers);
});

afterEach(async () => {
  await Promise.all(producers.splice(0).map((p) => p.shutdown()));
  await closeCluster();
});

describe('sync retries', () => {
  test('a retriable broker code (2 SYSTEM_BUSY) moves to the other broker', async () => {
    const p = await started();
    // Whichever broker is picked first answers busy; the retry goes to the other one.
    let first: string | undefined;
    for (const b of brokers) {
      b.onSend = (ctx) => {
        if (first === undefined) {
          first = b.name;
          return { code: 2, remark: '[OVERLOAD]' };
        }
        return b.successFor(ctx.request);
      };
    }
    const r = await p.send(new Message('TopicTest', 'x'));
    expect(r.sendStatus).toBe('SEND_OK');
    expect(r.messageQueue.brokerName).not.toBe(first);
    expect(sendOrder()).toHaveLength(2);
  });

  test('a non-retriable code (13 MESSAGE_ILLEGAL) is thrown at once', async () => {
    const p = await started();
    for (const b of brokers) b.onSend = () => ({ code: 13, remark: 'illegal' });
    const err = await p.send(new Message('TopicTest', 'x')).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BrokerResponseError);
    expect((err as BrokerResponseError).responseCode).toBe(13);
    expect(sendOrder()).toHaveLength(1);
  });

  test('addRetryResponseCode makes a code retriable', async () => {
    const p = await started();
    p.addRetryResponseCode(13);
    for (const b of brokers) b.onSend = () => ({ code: 13, remark: 'illegal' });
    const err = await p.send(new Message('TopicTest', 'x')).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SendRetriesExhaustedError);
    expect((err as SendRetriesExhaustedError).errors).toHaveLength(3);
    expect((err as Error).message).toMatch(/^Send \[3\] times, still failed, cost \[\d+\]ms, Topic: TopicTest, BrokersSent: \[broker-., broker-., broker-.\]$/);
    expect(sendOrder()).toHaveLength(3);
  });

  test('1 + retryTimesWhenSendFailed attempts, alternating brokers', async () => {
    const p = await started({ retryTimesWhenSendFailed: 4 });
    for (const b of brokers) b.onSend = () => 'drop';
    const err = await p.send(new Message('TopicTest', 'x')).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SendRetriesExhaustedError);
    const order = sendOrder();
    expect(order).toHaveLength(5);
    for (let i = 1; i < order.length; i++) expect(order[i]).not.toBe(order[i - 1]);
  });

  test('non-OK status: returned, or retried elsewhere with retryAnotherBrokerWhenNotStoreOK', async () => {
    const p = await started();
    for (const b of brokers) b.onSend = (ctx) => b.successFor(ctx.request, 10);
    const r = await p.send(new Message('TopicTest', 'x'));
    expect(r.sendStatus).toBe('FLUSH_DISK_TIMEOUT');
    expect(sendOrder()).toHaveLength(1);
    const q = await started({ producerGroup: 'pg_retry2', retryAnotherBrokerWhenNotStoreOK: true });
    const r2 = await q.send(new Message('TopicTest', 'x'));
    expect(r2.sendStatus).toBe('FLUSH_DISK_TIMEOUT');
    expect(sendOrder()).toHaveLength(4);
  });

  test('every attempt shares one timeout budget: an unanswered send uses it up, no retry after it (fake timers)', async () => {
    jest.useFakeTimers({ doNotFake: ['nextTick', 'setImmediate', 'queueMicrotask'] });
    try {
      const p = await started({ sendMsgTimeoutMs: 3000 });
      for (const b of brokers) b.onSend = () => 'hold';
      const pending = p.send(new Message('TopicTest', 'x')).catch((e: unknown) => e);
      await untilImmediate(() => sendOrder().length === 1, 'first attempt written');
      await jest.advanceTimersByTimeAsync(2999);
      expect(sendOrder()).toHaveLength(1);
      await jest.advanceTimersByTimeAsync(1);
      const err = await pending;
      expect(err).toBeInstanceOf(RemotingTimeoutError);
      expect((err as Error).message).toMatch(/^sendDefaultImpl call timeout/);
      expect(sendOrder()).toHaveLength(1);
    } finally {
      jest.useRealTimers();
    }
  });

  test('sendMsgMaxTimeoutPerRequestMs caps each attempt but the last, leaving budget for retries (fake timers)', async () => {
    jest.useFakeTimers({ doNotFake: ['nextTick', 'setImmediate', 'queueMicrotask'] });
    try {
      const p = await started({ sendMsgTimeoutMs: 3000, sendMsgMaxTimeoutPerRequestMs: 100 });
      let n = 0;
      for (const b of brokers) b.onSend = (ctx) => (++n < 3 ? 'hold' : b.successFor(ctx.request));
      const pending = p.send(new Message('TopicTest', 'x'));
      await untilImmediate(() => sendOrder().length === 1, 'first attempt');
      await jest.advanceTimersByTimeAsync(100);
      await untilImmediate(() => sendOrder().length === 2, 'second attempt, after the first one\'s 100 ms');
      await jest.advanceTimersByTimeAsync(100);
      const r = await pending;
      expect(r.sendStatus).toBe('SEND_OK');
      expect(sendOrder()).toHaveLength(3);
    } finally {
      jest.useRealTimers();
    }
  });
});

describe('route lookups', () => {
  test('a topic without a route borrows TBW102, clamped to defaultTopicQueueNums', async () => {
    ns.setRoute('TBW102', brokers, 8, 7);
    const p = await started();
    const r = await p.send(new Message('NewTopic', 'auto'));
    expect(r.sendStatus).toBe('SEND_OK');
    const info = p.defaultMQProducerImpl.topicPublishInfoTable.get('NewTopic')!;
    expect(info.haveTopicRouterInfo).toBe(true);
    expect(info.messageQueueList).toHaveLength(8); // 2 brokers x min(4, 8)
    expect(info.messageQueueList.every((q) => q.topic === 'NewTopic' && q.queueId < 4)).toBe(true);
    const req = brokers.flatMap((b) => b.sends())[0]!;
    expect(req.extFields?.b).toBe('NewTopic');
    expect(req.extFields?.c).toBe('TBW102');
    // Once the topic exists, the periodic refresh (here called directly) replaces the borrowed route.
    ns.setRoute('NewTopic', [brokers[0]!], 2);
    expect(await p.clientInstance!.updateTopicRouteInfoFromNameServer('NewTopic')).toBe(true);
    expect(p.defaultMQProducerImpl.topicPublishInfoTable.get('NewTopic')!.messageQueueList).toHaveLength(2);
  });

  test('routes in fastjson legacy form (unquoted broker ids) are accepted', async () => {
    ns.legacyJson = true;
    const p = await started();
    const r = await p.send(new Message('TopicTest', 'legacy'));
    expect(r.sendStatus).toBe('SEND_OK');
    expect(ns.routeRequests('TopicTest')[0]!.extFields?.acceptStandardJsonOnly).toBe('true');
  });

  test('a dead name server does not stop sends on cached routes', async () => {
    const p = await started();
    await p.send(new Message('TopicTest', 'warm'));
    await ns.close();
    await expect(p.clientInstance!.updateAllTopicRouteInfoFromNameServer()).rejects.toThrow();
    const r = await p.send(new Message('TopicTest', 'still'));
    expect(r.sendStatus).toBe('SEND_OK');
  });
});

describe('latency fault tolerance (opt-in)', () => {
  test('a failing broker is isolated: later sends avoid it', async () => {
    const p = await started({ sendLatencyFaultEnable: true });
    brokers[0]!.onSend = () => 'drop';
    for (let i = 0; i < 6; i++) {
      const r = await p.send(new Message('TopicTest', `m${i}`));
      expect(r.messageQueue.brokerName).toBe('broker-b');
    }
    // broker-a was tried at most once: after that it is not available for 10 s (isolation).
    expect(brokers[0]!.sends().length).toBeLessThanOrEqual(1);
  });

  test('with the detector, an unreachable broker is probed (GET_MAX_OFFSET) every 3 s and marked reachable again', async () => {
    jest.useFakeTimers({ doNotFake: ['nextTick', 'setImmediate', 'queueMicrotask'] });
    try {
      const p = await started({ sendLatencyFaultEnable: true, startDetectorEnable: true });
      brokers[0]!.onSend = () => 'drop';
      let r = await p.send(new Message('TopicTest', 'a'));
      for (let i = 0; i < 10 && brokers[0]!.sends().length === 0; i++) r = await p.send(new Message('TopicTest', 'again'));
      expect(r.messageQueue.brokerName).toBe('broker-b');
      const strategy = p.defaultMQProducerImpl.faultStrategy;
      expect(strategy.isReachable('broker-a')).toBe(false);
      await jest.advanceTimersByTimeAsync(2999);
      expect(brokers[0]!.requests(RequestCode.GET_MAX_OFFSET)).toHaveLength(0);
      await jest.advanceTimersByTimeAsync(1);
      await untilImmediate(() => strategy.isReachable('broker-a'), 'reachable again');
      expect(brokers[0]!.requests(RequestCode.GET_MAX_OFFSET)[0]!.extFields?.topic).toBe('TopicTest');
    } finally {
      jest.useRealTimers();
    }
  });

  test('off by default: the round robin keeps visiting both brokers', async () => {
    const p = await started();
    for (let i = 0; i < 6; i++) await p.send(new Message('TopicTest', `m${i}`));
    expect(brokers[0]!.sends().length).toBeGreaterThan(0);
    expect(brokers[1]!.sends().length).toBeGreaterThan(0);
  });
});

describe('start options', () => {
  test('topics: routes are fetched at start', async () => {
    const p = await started({ topics: ['TopicTest'] });
    expect(ns.routeRequests('TopicTest').length).toBeGreaterThanOrEqual(1);
    expect(p.defaultMQProducerImpl.topicPublishInfoTable.get('TopicTest')!.ok()).toBe(true);
  });
});

describe('async backpressure', () => {
  test('permits are taken per message and bytes and given back when the callback fires (fake timers)', async () => {
    jest.useFakeTimers({ doNotFake: ['nextTick', 'setImmediate', 'queueMicrotask'] });
    try {
      const p = await started({ enableBackpressureForAsyncMode: true, backPressureForAsyncSendNum: 10, sendMsgTimeoutMs: 3000 });
      const impl = p.defaultMQProducerImpl;
      expect(impl.backpressureState).toEqual({ availableNum: 10, availableBytes: 100 * 1024 * 1024 });
      for (const b of brokers) b.onSend = () => 'hold';
      const outcomes: Array<SendResult | Error> = [];
      for (let i = 0; i < 11; i++) {
        p.send(new Message('TopicTest', 'abc'), { onSuccess: (r) => outcomes.push(r), onException: (e) => outcomes.push(e) });
      }
      await untilImmediate(() => brokers.flatMap((b) => b.sends()).length === 10, 'ten in flight');
      expect(impl.backpressureState!.availableNum).toBe(0);
      expect(impl.backpressureState!.availableBytes).toBe(100 * 1024 * 1024 - 30);
      expect(outcomes).toHaveLength(0);
      // The eleventh waits for a permit and gives up when its budget is over; the ten time out too.
      await jest.advanceTimersByTimeAsync(3000);
      await untilImmediate(() => outcomes.length === 11, 'all settled');
      expect(outcomes.filter((o) => o instanceof RemotingTooManyRequestsError)).toHaveLength(1);
      expect(brokers.flatMap((b) => b.sends())).toHaveLength(10);
      expect(impl.backpressureState).toEqual({ availableNum: 10, availableBytes: 100 * 1024 * 1024 });
    } finally {
      jest.useRealTimers();
    }
  });
});
