import { ClientError, InvalidArgumentError } from '../../../src/errors';
import { silentLogger } from '../../../src/logger';
import { Message } from '../../../src/message/message';
import type { MessageExt } from '../../../src/message/message-decoder';
import { messageProperties2String } from '../../../src/message/message-properties';
import { TransactionMQProducer, type TransactionProducerOptions } from '../../../src/producer/transaction-mq-producer';
import type { EndTransactionContext, LocalTransactionState, TransactionListener } from '../../../src/producer/transaction-listener';
import { newExtFields, RemotingCommand, type ExtFields } from '../../../src/remoting/protocol/remoting-command';
import { RequestCode } from '../../../src/remoting/protocol/request-code';
import { startFakeCluster, until, type FakeBroker, type FakeNameServer } from '../../helpers/fake-rocketmq';

let ns: FakeNameServer;
let broker: FakeBroker;
let closeCluster: () => Promise<void>;
const producers: TransactionMQProducer[] = [];

const OFFSET_MSG_ID = '7F00000100002A9F0000000000000400'; // 127.0.0.1:10911, commit-log offset 1024

beforeEach(async () => {
  let brokers: FakeBroker[];
  ({ ns, brokers, close: closeCluster } = await startFakeCluster(1));
  broker = brokers[0]!;
  ns.setRoute('TopicTx', brokers);
  broker.onSend = (ctx) => {
    const ext = newExtFields();
    ext.msgId = OFFSET_MSG_ID;
    ext.queueId = ctx.request.extFields?.e ?? '0';
    ext.queueOffset = '42';
    ext.transactionId = 'TX-FROM-BROKER';
    ext.MSG_REGION = 'DefaultRegion';
    ext.TRACE_ON = 'true';
    return { code: 0, extFields: ext };
  };
});

afterEach(async () => {
  await Promise.all(producers.splice(0).map((p) => p.shutdown()));
  await closeCluster();
});

function listener(execute: LocalTransactionState | (() => unknown), check: LocalTransactionState | ((m: MessageExt) => unknown) = 'COMMIT_MESSAGE'): TransactionListener & { checked: MessageExt[] } {
  const checked: MessageExt[] = [];
  return {
    checked,
    executeLocalTransaction: () => (typeof execute === 'function' ? execute() : execute) as LocalTransactionState,
    checkLocalTransaction: (m) => {
      checked.push(m);
      return (typeof check === 'function' ? check(m) : check) as LocalTransactionState;
    },
  };
}

async function started(options: Partial<TransactionProducerOptions> = {}): Promise<TransactionMQProducer> {
  const p = new TransactionMQProducer({ producerGroup: 'pg_tx', namesrvAddr: ns.addr, logger: silentLogger, ...options } as TransactionProducerOptions);
  producers.push(p);
  await p.start();
  return p;
}

function endTransactions(): RemotingCommand[] {
  return broker.requests(RequestCode.END_TRANSACTION);
}

