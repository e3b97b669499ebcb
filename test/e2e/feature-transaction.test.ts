/**
 * Transactions against the real broker (protocol.md 12.8-12.10). The harness broker checks undecided half
 * messages every 5 s once they are 3 s old (transactionCheckInterval / transactionTimeOut in its config), so a
 * check-back arrives within seconds. Consumability is read back through the broker with PULL_MESSAGE on the real
 * topic: a half message lives in RMQ_SYS_TRANS_HALF_TOPIC and only reaches the topic when committed.
 */
import { Message, TransactionMQProducer, type LocalTransactionState, type MessageExt } from '../../src/index';
import { describeBroker, namesrvAddr, uniqueName } from './helpers/broker';
import { eventually, TopicReader } from './helpers/feature-support';

jest.setTimeout(240_000);

describeBroker('feature: TransactionMQProducer against a real broker', () => {
  const topic = uniqueName('rmqts_tx');
  const group = uniqueName('rmqts_txg');
  /** What the check-back answers, by message key. */
  const decisions = new Map<string, LocalTransactionState>();
  const checked: MessageExt[] = [];
  let producer: TransactionMQProducer;
  let reader: TopicReader;

  beforeAll(async () => {
    producer = new TransactionMQProducer({
      producerGroup: group,
      namesrvAddr: namesrvAddr(),
      transactionListener: {
        executeLocalTransaction: (_msg, arg) => arg as LocalTransactionState,
        checkLocalTransaction: (msg) => {
          checked.push(msg);
          return decisions.get(msg.keys ?? '') ?? 'UNKNOW';
        },
      },
    });
    await producer.start();
    reader = new TopicReader(namesrvAddr());
    await producer.createTopic('TBW102', topic, 4);
    await eventually(async () => ((await producer.fetchPublishMessageQueues(topic)).length > 0 ? true : undefined), `route of ${topic}`, 60_000);
  });

  afterAll(async () => {
    await producer?.shutdown();
    await reader?.close();
  });

  async function stored(): Promise<Map<string, MessageExt>> {
    const byId = new Map<string, MessageExt>();
    for (const m of await reader.readAll(topic)) byId.set(m.getProperty('UNIQ_KEY') ?? m.offsetMsgId, m);
    return byId;
  }

  test('commit is delivered, rollback never is, unknown is checked back and resolved as the checker says', async () => {
    decisions.set('unknown-then-commit', 'COMMIT_MESSAGE');
    decisions.set('unknown-then-rollback', 'ROLLBACK_MESSAGE');
    const send = (keys: string, local: LocalTransactionState) =>
      producer.sendMessageInTransaction(new Message(topic, `body of ${keys}`, { keys, tags: 'tx' }), local);

    const commit = await send('commit', 'COMMIT_MESSAGE');
    const rollback = await send('rollback', 'ROLLBACK_MESSAGE');
    const laterCommit = await send('unknown-then-commit', 'UNKNOW');
    const laterRollback = await send('unknown-then-rollback', 'UNKNOW');
    for (const r of [commit, rollback, laterCommit, laterRollback]) expect(r.sendStatus).toBe('SEND_OK');
    expect([commit, rollback, laterCommit, laterRollback].map((r) => r.localTransactionState)).toEqual([
      'COMMIT_MESSAGE',
      'ROLLBACK_MESSAGE',
      'UNKNOW',
      'UNKNOW',
    ]);

    // The committed message reaches the topic, with its id, body and keys.
    const delivered = await eventually(async () => (await stored()).get(commit.msgId), 'the committed message', 60_000);
    expect(delivered.body.toString()).toBe('body of commit');
    expect(delivered.keys).toBe('commit');

    // Both undecided ones are checked back; the stored half message is what the checker sees.
    await eventually(
      async () => (['unknown-then-commit', 'unknown-then-rollback'].every((k) => checked.some((m) => m.keys === k)) ? true : undefined),
      'check-backs for both undecided messages',
      120_000,
    );
    const seen = checked.find((m) => m.keys === 'unknown-then-commit')!;
    expect(seen.topic).toBe(topic);
    expect(seen.transactionId).toBe(laterCommit.msgId);
    expect(seen.body.toString()).toBe('body of unknown-then-commit');
    expect(checked.some((m) => m.keys === 'commit' || m.keys === 'rollback')).toBe(false);

    // The check said commit: delivered.
    await eventually(async () => (await stored()).get(laterCommit.msgId), 'the message committed by the check-back', 60_000);

    // Rolled back ones never show up, even after another check interval.
    await new Promise((r) => setTimeout(r, 7000));
    const final = await stored();
    expect(final.has(rollback.msgId)).toBe(false);
    expect(final.has(laterRollback.msgId)).toBe(false);
    expect([...final.keys()].sort()).toEqual([commit.msgId, laterCommit.msgId].sort());
  });
});
