import { silentLogger } from '../../../src/logger';
import { DefaultMQProducer } from '../../../src/producer/default-mq-producer';
import { TransactionMQProducer } from '../../../src/producer/transaction-mq-producer';
import { Message } from '../../../src/message/message';
import { decodeMessageExts } from '../../../src/message/message-decoder';
import { decodeOffsetMessageId } from '../../../src/message/message-id';
import { RemotingClient } from '../../../src/remoting/remoting-client';
import { newExtFields, RemotingCommand } from '../../../src/remoting/protocol/remoting-command';
import { FakeRocketMQ, RequestCode, ResponseCode } from '../../../src/testing';
import type { LocalTransactionState } from '../../../src/producer/transaction-listener';
import { createReplyMessage } from '../../../src/producer/request-reply';

let fake: FakeRocketMQ;
const closers: (() => Promise<unknown>)[] = [];

afterEach(async () => {
  await Promise.all(closers.splice(0).map((c) => c()));
  await fake?.close();
});

async function producer(group = 'pg_fake'): Promise<DefaultMQProducer> {
  const p = new DefaultMQProducer({ producerGroup: group, namesrvAddr: fake.namesrvAddr, logger: silentLogger, sendMsgTimeoutMs: 2000 });
  await p.start();
  closers.push(() => p.shutdown());
  return p;
}

function client(): RemotingClient {
  const c = new RemotingClient({ namesrvAddrs: [fake.namesrvAddr], logger: silentLogger });
  closers.push(() => c.shutdown());
  return c;
}

function request(code: number, fields: Record<string, string | number | bigint>, body?: Buffer): RemotingCommand {
  const ext = newExtFields();
  for (const [k, v] of Object.entries(fields)) ext[k] = String(v);
  return RemotingCommand.createRequest(code, ext, body);
}

const broker = (): string => fake.brokerAddrs['broker-a']!;

function pull(c: RemotingClient, topic: string, queueOffset: bigint, extra: Record<string, string | number> = {}, timeoutMs = 3000): Promise<RemotingCommand> {
  const fields = { consumerGroup: 'cg', topic, queueId: 0, queueOffset, maxMsgNums: 32, sysFlag: 0x4, commitOffset: 0, suspendTimeoutMillis: 0, subscription: '*', subVersion: 0, expressionType: 'TAG', ...extra };
  return c.invoke(broker(), request(RequestCode.PULL_MESSAGE, fields), timeoutMs);
}

