/**
 * consumeFromWhere (LAST / FIRST / TIMESTAMP) of the push consumer on the real broker. One topic (4 queues): batch A,
 * a point in time T (whole second, strictly between A and B), batch B; then new groups with nothing stored.
 *
 * What the broker and client really do (Java 5.3.3 `ConsumerManageProcessor.queryConsumerOffset`,
 * `RemoteBrokerOffsetStore.fetchConsumeOffsetFromBroker`, `RebalancePushImpl.computePullFromWhereWithException`):
 * consumeFromWhere is only consulted when QUERY_CONSUMER_OFFSET answers QUERY_NOT_FOUND (-1). For a group with
 * nothing stored, the broker answers offset 0 instead whenever the queue's min offset is 0 and the message at
 * offset 0 is still in the page cache (4.9: not yet "on disk" beyond the memory ratio), unless the request says
 * `setZeroIfNotFound=false` — which Java's push consumer (and ours, like it) does not send. A freshly written test
 * topic is always in that case, so on it LAST and TIMESTAMP start at 0 too and receive A and B: the naive
 * expectation (LAST: nothing old; TIMESTAMP: exactly B) is NOT what a Java consumer sees there, and the tests
 * below assert the real behaviour. The branches that run on QUERY_NOT_FOUND (max offset, search by time) are
 * checked against the same broker through the consumer's own start-offset computation with a store that has
 * nothing; messages older than a queue's min offset cannot be produced in a test.
 */
import { DefaultMQProducer, DefaultMQPushConsumer, Message, type SendResult } from '../../src/index';
import type { ConsumeFromWhere } from '../../src/client/heartbeat-data';
import { silentLogger } from '../../src/logger';
import { MQClientAPI } from '../../src/client/mq-client-api';
import { MessageQueue } from '../../src/client/message-queue';
import { computePullFromWhere, type OffsetLookups } from '../../src/consumer/compute-pull-from-where';
import { formatConsumeTimestamp } from '../../src/consumer/consumer-config';
import type { OffsetStore } from '../../src/consumer/store/offset-store';
import { RemotingClient } from '../../src/remoting/remoting-client';
import { createTopic, describeBroker, namesrvAddr, uniqueName } from './helpers/broker';
import { eventually, TopicReader } from './helpers/feature-support';

jest.setTimeout(240_000);

const QUEUES = 4;
const BATCH = 20;
const WAIT_MS = 90_000;

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

