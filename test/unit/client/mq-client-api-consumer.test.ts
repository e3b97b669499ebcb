import { BrokerResponseError } from '../../../src/errors';
import { silentLogger } from '../../../src/logger';
import { MQClientAPI } from '../../../src/client/mq-client-api';
import { MessageQueue } from '../../../src/client/message-queue';
import { RequestCode } from '../../../src/remoting/protocol/request-code';
import { ResponseCode } from '../../../src/remoting/protocol/response-code';
import { RemotingClient } from '../../../src/remoting/remoting-client';
import { FakeRemotingServer } from '../../helpers/fake-remoting-server';
import { until } from '../../helpers/fake-rocketmq';

let server: FakeRemotingServer;
let remoting: RemotingClient;
let api: MQClientAPI;
const mq = new MessageQueue('T', 'broker-a', 3);

beforeEach(async () => {
  server = await FakeRemotingServer.start();
  remoting = new RemotingClient({ namesrvAddrs: [server.addr], logger: silentLogger });
  api = new MQClientAPI(remoting, { language: 'JAVA', namespace: undefined, vipChannelEnabled: false });
});

afterEach(async () => {
  await remoting.shutdown();
  await server.close();
});

const ext = (i = 0): Record<string, string> => ({ ...server.received[i]!.extFields });

describe('PULL_MESSAGE', () => {
  const fields = {
    consumerGroup: 'G', topic: 'T', queueId: 3, queueOffset: 7n, maxMsgNums: 32, sysFlag: 3, commitOffset: 5n,
    suspendTimeoutMillis: 15000n, subVersion: 1n, expressionType: 'TAG', brokerName: 'broker-a',
  };

  test.each([
    [ResponseCode.SUCCESS, 'FOUND'],
    [ResponseCode.PULL_NOT_FOUND, 'NO_NEW_MSG'],
    [ResponseCode.PULL_RETRY_IMMEDIATELY, 'NO_MATCHED_MSG'],
    [ResponseCode.PULL_OFFSET_MOVED, 'OFFSET_ILLEGAL'],
  ])('code %i is %s, header offsets read', async (code, status) => {
    server.setHandler((ctx) =>
      ctx.respond({ code, extFields: { suggestWhichBrokerId: '1', nextBeginOffset: '9', minOffset: '0', maxOffset: '12' } as never }),
    );
    const r = await api.pullMessage(server.addr, fields, 3000);
    expect(r).toMatchObject({ status, suggestWhichBrokerId: 1, nextBeginOffset: 9n, minOffset: 0n, maxOffset: 12n });
    expect(server.received[0]!.code).toBe(RequestCode.PULL_MESSAGE);
    expect(ext()).toMatchObject({ consumerGroup: 'G', queueOffset: '7', sysFlag: '3', commitOffset: '5', suspendTimeoutMillis: '15000', bname: 'broker-a' });
  });

  test('another code is a BrokerResponseError (e.g. SUBSCRIPTION_NOT_LATEST)', async () => {
    server.setHandler((ctx) => ctx.respond({ code: 25, remark: 'not latest' }));
    await expect(api.pullMessage(server.addr, fields, 3000)).rejects.toMatchObject({ responseCode: 25 });
  });
});

describe('offsets and membership', () => {
  test('QUERY_CONSUMER_OFFSET answers offset; QUERY_NOT_FOUND is an error', async () => {
    server.setHandler((ctx) => ctx.respond({ extFields: { offset: '42' } as never }));
    await expect(api.queryConsumerOffset(server.addr, mq, 'G', 3000)).resolves.toBe(42n);
    expect(ext()).toEqual({ consumerGroup: 'G', topic: 'T', queueId: '3', bname: 'broker-a' });
    server.setHandler((ctx) => ctx.respond({ code: ResponseCode.QUERY_NOT_FOUND, remark: 'none' }));
    const err = await api.queryConsumerOffset(server.addr, mq, 'G', 3000).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BrokerResponseError);
    expect((err as BrokerResponseError).responseCode).toBe(22);
  });

  test('UPDATE_CONSUMER_OFFSET checked and oneway', async () => {
    server.setHandler((ctx) => ctx.respond({ code: 1, remark: 'boom' }));
    await expect(api.updateConsumerOffset(server.addr, mq, 'G', 10n, 3000)).rejects.toBeInstanceOf(BrokerResponseError);
    expect(ext()).toMatchObject({ commitOffset: '10', queueId: '3', consumerGroup: 'G' });
    await api.updateConsumerOffsetOneway(server.addr, mq, 'G', 11n, 3000);
    await until(() => server.received.length === 2, 'the oneway update');
    expect(server.received[1]!.isOneway).toBe(true);
    expect(ext(1)).toMatchObject({ commitOffset: '11' });
  });

  test('GET_CONSUMER_LIST_BY_GROUP parses the id list', async () => {
    server.setHandler((ctx) => ctx.respond({ body: Buffer.from('{"consumerIdList":["b@1","a@2"]}') }));
    await expect(api.getConsumerIdListByGroup(server.addr, 'G', 3000)).resolves.toEqual(['b@1', 'a@2']);
    expect(server.received[0]!.code).toBe(RequestCode.GET_CONSUMER_LIST_BY_GROUP);
  });

  test('CONSUMER_SEND_MSG_BACK header', async () => {
    await api.consumerSendMessageBack(
      server.addr,
      { brokerName: 'broker-a', commitLogOffset: 123n, group: 'G', delayLevel: 0, originMsgId: 'M', originTopic: 'T', maxReconsumeTimes: 16 },
      3000,
    );
    expect(ext()).toEqual({ offset: '123', group: 'G', delayLevel: '0', originMsgId: 'M', originTopic: 'T', unitMode: 'false', maxReconsumeTimes: '16', bname: 'broker-a' });
  });

  test('SEARCH_OFFSET_BY_TIMESTAMP and GET_MIN_OFFSET', async () => {
    server.setHandler((ctx) => ctx.respond({ extFields: { offset: '5' } as never }));
    await expect(api.searchOffset(server.addr, mq, 1700000000000, 3000)).resolves.toBe(5n);
    expect(ext()).toMatchObject({ timestamp: '1700000000000', queueId: '3' });
    await expect(api.getMinOffset(server.addr, mq, 3000)).resolves.toBe(5n);
    expect(server.received[1]!.code).toBe(RequestCode.GET_MIN_OFFSET);
  });

  test('LOCK_BATCH_MQ returns the locked queues; UNLOCK_BATCH_MQ', async () => {
    server.setHandler((ctx) => ctx.respond({ body: Buffer.from('{"lockOKMQSet":[{"topic":"T","brokerName":"broker-a","queueId":3}]}') }));
    const locked = await api.lockBatchMQ(server.addr, 'broker-a', { consumerGroup: 'G', clientId: 'c', onlyThisBroker: true, mqSet: [mq] }, 3000);
    expect(locked.map(String)).toEqual([mq.toString()]);
    await api.unlockBatchMQ(server.addr, 'broker-a', { consumerGroup: 'G', clientId: 'c', mqSet: [mq] }, 3000, false);
    expect(server.received.map((r) => r.code)).toEqual([RequestCode.LOCK_BATCH_MQ, RequestCode.UNLOCK_BATCH_MQ]);
  });
});
