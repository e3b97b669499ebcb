/**
 * `consumer.messages()`, the for-await face of DefaultMQPushConsumer, against the in-process FakeRocketMQ:
 * explicit ack, redelivery of what is not acknowledged, break/throw/abort/shutdown leave nothing lost,
 * backpressure through pull flow control, strict options.
 */
import { ClientStateError, InvalidConfigError } from '../../../src/errors';
import { silentLogger, type Logger } from '../../../src/logger';
import { DefaultMQPushConsumer } from '../../../src/consumer/default-mq-push-consumer';
import type { PushConsumerOptions } from '../../../src/consumer/consumer-config';
import type { MessageBatch } from '../../../src/consumer/push-consumer-iterator';
import { Message } from '../../../src/message/message';
import { DefaultMQProducer } from '../../../src/producer/default-mq-producer';
import { FakeRocketMQ, RequestCode } from '../../../src/testing';

jest.setTimeout(120_000);

const TOPIC = 'IterTopic';
const GROUP = 'iter_group';
let fake: FakeRocketMQ;
let producer: DefaultMQProducer;
const consumers: DefaultMQPushConsumer[] = [];

/** Polls `cond` until it holds, within a generous budget (the machine may be loaded). */
async function waitFor(cond: () => boolean, what: string, budgetMs = 60_000): Promise<void> {
  const end = Date.now() + budgetMs;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`condition never held: ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

function newConsumer(options: Partial<PushConsumerOptions> = {}): DefaultMQPushConsumer {
  const c = new DefaultMQPushConsumer({
    consumerGroup: GROUP,
    namesrvAddr: fake.namesrvAddr,
    logger: silentLogger,
    consumeFromWhere: 'CONSUME_FROM_FIRST_OFFSET',
    pollNameServerIntervalMs: 1000,
    ...options,
  });
  consumers.push(c);
  c.subscribe(TOPIC);
  return c;
}

async function sendBodies(n: number, prefix = 'm'): Promise<string[]> {
  const bodies = Array.from({ length: n }, (_, i) => `${prefix}${i}`);
  for (const b of bodies) await producer.send(new Message(TOPIC, b));
  return bodies;
}

const bodiesOf = (batch: MessageBatch): string[] => batch.messages.map((m) => m.body.toString());

/** The offsets the fake holds for the group, summed over the topic's queues. */
function committedTotal(queues = 4): bigint {
  let total = 0n;
  for (let q = 0; q < queues; q++) total += fake.consumerOffset(GROUP, TOPIC, q) ?? 0n;
  return total;
}

beforeEach(async () => {
  // Short delay levels: a message sent back comes again within a second.
  fake = await FakeRocketMQ.start({ topics: { [TOPIC]: { queues: 4 } }, delayLevelsMs: Array.from({ length: 18 }, () => 200) });
  producer = new DefaultMQProducer({ producerGroup: 'iter_pg', namesrvAddr: fake.namesrvAddr, logger: silentLogger });
  await producer.start();
});

afterEach(async () => {
  for (const c of consumers.splice(0)) await c.shutdown();
  await producer.shutdown();
  await fake.close();
});

test('send N, iterate and ack: every message once; break shuts the consumer down and commits every queue', async () => {
  const sent = await sendBodies(20);
  const consumer = newConsumer({ consumeMessageBatchMaxSize: 3 });
  const got: string[] = [];
  for await (const batch of consumer.messages()) {
    expect(batch.messages.length).toBeLessThanOrEqual(3);
    expect(new Set(batch.messages.map((m) => m.queueId)).size).toBe(1);
    expect(batch.messageQueue.topic).toBe(TOPIC);
    got.push(...[...batch].map((m) => m.body.toString()));
    batch.ack();
    expect(batch.settled).toBe('ACKED');
    if (got.length >= sent.length) break;
  }
  expect(got.sort()).toEqual([...sent].sort());
  expect(consumer.serviceState).toBe('SHUTDOWN_ALREADY');
  expect(committedTotal()).toBe(20n);
});

test('break mid-way loses nothing: a new consumer of the group gets the rest, including the batch left unsettled', async () => {
  const sent = await sendBodies(24);
  const first = newConsumer({ consumeThreadMax: 4 });
  const acked = new Set<string>();
  let leftInHand: string[] = [];
  for await (const batch of first.messages()) {
    if (acked.size === 8) {
      leftInHand = bodiesOf(batch);
      break;
    }
    batch.ack();
    for (const b of bodiesOf(batch)) acked.add(b);
  }
  expect(first.serviceState).toBe('SHUTDOWN_ALREADY');
  expect(leftInHand).toHaveLength(1);
  // Nothing was sent back to %RETRY%: what was not acknowledged is simply not committed.
  expect(fake.messages(`%RETRY%${GROUP}`)).toHaveLength(0);

  const second = newConsumer({ consumeThreadMax: 4 });
  const again = new Set<string>();
  for await (const batch of second) {
    for (const b of bodiesOf(batch)) again.add(b);
    batch.ack();
    if (sent.every((b) => acked.has(b) || again.has(b)) && again.has(leftInHand[0]!)) break;
  }
  expect(again.has(leftInHand[0]!)).toBe(true);
  expect(sent.filter((b) => !acked.has(b) && !again.has(b))).toEqual([]);
});

test('reconsumeLater() and a batch the loop moves past without settling both come again', async () => {
  await sendBodies(2, 'x');
  const warnings: string[] = [];
  const logger: Logger = { ...silentLogger, warn: (msg: string) => void warnings.push(msg), child: () => logger };
  const consumer = newConsumer({ logger });
  const seen = new Map<string, number[]>();
  for await (const batch of consumer.messages()) {
    const m = batch.messages[0]!;
    const body = m.body.toString();
    const times = [...(seen.get(body) ?? []), m.reconsumeTimes];
    seen.set(body, times);
    if (times.length === 2) batch.ack();
    else if (body === 'x0') batch.reconsumeLater(1);
    // x1 on its first delivery: not settled; moving on redelivers it.
    if ([...seen.values()].filter((t) => t.length === 2).length === 2) break;
  }
  expect(seen.get('x0')).toEqual([0, 1]);
  expect(seen.get('x1')).toEqual([0, 1]);
  expect(warnings.filter((w) => w.includes('without ack()'))).toHaveLength(1);
});

test('a throw in the loop body leaves the batch uncommitted, shuts down and rethrows', async () => {
  await sendBodies(1, 'boom');
  const consumer = newConsumer();
  await expect(
    (async () => {
      for await (const batch of consumer.messages()) {
        throw new Error(`handler failed on ${bodiesOf(batch)[0]}`);
      }
    })(),
  ).rejects.toThrow('handler failed on boom0');
  expect(consumer.serviceState).toBe('SHUTDOWN_ALREADY');
  expect(committedTotal()).toBe(0n);
  expect(fake.messages(`%RETRY%${GROUP}`)).toHaveLength(0);
});

test('backpressure: while the loop body is busy, pull flow control holds the prefetch and nothing more is handed out', async () => {
  fake.createTopic('Narrow', { queues: 1 });
  for (let i = 0; i < 60; i++) await producer.send(new Message('Narrow', `n${i}`));
  const consumer = new DefaultMQPushConsumer({
    consumerGroup: GROUP,
    namesrvAddr: fake.namesrvAddr,
    logger: silentLogger,
    consumeFromWhere: 'CONSUME_FROM_FIRST_OFFSET',
    consumeThreadMax: 2,
    pullBatchSize: 4,
    pullThresholdForQueue: 8,
  });
  consumers.push(consumer);
  consumer.subscribe('Narrow');
  const iterator = consumer.messages();
  const first = await iterator.next();
  expect(first.done).toBe(false);
  const held = () => [...consumer.impl.rebalanceImpl.processQueueTable.values()].find((e) => e.mq.topic === 'Narrow')?.pq.msgCount ?? 0;
  await waitFor(() => held() > 8, 'the prefetch reaches the queue threshold');
  const pulls = () => fake.requests(RequestCode.PULL_MESSAGE).filter((r) => r.request.extFields?.topic === 'Narrow').length;
  const pullsAtThreshold = pulls();
  // A while with the body "busy": flow control stops further pulls (the threshold is count > 8, one pull of 4 may land).
  await new Promise((r) => setTimeout(r, 500));
  expect(held()).toBeLessThanOrEqual(8 + 4);
  expect(pulls()).toBe(pullsAtThreshold);
  // Resuming the loop drains everything.
  const got = new Set<string>(bodiesOf(first.value!));
  first.value!.ack();
  while (got.size < 60) {
    const r = await iterator.next();
    expect(r.done).toBe(false);
    for (const b of bodiesOf(r.value!)) got.add(b);
    r.value!.ack();
  }
  await iterator.return!();
  expect(consumer.serviceState).toBe('SHUTDOWN_ALREADY');
});

test('shutdown() from elsewhere ends the loop after the batch in hand, which it waits for', async () => {
  await sendBodies(8);
  const consumer = newConsumer({ consumeThreadMax: 4 });
  let stopped: Promise<void> | undefined;
  const got: string[] = [];
  for await (const batch of consumer.messages()) {
    if (!stopped) stopped = consumer.shutdown();
    await new Promise((r) => setTimeout(r, 50));
    got.push(...bodiesOf(batch));
    batch.ack();
  }
  await stopped;
  // The loop ended after the batch it held; that one was committed, the others were not.
  expect(got).toHaveLength(1);
  expect(committedTotal()).toBeLessThanOrEqual(1n);
  expect(consumer.serviceState).toBe('SHUTDOWN_ALREADY');
});

test('aborting the signal ends the loop and shuts the consumer down', async () => {
  const consumer = newConsumer();
  const ac = new AbortController();
  const loop = (async () => {
    let n = 0;
    for await (const batch of consumer.messages({ signal: ac.signal })) {
      batch.ack();
      n++;
    }
    return n;
  })();
  await waitFor(() => consumer.serviceState === 'RUNNING', 'started');
  ac.abort();
  await expect(loop).resolves.toBe(0);
  await waitFor(() => consumer.serviceState === 'SHUTDOWN_ALREADY', 'shut down');
});

test('aborted while the consumer starts: the loop ends and the consumer, once started, is shut down', async () => {
  const consumer = newConsumer();
  const ac = new AbortController();
  const iterator = consumer.messages({ signal: ac.signal });
  const first = iterator.next();
  ac.abort();
  await expect(first).resolves.toEqual({ done: true, value: undefined });
  expect(consumer.serviceState).toBe('SHUTDOWN_ALREADY');
  await expect(iterator.next()).resolves.toEqual({ done: true, value: undefined });
});

test('options are strict ("did you mean"); one delivery form per consumer; reconsumeLater checks its level', async () => {
  const consumer = newConsumer();
  expect(() => consumer.messages({ signl: new AbortController().signal } as never)).toThrow(InvalidConfigError);
  expect(() => consumer.messages({ signl: undefined } as never)).toThrow(/Unknown option "signl".*signal/);
  expect(() => consumer.messages({ signal: 'no' } as never)).toThrow(/AbortSignal/);
  const it = consumer.messages();
  expect(() => consumer.messages()).toThrow(ClientStateError);
  expect(() => consumer.registerMessageListener(async () => 'CONSUME_SUCCESS')).toThrow(ClientStateError);
  await it.return!();

  const other = newConsumer({ consumerGroup: 'other_group' });
  other.registerMessageListener(async () => 'CONSUME_SUCCESS');
  expect(() => other.messages()).toThrow(/listener is registered/);

  await sendBodies(1);
  const third = newConsumer({ consumerGroup: 'third_group' });
  for await (const batch of third.messages()) {
    expect(() => batch.reconsumeLater(1.5)).toThrow(/delayLevel/);
    expect(() => batch.reconsumeLater(-2)).toThrow(/delayLevel/);
    batch.ack();
    batch.reconsumeLater();
    expect(batch.settled).toBe('ACKED');
    break;
  }
});
