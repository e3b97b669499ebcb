import { BrokerFeatureNotSupportedError, BrokerResponseError, ClientStateError, InvalidArgumentError, InvalidConfigError, RequestAbortedError } from '../../../../src/errors';
import { silentLogger } from '../../../../src/logger';
import { SimpleConsumer } from '../../../../src/consumer/pop/simple-consumer';
import type { SimpleConsumerOptions } from '../../../../src/consumer/pop/simple-consumer-config';
import { MessageExt } from '../../../../src/message/message-decoder';
import { encodeMessageExts } from '../../../../src/message/stored-message-encoder';
import { newExtFields, type RemotingCommand } from '../../../../src/remoting/protocol/remoting-command';
import { RequestCode } from '../../../../src/remoting/protocol/request-code';
import type { FakeRequestContext } from '../../../helpers/fake-remoting-server';
import { startFakeCluster, until, type FakeBroker, type FakeNameServer } from '../../../helpers/fake-rocketmq';

let ns: FakeNameServer;
let brokers: FakeBroker[];
let closeCluster: () => Promise<void>;
const consumers: SimpleConsumer[] = [];

function consumer(options: Partial<SimpleConsumerOptions> = {}): SimpleConsumer {
  const c = new SimpleConsumer({
    consumerGroup: 'cg',
    namesrvAddr: ns.addr,
    logger: silentLogger,
    subscriptions: { TopicPop: 'TagA || TagB' },
    awaitDurationMs: 1000,
    ...options,
  });
  consumers.push(c);
  return c;
}

function record(topic: string, queueId: number, queueOffset: bigint, tags: string): MessageExt {
  const m = new MessageExt(topic, Buffer.from(`b${queueOffset}`));
  m.queueId = queueId;
  m.queueOffset = queueOffset;
  m.tags = tags;
  return m;
}

/** Makes `broker` answer the pop codes with `pop` (other codes as before). */
function servePop(broker: FakeBroker, pop: (ctx: FakeRequestContext) => void): void {
  const previous = broker.server.handler;
  broker.server.setHandler((ctx) => {
    const code = ctx.request.code;
    if (code === RequestCode.POP_MESSAGE || code === RequestCode.ACK_MESSAGE || code === RequestCode.CHANGE_MESSAGE_INVISIBLETIME) pop(ctx);
    else previous(ctx);
  });
}

function popAnswer(ctx: FakeRequestContext, records: MessageExt[]): void {
  const ext = newExtFields();
  Object.assign(ext, {
    popTime: '1700000000000',
    invisibleTime: ctx.request.extFields?.invisibleTime ?? '0',
    reviveQid: '1',
    restNum: '0',
    startOffsetInfo: '0 2 10',
    msgOffsetInfo: `0 2 ${records.map((r) => r.queueOffset).join(',')}`,
  });
  ctx.respond({ code: 0, extFields: ext, body: encodeMessageExts(records) });
}

function requests(broker: FakeBroker, code: number): RemotingCommand[] {
  return broker.server.received.filter((r) => r.code === code);
}

beforeEach(async () => {
  ({ ns, brokers, close: closeCluster } = await startFakeCluster(2));
  ns.setRoute('TopicPop', brokers);
});

afterEach(async () => {
  await Promise.all(consumers.splice(0).map((c) => c.shutdown()));
  await closeCluster();
});

describe('SimpleConsumer options', () => {
  test('strict: an unknown key names the option it resembles', () => {
    expect(() => new SimpleConsumer({ consumerGroup: 'g', awaitDuratonMs: 5 } as never)).toThrow(/Unknown option "awaitDuratonMs" \(did you mean "awaitDurationMs"\?\)/);
    expect(() => new SimpleConsumer({ consumerGroup: 'g', awaitDurationMs: -1 })).toThrow(InvalidConfigError);
    expect(() => new SimpleConsumer({} as never)).toThrow(/consumerGroup/);
    expect(() => new SimpleConsumer({ consumerGroup: 'g', subscriptions: { T: { expression: 'a', type: 'XX' as never } } })).toThrow(InvalidConfigError);
  });

  test('bad group or topic names are refused before any I/O', () => {
    expect(() => new SimpleConsumer({ consumerGroup: 'bad group' })).toThrow(InvalidArgumentError);
    expect(() => new SimpleConsumer({ consumerGroup: 'g', subscriptions: { 'bad topic': '*' } })).toThrow(InvalidArgumentError);
  });
});

