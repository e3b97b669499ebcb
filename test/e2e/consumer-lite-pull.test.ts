/**
 * DefaultLitePullConsumer against the real broker: subscribe + poll receives every message once, and after
 * commitSync a new member of the group continues from the committed offsets (nothing again, only what is new);
 * assign + seekToBegin / seek re-read a queue; pause stops delivery from a queue until resume; the messages()
 * iterator with a slow loop body keeps the buffer under its thresholds. Pulls are LITE_PULL_MESSAGE (361) on a
 * 5.x broker and PULL_MESSAGE with the LITE_PULL bit on 4.x (checked through the request tracing channel).
 */
import * as diagnosticsChannel from 'node:diagnostics_channel';
import { CHANNEL_REMOTING_REQUEST, DefaultLitePullConsumer, DefaultMQProducer, Message, MessageQueue, type LitePullConsumerOptions, type MessageExt } from '../../src/index';
import type { RemotingRequestTraceContext } from '../../src/diagnostics';
import { silentLogger } from '../../src/logger';
import { RequestCode } from '../../src/remoting/protocol/request-code';
import { describeBroker, namesrvAddr, rocketmqVersion, uniqueName } from './helpers/broker';
import { eventually } from './helpers/feature-support';

jest.setTimeout(240_000);

const QUEUES = 4;
const is4x = rocketmqVersion().startsWith('4.');

