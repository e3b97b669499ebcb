/**
 * The consumer-path wire pieces against a real broker, through the RemotingClient alone: a heartbeat with
 * consumer data (the broker and mqadmin see the subscription), the consumer list, offsets, queue locks and
 * pulls built from the header classes (long polling, COMMIT_OFFSET, SUBSCRIPTION_NOT_LATEST), in both
 * header types.
 */
import { RemotingClient } from '../../src/remoting/remoting-client';
import { RemotingCommand } from '../../src/remoting/protocol/remoting-command';
import { RequestCode } from '../../src/remoting/protocol/request-code';
import { ResponseCode } from '../../src/remoting/protocol/response-code';
import type { SerializeTypeName } from '../../src/remoting/protocol/serialize-type';
import {
  createRequestCommand,
  fromExtFields,
  GetConsumerListByGroupRequestHeader,
  HeartbeatRequestHeader,
  LockBatchMqRequestHeader,
  PullMessageRequestHeader,
  PullMessageResponseHeader,
  QueryConsumerOffsetRequestHeader,
  QueryConsumerOffsetResponseHeader,
  UnlockBatchMqRequestHeader,
  UpdateConsumerOffsetRequestHeader,
} from '../../src/remoting/header';
import { parseRouteBody } from '../../src/client/route/parse-route-body';
import { MessageQueue } from '../../src/client/message-queue';
import { createHeartbeatData, encodeHeartbeatData } from '../../src/client/heartbeat-data';
import { buildSubscriptionData } from '../../src/client/subscription-data';
import { parseConsumerIdList } from '../../src/client/body/consumer-list-body';
import { encodeLockBatchRequestBody, encodeUnlockBatchRequestBody, parseLockBatchResponseBody } from '../../src/client/body/lock-batch-body';
import { buildPullSysFlag } from '../../src/consumer/pull-sys-flag';
import { admin, createTopic, describeBroker, namesrvAddr, uniqueName } from './helpers/broker';

jest.setTimeout(120_000);

const TIMEOUT = 10_000;
const TYPES: SerializeTypeName[] = ['JSON', 'ROCKETMQ'];

interface RouteLite {
  brokerDatas: { brokerName: string; brokerAddrs: Record<string, string> }[];
}

