/**
 * Pop consumption against the real broker: messages sent by our producer are received by SimpleConsumer with
 * every field as sent, half are acked, the other half come back after their invisible time (served from the pop
 * retry topic, shown under the original topic, reconsumeTimes 1), changeInvisibleDuration gives a working new
 * handle, and nothing is received once every message is acked. On a 4.9 broker the same calls fail with
 * BrokerFeatureNotSupportedError.
 */
import { BrokerFeatureNotSupportedError, DefaultMQProducer, Message, SimpleConsumer, type MessageView, type SendResult } from '../../src/index';
import { parseReceiptHandle } from '../../src/consumer/pop/extra-info';
import { createTopic, describeBroker, namesrvAddr, rocketmqVersion, uniqueName } from './helpers/broker';

jest.setTimeout(180_000);

const N = 8;
const INVISIBLE_MS = 3000;
const isPopBroker = !rocketmqVersion().startsWith('4.');

interface Sent {
  msg: Message;
  result: SendResult;
}

function expectSameAsSent(view: MessageView, sent: Sent, topic: string, reconsumeTimes: number): void {
  expect(view.topic).toBe(topic);
  expect(view.messageId).toBe(sent.result.msgId);
  expect(view.tag).toBe(sent.msg.tags);
  expect(view.keys).toEqual(sent.msg.keyList);
  expect(view.body.equals(sent.msg.body)).toBe(true);
  expect(Object.fromEntries(view.properties)).toEqual(expect.objectContaining(Object.fromEntries(sent.msg.getUserProperties())));
  expect(view.reconsumeTimes).toBe(reconsumeTimes);
  expect(view.deliveryAttempt).toBe(reconsumeTimes + 1);
  expect(view.brokerName).toBe(sent.result.messageQueue.brokerName);
  const h = parseReceiptHandle(view.receiptHandle);
  expect(h.brokerName).toBe(sent.result.messageQueue.brokerName);
  expect(h.retryMark).toBe(reconsumeTimes === 0 ? '0' : '1');
  expect(h.invisibleTime).toBe(BigInt(INVISIBLE_MS));
  // A retried message is a record of the retry topic: its queue and offset are that topic's.
  if (reconsumeTimes === 0) {
    expect(view.queueId).toBe(sent.result.messageQueue.queueId);
    expect(h.queueId).toBe(sent.result.messageQueue.queueId);
    expect(h.msgQueueOffset).toBe(sent.result.queueOffset);
    expect(view.queueOffset).toBe(sent.result.queueOffset);
  }
}

/** Receives until `want` messages arrived or the deadline passed. */
async function receiveUntil(c: SimpleConsumer, want: number, deadlineMs: number): Promise<MessageView[]> {
  const out: MessageView[] = [];
  const end = Date.now() + deadlineMs;
  while (out.length < want && Date.now() < end) out.push(...(await c.receive(32, INVISIBLE_MS)));
  return out;
}

