import { BrokerResponseError, RemotingProtocolError } from '../../../src/errors';
import { silentLogger } from '../../../src/logger';
import { brokerVIPChannel, MQClientAPI } from '../../../src/client/mq-client-api';
import { Message } from '../../../src/message/message';
import { createBatch } from '../../../src/message/message-batch';
import { setUniqId } from '../../../src/message/message-id';
import { newExtFields, RemotingCommand } from '../../../src/remoting/protocol/remoting-command';
import { RequestCode } from '../../../src/remoting/protocol/request-code';
import { RemotingClient } from '../../../src/remoting/remoting-client';
import { FakeRemotingServer } from '../../helpers/fake-remoting-server';

let server: FakeRemotingServer;
let remoting: RemotingClient;

function api(namespace?: string): MQClientAPI {
  return new MQClientAPI(remoting, { language: 'JAVA', namespace, vipChannelEnabled: false });
}

function response(code: number, ext?: Record<string, string>): RemotingCommand {
  const e = ext ? Object.assign(newExtFields(), ext) : undefined;
  return new RemotingCommand({ code, extFields: e, flag: 1 });
}

const OK_EXT = { msgId: '7F00000100002A9F0000000000000001', queueId: '3', queueOffset: '9007199254740993' };

beforeEach(async () => {
  server = await FakeRemotingServer.start();
  remoting = new RemotingClient({ namesrvAddrs: [server.addr], logger: silentLogger });
});

afterEach(async () => {
  await remoting.shutdown();
  await server.close();
});

describe('name-server calls', () => {
  test('GET_ROUTEINFO_BY_TOPIC carries topic and acceptStandardJsonOnly; an error code is a BrokerResponseError', async () => {
    server.setHandler((ctx) => ctx.respond({ code: 17, remark: 'No topic route info in name server for the topic: T' }));
    const err = await api().getTopicRouteInfoFromNameServer('T', 3000).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BrokerResponseError);
    expect((err as BrokerResponseError).responseCode).toBe(17);
    expect({ ...server.received[0]!.extFields }).toEqual({ topic: 'T', acceptStandardJsonOnly: 'true' });
    expect(server.received[0]!.code).toBe(RequestCode.GET_ROUTEINFO_BY_TOPIC);
  });

  test('GET_BROKER_CLUSTER_INFO: the body with unquoted Long keys is parsed', async () => {
    const body =
      '{"brokerAddrTable":{"broker-a":{"brokerAddrs":{0:"127.0.0.1:10911"},"brokerName":"broker-a","cluster":"DefaultCluster"}},' +
      '"clusterAddrTable":{"DefaultCluster":["broker-a"]}}';
    server.setHandler((ctx) => ctx.respond({ code: 0, body: Buffer.from(body) }));
    const info = await api().getBrokerClusterInfo(3000);
    expect(info.clusterAddrTable).toEqual({ DefaultCluster: ['broker-a'] });
    expect(info.brokerAddrTable['broker-a']!.brokerAddrs).toEqual({ 0: '127.0.0.1:10911' });
  });
});

describe('broker calls', () => {
  test('UPDATE_AND_CREATE_TOPIC header; UNREGISTER_CLIENT header; HEART_BEAT language and version', async () => {
    server.setHandler((ctx) => ctx.respond({ code: 0 }));
    const a = api();
    await a.createTopic(server.addr, 'TBW102', {
      topicName: 'New',
      readQueueNums: 4,
      writeQueueNums: 4,
      perm: 6,
      topicFilterType: 'SINGLE_TAG',
      topicSysFlag: 0,
      order: false,
      attributes: '',
    }, 3000);
    expect(server.received[0]!.extFields).toMatchObject({
      topic: 'New',
      defaultTopic: 'TBW102',
      readQueueNums: '4',
      writeQueueNums: '4',
      perm: '6',
      topicFilterType: 'SINGLE_TAG',
      topicSysFlag: '0',
      order: 'false',
    });
    await a.unregisterClient(server.addr, 'ip@1', 'pg', undefined, 3000);
    expect({ ...server.received[1]!.extFields }).toEqual({ clientID: 'ip@1', producerGroup: 'pg' });
    const version = await a.sendHeartbeat(server.addr, { clientID: 'ip@1', producerDataSet: [], consumerDataSet: [], heartbeatFingerprint: 0, withoutSub: false }, 3000);
    expect(version).toBe(479);
    expect(server.received[2]!.language).toBe('JAVA');
  });

  test('VIP channel: port - 2', () => {
    expect(brokerVIPChannel(true, '10.0.0.1:10911')).toBe('10.0.0.1:10909');
    expect(brokerVIPChannel(false, '10.0.0.1:10911')).toBe('10.0.0.1:10911');
  });
});
