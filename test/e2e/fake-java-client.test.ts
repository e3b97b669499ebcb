/**
 * The fake is faithful when the official Java client (the harness's rocketmq-client version), with default
 * settings, produces to it and consumes from it and sees what a broker would show: SendResult fields, and
 * every field of the consumed messages (test/e2e/java-consumer's FakeRoundTrip).
 */
import { decodeOffsetMessageId } from '../../src/message/message-id';
import { FakeRocketMQ, RequestCode } from '../../src/testing';
import { describeBroker, uniqueName } from './helpers/broker';
import { parseJavaMessage, runJavaMain, type JavaConsumedMessage } from './helpers/java-consumer';

jest.setTimeout(180_000);

interface JavaSend {
  kind: 'send';
  sendStatus: string;
  msgId: string;
  offsetMsgId: string;
  topic: string;
  brokerName: string;
  queueId: number;
  queueOffset: number;
  transactionId: string;
  regionId: string;
  traceOn: string;
}

const COUNT = 6;
const ID = /^[0-9A-F]{32}$/;

type Mode = 'lite' | 'push' | 'push-retry' | 'transaction';

async function roundTrip(fake: FakeRocketMQ, mode: Mode): Promise<{ sends: JavaSend[]; consumed: JavaConsumedMessage[]; lines: string[]; topic: string; group: string }> {
  const topic = uniqueName(`fake_${mode.replace('-', '_')}`);
  const group = uniqueName(`fake_${mode.replace('-', '_')}_group`);
  const r = await runJavaMain('FakeRoundTrip', ['--namesrv', fake.namesrvAddr, '--topic', topic, '--group', group, '--mode', mode, '--count', String(COUNT), '--timeout-ms', '40000'], 40_000);
  if (r.exitCode !== 0) throw new Error(`FakeRoundTrip exited ${r.exitCode}:\n${r.stderr.slice(-4000)}`);
  const sends = r.lines.filter((l) => l.startsWith('{"kind":"send"')).map((l) => JSON.parse(l) as JavaSend);
  const consumed = r.lines.filter((l) => l.startsWith('{"kind":"consume"')).map(parseJavaMessage);
  return { sends, consumed, lines: r.lines, topic, group };
}

function expectFaithful(fake: FakeRocketMQ, topic: string, sends: JavaSend[], consumed: JavaConsumedMessage[]): void {
  const brokerAddr = fake.brokerAddrs['broker-a']!;
  // COUNT single sends, then one batch of two.
  expect(sends).toHaveLength(COUNT + 1);
  for (const s of sends) {
    expect(s).toMatchObject({ sendStatus: 'SEND_OK', topic, brokerName: 'broker-a', regionId: 'DefaultRegion', traceOn: 'true' });
    for (const id of s.offsetMsgId.split(',')) {
      expect(id).toMatch(ID);
      expect(decodeOffsetMessageId(id).addr).toBe(brokerAddr);
    }
  }
  const singles = sends.slice(0, COUNT);
  // The broker's transactionId is the message's UNIQ_KEY; the auto-created topic has 4 queues (min of 4 and TBW102's 8).
  for (const s of singles) expect(s.transactionId).toBe(s.msgId);
  expect(new Set(singles.map((s) => s.queueId)).size).toBeGreaterThan(1);
  expect(Math.max(...singles.map((s) => s.queueId))).toBeLessThan(4);
  const batch = sends[COUNT]!;
  expect(batch.msgId.split(',')).toHaveLength(2);
  expect(batch.offsetMsgId.split(',')).toHaveLength(2);

  expect(consumed).toHaveLength(COUNT + 2);
  const stored = fake.messages(topic);
  for (let i = 0; i < COUNT + 2; i++) {
    const m = consumed.find((c) => c.userProperties.index === String(i));
    if (!m) throw new Error(`message ${i} was not consumed`);
    const send = i < COUNT ? singles[i]! : batch;
    const offsetMsgId = i < COUNT ? send.offsetMsgId : send.offsetMsgId.split(',')[i - COUNT]!;
    const queueOffset = i < COUNT ? send.queueOffset : send.queueOffset + (i - COUNT);
    const s = stored.find((x) => x.offsetMsgId === offsetMsgId)!;
    expect({
      topic: m.topic,
      tags: m.tags,
      keys: m.keys,
      body: m.body.toString(),
      flag: m.flag,
      msgId: m.msgId,
      offsetMsgId: m.offsetMsgId,
      brokerName: m.brokerName,
      queueId: m.queueId,
      queueOffset: m.queueOffset,
      commitLogOffset: m.commitLogOffset,
      sysFlag: m.sysFlag,
      reconsumeTimes: m.reconsumeTimes,
      bornTimestamp: m.bornTimestamp,
      storeTimestamp: m.storeTimestamp,
      waitStoreMsgOK: m.waitStoreMsgOK,
      cluster: m.systemProperties.CLUSTER,
      region: m.systemProperties.MSG_REGION,
      traceOn: m.systemProperties.TRACE_ON,
      // The consumer adds the queue's offsets to what it received.
      minOffset: m.systemProperties.MIN_OFFSET,
    }).toEqual({
      topic,
      tags: i < COUNT ? (i % 2 === 0 ? 'TagA' : 'TagB') : 'TagBatch',
      keys: `key-${i}`,
      body: `body-${i}`,
      flag: 0,
      // A batch member carries the batch's UNIQ_KEY, as from a 5.3 broker.
      msgId: i < COUNT ? send.msgId : batch.transactionId,
      offsetMsgId,
      brokerName: 'broker-a',
      queueId: send.queueId,
      queueOffset,
      commitLogOffset: Number(decodeOffsetMessageId(offsetMsgId).offset),
      sysFlag: 0,
      reconsumeTimes: 0,
      bornTimestamp: s.bornTimestamp,
      storeTimestamp: s.storeTimestamp,
      waitStoreMsgOK: 'true',
      cluster: 'DefaultCluster',
      region: 'DefaultRegion',
      traceOn: 'true',
      minOffset: '0',
    });
    expect(m.bodyCRC).toBe(s.bodyCRC);
    expect(m.bornHost).toBe('127.0.0.1');
  }
}

