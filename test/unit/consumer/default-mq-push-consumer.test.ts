import { silentLogger } from '../../../src/logger';
import { DefaultMQPushConsumer } from '../../../src/consumer/default-mq-push-consumer';
import { RemotingCommand } from '../../../src/remoting/protocol/remoting-command';
import { MessageExt } from '../../../src/message/message-decoder';
import { encodeMessageExts } from '../../../src/message/stored-message-encoder';
import { RequestCode } from '../../../src/remoting/protocol/request-code';
import { startFakeCluster, until } from '../../helpers/fake-rocketmq';
import { ext, serveConsumer, type Cluster } from '../../helpers/fake-consumer-broker';

describe('DefaultMQPushConsumer with an in-process broker', () => {
  let cluster: Cluster;
  let consumer: DefaultMQPushConsumer | undefined;

  beforeEach(async () => {
    cluster = await startFakeCluster(1);
    cluster.ns.setRoute('T', cluster.brokers);
    cluster.ns.setRoute('%RETRY%G', cluster.brokers, 1);
  });

  afterEach(async () => {
    await consumer?.shutdown();
    consumer = undefined;
    await cluster.close();
  });

  test('heartbeat carries the subscriptions and %RETRY%<group>; every message reaches the handler; shutdown commits with checked requests and unregisters', async () => {
    let clientId = '';
    const broker = serveConsumer(cluster, () => [clientId]);
    const got: string[] = [];
    consumer = new DefaultMQPushConsumer({ consumerGroup: 'G', namesrvAddr: cluster.ns.addr, logger: silentLogger, instanceName: 'unit1' });
    consumer.subscribe('T', 'TagA || TagB');
    consumer.registerMessageListener(async (msgs) => {
      got.push(...msgs.map((m) => m.msgId));
      return 'CONSUME_SUCCESS';
    });
    // The member list is whatever client id the heartbeat names.
    broker.onHeartbeat = (ctx) => {
      clientId = JSON.parse(ctx.request.body!.toString()).clientID;
      ctx.respond();
    };
    await consumer.start();
    await until(() => got.length === 12, 'twelve messages');
    // stats(): nothing held, each queue's next commit is past its three messages.
    await until(() => consumer!.stats().queues.filter((q) => q.topic === 'T').every((q) => q.consumeOffset === 3), 'offsets at 3');
    expect(consumer.stats().queues.filter((q) => q.topic === 'T').map((q) => [q.queueId, q.cachedMsgCount, q.cachedMinOffset])).toEqual([
      [0, 0, undefined],
      [1, 0, undefined],
      [2, 0, undefined],
      [3, 0, undefined],
    ]);
    const hb = JSON.parse(broker.requests(RequestCode.HEART_BEAT).at(-1)!.body!.toString());
    expect(hb.consumerDataSet).toHaveLength(1);
    const cd = hb.consumerDataSet[0];
    expect(cd).toMatchObject({ groupName: 'G', consumeType: 'CONSUME_PASSIVELY', messageModel: 'CLUSTERING', consumeFromWhere: 'CONSUME_FROM_LAST_OFFSET' });
    expect(cd.subscriptionDataSet.map((s: { topic: string; subString: string }) => [s.topic, s.subString]).sort()).toEqual([
      ['%RETRY%G', '*'],
      ['T', 'TagA || TagB'],
    ]);
    const pull = broker.requests(RequestCode.PULL_MESSAGE)[0]!;
    expect(pull.extFields).toMatchObject({ consumerGroup: 'G', suspendTimeoutMillis: '15000', maxMsgNums: '32', bname: 'broker-a', expressionType: 'TAG' });

    await consumer.shutdown();
    consumer = undefined;
    const commits = broker.requests(RequestCode.UPDATE_CONSUMER_OFFSET).filter((r) => r.extFields!.topic === 'T');
    const last = new Map(commits.map((r) => [r.extFields!.queueId, r.extFields!.commitOffset]));
    expect(Object.fromEntries(last)).toEqual({ 0: '3', 1: '3', 2: '3', 3: '3' });
    expect(commits.every((r) => !r.isOneway)).toBe(true);
    expect(broker.requests(RequestCode.UNREGISTER_CLIENT).some((r) => r.extFields!.consumerGroup === 'G')).toBe(true);
  });

  test('NOTIFY_CONSUMER_IDS_CHANGED rebalances at once: a new member takes half of the queues', async () => {
    let ids: string[] = [];
    const broker = serveConsumer(cluster, () => ids);
    broker.onHeartbeat = (ctx) => {
      const id = JSON.parse(ctx.request.body!.toString()).clientID as string;
      if (!ids.includes(id)) ids = [id];
      ctx.respond();
    };
    consumer = new DefaultMQPushConsumer({ consumerGroup: 'G', namesrvAddr: cluster.ns.addr, logger: silentLogger, instanceName: 'unit2' });
    consumer.subscribe('T');
    consumer.registerMessageListener(async () => 'CONSUME_SUCCESS');
    await consumer.start();
    const owned = () => [...consumer!.impl.rebalanceImpl.processQueueTable.values()].filter((e) => e.mq.topic === 'T').length;
    expect(owned()).toBe(4);
    // Another member sorts after ours: we keep queues 0 and 1.
    ids = [ids[0]!, '~other@member'];
    const listRequests = broker.requests(RequestCode.GET_CONSUMER_LIST_BY_GROUP).length;
    const notify = new RemotingCommand({ code: RequestCode.NOTIFY_CONSUMER_IDS_CHANGED, extFields: ext({ consumerGroup: 'G' }), flag: 2 });
    void broker.server.sendRequest(notify);
    await until(() => owned() === 2, 'two queues after the notification', 3000);
    expect(broker.requests(RequestCode.GET_CONSUMER_LIST_BY_GROUP).length).toBeGreaterThan(listRequests);
    // stats(): T's two queues and the retry queue, one live pull loop each once the released queues' loops ended.
    await until(() => consumer!.stats().pullRequestsInFlight === 3, 'one pull loop per owned queue', 5000);
    const stats = consumer.stats();
    expect(stats.ownedQueues).toBe(3);
    expect(stats.queues.filter((q) => q.topic === 'T').map((q) => q.queueId).sort()).toEqual([0, 1]);
    const props = new Map(consumer.impl.consumerRunningInfo().properties);
    expect(props.get('pullRequestsInFlight')).toBe('3');
    expect(props.get('ownedQueues')).toBe('3');
  });

  test('CONSUME_MESSAGE_DIRECTLY runs the listener on the message and answers its outcome; an unknown group gets SYSTEM_ERROR', async () => {
    let ids: string[] = [];
    const broker = serveConsumer(cluster, () => ids);
    broker.onHeartbeat = (ctx) => {
      ids = [JSON.parse(ctx.request.body!.toString()).clientID as string];
      ctx.respond();
    };
    const seen: string[] = [];
    consumer = new DefaultMQPushConsumer({ consumerGroup: 'G', namesrvAddr: cluster.ns.addr, logger: silentLogger, instanceName: 'unit3' });
    consumer.subscribe('T');
    consumer.registerMessageListener(async (msgs) => {
      seen.push(...msgs.map((m) => m.body.toString()));
      if (msgs[0]!.body.toString() === 'boom') throw new Error('handler failed');
      return 'CONSUME_SUCCESS';
    });
    await consumer.start();
    const direct = async (group: string, body: string) => {
      const m = new MessageExt('T', Buffer.from(body));
      const request = new RemotingCommand({
        code: RequestCode.CONSUME_MESSAGE_DIRECTLY,
        extFields: ext({ consumerGroup: group, clientId: ids[0]!, msgId: 'X', brokerName: 'broker-a' }),
        body: encodeMessageExts([m]),
      });
      return broker.server.sendRequest(request);
    };
    const ok = (await direct('G', 'direct'))!;
    expect(ok.code).toBe(0);
    expect(JSON.parse(ok.body!.toString())).toMatchObject({ autoCommit: true, consumeResult: 'CR_SUCCESS', order: false });
    const thrown = (await direct('G', 'boom'))!;
    expect(JSON.parse(thrown.body!.toString()).consumeResult).toBe('CR_THROW_EXCEPTION');
    expect(seen).toContain('direct');
    const unknown = (await direct('nope', 'x'))!;
    expect(unknown.code).toBe(1);
    expect(unknown.remark).toContain('nope');
  });

  test('the rpcHook (ACL signing) sees every consumer request; namespace: the handler sees topics without it', async () => {
    cluster.ns.setRoute('ns%T', cluster.brokers);
    cluster.ns.setRoute('%RETRY%ns%G', cluster.brokers, 1);
    let ids: string[] = [];
    const broker = serveConsumer(cluster, () => ids);
    broker.onHeartbeat = (ctx) => {
      ids = [JSON.parse(ctx.request.body!.toString()).clientID as string];
      ctx.respond();
    };
    const hooked = new Set<number>();
    const topics = new Set<string>();
    consumer = new DefaultMQPushConsumer({
      consumerGroup: 'G',
      namespace: 'ns',
      namesrvAddr: cluster.ns.addr,
      logger: silentLogger,
      instanceName: 'unit4',
      rpcHook: { doBeforeRequest: (_a, req) => void hooked.add(req.code), doAfterResponse: () => {} },
    });
    consumer.subscribe('T');
    await consumer.consume(async (m) => {
      topics.add(m.topic);
    });
    await until(() => topics.size > 0, 'a message');
    expect([...topics]).toEqual(['T']);
    for (const code of [RequestCode.HEART_BEAT, RequestCode.GET_CONSUMER_LIST_BY_GROUP, RequestCode.QUERY_CONSUMER_OFFSET, RequestCode.PULL_MESSAGE]) {
      expect(hooked.has(code)).toBe(true);
    }
    const pull = broker.requests(RequestCode.PULL_MESSAGE)[0]!;
    expect(pull.extFields).toMatchObject({ consumerGroup: 'ns%G', topic: 'ns%T' });
  });
});