describe('FakeRocketMQ send path', () => {
  test('a send gets what a broker answers: offset msg id of the store host, queue offsets, transaction id, region, trace', async () => {
    fake = await FakeRocketMQ.start({ topics: { T: { queues: 1 } } });
    const p = await producer();
    const first = await p.send(new Message('T', 'one', { tags: 'a', keys: 'k1' }));
    const second = await p.send(new Message('T', 'two'));
    expect(first).toMatchObject({ sendStatus: 'SEND_OK', queueOffset: 0n, regionId: 'DefaultRegion', traceOn: true });
    expect(second.queueOffset).toBe(1n);
    expect(first.transactionId).toBe(first.msgId);
    const id = decodeOffsetMessageId(first.offsetMsgId!);
    expect(id.addr).toBe(broker());
    expect(id.offset).toBe(0n);
    expect(decodeOffsetMessageId(second.offsetMsgId!).offset).toBeGreaterThan(0n);
    const stored = fake.messages('T');
    expect(stored.map((m) => m.body.toString())).toEqual(['one', 'two']);
    expect(stored[0]).toMatchObject({ tags: 'a', keys: 'k1', msgId: first.msgId, offsetMsgId: first.offsetMsgId, queueOffset: 0n });
    expect([stored[0]!.getProperty('CLUSTER'), stored[0]!.getProperty('MSG_REGION'), stored[0]!.getProperty('TRACE_ON')]).toEqual(['DefaultCluster', 'DefaultRegion', 'true']);
  });

  test('a batch: one offset id per message, consecutive queue offsets, own tags; the batch UNIQ_KEY stored on each, as 5.3 does', async () => {
    fake = await FakeRocketMQ.start({ topics: { B: { queues: 1 } } });
    const p = await producer();
    const r = await p.send([new Message('B', 'x', { tags: 't1' }), new Message('B', 'y', { tags: 't2' })]);
    expect(r.offsetMsgId!.split(',')).toHaveLength(2);
    const stored = fake.messages('B');
    expect(stored.map((m) => [m.tags, m.queueOffset])).toEqual([['t1', 0n], ['t2', 1n]]);
    expect(r.msgId.split(',')).toHaveLength(2);
    expect(stored.map((m) => m.msgId)).toEqual([r.transactionId, r.transactionId]);
    expect(stored.map((m) => m.offsetMsgId)).toEqual(r.offsetMsgId!.split(','));
  });

  test('an unknown topic is created from TBW102 on send, or refused when auto-create is off', async () => {
    fake = await FakeRocketMQ.start();
    const p = await producer();
    await p.send(new Message('Fresh', 'x'));
    expect(fake.messages('Fresh')).toHaveLength(1);
    await fake.close();
    fake = await FakeRocketMQ.start({ autoCreateTopic: false });
    const c = client();
    const route = await c.invoke(null, request(RequestCode.GET_ROUTEINFO_BY_TOPIC, { topic: 'Fresh' }), 2000);
    expect(route.code).toBe(ResponseCode.TOPIC_NOT_EXIST);
    expect(route.remark).toContain('No topic route info in name server for the topic: Fresh');
    const send = await c.invoke(broker(), request(RequestCode.SEND_MESSAGE, { producerGroup: 'g', topic: 'Fresh', defaultTopic: 'TBW102', defaultTopicQueueNums: 4, queueId: 0, sysFlag: 0, bornTimestamp: Date.now(), flag: 0 }, Buffer.from('x')), 2000);
    expect(send.code).toBe(ResponseCode.TOPIC_NOT_EXIST);
    expect(send.extFields).toMatchObject({ MSG_REGION: 'DefaultRegion', TRACE_ON: 'true' });
  });

  test('routes quote broker ids only for version >= 401 or acceptStandardJsonOnly; cluster info never does', async () => {
    fake = await FakeRocketMQ.start({ brokers: ['broker-a', 'broker-b'], topics: { R: { queues: 2 } } });
    const c = client();
    const old = request(RequestCode.GET_ROUTEINFO_BY_TOPIC, { topic: 'R' });
    old.version = 317;
    expect((await c.invoke(null, old, 2000)).body!.toString()).toContain(`"brokerAddrs":{0:"${broker()}"}`);
    const modern = await c.invoke(null, request(RequestCode.GET_ROUTEINFO_BY_TOPIC, { topic: 'R', acceptStandardJsonOnly: 'true' }), 2000);
    const route = JSON.parse(modern.body!.toString());
    expect(Object.keys(route)).toEqual(['brokerDatas', 'filterServerTable', 'queueDatas']);
    expect(route.queueDatas).toEqual([
      { brokerName: 'broker-a', perm: 6, readQueueNums: 2, topicSysFlag: 0, writeQueueNums: 2 },
      { brokerName: 'broker-b', perm: 6, readQueueNums: 2, topicSysFlag: 0, writeQueueNums: 2 },
    ]);
    const cluster = (await c.invoke(null, request(RequestCode.GET_BROKER_CLUSTER_INFO, {}), 2000)).body!.toString();
    expect(cluster).toContain(`"brokerAddrs":{0:"${fake.brokerAddrs['broker-b']}"}`);
    expect(cluster).toContain('"clusterAddrTable":{"DefaultCluster":["broker-a","broker-b"]}');
  });
});

