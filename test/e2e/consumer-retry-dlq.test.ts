/**
 * Reconsume and dead letters with the broker's own delay rules: a private broker whose messageDelayLevel is all
 * 1 s, a handler that always answers RECONSUME_LATER with the default delay level (0: the broker picks
 * 3 + reconsumeTimes), maxReconsumeTimes 3. The message comes back with reconsumeTimes 1, 2, 3 and then sits in
 * %DLQ%<group>, the handler never seeing it again.
 */
import { DefaultMQProducer, DefaultMQPushConsumer, Message } from '../../src/index';
import { describeBroker, startPrivateRocketMQ, uniqueName, type PrivateRocketMQ } from './helpers/broker';
import { eventually, TopicReader } from './helpers/feature-support';

jest.setTimeout(300_000);

const ONE_SECOND_LEVELS = Array.from({ length: 18 }, () => '1s').join(' ');

describeBroker('push consumer retries and DLQ with the broker deciding the delay', () => {
  let rmq: PrivateRocketMQ | undefined;
  let producer: DefaultMQProducer | undefined;
  let consumer: DefaultMQPushConsumer | undefined;
  let reader: TopicReader | undefined;

  beforeAll(async () => {
    rmq = await startPrivateRocketMQ(['--broker-prop', `messageDelayLevel=${ONE_SECOND_LEVELS}`]);
    producer = new DefaultMQProducer({ producerGroup: uniqueName('rmqts_dlq_pg'), namesrvAddr: rmq.namesrvAddr });
    await producer.start();
    reader = new TopicReader(rmq.namesrvAddr);
  });

  afterAll(async () => {
    try {
      await consumer?.shutdown();
      await producer?.shutdown();
      await reader?.close();
    } finally {
      await rmq?.stop();
    }
  });

  test('RECONSUME_LATER x4 with delay level 0, then %DLQ%<group>', async () => {
    const topic = uniqueName('rmqts_dlq');
    const group = uniqueName('rmqts_dlq_g');
    await producer!.createTopic('TBW102', topic, 2);
    await eventually(async () => ((await producer!.fetchPublishMessageQueues(topic)).length > 0 ? true : undefined), `route of ${topic}`, 60_000);
    const sent = await producer!.send(new Message(topic, 'dead letter', { tags: 'D', keys: 'dlq-key', properties: { p: 'v' } }));
    const seen: Array<{ reconsumeTimes: number; topic: string; at: number }> = [];
    consumer = new DefaultMQPushConsumer({
      consumerGroup: group,
      namesrvAddr: rmq!.namesrvAddr,
      maxReconsumeTimes: 3,
      consumeFromWhere: 'CONSUME_FROM_FIRST_OFFSET',
      pollNameServerIntervalMs: 1000,
    });
    consumer.subscribe(topic, '*');
    consumer.registerMessageListener(async (msgs) => {
      for (const m of msgs) {
        expect(m.msgId).toBe(sent.msgId);
        expect(m.getUserProperty('p')).toBe('v');
        seen.push({ reconsumeTimes: m.reconsumeTimes, topic: m.topic, at: Date.now() });
      }
      return 'RECONSUME_LATER';
    });
    await consumer.start();
    await eventually(async () => (seen.length >= 4 ? true : undefined), 'four deliveries', 120_000);
    expect(seen.map((s) => s.reconsumeTimes)).toEqual([0, 1, 2, 3]);
    expect(seen.every((s) => s.topic === topic)).toBe(true);
    const dlq = await eventually(async () => {
      const all = await reader!.readAll(`%DLQ%${group}`).catch(() => []);
      return all.length > 0 ? all : undefined;
    }, 'the DLQ copy', 60_000);
    expect(dlq).toHaveLength(1);
    expect(dlq[0]!.body.toString()).toBe('dead letter');
    expect(dlq[0]!.getProperty('UNIQ_KEY')).toBe(sent.msgId);
    expect(dlq[0]!.getUserProperty('p')).toBe('v');
    expect(seen).toHaveLength(4);
  });
});
