/**
 * Message trace against the real broker (protocol.md 14). The harness broker runs with traceTopicEnable=true, so
 * RMQ_SYS_TRACE_TOPIC exists. The trace messages our dispatcher sends are read back from the broker and decoded
 * with the Java record layout; other suites may trace too, so records are matched by message id.
 */
import { decodeTraceData } from '../../src/client/trace/trace-data-encoder';
import type { TraceContext } from '../../src/client/trace/trace-context';
import { DefaultMQProducer, Message, TransactionMQProducer } from '../../src/index';
import { describeBroker, namesrvAddr, uniqueName } from './helpers/broker';
import { eventually, TopicReader } from './helpers/feature-support';

jest.setTimeout(180_000);

describeBroker('feature: message trace against a real broker', () => {
  const topic = uniqueName('rmqts_traced');
  const customTraceTopic = uniqueName('rmqts_trace_topic');
  let reader: TopicReader;
  const producers: DefaultMQProducer[] = [];

  beforeAll(async () => {
    reader = new TopicReader(namesrvAddr());
    const admin = new DefaultMQProducer({ producerGroup: uniqueName('rmqts_trace_admin'), namesrvAddr: namesrvAddr() });
    producers.push(admin);
    await admin.start();
    await admin.createTopic('TBW102', topic, 2);
    await admin.createTopic('TBW102', customTraceTopic, 1);
    for (const t of [topic, customTraceTopic]) {
      await eventually(async () => ((await admin.fetchPublishMessageQueues(t)).length > 0 ? true : undefined), `route of ${t}`, 60_000);
    }
  });

  afterAll(async () => {
    await Promise.all(producers.map((p) => p.shutdown()));
    await reader?.close();
  });

  /** Every record in `traceTopic` whose message id is one of `ids`, with the trace message it came in. */
  async function records(traceTopic: string, ids: string[]): Promise<Array<{ record: TraceContext; keys: string[] }>> {
    const out: Array<{ record: TraceContext; keys: string[] }> = [];
    for (const m of await reader.readAll(traceTopic)) {
      for (const record of decodeTraceData(m.body.toString('utf8'))) {
        if (ids.includes(record.traceBeans[0]!.msgId)) out.push({ record, keys: m.keyList });
      }
    }
    return out;
  }

  test('Pub records reach RMQ_SYS_TRACE_TOPIC with the Java fields; flushed on shutdown', async () => {
    const group = uniqueName('rmqts_traceg');
    const p = new DefaultMQProducer({ producerGroup: group, namesrvAddr: namesrvAddr(), enableTrace: true });
    await p.start();
    const begin = Date.now();
    const a = await p.send(new Message(topic, 'traced body', { tags: 'TagT', keys: ['order-1', 'order-2'] }));
    const b = await p.send(new Message(topic, 'second'));
    await p.shutdown(); // flushes the dispatcher

    const found = await eventually(async () => {
      const r = await records('RMQ_SYS_TRACE_TOPIC', [a.msgId, b.msgId]);
      return r.length === 2 ? r : undefined;
    }, 'both Pub records in RMQ_SYS_TRACE_TOPIC', 60_000);
    const first = found.find((f) => f.record.traceBeans[0]!.msgId === a.msgId)!;
    expect(first.record).toMatchObject({ traceType: 'Pub', groupName: group, regionId: a.regionId, isSuccess: true });
    expect(first.record.timeStamp).toBeGreaterThanOrEqual(begin - 1000);
    expect(first.record.costTime).toBeGreaterThanOrEqual(0);
    expect(first.record.traceBeans[0]).toMatchObject({
      topic,
      msgId: a.msgId,
      offsetMsgId: a.offsetMsgId,
      tags: 'TagT',
      keys: 'order-1 order-2',
      bodyLength: Buffer.byteLength('traced body'),
      msgType: 'Normal_Msg',
    });
    expect(first.record.traceBeans[0]!.storeHost).toMatch(/:\d+$/);
    // The trace message is indexed by the traced message's id and keys.
    expect(first.keys).toEqual(expect.arrayContaining([a.msgId, 'order-1', 'order-2']));
    const second = found.find((f) => f.record.traceBeans[0]!.msgId === b.msgId)!;
    expect(second.record.traceBeans[0]).toMatchObject({ tags: 'null', keys: 'null' });
  });

  test('a transaction producer traces the half message and its EndTransaction to a custom trace topic', async () => {
    const p = new TransactionMQProducer({
      producerGroup: uniqueName('rmqts_tracetx'),
      namesrvAddr: namesrvAddr(),
      enableTrace: true,
      traceTopic: customTraceTopic,
      transactionListener: { executeLocalTransaction: () => 'COMMIT_MESSAGE', checkLocalTransaction: () => 'COMMIT_MESSAGE' },
    });
    producers.push(p);
    await p.start();
    const res = await p.sendMessageInTransaction(new Message(topic, 'tx traced', { keys: 'tx-key' }));
    await p.traceDispatcher!.flush();
    const found = await eventually(async () => {
      const r = await records(customTraceTopic, [res.msgId]);
      return r.length === 2 ? r : undefined;
    }, 'Pub and EndTransaction records in the custom trace topic', 60_000);
    const pub = found.find((f) => f.record.traceType === 'Pub')!.record;
    expect(pub.traceBeans[0]!.msgType).toBe('Trans_Msg_Half');
    const end = found.find((f) => f.record.traceType === 'EndTransaction')!.record;
    expect(end.traceBeans[0]).toMatchObject({
      topic,
      msgId: res.msgId,
      keys: 'tx-key',
      msgType: 'Trans_msg_Commit',
      transactionState: 'COMMIT_MESSAGE',
      fromTransactionCheck: false,
      transactionId: res.msgId,
    });
  });
});