describeBroker('consumeFromWhere of the push consumer on the real broker', () => {
  let producer: DefaultMQProducer;
  let reader: TopicReader;
  let remoting: RemotingClient;
  let api: MQClientAPI;
  let topic: string;
  let brokerAddr: string;
  let brokerName: string;
  let batchA: SendResult[];
  let batchB: SendResult[];
  let consumeTimestamp: string;
  let tMs: number;
  const consumers: DefaultMQPushConsumer[] = [];

  const send = async (tag: string, n: number): Promise<SendResult[]> => {
    const out: SendResult[] = [];
    for (let i = 0; i < n; i++) out.push(await producer.send(new Message(topic, `${tag}${i}`, { tags: tag })));
    return out;
  };
  const ids = (rs: SendResult[]): string[] => rs.map((r) => r.msgId).sort();

  /** A new member of `group` that records every msgId it is handed (distinct ids counted by the caller). */
  const start = async (group: string, where: ConsumeFromWhere, extra: { consumeTimestamp?: string } = {}) => {
    const c = new DefaultMQPushConsumer({ namesrvAddr: namesrvAddr(), consumerGroup: group, consumeFromWhere: where, pollNameServerIntervalMs: 1000, logger: silentLogger, ...extra });
    consumers.push(c);
    const got = new Set<string>();
    c.subscribe(topic, '*');
    await c.consume(async (m) => {
      got.add(m.msgId);
    });
    return { c, got };
  };
  const ownedQueues = (c: DefaultMQPushConsumer): number => [...c.impl.rebalanceImpl.processQueueTable.values()].filter((e) => e.mq.topic === topic).length;
  /** Waits until `got` holds every id of `expected`; on a queue older messages come first, so none can still be on its way after. */
  const receiveAll = async (got: Set<string>, expected: string[], what: string): Promise<void> => {
    await eventually(async () => (expected.every((id) => got.has(id)) ? true : undefined), what, WAIT_MS);
  };

  beforeAll(async () => {
    producer = new DefaultMQProducer({ producerGroup: uniqueName('rmqts_from_pg'), namesrvAddr: namesrvAddr(), logger: silentLogger });
    await producer.start();
    reader = new TopicReader(namesrvAddr());
    remoting = new RemotingClient({ namesrvAddrs: [namesrvAddr()], logger: silentLogger });
    api = new MQClientAPI(remoting, { language: 'JAVA', namespace: undefined, vipChannelEnabled: false });
    topic = uniqueName('rmqts_from');
    await createTopic(topic, { queues: QUEUES });
    await eventually(async () => ((await producer.fetchPublishMessageQueues(topic)).length === QUEUES ? true : undefined), `route of ${topic}`, 60_000);
    const route = await reader.route(topic);
    brokerAddr = route.brokerDatas[0]!.brokerAddrs.get(0)!;
    brokerName = route.brokerDatas[0]!.brokerName;

    batchA = await send('A', BATCH);
    // consumeTimestamp has second resolution: T is a whole second more than 3 s after the last of A was stored
    // (same machine clock as the broker), and B is sent 300 ms after T. T is much nearer to B than to A because
    // a 4.9 broker's SEARCH_OFFSET_BY_TIMESTAMP answers the queue offset of the message NEAREST to T (5.x: the
    // first stored at or after T): with B nearer, both give the first offset of B.
    tMs = (Math.floor(Date.now() / 1000) + 4) * 1000;
    while (Date.now() < tMs + 300) await sleep(50);
    consumeTimestamp = formatConsumeTimestamp(tMs);
    batchB = await send('B', BATCH);
    expect(new Set([...batchA, ...batchB].map((r) => r.messageQueue.queueId)).size).toBe(QUEUES);
  });

  afterAll(async () => {
    for (const c of consumers) await c.shutdown().catch(() => undefined);
    await producer?.shutdown();
    await reader?.close();
    await remoting?.shutdown();
  });

  test('a group with nothing stored: the broker answers QUERY_CONSUMER_OFFSET with 0 on every queue of the fresh topic', async () => {
    const group = uniqueName('rmqts_from_probe_g');
    for (let q = 0; q < QUEUES; q++) {
      await expect(api.queryConsumerOffset(brokerAddr, new MessageQueue(topic, brokerName, q), group, 5000)).resolves.toBe(0n);
    }
  });

  test('with nothing stored (QUERY_NOT_FOUND), LAST starts at the max offset and TIMESTAMP at the first message of B', async () => {
    const nothingStored = { readOffset: async () => -1n } as unknown as OffsetStore;
    const lookups: OffsetLookups = {
      maxOffset: (mq) => api.getMaxOffset(brokerAddr, mq.topic, mq.queueId, 5000),
      searchOffset: (mq, ts) => api.searchOffset(brokerAddr, mq, ts, 5000),
    };
    const countOn = (rs: SendResult[], q: number): bigint => BigInt(rs.filter((r) => r.messageQueue.queueId === q).length);
    for (let q = 0; q < QUEUES; q++) {
      const mq = new MessageQueue(topic, brokerName, q);
      await expect(computePullFromWhere(mq, 'CONSUME_FROM_LAST_OFFSET', consumeTimestamp, nothingStored, lookups)).resolves.toBe(countOn(batchA, q) + countOn(batchB, q));
      await expect(computePullFromWhere(mq, 'CONSUME_FROM_TIMESTAMP', consumeTimestamp, nothingStored, lookups)).resolves.toBe(countOn(batchA, q));
      await expect(computePullFromWhere(mq, 'CONSUME_FROM_FIRST_OFFSET', consumeTimestamp, nothingStored, lookups)).resolves.toBe(0n);
    }
  });

  test('CONSUME_FROM_FIRST_OFFSET: a new group receives A and B, each once', async () => {
    const { got } = await start(uniqueName('rmqts_from_first_g'), 'CONSUME_FROM_FIRST_OFFSET');
    const expected = [...ids(batchA), ...ids(batchB)];
    await receiveAll(got, expected, 'A and B (FIRST)');
    expect([...got].sort()).toEqual(expected.sort());
  });

  test('CONSUME_FROM_TIMESTAMP between A and B: on a fresh topic the broker says 0, so a new group receives A and B too (as Java)', async () => {
    const { got } = await start(uniqueName('rmqts_from_ts_g'), 'CONSUME_FROM_TIMESTAMP', { consumeTimestamp });
    const expected = [...ids(batchA), ...ids(batchB)];
    await receiveAll(got, expected, 'A and B (TIMESTAMP, broker answered 0)');
    expect([...got].sort()).toEqual(expected.sort());
  });

  test('CONSUME_FROM_LAST_OFFSET: on a fresh topic a new group receives A and B (the broker says 0, as Java), then C sent after its start', async () => {
    const { c, got } = await start(uniqueName('rmqts_from_last_g'), 'CONSUME_FROM_LAST_OFFSET');
    await eventually(async () => (ownedQueues(c) === QUEUES ? true : undefined), 'all queues assigned', WAIT_MS);
    const batchC = await send('C', BATCH);
    const expected = [...ids(batchA), ...ids(batchB), ...ids(batchC)];
    await receiveAll(got, expected, 'A, B and C (LAST, broker answered 0)');
    expect([...got].sort()).toEqual(expected.sort());
  });

  test('a group with a committed offset ignores consumeFromWhere: restarted with FIRST it resumes from the commit', async () => {
    const group = uniqueName('rmqts_from_commit_g');
    const first = await start(group, 'CONSUME_FROM_FIRST_OFFSET');
    const before = await eventually(async () => {
      // Everything on the topic so far (A, B, and C of the LAST test when it ran first): the max offsets.
      let total = 0n;
      for (let q = 0; q < QUEUES; q++) total += await api.getMaxOffset(brokerAddr, topic, q, 5000);
      return BigInt(first.got.size) === total ? total : undefined;
    }, 'everything stored so far', WAIT_MS);
    await first.c.shutdown();
    for (let q = 0; q < QUEUES; q++) {
      const max = await api.getMaxOffset(brokerAddr, topic, q, 5000);
      await expect(api.queryConsumerOffset(brokerAddr, new MessageQueue(topic, brokerName, q), group, 5000)).resolves.toBe(max);
    }
    expect(before).toBeGreaterThanOrEqual(BigInt(2 * BATCH));

    const batchD = await send('D', BATCH);
    const again = await start(group, 'CONSUME_FROM_FIRST_OFFSET');
    await receiveAll(again.got, ids(batchD), 'D after the restart');
    expect([...again.got].sort()).toEqual(ids(batchD));
  });
});
