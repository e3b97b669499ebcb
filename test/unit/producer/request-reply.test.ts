import { ClientStateError, ClientError, InvalidArgumentError, RequestTimeoutError } from '../../../src/errors';
import { silentLogger, type Logger } from '../../../src/logger';
import { zlibCompress } from '../../../src/message/compression';
import { DefaultMQProducer } from '../../../src/producer/default-mq-producer';
import { Message } from '../../../src/message/message';
import type { MessageExt } from '../../../src/message/message-decoder';
import { string2messageProperties } from '../../../src/message/message-properties';
import { createReplyMessage, getReplyToClient, request, requestWithCallback } from '../../../src/producer/request-reply';
import { RequestFutureHolder, RequestResponseFuture } from '../../../src/producer/request-response-future';
import type { RemotingCommand } from '../../../src/remoting/protocol/remoting-command';
import type { FakeRequestContext } from '../../helpers/fake-remoting-server';
import { pushReplyCommand } from '../../helpers/push-reply';
import { startFakeCluster, until, type FakeBroker, type FakeNameServer } from '../../helpers/fake-rocketmq';

let ns: FakeNameServer;
let brokers: FakeBroker[];
let closeCluster: () => Promise<void>;
const producers: DefaultMQProducer[] = [];

beforeEach(async () => {
  ({ ns, brokers, close: closeCluster } = await startFakeCluster(2));
  ns.setRoute('TopicReq', brokers);
});

afterEach(async () => {
  await Promise.all(producers.splice(0).map((p) => p.shutdown()));
  await closeCluster();
});

async function started(): Promise<DefaultMQProducer> {
  const p = new DefaultMQProducer({ producerGroup: 'pg_req', namesrvAddr: ns.addr, logger: silentLogger });
  producers.push(p);
  await p.start();
  return p;
}

/** What the broker pushes for a reply: PUSH_REPLY_MESSAGE_TO_CLIENT with a ReplyMessageRequestHeader. */
function pushReply(requestProps: Map<string, string>, body: Buffer, sysFlag = 0): RemotingCommand {
  const props = new Map<string, string>([
    ['MSG_TYPE', 'reply'],
    ['CORRELATION_ID', requestProps.get('CORRELATION_ID')!],
    ['REPLY_TO_CLIENT', requestProps.get('REPLY_TO_CLIENT')!],
    ['TTL', requestProps.get('TTL')!],
    ['UNIQ_KEY', 'REPLY-UNIQ'],
  ]);
  return pushReplyCommand(props, body, sysFlag);
}

/** Every broker answers sends normally and, when `reply` is given, pushes it back on the same connection. */
function respondWith(reply?: (props: Map<string, string>) => { body: Buffer; sysFlag?: number }): RemotingCommand[] {
  const answers: RemotingCommand[] = [];
  for (const b of brokers) {
    b.onSend = (ctx: FakeRequestContext) => {
      const props = string2messageProperties(ctx.request.extFields!.i);
      if (reply) {
        const r = reply(props);
        setTimeout(() => {
          void b.server.sendRequest(pushReply(props, r.body, r.sysFlag), ctx.socket).then((res) => res && answers.push(res));
        }, 5);
      }
      return b.successFor(ctx.request);
    };
  }
  return answers;
}