describe('SimpleConsumer against fake brokers', () => {
  test('calls before start() or after shutdown() are ClientStateError; arguments are checked', async () => {
    const c = consumer();
    await expect(c.receive()).rejects.toBeInstanceOf(ClientStateError);
    await c.start();
    await expect(c.receive(0)).rejects.toBeInstanceOf(InvalidArgumentError);
    await expect(c.receive(33)).rejects.toBeInstanceOf(InvalidArgumentError);
    await expect(c.receive(1, 10)).rejects.toBeInstanceOf(InvalidArgumentError);
    await c.shutdown();
    await expect(c.receive()).rejects.toBeInstanceOf(ClientStateError);
  });

  test('heartbeats carry the group as CONSUME_POP, CLUSTERING, with the subscription', async () => {
    const c = consumer();
    await c.start();
    const hb = requests(brokers[0]!, RequestCode.HEART_BEAT).at(-1)!;
    const body = JSON.parse(hb.body!.toString('utf8')) as { consumerDataSet: Array<Record<string, unknown>> };
    expect(body.consumerDataSet).toEqual([
      expect.objectContaining({
        groupName: 'cg',
        consumeType: 'CONSUME_POP',
        messageModel: 'CLUSTERING',
        consumeFromWhere: 'CONSUME_FROM_LAST_OFFSET',
        subscriptionDataSet: [expect.objectContaining({ topic: 'TopicPop', subString: 'TagA || TagB', tagsSet: ['TagA', 'TagB'] })],
      }),
    ]);
  });

  test('receive: the POP_MESSAGE request, brokers in turn, tag re-check with the filtered message acked', async () => {
    for (const b of brokers) {
      servePop(b, (ctx) => {
        if (ctx.request.code === RequestCode.POP_MESSAGE) popAnswer(ctx, [record('TopicPop', 2, 10n, 'TagA'), record('TopicPop', 2, 11n, 'TagC')]);
        else ctx.respond({ code: 0 });
      });
    }
    const c = consumer({ consumeFromWhere: 'CONSUME_FROM_FIRST_OFFSET' });
    await c.start();
    const before = Date.now();
    const got = await c.receive(16, 20_000);
    await c.receive(16, 20_000);
    const [popA] = requests(brokers[0]!, RequestCode.POP_MESSAGE);
    const [popB] = requests(brokers[1]!, RequestCode.POP_MESSAGE);
    expect(popA && popB).toBeTruthy();
    expect(popA!.extFields).toMatchObject({
      consumerGroup: 'cg',
      topic: 'TopicPop',
      queueId: '-1',
      maxMsgNums: '16',
      invisibleTime: '20000',
      pollTime: '1000',
      initMode: '0',
      expType: 'TAG',
      exp: 'TagA || TagB',
      order: 'false',
      bname: 'broker-a',
    });
    expect(Number(popA!.extFields!.bornTime)).toBeGreaterThanOrEqual(before);
    expect(popB!.extFields!.bname).toBe('broker-b');

    expect(got.map((m) => [m.topic, m.tag, m.receiptHandle])).toEqual([['TopicPop', 'TagA', '10 1700000000000 20000 1 0 broker-a 2 10']]);
    // The TagC record does not match the subscription: acked, not handed over.
    await until(() => requests(brokers[0]!, RequestCode.ACK_MESSAGE).length === 1, 'the filtered message acked');
    expect(requests(brokers[0]!, RequestCode.ACK_MESSAGE)[0]!.extFields).toMatchObject({ offset: '11', extraInfo: '10 1700000000000 20000 1 0 broker-a 2 11' });
  });

  test('ack and changeInvisibleDuration: headers from the receipt handle, retry topic for a retried message, new handle', async () => {
    servePop(brokers[0]!, (ctx) => {
      if (ctx.request.code === RequestCode.POP_MESSAGE) {
        const retried = record('%RETRY%cg_TopicPop', 0, 7n, 'TagB');
        retried.reconsumeTimes = 1;
        retried.putProperty('POP_CK', '7 1700000000000 15000 1 1 broker-a 0 7');
        popAnswer(ctx, [retried]);
      } else if (ctx.request.code === RequestCode.CHANGE_MESSAGE_INVISIBLETIME) {
        const ext = newExtFields();
        Object.assign(ext, { popTime: '1700000005000', invisibleTime: ctx.request.extFields!.invisibleTime!, reviveQid: '1' });
        ctx.respond({ code: 0, extFields: ext });
      } else {
        ctx.respond({ code: 0 });
      }
    });
    const c = consumer();
    await c.start();
    const [m] = await c.receive(1, 15_000);
    expect(m!.topic).toBe('TopicPop');
    expect(m!.reconsumeTimes).toBe(1);
    const handle = await c.changeInvisibleDuration(m!, 60_000);
    expect(handle).toBe('7 1700000005000 60000 1 1 broker-a 0 7');
    expect(m!.receiptHandle).toBe(handle);
    const change = requests(brokers[0]!, RequestCode.CHANGE_MESSAGE_INVISIBLETIME)[0]!;
    expect(change.extFields).toMatchObject({
      consumerGroup: 'cg',
      topic: '%RETRY%cg_TopicPop',
      queueId: '0',
      offset: '7',
      invisibleTime: '60000',
      extraInfo: '7 1700000000000 15000 1 1 broker-a 0 7',
      bname: 'broker-a',
    });
    await c.ack(m!);
    expect(requests(brokers[0]!, RequestCode.ACK_MESSAGE)[0]!.extFields).toMatchObject({
      consumerGroup: 'cg',
      topic: '%RETRY%cg_TopicPop',
      queueId: '0',
      offset: '7',
      extraInfo: handle,
      bname: 'broker-a',
    });
  });

  test('an ack the broker refuses rejects with BrokerResponseError', async () => {
    servePop(brokers[0]!, (ctx) => {
      if (ctx.request.code === RequestCode.POP_MESSAGE) popAnswer(ctx, [record('TopicPop', 2, 10n, 'TagA')]);
      else ctx.respond({ code: 206, remark: 'offset is illegal' });
    });
    const c = consumer();
    await c.start();
    const [m] = await c.receive(1, 15_000);
    await expect(c.ack(m!)).rejects.toMatchObject({ responseCode: 206 });
    await expect(c.ack(m!)).rejects.toBeInstanceOf(BrokerResponseError);
  });

  test('a 4.9 broker (REQUEST_CODE_NOT_SUPPORTED): receive rejects with BrokerFeatureNotSupportedError', async () => {
    const c = consumer();
    await c.start();
    const err: unknown = await c.receive(1, 15_000).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BrokerFeatureNotSupportedError);
    expect(err).toMatchObject({ responseCode: 3, feature: 'POP_MESSAGE', brokerAddr: brokers[0]!.addr });
  });

  test('ack and changeInvisibleDuration answered REQUEST_CODE_NOT_SUPPORTED reject with BrokerFeatureNotSupportedError', async () => {
    servePop(brokers[0]!, (ctx) => {
      if (ctx.request.code === RequestCode.POP_MESSAGE) popAnswer(ctx, [record('TopicPop', 2, 10n, 'TagA')]);
      else ctx.respond({ code: 3, remark: ` request type ${ctx.request.code} not supported` });
    });
    const c = consumer();
    await c.start();
    const [m] = await c.receive(1, 15_000);
    await expect(c.ack(m!)).rejects.toMatchObject({ code: 'ERR_BROKER_FEATURE_NOT_SUPPORTED', feature: 'ACK_MESSAGE' });
    await expect(c.changeInvisibleDuration(m!, 5000)).rejects.toMatchObject({ feature: 'CHANGE_MESSAGE_INVISIBLETIME' });
    expect(m!.receiptHandle).toBe('10 1700000000000 15000 1 0 broker-a 2 10');
  });

  test('a receipt handle that is not one is refused before any I/O', async () => {
    servePop(brokers[0]!, (ctx) => popAnswer(ctx, [record('TopicPop', 2, 10n, 'TagA')]));
    const c = consumer();
    await c.start();
    const [m] = await c.receive(1, 15_000);
    const routeLookups = ns.routeRequests('TopicPop').length;
    m!.receiptHandle = 'garbage';
    await expect(c.ack(m!)).rejects.toBeInstanceOf(InvalidArgumentError);
    await expect(c.changeInvisibleDuration(m!, 5000)).rejects.toBeInstanceOf(InvalidArgumentError);
    await expect(c.ack({} as never)).rejects.toBeInstanceOf(InvalidArgumentError);
    expect(requests(brokers[0]!, RequestCode.ACK_MESSAGE)).toHaveLength(0);
    expect(ns.routeRequests('TopicPop')).toHaveLength(routeLookups);
  });

  test('shutdown() ends a waiting long poll with RequestAbortedError', async () => {
    servePop(brokers[0]!, () => {
      /* hold: the broker long-polls */
    });
    const c = consumer({ awaitDurationMs: 20_000 });
    await c.start();
    const pending = c.receive(1, 15_000).catch((e: unknown) => e);
    await until(() => requests(brokers[0]!, RequestCode.POP_MESSAGE).length === 1, 'the pop request');
    await c.shutdown();
    expect(await pending).toBeInstanceOf(RequestAbortedError);
  });

  test('receive with no subscription is refused; subscribe and unsubscribe change what is polled', async () => {
    const c = consumer({ subscriptions: {} });
    await c.start();
    await expect(c.receive()).rejects.toThrow(/no subscription/);
    servePop(brokers[0]!, (ctx) => popAnswer(ctx, []));
    await c.subscribe('TopicPop', { expression: 'a > 1', type: 'SQL92' });
    await c.receive(1, 15_000).catch(() => undefined);
    expect(requests(brokers[0]!, RequestCode.POP_MESSAGE)[0]!.extFields).toMatchObject({ expType: 'SQL92', exp: 'a > 1' });
    c.unsubscribe('TopicPop');
    await expect(c.receive()).rejects.toThrow(/no subscription/);
  });
});