describe('TransactionMQProducer: half message and END_TRANSACTION (protocol.md 12.8, 12.9)', () => {
  test('commit: TRAN_MSG + PGROUP on the half message, then a oneway END_TRANSACTION with Java fields', async () => {
    const hooks: EndTransactionContext[] = [];
    const p = await started({ transactionListener: listener('COMMIT_MESSAGE') });
    p.registerEndTransactionHook({ endTransaction: (c) => void hooks.push(c) });
    const msg = new Message('TopicTx', 'order-1', { keys: 'k1', delayTimeLevel: 3 });
    const res = await p.sendMessageInTransaction(msg, { some: 'arg' });
    expect(res.localTransactionState).toBe('COMMIT_MESSAGE');
    expect(res.sendStatus).toBe('SEND_OK');
    expect(res.transactionId).toBe('TX-FROM-BROKER');

    const send = broker.sends()[0]!;
    expect(send.extFields!.i).toContain('TRAN_MSG\u0001true');
    expect(send.extFields!.i).toContain('PGROUP\u0001pg_tx');
    expect(send.extFields!.i).not.toContain('DELAY');
    expect(Number(send.extFields!.f) & 0x4).toBe(0x4);

    await until(() => endTransactions().length === 1, 'END_TRANSACTION');
    const end = endTransactions()[0]!;
    expect(end.isOneway).toBe(true);
    expect(end.remark).toBeUndefined();
    expect({ ...end.extFields }).toEqual({
      bname: 'broker-a',
      commitLogOffset: '1024',
      commitOrRollback: '8',
      fromTransactionCheck: 'false',
      msgId: res.msgId,
      producerGroup: 'pg_tx',
      topic: 'TopicTx',
      tranStateTableOffset: '42',
      transactionId: 'TX-FROM-BROKER',
    });
    expect(msg.transactionId).toBe(res.msgId);
    expect(msg.getProperty('__transactionId__')).toBe('TX-FROM-BROKER');
    expect(hooks).toHaveLength(1);
    expect(hooks[0]).toMatchObject({ producerGroup: 'pg_tx', msgId: res.msgId, transactionState: 'COMMIT_MESSAGE', fromTransactionCheck: false });
  });

  test.each([
    ['ROLLBACK_MESSAGE', '12'],
    ['UNKNOW', '0'],
  ] as const)('%s ends with commitOrRollback %s', async (state, code) => {
    const p = await started({ transactionListener: listener(async () => state) });
    const res = await p.sendMessageInTransaction(new Message('TopicTx', 'x'));
    expect(res.localTransactionState).toBe(state);
    await until(() => endTransactions().length === 1, 'END_TRANSACTION');
    expect(endTransactions()[0]!.extFields!.commitOrRollback).toBe(code);
  });

  test('a throwing or undecided local transaction is UNKNOW; the exception goes in the remark', async () => {
    const p = await started({
      transactionListener: listener(() => {
        throw new Error('boom');
      }),
    });
    const res = await p.sendMessageInTransaction(new Message('TopicTx', 'x'));
    expect(res.localTransactionState).toBe('UNKNOW');
    await until(() => endTransactions().length === 1, 'END_TRANSACTION');
    expect(endTransactions()[0]!.remark).toBe('executeLocalTransactionBranch exception: Error: boom');
    expect(endTransactions()[0]!.extFields!.commitOrRollback).toBe('0');

    const q = await started({ producerGroup: 'pg_tx2', transactionListener: listener(() => undefined) });
    expect((await q.sendMessageInTransaction(new Message('TopicTx', 'y'))).localTransactionState).toBe('UNKNOW');
  });

  test('a stored-but-not-flushed half message is rolled back without running the local transaction', async () => {
    let ran = false;
    broker.script.push({ ...broker.successFor(RemotingCommand.createRequest(310)), code: 10 });
    const p = await started({
      transactionListener: listener(() => {
        ran = true;
        return 'COMMIT_MESSAGE';
      }),
    });
    const res = await p.sendMessageInTransaction(new Message('TopicTx', 'x'));
    expect(res.sendStatus).toBe('FLUSH_DISK_TIMEOUT');
    expect(res.localTransactionState).toBe('ROLLBACK_MESSAGE');
    expect(ran).toBe(false);
    await until(() => endTransactions().length === 1, 'END_TRANSACTION');
    expect(endTransactions()[0]!.extFields!.commitOrRollback).toBe('12');
  });

  test('no listener, bad listener, not started', async () => {
    const p = await started();
    await expect(p.sendMessageInTransaction(new Message('TopicTx', 'x'))).rejects.toThrow(ClientError);
    expect(() => (p.transactionListener = { executeLocalTransaction: () => 'UNKNOW' } as never)).toThrow(InvalidArgumentError);
    const idle = new TransactionMQProducer({ producerGroup: 'pg_idle', namesrvAddr: ns.addr, logger: silentLogger, transactionListener: listener('COMMIT_MESSAGE') });
    await expect(idle.sendMessageInTransaction(new Message('TopicTx', 'x'))).rejects.toThrow(/CREATE_JUST/);
    expect(() => new TransactionMQProducer({ producerGroup: 'g', bogus: 1 } as never)).toThrow(/bogus/);
  });
});