describe('FakeRocketMQ pull path', () => {
  test('FOUND with stored records, NO_NEW_MSG at the end, OFFSET_MOVED past it, RETRY_IMMEDIATELY when the filter matches nothing', async () => {
    fake = await FakeRocketMQ.start({ topics: { P: { queues: 1 } } });
    const p = await producer();
    const sent = await p.send(new Message('P', 'hello', { tags: 'A' }));
    await p.send(new Message('P', 'world', { tags: 'B' }));
    const c = client();
    const found = await pull(c, 'P', 0n);
    expect(found.code).toBe(ResponseCode.SUCCESS);
    expect(found.extFields).toMatchObject({ nextBeginOffset: '2', minOffset: '0', maxOffset: '2', suggestWhichBrokerId: '0' });
    const msgs = decodeMessageExts(found.body!);
    expect(msgs.map((m) => m.body.toString())).toEqual(['hello', 'world']);
    expect(msgs[0]).toMatchObject({ msgId: sent.msgId, offsetMsgId: sent.offsetMsgId, queueOffset: 0n, topic: 'P' });
    expect(msgs[0]!.storeHost.address).toBe(broker());
    expect((await pull(c, 'P', 2n)).code).toBe(ResponseCode.PULL_NOT_FOUND);
    const moved = await pull(c, 'P', 9n);
    expect(moved.code).toBe(ResponseCode.PULL_OFFSET_MOVED);
    expect(moved.extFields!.nextBeginOffset).toBe('0');
    const onlyB = await pull(c, 'P', 0n, { subscription: 'B' });
    expect(decodeMessageExts(onlyB.body!).map((m) => m.tags)).toEqual(['B']);
    const none = await pull(c, 'P', 0n, { subscription: 'C || D' });
    expect(none.code).toBe(ResponseCode.PULL_RETRY_IMMEDIATELY);
    expect(none.extFields!.nextBeginOffset).toBe('2');
  });

  test('long polling: an empty pull is held and answered when a message arrives, or NO_NEW_MSG at its timeout', async () => {
    fake = await FakeRocketMQ.start({ topics: { L: { queues: 1 } } });
    const p = await producer();
    const c = client();
    const held = pull(c, 'L', 0n, { sysFlag: 0x4 | 0x2, suspendTimeoutMillis: 10_000 }, 15_000);
    let settled = false;
    void held.then(() => (settled = true));
    await new Promise((r) => setTimeout(r, 100));
    expect(settled).toBe(false);
    await p.send(new Message('L', 'late'));
    const r = await held;
    expect(r.code).toBe(ResponseCode.SUCCESS);
    expect(decodeMessageExts(r.body!).map((m) => m.body.toString())).toEqual(['late']);
    const timedOut = await pull(c, 'L', 1n, { sysFlag: 0x4 | 0x2, suspendTimeoutMillis: 50 });
    expect(timedOut.code).toBe(ResponseCode.PULL_NOT_FOUND);
  });

  test('offsets: max/min/search, QUERY_CONSUMER_OFFSET 0 for a queue with its first message, QUERY_NOT_FOUND when empty, UPDATE then QUERY', async () => {
    fake = await FakeRocketMQ.start({ topics: { O: { queues: 2 } } });
    const p = await producer();
    const before = Date.now();
    await p.send(new Message('O', 'a'), { queue: { topic: 'O', brokerName: 'broker-a', queueId: 0 } });
    const c = client();
    const q = (code: number, f: Record<string, string | number>) => c.invoke(broker(), request(code, { topic: 'O', queueId: 0, ...f }), 2000);
    expect((await q(RequestCode.GET_MAX_OFFSET, {})).extFields!.offset).toBe('1');
    expect((await q(RequestCode.GET_MIN_OFFSET, {})).extFields!.offset).toBe('0');
    expect((await q(RequestCode.SEARCH_OFFSET_BY_TIMESTAMP, { timestamp: before - 1000 })).extFields!.offset).toBe('0');
    expect((await q(RequestCode.SEARCH_OFFSET_BY_TIMESTAMP, { timestamp: Date.now() + 60_000 })).extFields!.offset).toBe('1');
    expect((await q(RequestCode.QUERY_CONSUMER_OFFSET, { consumerGroup: 'cg' })).extFields!.offset).toBe('0');
    expect((await q(RequestCode.QUERY_CONSUMER_OFFSET, { consumerGroup: 'cg', queueId: 1 })).code).toBe(ResponseCode.QUERY_NOT_FOUND);
    expect((await q(RequestCode.UPDATE_CONSUMER_OFFSET, { consumerGroup: 'cg', commitOffset: 1 })).code).toBe(ResponseCode.SUCCESS);
    expect((await q(RequestCode.QUERY_CONSUMER_OFFSET, { consumerGroup: 'cg' })).extFields!.offset).toBe('1');
    expect(fake.consumerOffset('cg', 'O', 0)).toBe(1n);
  });
});

