/**
 * Consumption trace against the real broker (Java ConsumeMessageTraceHookImpl). The harness broker runs with
 * traceTopicEnable=true. A push consumer with enableTrace writes a SubBefore and a SubAfter record per consumed
 * message to RMQ_SYS_TRACE_TOPIC: read back from the broker, decoded with Java's layout, matched by message id
 * (other suites trace too), and listed by `mqadmin queryMsgTraceById` as a Sub row of our group.
 * The records' regionId is the consumed message's MSG_REGION, as in Java: a 5.x broker stores its region in every
 * message it receives, a 4.9 broker only returns it in the send response, so on 4.9 the property is absent and the
 * record says "null" (what Java's consumer writes there too).
 */
import { DefaultMQProducer, DefaultMQPushConsumer, Message } from '../../src/index';
import type { TraceContext } from '../../src/client/trace/trace-context';
import { decodeTraceData } from '../../src/client/trace/trace-data-encoder';
import { admin, describeBroker, namesrvAddr, rocketmqVersion, uniqueName } from './helpers/broker';
import { createTopicAndWait, eventually, TopicReader } from './helpers/feature-support';

jest.setTimeout(240_000);

describeBroker('consumption trace of the push consumer', () => {
  let producer: DefaultMQProducer;
  let reader: TopicReader;
  let consumer: DefaultMQPushConsumer | undefined;

  beforeAll(async () => {
    producer = new DefaultMQProducer({ producerGroup: uniqueName('rmqts_ctrace_pg'), namesrvAddr: namesrvAddr() });
    await producer.start();
    reader = new TopicReader(namesrvAddr());
  });

  afterAll(async () => {
    await consumer?.shutdown();
    await producer?.shutdown();
    await reader?.close();
  });

  /** Every consumer record (SubBefore / SubAfter) in RMQ_SYS_TRACE_TOPIC about one of `ids`, with its trace message's keys. */
  async function subRecords(ids: readonly string[]): Promise<Array<{ record: TraceContext; keys: string[] }>> {
    const out: Array<{ record: TraceContext; keys: string[] }> = [];
    for (const m of await reader.readAll('RMQ_SYS_TRACE_TOPIC')) {
      for (const record of decodeTraceData(m.body.toString('utf8'))) {
        if (record.traceType.startsWith('Sub') && ids.includes(record.traceBeans[0]!.msgId)) out.push({ record, keys: m.keyList });
      }
    }
    return out;
  }

  test('SubBefore and SubAfter per consumed message, with the group, request id, status and retry count', async () => {
    const topic = uniqueName('rmqts_ctrace');
    const group = uniqueName('rmqts_ctrace_g');
    await createTopicAndWait(producer, topic, 2);
    const ok = await producer.send(new Message(topic, 'traced ok', { tags: 'T', keys: ['ck-1', 'ck-2'] }));
    const retried = await producer.send(new Message(topic, 'traced retry', { tags: 'T' }));
    const deliveries = new Map<string, number>();
    const consumedRegion = new Map<string, string | undefined>();
    consumer = new DefaultMQPushConsumer({
      consumerGroup: group,
      namesrvAddr: namesrvAddr(),
      consumeFromWhere: 'CONSUME_FROM_FIRST_OFFSET',
      pollNameServerIntervalMs: 1000,
      enableTrace: true,
    });
    consumer.subscribe(topic, '*');
    consumer.registerMessageListener(async (msgs) => {
      const m = msgs[0]!;
      const n = (deliveries.get(m.msgId) ?? 0) + 1;
      deliveries.set(m.msgId, n);
      consumedRegion.set(m.msgId, m.getProperty('MSG_REGION'));
      // The second message fails once: its first SubAfter says failed (FAILED), the retry's SubBefore retryTimes 1.
      return m.msgId === retried.msgId && n === 1 ? 'RECONSUME_LATER' : 'CONSUME_SUCCESS';
    });
    const begin = Date.now();
    await consumer.start();
    await eventually(async () => (deliveries.get(ok.msgId) === 1 && deliveries.get(retried.msgId) === 2 ? true : undefined), 'both consumed, one retried', 120_000);
    await consumer.shutdown(); // flushes the trace dispatcher after the handlers
    consumer = undefined;

    const ids = [ok.msgId, retried.msgId];
    const found = await eventually(async () => {
      const r = await subRecords(ids);
      return r.length >= 6 ? r : undefined;
    }, 'SubBefore and SubAfter records in RMQ_SYS_TRACE_TOPIC', 60_000);
    const of = (id: string, type: string) => found.filter((f) => f.record.traceBeans[0]!.msgId === id && f.record.traceType === type);

    const [okBefore] = of(ok.msgId, 'SubBefore');
    const [okAfter] = of(ok.msgId, 'SubAfter');
    expect(of(ok.msgId, 'SubBefore')).toHaveLength(1);
    expect(consumedRegion.get(ok.msgId)).toBe(rocketmqVersion().startsWith('4.') ? undefined : ok.regionId);
    expect(okBefore!.record).toMatchObject({ groupName: group, regionId: consumedRegion.get(ok.msgId) ?? 'null' });
    expect(okBefore!.record.traceBeans[0]).toMatchObject({ retryTimes: 0, keys: 'ck-1 ck-2' });
    expect(okBefore!.record.timeStamp).toBeGreaterThanOrEqual(begin - 1000);
    expect(okBefore!.keys).toEqual(expect.arrayContaining([ok.msgId, 'ck-1', 'ck-2']));
    expect(okAfter!.record).toMatchObject({ groupName: group, requestId: okBefore!.record.requestId, isSuccess: true, contextCode: 0 });
    expect(okAfter!.record.costTime).toBeGreaterThanOrEqual(0);

    const retriedBefore = of(retried.msgId, 'SubBefore').map((f) => f.record).sort((a, b) => a.timeStamp - b.timeStamp);
    const retriedAfter = of(retried.msgId, 'SubAfter').map((f) => f.record);
    expect(retriedBefore.map((r) => r.traceBeans[0]!.retryTimes)).toEqual([0, 1]);
    expect(retriedBefore.every((r) => r.groupName === group && r.traceBeans[0]!.keys === 'null')).toBe(true);
    const failed = retriedAfter.find((r) => r.requestId === retriedBefore[0]!.requestId);
    const succeeded = retriedAfter.find((r) => r.requestId === retriedBefore[1]!.requestId);
    expect(failed).toMatchObject({ isSuccess: false, contextCode: 4, groupName: group });
    expect(succeeded).toMatchObject({ isSuccess: true, contextCode: 0, groupName: group });

    // mqadmin reads the trace topic by the message id (the trace message's key) and lists our consumption.
    const out = await admin('queryMsgTraceById', '-i', ok.msgId);
    expect(out).toMatch(/#ConsumerGroup/);
    expect(out.split('\n').some((line) => /^Sub\s/.test(line) && line.includes(group) && /success/.test(line))).toBe(true);
  });
});
