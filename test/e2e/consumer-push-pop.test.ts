/**
 * The push consumer with `clientRebalance: false` against a real broker. On 5.x, with the group switched to
 * POP by `mqadmin setConsumeMode`: the broker allocates the topic by QUERY_ASSIGNMENT, the queues are popped
 * (queue id -1: every queue of the broker), every message reaches the listener with its fields, a failed one
 * comes back once with reconsumeTimes 1, and acked ones never come back after their invisible time. On 4.9
 * (no QUERY_ASSIGNMENT) the consumer falls back to the client-side rebalance and still consumes everything.
 */
import { DefaultMQProducer, DefaultMQPushConsumer, Message, type MessageExt } from '../../src/index';
import { admin, assertAdminOk, createTopic, describeBroker, namesrvAddr, rocketmqVersion, uniqueName } from './helpers/broker';

jest.setTimeout(240_000);

const N = 16;
const INVISIBLE_MS = 5000;
const isPopBroker = !rocketmqVersion().startsWith('4.');

async function until(what: string, cond: () => boolean, timeoutMs: number): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

describeBroker('push consumer in pop mode (clientRebalance: false) against a real broker', () => {
  const RUN = uniqueName('pp');
  const TOPIC = `rmqts_pushpop_${RUN}`;
  const GROUP = `rmqts_pushpop_group_${RUN}`;
  let producer: DefaultMQProducer;
  let consumer: DefaultMQPushConsumer | undefined;

  beforeAll(async () => {
    await createTopic(TOPIC, { queues: 4 });
    if (isPopBroker) {
      const out = await admin('setConsumeMode', '-c', 'DefaultCluster', '-t', TOPIC, '-g', GROUP, '-m', 'POP', '-q', '0');
      assertAdminOk(out, 'setConsumeMode');
    }
    producer = new DefaultMQProducer({ producerGroup: `rmqts_pushpop_pg_${RUN}`, namesrvAddr: namesrvAddr() });
    await producer.start();
  });

  afterAll(async () => {
    await Promise.allSettled([producer?.shutdown(), consumer?.shutdown()]);
  });

  test('every message is consumed; a failed one comes back once; acked ones stay acked', async () => {
    const deliveries: MessageExt[] = [];
    const failOnce = new Set<string>();
    consumer = new DefaultMQPushConsumer({
      consumerGroup: GROUP,
      namesrvAddr: namesrvAddr(),
      clientRebalance: false,
      consumeFromWhere: 'CONSUME_FROM_FIRST_OFFSET',
      popInvisibleTimeMs: INVISIBLE_MS,
      brokerSuspendMaxTimeMs: 2000,
      consumerPullTimeoutMs: 10_000,
    });
    consumer.subscribe(TOPIC, '*');
    consumer.registerMessageListener(async (msgs) => {
      deliveries.push(...msgs);
      for (const m of msgs) {
        if (m.getProperty('fail') === 'once' && !failOnce.has(m.msgId)) {
          failOnce.add(m.msgId);
          return 'RECONSUME_LATER';
        }
      }
      return 'CONSUME_SUCCESS';
    });
    await consumer.start();

    const sent = new Map<string, Message>();
    for (let i = 0; i < N; i++) {
      const msg = new Message(TOPIC, Buffer.from(`push pop ${i} \u00e9\u4e2d`), {
        tags: i % 2 === 0 ? 'TagA' : 'TagB',
        keys: [`k${i}`],
        properties: { seq: String(i), ...(i === 3 ? { fail: 'once' } : {}) },
      });
      const r = await producer.send(msg);
      sent.set(r.msgId, msg);
    }

    const distinct = () => new Set(deliveries.map((m) => m.msgId));
    await until('every message delivered', () => distinct().size === N, 90_000);
    for (const m of deliveries) {
      const s = sent.get(m.msgId)!;
      expect(m.topic).toBe(TOPIC);
      expect(m.tags).toBe(s.tags);
      expect(m.body.equals(s.body)).toBe(true);
      expect(m.getProperty('seq')).toBe(s.getProperty('seq'));
    }

    const info = consumer.impl.consumerRunningInfo();
    const poppedQueues = [...(info.mqPopTable ?? [])].map(([mq]) => mq).filter((mq) => mq.topic === TOPIC);
    const pulledQueues = [...info.mqTable].map(([mq]) => mq).filter((mq) => mq.topic === TOPIC);
    if (isPopBroker) {
      // popShareQueueNum 0: one pop loop per broker over all of its queues; no pull loop on the topic.
      expect(poppedQueues.map((q) => q.queueId)).toEqual([-1]);
      expect(pulledQueues).toEqual([]);
    } else {
      // 4.9: the broker has no QUERY_ASSIGNMENT, the client rebalances and pulls every queue.
      expect(poppedQueues).toEqual([]);
      expect(pulledQueues.length).toBe(4);
    }
    // The failed message comes back once, 10 s later: popped from the pop retry topic (5.x, first pop delay
    // level), or pulled from %RETRY%<group> after the send-back (4.9, delay level 3).
    const failedId = [...failOnce][0]!;
    await until('the failed message redelivered', () => deliveries.filter((m) => m.msgId === failedId).length === 2, 90_000);
    const again = deliveries.filter((m) => m.msgId === failedId)[1]!;
    expect(again.reconsumeTimes).toBe(1);
    expect(again.topic).toBe(TOPIC);
    expect(again.body.equals(sent.get(failedId)!.body)).toBe(true);

    // Acks hold: nothing comes back once the invisible time has passed twice over.
    const settled = deliveries.length;
    await new Promise((r) => setTimeout(r, 2 * INVISIBLE_MS + 2000));
    expect(deliveries.length).toBe(settled);
    expect(distinct().size).toBe(N);
  });
});