describe('FakeRocketMQ consumers and transactions', () => {
  test('heartbeats build the consumer list; members are told NOTIFY_CONSUMER_IDS_CHANGED when the group changes', async () => {
    fake = await FakeRocketMQ.start({ topics: { G: {} } });
    const notified: string[] = [];
    const heartbeat = (c: RemotingClient, id: string) =>
      c.invoke(broker(), request(RequestCode.HEART_BEAT, {}, Buffer.from(JSON.stringify({
        clientID: id,
        producerDataSet: [],
        consumerDataSet: [{ groupName: 'cg', consumeType: 'CONSUME_PASSIVELY', messageModel: 'CLUSTERING', subscriptionDataSet: [{ topic: 'G', subString: '*', expressionType: 'TAG', subVersion: 1 }] }],
      }))), 2000);
    const a = client();
    a.registerProcessor(RequestCode.NOTIFY_CONSUMER_IDS_CHANGED, (req) => {
      notified.push(req.extFields!.consumerGroup!);
      return null;
    });
    const hb = await heartbeat(a, 'client-a');
    expect(hb.extFields).toMatchObject({ IS_SUPPORT_HEART_BEAT_V2: 'true', IS_SUB_CHANGE: 'true' });
    const b = client();
    await heartbeat(b, 'client-b');
    const list = await a.invoke(broker(), request(RequestCode.GET_CONSUMER_LIST_BY_GROUP, { consumerGroup: 'cg' }), 2000);
    expect(JSON.parse(list.body!.toString()).consumerIdList.sort()).toEqual(['client-a', 'client-b']);
    for (let i = 0; i < 200 && notified.length < 2; i++) await new Promise((r) => setTimeout(r, 5));
    expect(notified).toEqual(['cg', 'cg']);
    await b.shutdown();
    for (let i = 0; i < 200 && fake.consumerIds('cg').length > 1; i++) await new Promise((r) => setTimeout(r, 5));
    expect(fake.consumerIds('cg')).toEqual(['client-a']);
    expect((await a.invoke(broker(), request(RequestCode.GET_CONSUMER_LIST_BY_GROUP, { consumerGroup: 'nobody' }), 2000)).code).toBe(ResponseCode.SYSTEM_ERROR);
    // Without the subscription flag, a pull uses the heartbeat's subscription.
    expect((await pull(a, 'G', 0n, { sysFlag: 0 })).code).toBe(ResponseCode.PULL_NOT_FOUND);
    expect((await pull(a, 'G', 0n, { sysFlag: 0, consumerGroup: 'nobody' })).code).toBe(ResponseCode.SUBSCRIPTION_NOT_EXIST);
  });

  test('half messages stay invisible; commit shows them, rollback drops them, unknown is checked back', async () => {
    fake = await FakeRocketMQ.start({ topics: { X: { queues: 1 } } });
    let decide: LocalTransactionState = 'COMMIT_MESSAGE';
    const checked: string[] = [];
    const p = new TransactionMQProducer({
      producerGroup: 'tx_group',
      namesrvAddr: fake.namesrvAddr,
      logger: silentLogger,
      transactionListener: {
        executeLocalTransaction: () => decide,
        checkLocalTransaction: (m) => {
          checked.push(m.body.toString());
          return 'COMMIT_MESSAGE';
        },
      },
    });
    await p.start();
    closers.push(() => p.shutdown());
    const committed = await p.sendMessageInTransaction(new Message('X', 'commit'));
    expect(committed.localTransactionState).toBe('COMMIT_MESSAGE');
    decide = 'ROLLBACK_MESSAGE';
    await p.sendMessageInTransaction(new Message('X', 'rollback'));
    decide = 'UNKNOW';
    await p.sendMessageInTransaction(new Message('X', 'later'));
    for (let i = 0; i < 400 && fake.pendingTransactions > 1; i++) await new Promise((r) => setTimeout(r, 5));
    expect(fake.pendingTransactions).toBe(1);
    expect(fake.messages('X').map((m) => m.body.toString())).toEqual(['commit']);
    const visible = fake.messages('X')[0]!;
    expect(visible.msgId).toBe(committed.msgId);
    // As a 5.3 broker stores a committed message: the half message's bookkeeping properties stay.
    expect([visible.getProperty('REAL_TOPIC'), visible.getProperty('TRAN_MSG'), visible.sysFlag]).toEqual(['X', 'true', 8]);
    expect(fake.checkTransactions()).toBe(1);
    for (let i = 0; i < 400 && fake.pendingTransactions > 0; i++) await new Promise((r) => setTimeout(r, 5));
    expect(checked).toEqual(['later']);
    expect(fake.messages('X').map((m) => m.body.toString())).toEqual(['commit', 'later']);
  });
});

