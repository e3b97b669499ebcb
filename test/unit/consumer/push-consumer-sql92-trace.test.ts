import { FilterExpressionRefusedError } from '../../../src/errors';
import { silentLogger } from '../../../src/logger';
import { decodeTraceData } from '../../../src/client/trace/trace-data-encoder';
import { DefaultMQPushConsumer } from '../../../src/consumer/default-mq-push-consumer';
import { string2messageProperties } from '../../../src/message/message-properties';
import { RequestCode } from '../../../src/remoting/protocol/request-code';
import { startFakeCluster, until } from '../../helpers/fake-rocketmq';
import { serveConsumer, type Cluster } from '../../helpers/fake-consumer-broker';

/** The push consumer's SQL92 start check and its consumption trace, against an in-process broker. */
describe('push consumer: SQL92 check and trace with an in-process broker', () => {
  let cluster: Cluster;
  let consumer: DefaultMQPushConsumer | undefined;
  let clientId = '';

  beforeEach(async () => {
    cluster = await startFakeCluster(1);
    cluster.ns.setRoute('T', cluster.brokers);
    cluster.ns.setRoute('%RETRY%G', cluster.brokers, 1);
    cluster.ns.setRoute('RMQ_SYS_TRACE_TOPIC', cluster.brokers, 1);
    clientId = '';
    const broker = serveConsumer(cluster, () => [clientId]);
    broker.onHeartbeat = (ctx) => {
      clientId = JSON.parse(ctx.request.body!.toString()).clientID;
      ctx.respond();
    };
  });

  afterEach(async () => {
    await consumer?.shutdown();
    consumer = undefined;
    await cluster.close();
  });

  const newConsumer = (extra: { enableTrace?: boolean } = {}) => {
    consumer = new DefaultMQPushConsumer({ consumerGroup: 'G', namesrvAddr: cluster.ns.addr, logger: silentLogger, instanceName: 'sqltrace', ...extra });
    return consumer;
  };

  test('a refused SQL92 subscription fails start() before any pull, and the client unregisters', async () => {
    const broker = cluster.brokers[0]!;
    broker.handlers.set(RequestCode.CHECK_CLIENT_CONFIG, (ctx) => ctx.respond({ code: 1, remark: 'The broker does not support consumer to filter message by SQL92' }));
    const c = newConsumer();
    c.subscribe('T', { type: 'SQL92', expression: 'a > 1' });
    let consumed = 0;
    c.registerMessageListener(async (msgs) => {
      consumed += msgs.length;
      return 'CONSUME_SUCCESS';
    });
    await expect(c.start()).rejects.toBeInstanceOf(FilterExpressionRefusedError);
    expect(c.serviceState).toBe('START_FAILED');
    const [check] = broker.requests(RequestCode.CHECK_CLIENT_CONFIG);
    const body = JSON.parse(check!.body!.toString());
    expect(body).toMatchObject({ group: 'G', subscriptionData: { topic: 'T', subString: 'a > 1', expressionType: 'SQL92', codeSet: [], tagsSet: [] } });
    expect(body.clientId).toMatch(/@/);
    expect(broker.requests(RequestCode.PULL_MESSAGE)).toHaveLength(0);
    expect(broker.requests(RequestCode.UNREGISTER_CLIENT).length).toBeGreaterThan(0);
    expect(consumed).toBe(0);
    consumer = undefined;
  });

  test('an accepted SQL92 subscription pulls with expressionType SQL92 and hands over every message the broker sends (no tag re-check)', async () => {
    const broker = cluster.brokers[0]!;
    broker.handlers.set(RequestCode.CHECK_CLIENT_CONFIG, (ctx) => ctx.respond());
    const c = newConsumer();
    c.subscribe('T', { type: 'SQL92', expression: "TAGS IN ('Nope')" });
    const got: string[] = [];
    c.registerMessageListener(async (msgs) => {
      got.push(...msgs.map((m) => m.msgId));
      return 'CONSUME_SUCCESS';
    });
    await c.start();
    await until(() => got.length === 12, 'every message the broker selected');
    expect(broker.requests(RequestCode.CHECK_CLIENT_CONFIG)).toHaveLength(1);
    const pull = broker.requests(RequestCode.PULL_MESSAGE).find((r) => r.extFields!.topic === 'T')!;
    expect(pull.extFields!.expressionType).toBe('SQL92');
  });

  test('enableTrace: a SubBefore and a SubAfter record per message reach RMQ_SYS_TRACE_TOPIC, sent by the CONSUME trace group', async () => {
    const broker = cluster.brokers[0]!;
    const c = newConsumer({ enableTrace: true });
    c.subscribe('T', '*');
    const got: string[] = [];
    c.registerMessageListener(async (msgs) => {
      got.push(...msgs.map((m) => m.msgId));
      return 'CONSUME_SUCCESS';
    });
    await c.start();
    await until(() => got.length === 12, 'twelve messages');
    await c.shutdown();
    consumer = undefined;
    const traceSends = broker.sends().filter((r) => r.extFields!.b === 'RMQ_SYS_TRACE_TOPIC');
    expect(traceSends.length).toBeGreaterThan(0);
    expect(traceSends[0]!.extFields!.a).toMatch(/^_INNER_TRACE_PRODUCER-G-CONSUME-\d+$/);
    const records = traceSends.flatMap((r) => decodeTraceData(r.body!.toString('utf8')));
    for (const id of got) {
      const mine = records.filter((r) => r.traceBeans[0]!.msgId === id);
      const before = mine.find((r) => r.traceType === 'SubBefore')!;
      expect(before).toMatchObject({ groupName: 'G' });
      expect(mine.find((r) => r.traceType === 'SubAfter')).toMatchObject({ groupName: 'G', requestId: before.requestId, isSuccess: true, contextCode: 0 });
    }
    const keys = traceSends.flatMap((r) => string2messageProperties(r.extFields!.i).get('KEYS')!.split(' '));
    expect(keys).toEqual(expect.arrayContaining(got));
  });
});
