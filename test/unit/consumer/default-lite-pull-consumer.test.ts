import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InvalidArgumentError, InvalidConfigError, SubscriptionConflictError } from '../../../src/errors';
import { silentLogger } from '../../../src/logger';
import { MessageQueue } from '../../../src/client/message-queue';
import { DefaultLitePullConsumer } from '../../../src/consumer/default-lite-pull-consumer';
import type { LitePullConsumerOptions } from '../../../src/consumer/lite-pull-consumer-config';
import { DefaultMQProducer } from '../../../src/producer/default-mq-producer';
import { Message } from '../../../src/message/message';
import type { MessageExt } from '../../../src/message/message-decoder';
import { FakeRocketMQ, RequestCode } from '../../../src/testing';

jest.setTimeout(60_000);

let fake: FakeRocketMQ;
let producer: DefaultMQProducer;
const consumers: DefaultLitePullConsumer[] = [];
let seq = 0;

beforeEach(async () => {
  fake = await FakeRocketMQ.start({ topics: { T: { queues: 4 } } });
  producer = new DefaultMQProducer({ producerGroup: 'pg_lite', namesrvAddr: fake.namesrvAddr, logger: silentLogger, sendMsgTimeoutMs: 5000 });
  await producer.start();
});

afterEach(async () => {
  await Promise.all(consumers.splice(0).map((c) => c.shutdown()));
  await producer.shutdown();
  await fake.close();
});

function consumer(opts: Partial<LitePullConsumerOptions> = {}): DefaultLitePullConsumer {
  const c = new DefaultLitePullConsumer({
    consumerGroup: 'G',
    namesrvAddr: fake.namesrvAddr,
    logger: silentLogger,
    instanceName: `lite${++seq}`,
    consumeFromWhere: 'CONSUME_FROM_FIRST_OFFSET',
    brokerSuspendMaxTimeMs: 500,
    consumerTimeoutMsWhenSuspend: 5000,
    ...opts,
  });
  consumers.push(c);
  return c;
}

async function sendN(n: number, topic = 'T', from = 0): Promise<void> {
  for (let i = from; i < from + n; i++) await producer.send(new Message(topic, `m${i}`, { tags: i % 2 ? 'A' : 'B' }));
}

/** Polls until `want` messages arrived (or `ms` passed). */
async function pollUntil(c: DefaultLitePullConsumer, want: number, ms = 20_000): Promise<MessageExt[]> {
  const out: MessageExt[] = [];
  const end = Date.now() + ms;
  while (out.length < want && Date.now() < end) out.push(...(await c.poll(200)));
  return out;
}

const bodies = (msgs: MessageExt[]): string[] => msgs.map((m) => m.body.toString()).sort();
const mq = (queueId: number): MessageQueue => new MessageQueue('T', 'broker-a', queueId);