describe('FakeRocketMQ retries and orderly locks', () => {
  test('CONSUMER_SEND_MSG_BACK: to %RETRY% after the level delay with reconsumeTimes+1, to %DLQ% past maxReconsumeTimes', async () => {
    fake = await FakeRocketMQ.start({ topics: { R: { queues: 1 } }, delayLevelsMs: [10, 20, 30] });
    const p = await producer();
    const sent = await p.send(new Message('R', 'fails'));
    const c = client();
    const back = (offset: bigint, max: number) =>
      c.invoke(broker(), request(RequestCode.CONSUMER_SEND_MSG_BACK, { offset, group: 'cg', delayLevel: 0, originMsgId: sent.msgId, maxReconsumeTimes: max }), 2000);
    expect((await back(decodeOffsetMessageId(sent.offsetMsgId!).offset, 16)).code).toBe(ResponseCode.SUCCESS);
    expect(fake.messages('%RETRY%cg')).toHaveLength(0);
    for (let i = 0; i < 400 && fake.messages('%RETRY%cg').length === 0; i++) await new Promise((r) => setTimeout(r, 5));
    const retry = fake.messages('%RETRY%cg')[0]!;
    expect(retry).toMatchObject({ reconsumeTimes: 1, msgId: sent.msgId });
    expect(retry.body.toString()).toBe('fails');
    expect([retry.getProperty('RETRY_TOPIC'), retry.getProperty('ORIGIN_MESSAGE_ID'), retry.getProperty('DELAY')]).toEqual(['R', sent.offsetMsgId, '3']);
    expect((await back(retry.commitLogOffset, 1)).code).toBe(ResponseCode.SUCCESS);
    const dead = fake.messages('%DLQ%cg');
    expect(dead.map((m) => [m.reconsumeTimes, m.getProperty('RETRY_TOPIC')])).toEqual([[2, 'R']]);
    expect((await back(999_999n, 16)).code).toBe(ResponseCode.SYSTEM_ERROR);
  });

  test('LOCK_BATCH_MQ locks free queues for one client; UNLOCK_BATCH_MQ frees its own', async () => {
    fake = await FakeRocketMQ.start({ topics: { Q: { queues: 2 } } });
    const c = client();
    const mq = (queueId: number) => ({ topic: 'Q', brokerName: 'broker-a', queueId });
    const call = async (code: number, clientId: string, ids: number[]) => {
      const body = Buffer.from(JSON.stringify({ consumerGroup: 'og', clientId, onlyThisBroker: false, mqSet: ids.map(mq) }));
      const r = await c.invoke(broker(), request(code, {}, body), 2000);
      return r.body ? (JSON.parse(r.body.toString()).lockOKMQSet as { queueId: number }[]).map((q) => q.queueId) : r.code;
    };
    expect(await call(RequestCode.LOCK_BATCH_MQ, 'A', [0, 1])).toEqual([0, 1]);
    expect(await call(RequestCode.LOCK_BATCH_MQ, 'B', [0, 1])).toEqual([]);
    expect(await call(RequestCode.UNLOCK_BATCH_MQ, 'A', [0])).toBe(ResponseCode.SUCCESS);
    expect(await call(RequestCode.LOCK_BATCH_MQ, 'B', [0, 1])).toEqual([0]);
    expect(await call(RequestCode.LOCK_BATCH_MQ, 'A', [1])).toEqual([1]);
  });

  test('a queue lock not renewed within queueLockLiveMs is free for another client; queueLockOwner tells who holds it', async () => {
    fake = await FakeRocketMQ.start({ topics: { Q: { queues: 1 } }, queueLockLiveMs: 200 });
    const c = client();
    const lock = async (clientId: string) => {
      const body = Buffer.from(JSON.stringify({ consumerGroup: 'og', clientId, mqSet: [{ topic: 'Q', brokerName: 'broker-a', queueId: 0 }] }));
      const r = await c.invoke(broker(), request(RequestCode.LOCK_BATCH_MQ, {}, body), 2000);
      return (JSON.parse(r.body!.toString()).lockOKMQSet as unknown[]).length === 1;
    };
    expect(await lock('A')).toBe(true);
    expect(fake.queueLockOwner('og', 'Q', 0)).toBe('A');
    expect(await lock('B')).toBe(false);
    await new Promise((r) => setTimeout(r, 260));
    expect(fake.queueLockOwner('og', 'Q', 0)).toBeUndefined();
    expect(await lock('B')).toBe(true);
    expect(fake.queueLockOwner('og', 'Q', 0)).toBe('B');
    expect(fake.queueLockOwner('other', 'Q', 0)).toBeUndefined();
  });
});