describe('sendMessageInTransaction: bad input', () => {
  test('a non-Message or null is an InvalidArgumentError, before any send', async () => {
    const p = await started({ transactionListener: listener('COMMIT_MESSAGE') });
    await expect(p.sendMessageInTransaction(null as never)).rejects.toThrow(InvalidArgumentError);
    await expect(p.sendMessageInTransaction({ topic: 'TopicTx', body: Buffer.from('x') } as never)).rejects.toThrow(InvalidArgumentError);
    expect(broker.sends()).toHaveLength(0);
  });

  test('an invalid message is rejected before its properties are touched', async () => {
    const p = await started({ transactionListener: listener('COMMIT_MESSAGE'), maxMessageSize: 4 });
    const big = new Message('TopicTx', 'too big', { delayTimeLevel: 3 });
    await expect(p.sendMessageInTransaction(big)).rejects.toThrow(InvalidArgumentError);
    const badTopic = new Message('bad topic!', 'x');
    await expect(p.sendMessageInTransaction(badTopic)).rejects.toThrow(InvalidArgumentError);
    for (const m of [big, badTopic]) {
      expect(m.getProperty('TRAN_MSG')).toBeUndefined();
      expect(m.getProperty('PGROUP')).toBeUndefined();
    }
    expect(big.delayTimeLevel).toBe(3);
    expect(broker.sends()).toHaveLength(0);
  });
});

/** A stored message record as the broker encodes it (V1 magic, IPv4 hosts). */
function storedRecord(topic: string, props: Record<string, string>, body = Buffer.from('half')): Buffer {
  const t = Buffer.from(topic);
  const p = Buffer.from(messageProperties2String(props));
  const size = 4 + 4 + 4 + 4 + 4 + 8 + 8 + 4 + 8 + 8 + 8 + 8 + 4 + 8 + 4 + body.length + 1 + t.length + 2 + p.length;
  const b = Buffer.alloc(size);
  let o = 0;
  o = b.writeInt32BE(size, o);
  o = b.writeInt32BE(-626843481, o);
  o = b.writeInt32BE(0, o); // body crc
  o = b.writeInt32BE(1, o); // queue id
  o = b.writeInt32BE(0, o); // flag
  o = b.writeBigInt64BE(42n, o);
  o = b.writeBigInt64BE(1024n, o);
  o = b.writeInt32BE(4, o); // sysFlag: prepared
  o = b.writeBigInt64BE(1_700_000_000_000n, o);
  o += Buffer.from([127, 0, 0, 1]).copy(b, o);
  o = b.writeInt32BE(50000, o);
  o = b.writeBigInt64BE(1_700_000_000_100n, o);
  o += Buffer.from([127, 0, 0, 1]).copy(b, o);
  o = b.writeInt32BE(10911, o);
  o = b.writeInt32BE(0, o);
  o = b.writeBigInt64BE(0n, o);
  o = b.writeInt32BE(body.length, o);
  o += body.copy(b, o);
  o = b.writeInt8(t.length, o);
  o += t.copy(b, o);
  o = b.writeInt16BE(p.length, o);
  p.copy(b, o);
  return b;
}

function checkRequest(group: string, uniq = 'UNIQ-HALF-1'): RemotingCommand {
  const ext: ExtFields = newExtFields();
  Object.assign(ext, {
    topic: 'RMQ_SYS_TRANS_HALF_TOPIC',
    commitLogOffset: '2048',
    tranStateTableOffset: '7',
    msgId: uniq,
    transactionId: 'TX-CHECK',
    offsetMsgId: '7F00000100002A9F0000000000000800',
    bname: 'broker-a',
  });
  const body = storedRecord('TopicTx', { UNIQ_KEY: uniq, PGROUP: group, TRAN_MSG: 'true', KEYS: 'order-9' });
  return RemotingCommand.createRequest(RequestCode.CHECK_TRANSACTION_STATE, ext, body).markOneway();
}