describe('request/reply (protocol.md 12.7)', () => {
  test('the request carries CORRELATION_ID, REPLY_TO_CLIENT, TTL; the pushed reply resolves it and is answered SUCCESS', async () => {
    const p = await started();
    const answers = respondWith((props) => ({ body: Buffer.from(`re:${props.get('CORRELATION_ID')}`) }));
    const msg = new Message('TopicReq', 'ping');
    const reply: MessageExt = await request(p, msg, 3000);
    const correlationId = msg.getProperty('CORRELATION_ID')!;
    expect(correlationId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    expect(getReplyToClient(msg)).toBe(p.clientInstance!.clientId);
    expect(msg.getProperty('TTL')).toBe('3000');
    expect(reply.body.toString()).toBe(`re:${correlationId}`);
    expect(reply.topic).toBe('DefaultCluster_REPLY_TOPIC');
    expect(reply.getProperty('CORRELATION_ID')).toBe(correlationId);
    expect(Number(reply.getProperty('ARRIVE_TIME'))).toBeGreaterThan(0);
    expect(reply.bornHost.address).toBe('127.0.0.1:50000');
    expect(reply.storeTimestamp).toBe(1700000000001);
    await until(() => answers.length === 1, 'reply answered');
    expect(answers[0]!.code).toBe(0);
    expect(RequestFutureHolder.getInstance().requestFutureTable.size).toBe(0);
  });

  test('a compressed reply body is inflated', async () => {
    const p = await started();
    respondWith(() => ({ body: zlibCompress(Buffer.from('z'.repeat(5000))), sysFlag: 0x1 }));
    const reply = await request(p, new Message('TopicReq', 'x'), 3000);
    expect(reply.body.toString()).toBe('z'.repeat(5000));
  });

  test('queue and selector forms send where told', async () => {
    const p = await started();
    respondWith(() => ({ body: Buffer.from('ok') }));
    await request(p, new Message('TopicReq', 'q'), 3000, { queue: { topic: 'TopicReq', brokerName: 'broker-b', queueId: 2 } });
    expect(brokers[1]!.sends()[0]!.extFields!.e).toBe('2');
    await request(p, new Message('TopicReq', 's'), 3000, { selector: (mqs) => mqs.find((q) => q.brokerName === 'broker-a' && q.queueId === 3)!, arg: 1 });
    expect(brokers[0]!.sends()[0]!.extFields!.e).toBe('3');
  });

  test('no reply in time: RequestTimeoutError (10006) naming the topic; the future is removed', async () => {
    const p = await started();
    respondWith();
    const err = await request(p, new Message('TopicReq', 'x'), 200).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RequestTimeoutError);
    expect((err as RequestTimeoutError).clientCode).toBe(10006);
    expect((err as Error).message).toMatch(/TopicReq.*OK, but wait reply message timeout, 200 ms/);
    expect(RequestFutureHolder.getInstance().requestFutureTable.size).toBe(0);
  });

  test("an expired request is logged on its producer's logger, not the default one", async () => {
    const warned: string[] = [];
    const capture: Logger = { ...silentLogger, warn: (msg: string) => void warned.push(msg), child: () => capture };
    const holder = RequestFutureHolder.getInstance();
    const future = new RequestResponseFuture('corr-expired', 10, capture);
    holder.put(future);
    holder.scanExpiredRequest(Date.now() + 1000);
    expect(holder.get('corr-expired')).toBeUndefined();
    expect(future.isDone).toBe(true);
    expect(warned).toEqual(['remove timeout request']);

    const p = await started();
    respondWith();
    const put = jest.spyOn(holder, 'put');
    try {
      await request(p, new Message('TopicReq', 'x'), 50).catch(() => undefined);
      expect(put.mock.calls[0]![0].log).toBe(p.defaultMQProducerImpl.log);
    } finally {
      put.mockRestore();
    }
  });

  test('a failed send rejects at once with the cause', async () => {
    const p = await started();
    for (const b of brokers) b.onSend = () => ({ code: 13, remark: 'bad message' });
    const err = await request(p, new Message('TopicReq', 'x'), 3000).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ClientError);
    expect((err as Error).message).toMatch(/send request message to <TopicReq> fail/);
    expect((err as ClientError).cause).toBeDefined();
  });

  test('a reply nobody waits for is still answered SUCCESS', async () => {
    const p = await started();
    respondWith();
    await p.send(new Message('TopicReq', 'opens a broker connection'), { queue: { topic: 'TopicReq', brokerName: 'broker-a', queueId: 0 } });
    const props = new Map([
      ['CORRELATION_ID', 'nobody'],
      ['REPLY_TO_CLIENT', 'x'],
      ['TTL', '1'],
    ]);
    const conn = brokers[0]!.server;
    await until(() => conn.sockets.size > 0, 'a connection');
    const res = await conn.sendRequest(pushReply(props, Buffer.from('late')));
    expect(res!.code).toBe(0);
  });

  test('callback form: onSuccess with the reply, onException with the timeout', async () => {
    const p = await started();
    respondWith(() => ({ body: Buffer.from('cb') }));
    const reply = await new Promise<MessageExt>((resolve, reject) =>
      requestWithCallback(p, new Message('TopicReq', 'x'), { onSuccess: resolve, onException: reject }, 3000),
    );
    expect(reply.body.toString()).toBe('cb');
    respondWith();
    const err = await new Promise<Error>((resolve, reject) =>
      requestWithCallback(p, new Message('TopicReq', 'x'), { onSuccess: () => reject(new Error('unexpected')), onException: resolve }, 150),
    );
    expect(err).toBeInstanceOf(RequestTimeoutError);
  });

  test('bad input and state are refused before any I/O', async () => {
    const idle = new DefaultMQProducer({ producerGroup: 'pg_idle', namesrvAddr: ns.addr, logger: silentLogger });
    await expect(request(idle, new Message('TopicReq', 'x'), 1000)).rejects.toThrow(ClientStateError);
    const p = await started();
    await expect(request(p, new Message('TopicReq', 'x'), 0)).rejects.toThrow(InvalidArgumentError);
    expect(() => requestWithCallback(p, new Message('TopicReq', 'x'), {} as never, 100)).toThrow(InvalidArgumentError);
  });
});

describe('createReplyMessage (MessageUtil)', () => {
  test('reply topic from CLUSTER, MSG_TYPE=reply, correlation fields copied', () => {
    const req = new Message('T', 'q');
    req.putProperty('CLUSTER', 'DefaultCluster');
    req.putProperty('CORRELATION_ID', 'c1');
    req.putProperty('REPLY_TO_CLIENT', 'client-1');
    req.putProperty('TTL', '3000');
    const reply = createReplyMessage(req, 'answer');
    expect(reply.topic).toBe('DefaultCluster_REPLY_TOPIC');
    expect(reply.body.toString()).toBe('answer');
    expect(Object.fromEntries(['MSG_TYPE', 'CORRELATION_ID', 'REPLY_TO_CLIENT', 'TTL'].map((k) => [k, reply.getProperty(k)]))).toEqual({
      MSG_TYPE: 'reply',
      CORRELATION_ID: 'c1',
      REPLY_TO_CLIENT: 'client-1',
      TTL: '3000',
    });
  });

  test('no CLUSTER property: ClientError 10007', () => {
    expect(() => createReplyMessage(new Message('T', 'q'), 'a')).toThrow(/property\[CLUSTER\] is null/);
    expect(() => createReplyMessage(null as never, 'a')).toThrow(ClientError);
  });
});