describeBroker('SimpleConsumer (pop) against a real broker', () => {
  const RUN = uniqueName('p');
  const TOPIC = `rmqts_pop_${RUN}`;
  const GROUP = `rmqts_pop_group_${RUN}`;
  let producer: DefaultMQProducer;
  let consumer: SimpleConsumer;

  beforeAll(async () => {
    await createTopic(TOPIC, { queues: 4 });
    producer = new DefaultMQProducer({ producerGroup: `rmqts_pop_pg_${RUN}`, namesrvAddr: namesrvAddr() });
    await producer.start();
    consumer = new SimpleConsumer({
      consumerGroup: GROUP,
      namesrvAddr: namesrvAddr(),
      subscriptions: { [TOPIC]: '*' },
      awaitDurationMs: 2000,
      consumeFromWhere: 'CONSUME_FROM_FIRST_OFFSET',
    });
    await consumer.start();
  });

  afterAll(async () => {
    await Promise.allSettled([producer?.shutdown(), consumer?.shutdown()]);
  });

  const popFlow = async (): Promise<void> => {
    const sent = new Map<string, Sent>();
    for (let i = 0; i < N; i++) {
      const msg = new Message(TOPIC, Buffer.from(`pop body ${i} \u00e9\u4e2d`), {
        tags: i % 2 === 0 ? 'TagA' : 'TagB',
        keys: [`k${i}`, `kk${i}`],
        properties: { seq: String(i), who: 'rocketmq-ts' },
      });
      const result = await producer.send(msg);
      sent.set(result.msgId, { msg, result });
    }

    const first = await receiveUntil(consumer, N, 30_000);
    expect(first).toHaveLength(N);
    for (const v of first) expectSameAsSent(v, sent.get(v.messageId)!, TOPIC, 0);
    expect(new Set(first.map((v) => v.messageId)).size).toBe(N);

    const acked = first.filter((_, i) => i % 2 === 0);
    const left = first.filter((_, i) => i % 2 === 1);
    for (const v of acked) await consumer.ack(v);

    // One of the others is made invisible for 20 s: it must miss the first return and come back later, with its
    // new handle. Another is given a new handle and acked with it.
    const delayed = left[0]!;
    const oldHandle = delayed.receiptHandle;
    const newHandle = await consumer.changeInvisibleDuration(delayed, 20_000);
    expect(newHandle).not.toBe(oldHandle);
    expect(delayed.receiptHandle).toBe(newHandle);
    expect(parseReceiptHandle(newHandle).invisibleTime).toBe(20_000n);
    const changedThenAcked = left[1]!;
    await consumer.changeInvisibleDuration(changedThenAcked, 60_000);
    await consumer.ack(changedThenAcked);
    const changedAt = Date.now();

    const expectBack = new Set(left.slice(2).map((v) => v.messageId));
    const t0 = Date.now();
    const again = await receiveUntil(consumer, expectBack.size, 90_000);
    const reviveMs = Date.now() - t0;
    expect(new Set(again.map((v) => v.messageId))).toEqual(expectBack);
    for (const v of again) {
      expectSameAsSent(v, sent.get(v.messageId)!, TOPIC, 1);
      await consumer.ack(v);
    }

    const late = await receiveUntil(consumer, 1, 90_000);
    const lateMs = Date.now() - changedAt;
    process.stderr.write(
      `[consumer-pop] ${expectBack.size} unacked messages came back after ${reviveMs} ms (invisible ${INVISIBLE_MS} ms); ` +
        `the one made invisible for 20 s after ${lateMs} ms\n`,
    );
    expect(late.map((v) => v.messageId)).toEqual([delayed.messageId]);
    expect(lateMs).toBeGreaterThanOrEqual(19_000);
    expectSameAsSent(late[0]!, sent.get(delayed.messageId)!, TOPIC, 1);
    await consumer.ack(late[0]!);

    // Everything acked: nothing may come back, even after the invisible time has passed again.
    await new Promise((r) => setTimeout(r, INVISIBLE_MS + 1000));
    const rest = await receiveUntil(consumer, 1, 12_000);
    expect(rest.map((v) => v.messageId)).toEqual([]);
  };

  const notSupportedFlow = async (): Promise<void> => {
    await producer.send(new Message(TOPIC, 'x'));
    const err = await consumer.receive(1, INVISIBLE_MS).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(BrokerFeatureNotSupportedError);
    expect((err as BrokerFeatureNotSupportedError).responseCode).toBe(3);
    expect((err as BrokerFeatureNotSupportedError).feature).toBe('POP_MESSAGE');
  };

  // One flow per broker generation, so that neither is ever skipped.
  if (isPopBroker) test('receive, ack half, the rest comes back after its invisible time, then nothing', popFlow);
  else test('a 4.9 broker: receive rejects with BrokerFeatureNotSupportedError', notSupportedFlow);
});
