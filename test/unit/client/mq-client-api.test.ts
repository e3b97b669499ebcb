import { BrokerResponseError, RemotingProtocolError } from '../../../src/errors';
import { silentLogger } from '../../../src/logger';
import { brokerVIPChannel, MQClientAPI } from '../../../src/client/mq-client-api';
import { Message } from '../../../src/producer/message';
import { createBatch } from '../../../src/producer/message-batch';
import { setUniqId } from '../../../src/producer/message-id';
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

describe('processSendResponse (protocol 3.3 / 4.3)', () => {
  test('codes 0, 10, 12, 11 give a status; others throw BrokerResponseError with code, remark and address', () => {
    const msg = new Message('T', 'x');
    setUniqId(msg);
    const a = api();
    expect(a.processSendResponse('b', msg, 'T', response(0, OK_EXT), 'addr').sendStatus).toBe('SEND_OK');
    expect(a.processSendResponse('b', msg, 'T', response(10, OK_EXT), 'addr').sendStatus).toBe('FLUSH_DISK_TIMEOUT');
    expect(a.processSendResponse('b', msg, 'T', response(12, OK_EXT), 'addr').sendStatus).toBe('FLUSH_SLAVE_TIMEOUT');
    expect(a.processSendResponse('b', msg, 'T', response(11, OK_EXT), 'addr').sendStatus).toBe('SLAVE_NOT_AVAILABLE');
    const r = new RemotingCommand({ code: 13, remark: 'too big', flag: 1 });
    let err: unknown;
    try {
      a.processSendResponse('b', msg, 'T', r, '1.2.3.4:10911');
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(BrokerResponseError);
    expect(err).toMatchObject({ responseCode: 13, remark: 'too big', brokerAddr: '1.2.3.4:10911' });
  });

  test('result fields: ids, queue without namespace, bigint offset, region default, traceOn, transaction and recall', () => {
    const msg = new Message('T', 'x');
    setUniqId(msg);
    const r = api('ns').processSendResponse(
      'broker-a',
      msg,
      'ns%T',
      response(0, { ...OK_EXT, TRACE_ON: 'false', transactionId: 'tx', recallHandle: 'rh' }),
      'addr',
    );
    expect(r.msgId).toBe(msg.getProperty('UNIQ_KEY'));
    expect(r.offsetMsgId).toBe(OK_EXT.msgId);
    expect(r.messageQueue.toJSON()).toEqual({ topic: 'T', brokerName: 'broker-a', queueId: 3 });
    expect(r.queueOffset).toBe(9007199254740993n);
    expect(r.regionId).toBe('DefaultRegion');
    expect(r.traceOn).toBe(false);
    expect(r.transactionId).toBe('tx');
    expect(r.recallHandle).toBe('rh');
    const r2 = api().processSendResponse('b', msg, 'T', response(0, { ...OK_EXT, MSG_REGION: 'r1', TRACE_ON: 'FALSE' }), 'addr');
    expect(r2.regionId).toBe('r1');
    expect(r2.traceOn).toBe(true);
  });

  test('a batch: msgId is the inner UNIQ_KEYs unless the broker sent batchUniqId', () => {
    const batch = createBatch([new Message('T', 'a'), new Message('T', 'b')], { maxMessageSize: 4 << 20 });
    const inner = batch.messages.map((m) => m.getProperty('UNIQ_KEY')).join(',');
    expect(api().processSendResponse('b', batch, 'T', response(0, OK_EXT), 'addr').msgId).toBe(inner);
    const r = api().processSendResponse('b', batch, 'T', response(0, { ...OK_EXT, batchUniqId: 'X' }), 'addr');
    expect(r.msgId).toBe(batch.getProperty('UNIQ_KEY'));
  });

  test('a success without the required header fields is a protocol error', () => {
    expect(() => api().processSendResponse('b', new Message('T', 'x'), 'T', response(0), 'addr')).toThrow(RemotingProtocolError);
  });
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
