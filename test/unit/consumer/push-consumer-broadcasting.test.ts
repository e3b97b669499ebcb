import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { silentLogger } from '../../../src/logger';
import { DefaultMQPushConsumer } from '../../../src/consumer/default-mq-push-consumer';
import type { PushConsumerOptions } from '../../../src/consumer/consumer-config';
import { parseOffsetSerializeWrapper } from '../../../src/consumer/store/offset-serialize-wrapper';
import { RequestCode } from '../../../src/remoting/protocol/request-code';
import { startFakeCluster, until } from '../../helpers/fake-rocketmq';
import { serveStoredMessages, type Cluster } from '../../helpers/fake-consumer-broker';

/** BROADCASTING: every member reads every queue, progress lives in a local file, failures are not sent back. */
describe('DefaultMQPushConsumer BROADCASTING with an in-process broker', () => {
  let cluster: Cluster;
  let dir: string;
  let maxOffset: number;
  const consumers: DefaultMQPushConsumer[] = [];

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'rmq-bcast-'));
    cluster = await startFakeCluster(1);
    cluster.ns.setRoute('T', cluster.brokers);
    maxOffset = 3;
    serveStoredMessages(cluster, () => maxOffset);
  });

  afterEach(async () => {
    for (const c of consumers.splice(0)) await c.shutdown();
    await cluster.close();
    await rm(dir, { recursive: true, force: true });
  });

  function member(instanceName: string, seen: string[], extra: Partial<PushConsumerOptions> = {}): DefaultMQPushConsumer {
    const c = new DefaultMQPushConsumer({
      consumerGroup: 'G',
      namesrvAddr: cluster.ns.addr,
      logger: silentLogger,
      instanceName,
      messageModel: 'BROADCASTING',
      consumeFromWhere: 'CONSUME_FROM_FIRST_OFFSET',
      localOffsetStoreDir: dir,
      ...extra,
    });
    c.subscribe('T');
    c.registerMessageListener(async (msgs) => {
      seen.push(...msgs.map((m) => m.body.toString()));
      return 'CONSUME_SUCCESS';
    });
    consumers.push(c);
    return c;
  }

  const every = (from: number, to: number) => [0, 1, 2, 3].flatMap((q) => Array.from({ length: to - from }, (_, i) => `m${q}-${from + i}`)).sort();

  async function offsetsFile(c: DefaultMQPushConsumer): Promise<Record<string, number>> {
    const text = await readFile(join(dir, c.impl.clientId(), 'G', 'offsets.json'), 'utf8');
    return Object.fromEntries(parseOffsetSerializeWrapper(text).filter((e) => e.mq.topic === 'T').map((e) => [e.mq.queueId, Number(e.offset)]));
  }

  test('two members of one group each consume every queue; heartbeat says BROADCASTING without %RETRY%; no broker offsets', async () => {
    const a: string[] = [];
    const b: string[] = [];
    const ca = member('bcastA', a);
    const cb = member('bcastB', b);
    await ca.start();
    await cb.start();
    await until(() => a.length === 12 && b.length === 12, 'both members see all twelve messages');
    expect(a.sort()).toEqual(every(0, 3));
    expect(b.sort()).toEqual(every(0, 3));
    expect(ca.impl.rebalanceImpl.processQueueTable.size).toBe(4);
    expect(cb.impl.rebalanceImpl.processQueueTable.size).toBe(4);

    const broker = cluster.brokers[0]!;
    const hb = JSON.parse(broker.requests(RequestCode.HEART_BEAT).at(-1)!.body!.toString());
    expect(hb.consumerDataSet[0]).toMatchObject({ groupName: 'G', messageModel: 'BROADCASTING' });
    expect(hb.consumerDataSet[0].subscriptionDataSet.map((s: { topic: string }) => s.topic)).toEqual(['T']);
    // The client id keeps the instance name (as Java does in broadcasting), so the offsets file is found again.
    expect(ca.impl.clientId()).toMatch(/@bcastA$/);

    await ca.shutdown();
    await cb.shutdown();
    consumers.splice(0);
    for (const code of [RequestCode.GET_CONSUMER_LIST_BY_GROUP, RequestCode.QUERY_CONSUMER_OFFSET, RequestCode.UPDATE_CONSUMER_OFFSET]) {
      expect(broker.requests(code)).toHaveLength(0);
    }
    // The pulls never carry a commit offset (sysFlag bit 0 clear, commitOffset 0).
    expect(broker.requests(RequestCode.PULL_MESSAGE).every((r) => (Number(r.extFields!.sysFlag) & 1) === 0)).toBe(true);
    expect(await offsetsFile(ca)).toEqual({ 0: 3, 1: 3, 2: 3, 3: 3 });
    expect(await offsetsFile(cb)).toEqual({ 0: 3, 1: 3, 2: 3, 3: 3 });
  });

  test('a restarted member resumes from its local file: nothing consumed is delivered again, what came meanwhile is', async () => {
    const first: string[] = [];
    const c1 = member('bcastR', first);
    await c1.start();
    await until(() => first.length === 12, 'first run');
    await c1.shutdown();
    consumers.splice(0);
    expect(await offsetsFile(c1)).toEqual({ 0: 3, 1: 3, 2: 3, 3: 3 });

    maxOffset = 5;
    const pullsBefore = cluster.brokers[0]!.requests(RequestCode.PULL_MESSAGE).length;
    const second: string[] = [];
    const c2 = member('bcastR', second);
    await c2.start();
    await until(() => second.length === 8, 'second run');
    expect(second.sort()).toEqual(every(3, 5));
    const firstPulls = cluster.brokers[0]!.requests(RequestCode.PULL_MESSAGE).slice(pullsBefore, pullsBefore + 4);
    expect(firstPulls.map((r) => r.extFields!.queueOffset)).toEqual(['3', '3', '3', '3']);
    await c2.shutdown();
    consumers.splice(0);
    expect(await offsetsFile(c2)).toEqual({ 0: 5, 1: 5, 2: 5, 3: 5 });
  });

  test('a failed message is dropped: nothing is sent back, the offset moves on', async () => {
    const seen: string[] = [];
    const c = member('bcastF', seen);
    c.registerMessageListener(async (msgs) => {
      seen.push(...msgs.map((m) => m.body.toString()));
      if (msgs.some((m) => m.body.toString().endsWith('-1'))) throw new Error('handler failed');
      return 'CONSUME_SUCCESS';
    });
    await c.start();
    await until(() => seen.length === 12, 'every message once');
    await c.shutdown();
    consumers.splice(0);
    expect(seen.sort()).toEqual(every(0, 3));
    const broker = cluster.brokers[0]!;
    expect(broker.requests(RequestCode.CONSUMER_SEND_MSG_BACK)).toHaveLength(0);
    expect(broker.sends()).toHaveLength(0);
    expect(await offsetsFile(c)).toEqual({ 0: 3, 1: 3, 2: 3, 3: 3 });
  });
});
