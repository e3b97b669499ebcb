/**
 * SQL92 filtering against the real broker (Java MessageSelector.bySql). The harness broker runs with
 * enablePropertyFilter=true: a push consumer with `a BETWEEN 3 AND 5 AND TAGS IN ('x')` receives exactly the
 * matching messages, and an expression the broker cannot compile fails start(). A private broker with
 * enablePropertyFilter=false refuses the subscription at CHECK_CLIENT_CONFIG, so start() rejects with
 * FilterExpressionRefusedError (the broker's remark) and nothing is consumed.
 */
import { DefaultMQProducer, DefaultMQPushConsumer, FilterExpressionRefusedError, Message, type MessageExt } from '../../src/index';
import { describeBroker, namesrvAddr, startPrivateRocketMQ, uniqueName, type PrivateRocketMQ } from './helpers/broker';
import { createTopicAndWait, eventually } from './helpers/feature-support';

jest.setTimeout(300_000);

const SQL = "a BETWEEN 3 AND 5 AND TAGS IN ('x')";

/** What the SQL above selects, evaluated here for the messages the test sends. */
function matches(a: number | undefined, tag: string): boolean {
  return a !== undefined && a >= 3 && a <= 5 && tag === 'x';
}

describeBroker('SQL92 filtering of the push consumer', () => {
  const consumers: DefaultMQPushConsumer[] = [];
  let producer: DefaultMQProducer;

  beforeAll(async () => {
    producer = new DefaultMQProducer({ producerGroup: uniqueName('rmqts_sql_pg'), namesrvAddr: namesrvAddr() });
    await producer.start();
  });

  afterAll(async () => {
    for (const c of consumers) await c.shutdown();
    await producer?.shutdown();
  });

  test(`${SQL} receives exactly the matching messages`, async () => {
    // One queue: the broker filters in store order, so once the last (matching) message arrived, every
    // earlier one was either delivered before it or filtered out.
    const topic = uniqueName('rmqts_sql');
    await createTopicAndWait(producer, topic, 1);
    const expected = new Set<string>();
    for (let i = 0; i < 24; i++) {
      const a = i % 4 === 3 ? undefined : i % 8;
      const tag = i % 3 === 0 ? 'y' : 'x';
      const props: Record<string, string> = a === undefined ? { b: String(i) } : { a: String(a) };
      const r = await producer.send(new Message(topic, `m${i}`, { tags: tag, properties: props }));
      if (matches(a, tag)) expected.add(r.msgId);
    }
    const last = await producer.send(new Message(topic, 'last', { tags: 'x', properties: { a: '4' } }));
    expected.add(last.msgId);
    expect(expected.size).toBeGreaterThan(3);

    const got = new Map<string, MessageExt>();
    const c = new DefaultMQPushConsumer({
      consumerGroup: uniqueName('rmqts_sql_g'),
      namesrvAddr: namesrvAddr(),
      consumeFromWhere: 'CONSUME_FROM_FIRST_OFFSET',
      consumeThreadMax: 1,
      pollNameServerIntervalMs: 1000,
    });
    consumers.push(c);
    c.subscribe(topic, { type: 'SQL92', expression: SQL });
    c.registerMessageListener(async (msgs) => {
      for (const m of msgs) got.set(m.msgId, m);
      return 'CONSUME_SUCCESS';
    });
    await c.start();
    await eventually(async () => (got.has(last.msgId) ? true : undefined), 'the last matching message', 120_000);
    expect(new Set(got.keys())).toEqual(expected);
    for (const m of got.values()) {
      expect(m.tags).toBe('x');
      expect(Number(m.getUserProperty('a'))).toBeGreaterThanOrEqual(3);
      expect(Number(m.getUserProperty('a'))).toBeLessThanOrEqual(5);
    }
  });

  test('an expression the broker cannot compile fails start() with SUBSCRIPTION_PARSE_FAILED', async () => {
    const topic = uniqueName('rmqts_sql_bad');
    await createTopicAndWait(producer, topic, 1);
    const c = new DefaultMQPushConsumer({ consumerGroup: uniqueName('rmqts_sql_bad_g'), namesrvAddr: namesrvAddr() });
    c.subscribe(topic, { type: 'SQL92', expression: 'a BETWEEN AND' });
    c.registerMessageListener(async () => 'CONSUME_SUCCESS');
    const err = await c.start().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(FilterExpressionRefusedError);
    expect(err).toMatchObject({ code: 'ERR_FILTER_REFUSED', responseCode: 23, topic, expressionType: 'SQL92', expression: 'a BETWEEN AND' });
    expect(c.serviceState).toBe('START_FAILED');
  });
});

describeBroker('SQL92 on a broker with enablePropertyFilter=false', () => {
  let rmq: PrivateRocketMQ | undefined;
  let producer: DefaultMQProducer | undefined;

  beforeAll(async () => {
    rmq = await startPrivateRocketMQ(['--broker-prop', 'enablePropertyFilter=false']);
    producer = new DefaultMQProducer({ producerGroup: uniqueName('rmqts_sqloff_pg'), namesrvAddr: rmq.namesrvAddr });
    await producer.start();
  });

  afterAll(async () => {
    try {
      await producer?.shutdown();
    } finally {
      await rmq?.stop();
    }
  });

  test("start() rejects with FilterExpressionRefusedError carrying the broker's remark, before consuming anything", async () => {
    const topic = uniqueName('rmqts_sqloff');
    await createTopicAndWait(producer!, topic, 2);
    await producer!.send(new Message(topic, 'would match', { tags: 'x', properties: { a: '4' } }));
    let consumed = 0;
    const c = new DefaultMQPushConsumer({
      consumerGroup: uniqueName('rmqts_sqloff_g'),
      namesrvAddr: rmq!.namesrvAddr,
      consumeFromWhere: 'CONSUME_FROM_FIRST_OFFSET',
    });
    c.subscribe(topic, { type: 'SQL92', expression: SQL });
    c.registerMessageListener(async (msgs) => {
      consumed += msgs.length;
      return 'CONSUME_SUCCESS';
    });
    const err = await c.start().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(FilterExpressionRefusedError);
    const refused = err as FilterExpressionRefusedError;
    expect(refused).toMatchObject({ code: 'ERR_FILTER_REFUSED', responseCode: 1, retriable: false, topic, expressionType: 'SQL92', expression: SQL });
    expect(refused.remark).toBe('The broker does not support consumer to filter message by SQL92');
    expect(refused.message).toContain('does not support consumer to filter message by SQL92');
    expect(c.serviceState).toBe('START_FAILED');
    expect(consumed).toBe(0);
    // A TAG subscription of the same topic is not checked and starts normally on this broker.
    const tagConsumer = new DefaultMQPushConsumer({ consumerGroup: uniqueName('rmqts_sqloff_tag_g'), namesrvAddr: rmq!.namesrvAddr, consumeFromWhere: 'CONSUME_FROM_FIRST_OFFSET' });
    tagConsumer.subscribe(topic, 'x');
    let tagged = 0;
    tagConsumer.registerMessageListener(async (msgs) => {
      tagged += msgs.length;
      return 'CONSUME_SUCCESS';
    });
    await tagConsumer.start();
    try {
      await eventually(async () => (tagged >= 1 ? true : undefined), 'the TAG consumer receives the message', 120_000);
    } finally {
      await tagConsumer.shutdown();
    }
    expect(consumed).toBe(0);
  });
});
