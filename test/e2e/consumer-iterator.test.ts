/**
 * `consumer.messages()` (the for-await face of DefaultMQPushConsumer) against the real broker: N sent, N
 * received once and acknowledged; a loop that breaks mid-way loses nothing, since a new consumer of the
 * same group receives the rest, the batch left unacknowledged included.
 */
import { DefaultMQProducer, DefaultMQPushConsumer, Message, type MessageBatch } from '../../src/index';
import { describeBroker, namesrvAddr, uniqueName } from './helpers/broker';
import { createTopicAndWait } from './helpers/feature-support';

jest.setTimeout(240_000);

/** Every loop is bounded: a lost message fails the assertions instead of hanging the run. */
const LOOP_BUDGET_MS = 120_000;

describeBroker('DefaultMQPushConsumer.messages() against a real broker', () => {
  let producer: DefaultMQProducer;
  const consumers: DefaultMQPushConsumer[] = [];

  const newTopic = async (prefix: string): Promise<string> => {
    const topic = uniqueName(prefix);
    await createTopicAndWait(producer, topic, 4);
    return topic;
  };

  const consumer = (group: string, topic: string, batchSize: number): DefaultMQPushConsumer => {
    const c = new DefaultMQPushConsumer({
      consumerGroup: group,
      namesrvAddr: namesrvAddr(),
      consumeFromWhere: 'CONSUME_FROM_FIRST_OFFSET',
      consumeMessageBatchMaxSize: batchSize,
      pollNameServerIntervalMs: 1000,
    });
    c.subscribe(topic);
    consumers.push(c);
    return c;
  };

  const send = async (topic: string, n: number): Promise<string[]> => {
    const ids: string[] = [];
    for (let i = 0; i < n; i++) ids.push((await producer.send(new Message(topic, `iter body ${i}`))).msgId);
    return ids;
  };

  const ids = (batch: MessageBatch): string[] => batch.messages.map((m) => m.msgId);

  beforeAll(async () => {
    producer = new DefaultMQProducer({ producerGroup: uniqueName('rmqts_iter_pg'), namesrvAddr: namesrvAddr() });
    await producer.start();
  });

  afterAll(async () => {
    for (const c of consumers) await c.shutdown();
    await producer?.shutdown();
  });

  test('send N, iterate and ack: all N received once', async () => {
    const topic = await newTopic('rmqts_iter_all');
    const sent = await send(topic, 30);
    const c = consumer(uniqueName('rmqts_iter_all_g'), topic, 4);
    const got: string[] = [];
    for await (const batch of c.messages({ signal: AbortSignal.timeout(LOOP_BUDGET_MS) })) {
      expect(batch.messages.length).toBeLessThanOrEqual(4);
      for (const m of batch) expect(m.topic).toBe(topic);
      got.push(...ids(batch));
      batch.ack();
      if (new Set(got).size >= sent.length) break;
    }
    expect(got.length).toBe(sent.length);
    expect([...got].sort()).toEqual([...sent].sort());
    expect(c.serviceState).toBe('SHUTDOWN_ALREADY');
  });

  test('break mid-way, then a new consumer of the same group gets the rest, the unacknowledged batch included', async () => {
    const topic = await newTopic('rmqts_iter_break');
    const group = uniqueName('rmqts_iter_break_g');
    const sent = await send(topic, 30);

    const first = consumer(group, topic, 1);
    const acked = new Set<string>();
    let inHand: string | undefined;
    for await (const batch of first.messages({ signal: AbortSignal.timeout(LOOP_BUDGET_MS) })) {
      if (acked.size === 10) {
        inHand = ids(batch)[0];
        break; // not acknowledged: it must come again
      }
      batch.ack();
      for (const id of ids(batch)) acked.add(id);
    }
    expect(first.serviceState).toBe('SHUTDOWN_ALREADY');
    expect(acked.size).toBe(10);
    expect(inHand).toBeDefined();

    const second = consumer(group, topic, 1);
    const rest = new Set<string>();
    const complete = () => rest.has(inHand!) && sent.every((id) => acked.has(id) || rest.has(id));
    for await (const batch of second.messages({ signal: AbortSignal.timeout(LOOP_BUDGET_MS) })) {
      for (const id of ids(batch)) rest.add(id);
      batch.ack();
      if (complete()) break;
    }
    expect(rest.has(inHand!)).toBe(true);
    expect(sent.filter((id) => !acked.has(id) && !rest.has(id))).toEqual([]);
  });
});