describe('DefaultLitePullConsumer against FakeRocketMQ', () => {
  test('subscribe + poll: every message once; LITE_PULL_MESSAGE with suspend|subscription|lite and no commit offset; commitSync persists what was polled', async () => {
    await sendN(20);
    const c = consumer();
    c.subscribe('T', '*');
    await c.start();
    const got = await pollUntil(c, 20);
    expect(bodies(got)).toEqual(Array.from({ length: 20 }, (_, i) => `m${i}`).sort());
    expect(await c.poll(300)).toEqual([]);
    expect(c.assignment().map((q) => q.queueId).sort()).toEqual([0, 1, 2, 3]);

    const pulls = fake.requests(RequestCode.LITE_PULL_MESSAGE);
    expect(pulls.length).toBeGreaterThan(0);
    expect(fake.requests(RequestCode.PULL_MESSAGE)).toHaveLength(0);
    expect(pulls[0]!.request.extFields).toMatchObject({ consumerGroup: 'G', sysFlag: '22', commitOffset: '0', maxMsgNums: '10', subscription: '*', subVersion: '0', suspendTimeoutMillis: '500' });
    const hbs = fake.requests(RequestCode.HEART_BEAT).map((r) => JSON.parse(r.request.body!.toString()));
    const hb = hbs.filter((h) => h.consumerDataSet.length > 0).at(-1);
    expect(hb.consumerDataSet[0]).toMatchObject({ groupName: 'G', consumeType: 'CONSUME_ACTIVELY', consumeFromWhere: 'CONSUME_FROM_LAST_OFFSET' });
    expect(hb.consumerDataSet[0].subscriptionDataSet.map((s: { topic: string }) => s.topic)).toEqual(['T']);

    await c.commitSync();
    const committed = [0, 1, 2, 3].map((q) => fake.consumerOffset('G', 'T', q));
    expect(committed).toEqual([5n, 5n, 5n, 5n]);
    expect(await c.committed(mq(0))).toBe(5n);
  });

  test('subscribe and assign are mutually exclusive (typed error, Java message), in both orders', () => {
    const a = consumer();
    a.subscribe('T');
    expect(() => a.assign([mq(0)])).toThrow(SubscriptionConflictError);
    expect(() => a.assign([mq(0)])).toThrow('Subscribe and assign are mutually exclusive.');
    const b = consumer();
    b.assign([mq(0)]);
    let err: unknown;
    try {
      b.subscribe('T');
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(SubscriptionConflictError);
    expect(err).toMatchObject({ code: 'ERR_SUBSCRIPTION_CONFLICT', state: 'ASSIGN', requested: 'SUBSCRIBE', retriable: false });
  });

  test('strict options: a misspelt key is refused with a suggestion; the long-polling timeout must exceed the suspend', () => {
    expect(() => new DefaultLitePullConsumer({ consumerGroup: 'G', pullBatchSise: 5 } as never)).toThrow(InvalidConfigError);
    expect(() => new DefaultLitePullConsumer({ consumerGroup: 'G', pullBatchSise: 5 } as never)).toThrow(/pullBatchSize/);
    expect(() => new DefaultLitePullConsumer({ consumerGroup: 'G', brokerSuspendMaxTimeMs: 30_000 })).toThrow(/consumerTimeoutMsWhenSuspend/);
    expect(() => new DefaultLitePullConsumer({ consumerGroup: 'G', autoCommitIntervalMs: 10 })).toThrow(InvalidConfigError);
  });

  test('assign + seek: seekToBegin re-reads the queue, seek(offset) reads from there, an offset beyond max is refused', async () => {
    await sendN(8);
    const c = consumer({ autoCommit: false });
    c.assign([mq(1)]);
    await c.start();
    const first = await pollUntil(c, 2);
    expect(first.map((m) => m.queueOffset)).toEqual([0n, 1n]);
    await c.seekToBegin(mq(1));
    const again = await pollUntil(c, 2);
    expect(again.map((m) => m.queueOffset)).toEqual([0n, 1n]);
    await c.seek(mq(1), 1);
    expect((await pollUntil(c, 1)).map((m) => m.queueOffset)).toEqual([1n]);
    await expect(c.seek(mq(1), 3n)).rejects.toThrow(/Seek offset illegal/);
    await expect(c.seek(mq(2), 0)).rejects.toThrow(InvalidArgumentError);
    await c.seekToEnd(mq(1));
    expect(await c.poll(300)).toEqual([]);
    expect(await c.offsetForTimestamp(mq(1), 0)).toBe(0n);
    expect((await c.fetchMessageQueues('T')).map((q) => q.queueId)).toEqual([0, 1, 2, 3]);
  });

  test('commitSync, then a new consumer of the group continues from the committed offsets', async () => {
    await sendN(12);
    const a = consumer({ autoCommit: false });
    a.subscribe('T');
    await a.start();
    expect(await pollUntil(a, 12)).toHaveLength(12);
    await a.commitSync();
    await a.shutdown();
    await sendN(4, 'T', 100);
    const b = consumer({ autoCommit: false });
    b.subscribe('T');
    await b.start();
    const got = await pollUntil(b, 4);
    expect(bodies(got)).toEqual(['m100', 'm101', 'm102', 'm103']);
    expect(await b.poll(300)).toEqual([]);
  });

  test('commit(offsets, persist) stores exactly those offsets; auto-commit at shutdown stores what was polled', async () => {
    await sendN(8);
    const a = consumer({ autoCommit: false });
    a.assign([mq(0), mq(1)]);
    await a.start();
    await pollUntil(a, 4);
    await a.commit(new Map([[mq(0), 1]]), true);
    expect(fake.consumerOffset('G', 'T', 0)).toBe(1n);
    expect(fake.consumerOffset('G', 'T', 1)).toBeUndefined();
    // Without auto-commit, shutdown persists what was committed (here only what the broker itself reported), not what was polled.
    await a.shutdown();
    expect(fake.consumerOffset('G', 'T', 1) ?? 0n).toBe(0n);

    const b = consumer({ consumerGroup: 'G2' });
    b.assign([mq(2)]);
    await b.start();
    expect(await pollUntil(b, 2)).toHaveLength(2);
    await b.shutdown();
    expect(fake.consumerOffset('G2', 'T', 2)).toBe(2n);
  });

  test('pause stops delivery (and pulls) for a queue; resume delivers what came meanwhile', async () => {
    const c = consumer();
    c.assign([mq(0), mq(1), mq(2), mq(3)]);
    await c.start();
    expect(await c.poll(300)).toEqual([]);
    c.pause([mq(0)]);
    await sendN(16);
    const got = await pollUntil(c, 12);
    expect(got.every((m) => m.queueId !== 0)).toBe(true);
    expect(await c.poll(500)).toEqual([]);
    c.resume([mq(0)]);
    const rest = await pollUntil(c, 4);
    expect(rest.map((m) => m.queueId)).toEqual([0, 0, 0, 0]);
  });

  test('batches buffered before pause() stay buffered; resume() hands them to a poll already waiting', async () => {
    const c = consumer();
    c.assign([mq(0)]);
    await c.start();
    await producer.send(new Message('T', 'held-0'), { queue: mq(0) });
    await producer.send(new Message('T', 'held-1'), { queue: mq(0) });
    const end = Date.now() + 20_000;
    while (c.impl.cache.messageCount < 2 && Date.now() < end) await new Promise((r) => setTimeout(r, 50));
    c.pause([mq(0)]);
    expect(await c.poll(300)).toEqual([]);
    const waiting = c.poll(30_000);
    setTimeout(() => c.resume([mq(0)]), 100);
    const first = await waiting;
    expect(first.length).toBeGreaterThan(0);
    const all = first.length === 2 ? first : [...first, ...(await c.poll(5000))];
    expect(bodies(all)).toEqual(['held-0', 'held-1']);
  });

  test('a broker without LITE_PULL_MESSAGE (4.x, code 3) gets PULL_MESSAGE with the LITE_PULL bit from then on', async () => {
    fake.script(RequestCode.LITE_PULL_MESSAGE, { action: { type: 'respond', code: 3, remark: 'request type 361 not supported' } });
    await sendN(8);
    const c = consumer();
    c.subscribe('T');
    await c.start();
    expect(await pollUntil(c, 8)).toHaveLength(8);
    const lite = fake.requests(RequestCode.LITE_PULL_MESSAGE).length;
    const pulls = fake.requests(RequestCode.PULL_MESSAGE);
    expect(lite).toBeGreaterThan(0);
    expect(lite).toBeLessThanOrEqual(4);
    expect(pulls.length).toBeGreaterThan(0);
    expect(Number(pulls[0]!.request.extFields!.sysFlag) & 0x10).toBe(0x10);
    expect(pulls[0]!.request.extFields!.commitOffset).toBe('0');
  });

  test('messages(): a slow loop body keeps the buffer under the thresholds; every message arrives; break ends the loop', async () => {
    await sendN(200);
    const c = consumer({ pullThresholdForAll: 20, pullThresholdForQueue: 10, pullBatchSize: 5 });
    c.subscribe('T');
    await c.start();
    const got: MessageExt[] = [];
    let maxBuffered = 0;
    for await (const msgs of c.messages({ pollTimeoutMs: 500 })) {
      got.push(...msgs);
      await new Promise((r) => setTimeout(r, 5));
      maxBuffered = Math.max(maxBuffered, c.impl.cache.messageCount);
      if (got.length >= 200) break;
    }
    expect(new Set(got.map((m) => m.body.toString())).size).toBe(200);
    // The threshold is checked before each pull: at most one batch per queue beyond it.
    expect(maxBuffered).toBeLessThanOrEqual(20 + 4 * 5);
    expect(c.isRunning()).toBe(true);
  });

  test('the iteration ends at shutdown, and polling before start is refused', async () => {
    const c = consumer();
    await expect(c.poll(10)).rejects.toThrow('The consumer not running, please start it first.');
    c.assign([mq(0)]);
    await c.start();
    const loop = (async () => {
      let n = 0;
      for await (const msgs of c.messages({ pollTimeoutMs: 10_000 })) n += msgs.length;
      return n;
    })();
    await new Promise((r) => setTimeout(r, 200));
    await c.shutdown();
    await expect(loop).resolves.toBe(0);
  });

  test('a topic listener hears the queues of the topic when they change', async () => {
    const c = consumer({ topicMetadataCheckIntervalMs: 1000 });
    c.assign([mq(0)]);
    const heard: Array<[string, number]> = [];
    await c.start();
    await c.registerTopicMessageQueueChangeListener('T', (topic, queues) => heard.push([topic, queues.length]));
    fake.createTopic('T', { queues: 6 });
    const end = Date.now() + 15_000;
    while (heard.length === 0 && Date.now() < end) await new Promise((r) => setTimeout(r, 100));
    expect(heard).toEqual([['T', 6]]);
  });

  test('two subscribed members of one group split the queues (AllocateMessageQueueAveragely) and see each message once', async () => {
    const a = consumer();
    const b = consumer();
    a.subscribe('T');
    b.subscribe('T');
    await a.start();
    await b.start();
    const end = Date.now() + 20_000;
    while ((a.assignment().length !== 2 || b.assignment().length !== 2) && Date.now() < end) await new Promise((r) => setTimeout(r, 100));
    const owned = [...a.assignment(), ...b.assignment()].map((q) => q.queueId).sort();
    expect(owned).toEqual([0, 1, 2, 3]);
    await sendN(16);
    const got: MessageExt[] = [];
    const until = Date.now() + 20_000;
    while (got.length < 16 && Date.now() < until) got.push(...(await a.poll(100)), ...(await b.poll(100)));
    expect(bodies(got)).toEqual(Array.from({ length: 16 }, (_, i) => `m${i}`).sort());
  });

  test('BROADCASTING: every member reads every queue; offsets are kept in the local file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lite-bcast-'));
    try {
      await sendN(8);
      const a = consumer({ messageModel: 'BROADCASTING', localOffsetStoreDir: dir });
      const b = consumer({ messageModel: 'BROADCASTING', localOffsetStoreDir: dir });
      a.subscribe('T');
      b.subscribe('T');
      await a.start();
      await b.start();
      expect(bodies(await pollUntil(a, 8))).toHaveLength(8);
      expect(bodies(await pollUntil(b, 8))).toHaveLength(8);
      await a.commitSync();
      expect(existsSync(join(dir, a.impl.clientInstance.clientId, 'G', 'offsets.json'))).toBe(true);
      expect(fake.requests(RequestCode.UPDATE_CONSUMER_OFFSET)).toHaveLength(0);
    } finally {
      await Promise.all(consumers.splice(0).map((c) => c.shutdown()));
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
