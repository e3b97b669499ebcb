import { silentLogger } from '../../../src/logger';
import { DefaultMQProducer } from '../../../src/producer/default-mq-producer';
import { Message } from '../../../src/message/message';
import { string2messageProperties } from '../../../src/message/message-properties';
import { decodeTraceData } from '../../../src/client/trace/trace-data-encoder';
import { traceProducerOptions } from '../../../src/producer/trace/producer-trace';
import { TransactionMQProducer } from '../../../src/producer/transaction-mq-producer';
import { parseProducerOptions } from '../../../src/producer/producer-config';
import { FakeRocketMQ, RequestCode } from '../../../src/testing';
import { until } from '../../helpers/fake-rocketmq';

let fake: FakeRocketMQ;
const producers: DefaultMQProducer[] = [];

beforeEach(async () => {
  fake = await FakeRocketMQ.start({ topics: { TopicT: {}, RMQ_SYS_TRACE_TOPIC: {}, MyTraceTopic: {} } });
});

afterEach(async () => {
  await Promise.all(producers.splice(0).map((p) => p.shutdown()));
  await fake.close();
});

/** The send requests the broker received. */
const broker = {
  sends: () => fake.requests(RequestCode.SEND_MESSAGE_V2).map((r) => r.request),
  get addr(): string {
    return fake.brokerAddrs['broker-a']!;
  },
};

function traceSends(topic = 'RMQ_SYS_TRACE_TOPIC'): string[] {
  return broker
    .sends()
    .filter((r) => r.extFields?.b === topic)
    .map((r) => r.body!.toString('utf8'));
}

describe('enableTrace on a producer', () => {
  test('each send gives a Pub record; shutdown flushes it through the internal trace producer', async () => {
    const p = new DefaultMQProducer({ producerGroup: 'pg_traced', namesrvAddr: fake.namesrvAddr, logger: silentLogger, enableTrace: true });
    producers.push(p);
    await p.start();
    const r1 = await p.send(new Message('TopicT', 'one', { tags: 'A', keys: 'k1' }));
    const r2 = await p.send(new Message('TopicT', 'two'));
    expect(p.traceDispatcher!.queuedCount).toBe(2);
    await p.shutdown();
    const bodies = traceSends();
    expect(bodies).toHaveLength(1);
    const records = decodeTraceData(bodies[0]!);
    expect(records.map((r) => r.traceBeans[0]!.msgId)).toEqual([r1.msgId, r2.msgId]);
    expect(records[0]).toMatchObject({ traceType: 'Pub', groupName: 'pg_traced', regionId: 'DefaultRegion', isSuccess: true });
    expect(records[0]!.traceBeans[0]).toMatchObject({ topic: 'TopicT', tags: 'A', keys: 'k1', bodyLength: 3, storeHost: broker.addr });
    // The trace message is keyed by the traced ids and keys, and sent by the internal group.
    const traceSend = broker.sends().find((r) => r.extFields?.b === 'RMQ_SYS_TRACE_TOPIC')!;
    expect(traceSend.extFields!.a).toMatch(/^_INNER_TRACE_PRODUCER-pg_traced-PRODUCE-\d+$/);
    const keys = string2messageProperties(traceSend.extFields!.i).get('KEYS')!.split(' ');
    expect(keys).toEqual(expect.arrayContaining([r1.msgId, r2.msgId, 'k1']));
  });

  test('a custom trace topic; a transaction producer also records EndTransaction', async () => {
    const p = new TransactionMQProducer({
      producerGroup: 'pg_tx_traced',
      namesrvAddr: fake.namesrvAddr,
      logger: silentLogger,
      enableTrace: true,
      traceTopic: 'MyTraceTopic',
      transactionListener: { executeLocalTransaction: () => 'ROLLBACK_MESSAGE', checkLocalTransaction: () => 'UNKNOW' },
    });
    producers.push(p);
    await p.start();
    const res = await p.sendMessageInTransaction(new Message('TopicT', 'tx', { keys: 'order-7' }));
    await p.shutdown();
    const records = traceSends('MyTraceTopic').flatMap((b) => decodeTraceData(b));
    expect(records.map((r) => r.traceType).sort()).toEqual(['EndTransaction', 'Pub']);
    const pub = records.find((r) => r.traceType === 'Pub')!;
    expect(pub.traceBeans[0]!.msgType).toBe('Trans_Msg_Half');
    const end = records.find((r) => r.traceType === 'EndTransaction')!;
    expect(end.traceBeans[0]).toMatchObject({
      msgId: res.msgId,
      transactionState: 'ROLLBACK_MESSAGE',
      fromTransactionCheck: false,
      msgType: 'Trans_msg_Commit',
      keys: 'order-7',
    });
  });

  test('off by default; the trace producer inherits name servers, TLS, hook and logger, not tracing', async () => {
    const p = new DefaultMQProducer({ producerGroup: 'pg_plain', namesrvAddr: fake.namesrvAddr, logger: silentLogger });
    producers.push(p);
    await p.start();
    await p.send(new Message('TopicT', 'x'));
    expect(p.traceDispatcher).toBeUndefined();
    const hook = { doBeforeRequest() {}, doAfterResponse() {} };
    const opts = traceProducerOptions(
      parseProducerOptions({ producerGroup: 'g', namesrvAddr: '10.0.0.1:9876;10.0.0.2:9876', useTLS: true, rpcHook: hook, enableTrace: true }),
    );
    expect(opts).toMatchObject({
      instanceName: 'PID_CLIENT_INNER_TRACE_PRODUCER_10.0.0.1:9876;10.0.0.2:9876',
      namesrvAddr: ['10.0.0.1:9876', '10.0.0.2:9876'],
      useTLS: true,
      rpcHook: hook,
      sendMsgTimeoutMs: 5000,
    });
    expect(opts.enableTrace).toBeUndefined();
    await until(() => true, 'noop');
  });
});