describe('FakeRocketMQ request/reply', () => {
  test('a reply sent with SEND_REPLY_MESSAGE_V2 is pushed to the requester (PUSH_REPLY_MESSAGE_TO_CLIENT) and stored', async () => {
    fake = await FakeRocketMQ.start({ topics: { TopicReq: { queues: 1 } } });
    const requester = new DefaultMQProducer({ producerGroup: 'pg_requester', namesrvAddr: fake.namesrvAddr, logger: silentLogger, topics: ['TopicReq'] });
    await requester.start();
    closers.push(() => requester.shutdown());
    const responder = await producer('pg_responder');
    const pending = requester.request(new Message('TopicReq', 'ping'), 5000);
    for (let i = 0; i < 400 && fake.messages('TopicReq').length === 0; i++) await new Promise((r) => setTimeout(r, 5));
    const asked = fake.messages('TopicReq')[0]!;
    expect(asked.body.toString()).toBe('ping');
    await responder.send(createReplyMessage(asked, 'pong'));
    const reply = await pending;
    expect(reply.body.toString()).toBe('pong');
    expect(reply.getProperty('CORRELATION_ID')).toBe(asked.getProperty('CORRELATION_ID'));
    expect(reply.getProperty('PUSH_REPLY_TIME')).toMatch(/^\d+$/);
    expect(fake.requests(RequestCode.SEND_REPLY_MESSAGE_V2)).toHaveLength(1);
    expect(fake.messages('DefaultCluster_REPLY_TOPIC').map((m) => m.body.toString())).toEqual(['pong']);
  });
});

describe('FakeRocketMQ scripts', () => {
  test('respond with a code once, then the normal answer; the rule counts its hits', async () => {
    fake = await FakeRocketMQ.start({ topics: { S: { queues: 1 } } });
    const c = client();
    const rule = fake.script(RequestCode.GET_ROUTEINFO_BY_TOPIC, { times: 1, action: { type: 'respond', code: 1, remark: 'not ready' } });
    const first = await c.invoke(null, request(RequestCode.GET_ROUTEINFO_BY_TOPIC, { topic: 'S' }), 2000);
    expect([first.code, first.remark]).toEqual([1, 'not ready']);
    expect((await c.invoke(null, request(RequestCode.GET_ROUTEINFO_BY_TOPIC, { topic: 'S' }), 2000)).code).toBe(0);
    expect(rule.hits).toBe(1);
  });

  test('drop times out, close ends the connection, goAway answers 1500, twice answers twice, delay answers late', async () => {
    fake = await FakeRocketMQ.start({ topics: { S: { queues: 1 } } });
    const c = client();
    const route = () => c.invoke(null, request(RequestCode.GET_ROUTEINFO_BY_TOPIC, { topic: 'S' }), 300);
    fake.script(RequestCode.GET_ROUTEINFO_BY_TOPIC, { times: 1, action: { type: 'drop' } });
    await expect(route()).rejects.toMatchObject({ name: expect.stringMatching(/Timeout/) });
    fake.script(RequestCode.GET_ROUTEINFO_BY_TOPIC, { times: 1, action: { type: 'close' } });
    await expect(route()).rejects.toBeDefined();
    // The client reconnects after GO_AWAY and resends once: the fake sees the request twice.
    fake.script(RequestCode.GET_MAX_OFFSET, { times: 1, target: 'broker-a', action: { type: 'goAway' } });
    const maxOffset = () => c.invoke(broker(), request(RequestCode.GET_MAX_OFFSET, { topic: 'S', queueId: 0 }), 1000);
    expect((await maxOffset()).code).toBe(0);
    fake.script(RequestCode.GET_MAX_OFFSET, { times: 1, action: { type: 'twice' } });
    expect((await maxOffset()).code).toBe(0);
    fake.script(RequestCode.GET_ROUTEINFO_BY_TOPIC, { times: 1, action: { type: 'delay', ms: 600 } });
    await expect(route()).rejects.toBeDefined();
    expect(fake.requests(RequestCode.GET_MAX_OFFSET).map((r) => r.target)).toEqual(['broker-a', 'broker-a', 'broker-a']);
  });
});