describeBroker('the Java client against FakeRocketMQ', () => {
  let fake: FakeRocketMQ;

  beforeEach(async () => {
    // Short delay levels (retries) and a quick check-back; everything else as a broker's defaults.
    fake = await FakeRocketMQ.start({ delayLevelsMs: new Array<number>(18).fill(200), transactionTimeoutMs: 300, transactionCheckIntervalMs: 200 });
  });

  afterEach(async () => {
    await fake.close();
  });

  test('DefaultMQProducer sends (topic auto-created) and DefaultLitePullConsumer reads every message with every field', async () => {
    const { sends, consumed, topic } = await roundTrip(fake, 'lite');
    expectFaithful(fake, topic, sends, consumed);
    expect(fake.requests(RequestCode.LITE_PULL_MESSAGE).length + fake.requests(RequestCode.PULL_MESSAGE).length).toBeGreaterThan(0);
  });

  test('DefaultMQPushConsumer (CONSUME_FROM_LAST_OFFSET) reads a new topic from its start and commits its offsets', async () => {
    const { sends, consumed, topic, group } = await roundTrip(fake, 'push');
    expectFaithful(fake, topic, sends, consumed);
    // The push consumer heartbeats its subscription, asks for the group's members, and persists offsets at shutdown.
    expect(fake.requests(RequestCode.GET_CONSUMER_LIST_BY_GROUP).length).toBeGreaterThan(0);
    const committed = [0, 1, 2, 3].map((q) => fake.consumerOffset(group, topic, q) ?? 0n);
    expect(committed.reduce((a, b) => a + b, 0n)).toBe(BigInt(COUNT + 2));
  });

  test('DefaultMQPushConsumer RECONSUME_LATER: sent back, redelivered through %RETRY%<group> with reconsumeTimes 1', async () => {
    const { consumed, sends, topic, group } = await roundTrip(fake, 'push-retry');
    const total = COUNT + 2;
    expect(consumed).toHaveLength(total * 2);
    expect(fake.requests(RequestCode.CONSUMER_SEND_MSG_BACK)).toHaveLength(total);
    expect(fake.messages(`%RETRY%${group}`)).toHaveLength(total);
    for (let i = 0; i < total; i++) {
      const both = consumed.filter((c) => c.userProperties.index === String(i));
      expect(both.map((m) => m.reconsumeTimes).sort()).toEqual([0, 1]);
      const [first, again] = both[0]!.reconsumeTimes === 0 ? [both[0]!, both[1]!] : [both[1]!, both[0]!];
      // The client restores the original topic from RETRY_TOPIC; the id and body are the message's own.
      expect({ topic: again.topic, msgId: again.msgId, body: again.body.toString(), tags: again.tags }).toEqual({
        topic,
        msgId: first.msgId,
        body: first.body.toString(),
        tags: first.tags,
      });
      expect(again.systemProperties.RETRY_TOPIC).toBe(topic);
      expect(again.systemProperties.ORIGIN_MESSAGE_ID).toBe(first.offsetMsgId);
      expect(again.offsetMsgId).not.toBe(first.offsetMsgId);
      // As a 5.3.3 broker delivers a retry (checked against one): scheduled properties stay, WAIT is false.
      expect(again.systemProperties).toMatchObject({ DELAY: '3', REAL_TOPIC: `%RETRY%${group}`, REAL_QID: '0', WAIT: 'false' });
    }
    expect(sends).toHaveLength(COUNT + 1);
  });

  test('TransactionMQProducer: commit visible, rollback dropped, unknown checked back (CHECK_TRANSACTION_STATE) and committed', async () => {
    const { sends, consumed, lines, topic } = await roundTrip(fake, 'transaction');
    expect(sends.map((s) => (s as JavaSend & { localTransactionState: string }).localTransactionState)).toEqual(['COMMIT_MESSAGE', 'ROLLBACK_MESSAGE', 'UNKNOW']);
    for (const s of sends) expect(s).toMatchObject({ sendStatus: 'SEND_OK', transactionId: s.msgId });
    const checks = lines.filter((l) => l.startsWith('{"kind":"check"')).map((l) => JSON.parse(l) as Record<string, string>);
    expect(checks[0]).toEqual({ kind: 'check', index: '2', topic, transactionId: sends[2]!.msgId, body: 'tx-body-2' });
    expect(consumed.map((m) => [m.userProperties.index, m.msgId, m.body.toString()]).sort()).toEqual([
      ['0', sends[0]!.msgId, 'tx-body-0'],
      ['2', sends[2]!.msgId, 'tx-body-2'],
    ]);
    // What a 5.3.3 broker shows on a committed message (checked against one): the half's properties stay.
    for (const m of consumed) {
      expect(m.systemProperties).toMatchObject({ TRAN_MSG: 'true', REAL_TOPIC: topic, REAL_QID: String(m.queueId) });
      expect(m.sysFlag).toBe(8);
    }
    expect(consumed.find((m) => m.userProperties.index === '2')!.userProperties.TRANSACTION_CHECK_TIMES).toBe('1');
    expect(fake.messages(topic)).toHaveLength(2);
    expect(fake.pendingTransactions).toBe(0);
  });
});