describe('CHECK_TRANSACTION_STATE (protocol.md 12.10)', () => {
  test('the stored message reaches checkLocalTransaction; END_TRANSACTION goes back with fromTransactionCheck', async () => {
    const l = listener('UNKNOW', async (m) => (m.keys === 'order-9' ? 'COMMIT_MESSAGE' : 'ROLLBACK_MESSAGE'));
    const hooks: EndTransactionContext[] = [];
    const p = await started({ transactionListener: l });
    p.registerEndTransactionHook({ endTransaction: (c) => void hooks.push(c) });
    await p.sendMessageInTransaction(new Message('TopicTx', 'x')); // opens the broker connection
    await until(() => endTransactions().length === 1, 'first END_TRANSACTION');
    await broker.server.sendRequest(checkRequest('pg_tx'));
    await until(() => endTransactions().length === 2, 'END_TRANSACTION after the check');
    const checked = l.checked[0]!;
    expect(checked.topic).toBe('TopicTx');
    expect(checked.transactionId).toBe('UNIQ-HALF-1');
    expect(checked.body.toString()).toBe('half');
    expect({ ...endTransactions()[1]!.extFields }).toEqual({
      bname: 'broker-a',
      commitLogOffset: '2048',
      commitOrRollback: '8',
      fromTransactionCheck: 'true',
      msgId: 'UNIQ-HALF-1',
      producerGroup: 'pg_tx',
      topic: 'RMQ_SYS_TRANS_HALF_TOPIC',
      tranStateTableOffset: '7',
      transactionId: 'TX-CHECK',
    });
    expect(endTransactions()[1]!.isOneway).toBe(true);
    // The check itself is oneway: nothing is answered to it.
    expect(broker.server.receivedResponses).toHaveLength(0);
    expect(hooks.map((h) => h.fromTransactionCheck)).toEqual([false, true]);
  });

  test('a throwing check answers UNKNOW with the exception in the remark', async () => {
    const p = await started({
      transactionListener: listener('UNKNOW', () => {
        throw new TypeError('nope');
      }),
    });
    await p.sendMessageInTransaction(new Message('TopicTx', 'x'));
    await until(() => endTransactions().length === 1, 'first END_TRANSACTION');
    await broker.server.sendRequest(checkRequest('pg_tx'));
    await until(() => endTransactions().length === 2, 'END_TRANSACTION after the check');
    expect(endTransactions()[1]!.extFields!.commitOrRollback).toBe('0');
    expect(endTransactions()[1]!.remark).toBe('checkLocalTransactionState Exception: TypeError: nope');
  });

  test('a check for another group, or an undecodable body, is only logged', async () => {
    const l = listener('UNKNOW');
    const p = await started({ transactionListener: l });
    await p.sendMessageInTransaction(new Message('TopicTx', 'x'));
    await until(() => endTransactions().length === 1, 'first END_TRANSACTION');
    await broker.server.sendRequest(checkRequest('other_group'));
    const bad = checkRequest('pg_tx');
    bad.body = Buffer.from('garbage');
    await broker.server.sendRequest(bad);
    await broker.server.sendRequest(checkRequest('pg_tx', 'UNIQ-2'));
    await until(() => endTransactions().length === 2, 'the valid check answered');
    expect(l.checked.map((m) => m.transactionId)).toEqual(['UNIQ-2']);
  });

  test('shutdown() before start() leaves the checks working after a later start()', async () => {
    const l = listener('UNKNOW', 'COMMIT_MESSAGE');
    const p = new TransactionMQProducer({ producerGroup: 'pg_tx', namesrvAddr: ns.addr, logger: silentLogger, transactionListener: l });
    producers.push(p);
    await p.shutdown(); // CREATE_JUST: a no-op, as for the plain producer
    await p.start();
    await p.sendMessageInTransaction(new Message('TopicTx', 'x'));
    await until(() => endTransactions().length === 1, 'first END_TRANSACTION');
    await broker.server.sendRequest(checkRequest('pg_tx'));
    await until(() => endTransactions().length === 2, 'END_TRANSACTION after the check');
    expect(l.checked.map((m) => m.transactionId)).toEqual(['UNIQ-HALF-1']);
    expect(endTransactions()[1]!.extFields!.fromTransactionCheck).toBe('true');
  });

  test('shutdown() during start() waits for it and unregisters the checker', async () => {
    const p = new TransactionMQProducer({ producerGroup: 'pg_tx', namesrvAddr: ns.addr, logger: silentLogger, transactionListener: listener('UNKNOW') });
    producers.push(p);
    const starting = p.start();
    await p.shutdown();
    await starting;
    expect(p.serviceState).toBe('SHUTDOWN_ALREADY');
  });

  test('checks run one at a time by default, after the turn that decoded them', async () => {
    let active = 0;
    let maxActive = 0;
    const p = await started({
      transactionListener: listener('UNKNOW', async () => {
        active++;
        maxActive = Math.max(maxActive, active);
        await new Promise((r) => setTimeout(r, 20));
        active--;
        return 'ROLLBACK_MESSAGE';
      }),
    });
    await p.sendMessageInTransaction(new Message('TopicTx', 'x'));
    await until(() => endTransactions().length === 1, 'first END_TRANSACTION');
    for (let i = 0; i < 3; i++) await broker.server.sendRequest(checkRequest('pg_tx', `U${i}`));
    await until(() => endTransactions().length === 4, 'three checks answered');
    expect(maxActive).toBe(1);
  });
});