describeBroker('consumer wire pieces against a real broker', () => {
  const TOPIC = uniqueName('ConsWire');
  const GROUP = uniqueName('cons_wire_group');
  const CLIENT_ID = `127.0.0.1@${process.pid}#conswire`;
  const SUB_VERSION = Date.now();
  const queues = [0, 1, 2, 3].map((q) => new MessageQueue(TOPIC, 'broker-a', q));
  const clients = new Map<SerializeTypeName, RemotingClient>();
  let addr: string;

  const heartbeat = (): RemotingCommand => {
    const data = createHeartbeatData(CLIENT_ID, [], [
      {
        groupName: GROUP,
        consumeType: 'CONSUME_PASSIVELY',
        messageModel: 'CLUSTERING',
        consumeFromWhere: 'CONSUME_FROM_LAST_OFFSET',
        unitMode: false,
        subscriptionDataSet: [
          buildSubscriptionData(TOPIC, 'TagA || TagB', 'TAG', SUB_VERSION),
          buildSubscriptionData(`%RETRY%${GROUP}`, '*', 'TAG', SUB_VERSION),
        ],
      },
    ]);
    return createRequestCommand(RequestCode.HEART_BEAT, new HeartbeatRequestHeader(), encodeHeartbeatData(data));
  };

  const pull = (queueId: number, o: { subVersion?: number; commitOffset?: bigint; suspendMs?: number }): RemotingCommand => {
    const h = new PullMessageRequestHeader();
    Object.assign(h, {
      consumerGroup: GROUP,
      topic: TOPIC,
      queueId,
      queueOffset: 0n,
      maxMsgNums: 32,
      sysFlag: buildPullSysFlag({ commitOffset: o.commitOffset !== undefined, suspend: true }),
      commitOffset: o.commitOffset ?? 0n,
      suspendTimeoutMillis: BigInt(o.suspendMs ?? 1000),
      subVersion: BigInt(o.subVersion ?? SUB_VERSION),
      expressionType: 'TAG',
      maxMsgBytes: 256 * 1024,
      brokerName: 'broker-a',
    });
    return createRequestCommand(RequestCode.PULL_MESSAGE, h);
  };

  const queryOffset = async (client: RemotingClient, queueId: number): Promise<bigint | undefined> => {
    const h = Object.assign(new QueryConsumerOffsetRequestHeader(), { consumerGroup: GROUP, topic: TOPIC, queueId, brokerName: 'broker-a' });
    const res = await client.invoke(addr, createRequestCommand(RequestCode.QUERY_CONSUMER_OFFSET, h), TIMEOUT);
    if (res.code === ResponseCode.QUERY_NOT_FOUND) return undefined;
    expect(res.code).toBe(ResponseCode.SUCCESS);
    return fromExtFields(QueryConsumerOffsetResponseHeader, res.extFields).offset;
  };

  beforeAll(async () => {
    for (const t of TYPES) clients.set(t, new RemotingClient({ namesrvAddrs: [namesrvAddr()], serializeType: t }));
    await createTopic(TOPIC, { queues: 4 });
    const client = clients.get('JSON')!;
    for (let i = 0; ; i++) {
      const res = await client.invoke(null, new RemotingCommand({ code: RequestCode.GET_ROUTEINFO_BY_TOPIC, extFields: { topic: TOPIC } }), TIMEOUT);
      if (res.code === ResponseCode.SUCCESS) {
        const route = parseRouteBody(res.body) as RouteLite;
        addr = route.brokerDatas.find((b) => b.brokerName === 'broker-a')!.brokerAddrs['0']!;
        break;
      }
      if (i > 100) throw new Error(`no route for ${TOPIC}`);
      await new Promise((r) => setTimeout(r, 300));
    }
    const hb = await client.invoke(addr, heartbeat(), TIMEOUT);
    expect(hb.code).toBe(ResponseCode.SUCCESS);
  });

  afterAll(async () => {
    await Promise.all([...clients.values()].map((c) => c.shutdown()));
  });

  it('the broker lists us as a member, and mqadmin sees our subscription and tags', async () => {
    const h = Object.assign(new GetConsumerListByGroupRequestHeader(), { consumerGroup: GROUP });
    const res = await clients.get('JSON')!.invoke(addr, createRequestCommand(RequestCode.GET_CONSUMER_LIST_BY_GROUP, h), TIMEOUT);
    expect(res.code).toBe(ResponseCode.SUCCESS);
    expect(parseConsumerIdList(res.body)).toContain(CLIENT_ID);
    const out = await admin('consumerConnection', '-g', GROUP);
    expect(out).toContain(CLIENT_ID);
    expect(out).toMatch(new RegExp(`${TOPIC}\\s+TagA \\|\\| TagB`));
    expect(out).toContain('CONSUME_PASSIVELY');
    expect(out).toContain('CLUSTERING');
  });

  describe.each(TYPES)('with %s headers', (type) => {
    const queueId = type === 'JSON' ? 1 : 2;

    it('UPDATE_CONSUMER_OFFSET then QUERY_CONSUMER_OFFSET gives it back', async () => {
      const client = clients.get(type)!;
      const h = Object.assign(new UpdateConsumerOffsetRequestHeader(), {
        consumerGroup: GROUP, topic: TOPIC, queueId, commitOffset: 7n, brokerName: 'broker-a',
      });
      const res = await client.invoke(addr, createRequestCommand(RequestCode.UPDATE_CONSUMER_OFFSET, h), TIMEOUT);
      expect(res.code).toBe(ResponseCode.SUCCESS);
      expect(await queryOffset(client, queueId)).toBe(7n);
    });

    it('a long-polling pull on an empty queue waits, answers PULL_NOT_FOUND, and commits the piggybacked offset', async () => {
      const client = clients.get(type)!;
      const t0 = Date.now();
      const res = await client.invoke(addr, pull(queueId, { commitOffset: 9n, suspendMs: 1500 }), TIMEOUT);
      expect(res.code).toBe(ResponseCode.PULL_NOT_FOUND);
      expect(Date.now() - t0).toBeGreaterThanOrEqual(900); // held by the broker (long polling), not answered at once
      const h = fromExtFields(PullMessageResponseHeader, res.extFields);
      expect(h.nextBeginOffset).toBe(0n);
      expect(h.maxOffset).toBe(0n);
      expect(h.suggestWhichBrokerId).toBe(0n);
      expect(await queryOffset(client, queueId)).toBe(9n);
    });

    it('a pull naming a newer subscription version than the heartbeat is SUBSCRIPTION_NOT_LATEST', async () => {
      const res = await clients.get(type)!.invoke(addr, pull(queueId, { subVersion: SUB_VERSION + 60_000 }), TIMEOUT);
      expect(res.code).toBe(ResponseCode.SUBSCRIPTION_NOT_LATEST);
    });

    it('LOCK_BATCH_MQ locks the queues for us, UNLOCK_BATCH_MQ releases them', async () => {
      const client = clients.get(type)!;
      const body = { consumerGroup: GROUP, clientId: CLIENT_ID, onlyThisBroker: true, mqSet: queues };
      const lock = createRequestCommand(RequestCode.LOCK_BATCH_MQ, Object.assign(new LockBatchMqRequestHeader(), { brokerName: 'broker-a' }), encodeLockBatchRequestBody(body));
      const res = await client.invoke(addr, lock, TIMEOUT);
      expect(res.code).toBe(ResponseCode.SUCCESS);
      expect(parseLockBatchResponseBody(res.body).map((q) => q.queueId).sort()).toEqual([0, 1, 2, 3]);
      const unlock = createRequestCommand(RequestCode.UNLOCK_BATCH_MQ, new UnlockBatchMqRequestHeader(), encodeUnlockBatchRequestBody(body));
      expect((await client.invoke(addr, unlock, TIMEOUT)).code).toBe(ResponseCode.SUCCESS);
    });
  });
});