describeBroker('DefaultLitePullConsumer against a real broker', () => {
  let producer: DefaultMQProducer;
  const consumers: DefaultLitePullConsumer[] = [];
  const pulls: Array<{ code: number; sysFlag: number }> = [];
  const onStart = (ctx: unknown): void => {
    const { request } = ctx as RemotingRequestTraceContext;
    if (request.code === RequestCode.PULL_MESSAGE || request.code === RequestCode.LITE_PULL_MESSAGE) {
      pulls.push({ code: request.code, sysFlag: Number(request.extFields?.sysFlag) });
    }
  };
  const channel = diagnosticsChannel.tracingChannel(CHANNEL_REMOTING_REQUEST);

  const newTopic = async (prefix: string): Promise<string> => {
    const topic = uniqueName(prefix);
    await producer.createTopic('TBW102', topic, QUEUES);
    await eventually(async () => ((await producer.fetchPublishMessageQueues(topic)).length === QUEUES ? true : undefined), `route of ${topic}`, 60_000);
    return topic;
  };

  const consumer = (opts: Omit<LitePullConsumerOptions, 'namesrvAddr'>): DefaultLitePullConsumer => {
    const c = new DefaultLitePullConsumer({ namesrvAddr: namesrvAddr(), logger: silentLogger, consumeFromWhere: 'CONSUME_FROM_FIRST_OFFSET', ...opts });
    consumers.push(c);
    return c;
  };

  const sendN = async (topic: string, n: number, tag = 'x', queue?: MessageQueue): Promise<string[]> => {
    const ids: string[] = [];
    for (let i = 0; i < n; i++) ids.push((await producer.send(new Message(topic, `${tag}-${i}`, { tags: tag }), queue ? { queue } : undefined)).msgId);
    return ids;
  };

  /** Polls until `want` messages arrived, at most `ms`. */
  const pollUntil = async (c: DefaultLitePullConsumer, want: number, ms = 90_000): Promise<MessageExt[]> => {
    const out: MessageExt[] = [];
    const end = Date.now() + ms;
    while (out.length < want && Date.now() < end) out.push(...(await c.poll(1000)));
    return out;
  };

  /** Polls for `ms` and returns whatever came (for "nothing more arrives"). */
  const pollFor = async (c: DefaultLitePullConsumer, ms: number): Promise<MessageExt[]> => {
    const out: MessageExt[] = [];
    const end = Date.now() + ms;
    while (Date.now() < end) out.push(...(await c.poll(Math.max(1, Math.min(1000, end - Date.now())))));
    return out;
  };

  beforeAll(async () => {
    channel.start.subscribe(onStart);
    producer = new DefaultMQProducer({ producerGroup: uniqueName('rmqts_lite_pg'), namesrvAddr: namesrvAddr(), logger: silentLogger });
    await producer.start();
  });

  afterAll(async () => {
    channel.start.unsubscribe(onStart);
    for (const c of consumers) await c.shutdown();
    await producer?.shutdown();
  });

  test('subscribe + poll: all N once; after commitSync a new member continues from the committed offsets', async () => {
    const topic = await newTopic('rmqts_lite_sub');
    const group = uniqueName('rmqts_lite_sub_g');
    const sent = await sendN(topic, 40);
    const a = consumer({ consumerGroup: group, autoCommit: false });
    a.subscribe(topic, '*');
    await a.start();
    const got = await pollUntil(a, sent.length);
    expect(got.map((m) => m.msgId).sort()).toEqual([...sent].sort());
    expect(got.every((m) => m.topic === topic)).toBe(true);
    await a.commitSync();
    for (let q = 0; q < QUEUES; q++) {
      const mq = new MessageQueue(topic, got[0]!.brokerName!, q);
      expect(await a.committed(mq)).toBe(BigInt(got.filter((m) => m.queueId === q).length));
    }
    await a.shutdown();

    const b = consumer({ consumerGroup: group, autoCommit: false });
    b.subscribe(topic, '*');
    await b.start();
    expect(await pollFor(b, 4000)).toEqual([]);
    const more = await sendN(topic, 8, 'y');
    const next = await pollUntil(b, more.length);
    expect(next.map((m) => m.msgId).sort()).toEqual([...more].sort());
    expect(await pollFor(b, 2000)).toEqual([]);

    const used = pulls.filter((p) => (p.sysFlag & 0x10) !== 0);
    expect(used.length).toBeGreaterThan(0);
    if (is4x) expect(used.some((p) => p.code === RequestCode.PULL_MESSAGE)).toBe(true);
    else expect(used.every((p) => p.code === RequestCode.LITE_PULL_MESSAGE)).toBe(true);
  });

  test('assign + seekToBegin re-reads a queue; seek(offset) reads from that offset', async () => {
    const topic = await newTopic('rmqts_lite_seek');
    const brokerName = (await producer.fetchPublishMessageQueues(topic))[0]!.brokerName;
    const mq = new MessageQueue(topic, brokerName, 2);
    const sent = await sendN(topic, 6, 'z', mq);
    const c = consumer({ consumerGroup: uniqueName('rmqts_lite_seek_g'), autoCommit: false });
    c.assign([mq]);
    await c.start();
    const first = await pollUntil(c, 6);
    expect(first.map((m) => m.msgId)).toEqual(sent);
    await c.seekToBegin(mq);
    const again = await pollUntil(c, 6);
    expect(again.map((m) => m.msgId)).toEqual(sent);
    await c.seek(mq, 4);
    const tail = await pollUntil(c, 2);
    expect(tail.map((m) => m.queueOffset)).toEqual([4n, 5n]);
    await expect(c.seek(mq, 7)).rejects.toThrow(/Seek offset illegal/);
    expect(await c.offsetForTimestamp(mq, 0)).toBe(0n);
  });

  test('pause stops delivery from a queue; resume delivers what came meanwhile', async () => {
    const topic = await newTopic('rmqts_lite_pause');
    const queues = await producer.fetchPublishMessageQueues(topic);
    const paused = queues[0]!;
    const c = consumer({ consumerGroup: uniqueName('rmqts_lite_pause_g') });
    c.assign(queues);
    await c.start();
    c.pause([paused]);
    const others = (await Promise.all(queues.slice(1).map((q) => sendN(topic, 3, 'o', q)))).flat();
    const held = await sendN(topic, 3, 'p', paused);
    const got = await pollUntil(c, others.length);
    expect(got.map((m) => m.msgId).sort()).toEqual([...others].sort());
    expect(await pollFor(c, 3000)).toEqual([]);
    c.resume([paused]);
    const rest = await pollUntil(c, held.length);
    expect(rest.map((m) => m.msgId)).toEqual(held);
  });

  test('messages(): a slow loop body keeps the buffer bounded and still gets every message', async () => {
    const topic = await newTopic('rmqts_lite_iter');
    const sent = new Set(await sendN(topic, 200));
    const c = consumer({ consumerGroup: uniqueName('rmqts_lite_iter_g'), pullBatchSize: 5, pullThresholdForAll: 20, pullThresholdForQueue: 10 });
    c.subscribe(topic);
    await c.start();
    const got = new Set<string>();
    let maxBuffered = 0;
    const deadline = Date.now() + 120_000;
    for await (const msgs of c.messages({ pollTimeoutMs: 1000 })) {
      for (const m of msgs) got.add(m.msgId);
      await new Promise((r) => setTimeout(r, 20));
      maxBuffered = Math.max(maxBuffered, c.impl.cache.messageCount);
      if (got.size >= sent.size || Date.now() > deadline) break;
    }
    expect([...got].sort()).toEqual([...sent].sort());
    // Thresholds are checked before each pull: at most one batch per queue beyond pullThresholdForAll.
    expect(maxBuffered).toBeLessThanOrEqual(20 + QUEUES * 5);
  });
});
