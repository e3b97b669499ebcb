import { silentLogger } from '../../../src/logger';
import { parseClientConfig } from '../../../src/client/client-config';
import { MQClientInstance } from '../../../src/client/mq-client-instance';
import { buildMQClientId } from '../../../src/client/client-instance-config';
import type { MQProducerInner } from '../../../src/client/mq-producer-inner';
import { TopicPublishInfo } from '../../../src/client/route/topic-publish-info';
import type { TimedLock } from '../../../src/client/timed-lock';
import { RequestCode } from '../../../src/remoting/protocol/request-code';
import { RemotingProtocolError } from '../../../src/errors';
import { captureLogger, type FakeRequestContext } from '../../helpers/fake-remoting-server';
import { startFakeCluster, until, untilImmediate, type FakeBroker, type FakeNameServer } from '../../helpers/fake-rocketmq';

let ns: FakeNameServer;
let brokers: FakeBroker[];
let closeCluster: () => Promise<void>;
const instances: MQClientInstance[] = [];

function instance(overrides: Record<string, unknown> = {}): MQClientInstance {
  const cfg = parseClientConfig({ namesrvAddr: ns.addr, logger: silentLogger, instanceName: `t${instances.length}`, ...overrides });
  const inst = new MQClientInstance({ ...cfg, clientIP: '10.0.0.1' }, buildMQClientId({ ...cfg, clientIP: '10.0.0.1' }));
  instances.push(inst);
  return inst;
}

class RecordingProducer implements MQProducerInner {
  readonly table = new Map<string, TopicPublishInfo>();
  updates = 0;
  getPublishTopicList() {
    return [...this.table.keys()];
  }
  isPublishTopicNeedUpdate(topic: string) {
    const i = this.table.get(topic);
    return !i || !i.ok();
  }
  updateTopicPublishInfo(topic: string, info: TopicPublishInfo) {
    this.updates++;
    this.table.set(topic, info);
  }
  isUnitMode() {
    return false;
  }
}

beforeEach(async () => {
  ({ ns, brokers, close: closeCluster } = await startFakeCluster(2));
  ns.setRoute('TopicTest', brokers);
});

afterEach(async () => {
  jest.useRealTimers();
  for (const i of instances.splice(0)) {
    i.producerTable.clear();
    await i.shutdown();
  }
  await closeCluster();
});

test('clientId is ip@instanceName[@unitName]', () => {
  expect(buildMQClientId({ clientIP: '10.0.0.1', instanceName: '42#7' })).toBe('10.0.0.1@42#7');
  expect(buildMQClientId({ clientIP: '10.0.0.1', instanceName: '42#7', unitName: 'u1' })).toBe('10.0.0.1@42#7@u1');
  expect(buildMQClientId({ clientIP: '10.0.0.1', instanceName: '42#7', unitName: '  ' })).toBe('10.0.0.1@42#7');
});

describe('route refresh', () => {
  test('change detection: an unchanged route is not re-applied; a changed one is', async () => {
    const inst = instance();
    inst.start();
    const p = new RecordingProducer();
    inst.registerProducer('g', p);
    expect(await inst.updateTopicRouteInfoFromNameServer('TopicTest')).toBe(true);
    expect(p.updates).toBe(1);
    expect([...inst.brokerAddrTable.keys()].sort()).toEqual(['broker-a', 'broker-b']);
    expect(await inst.updateTopicRouteInfoFromNameServer('TopicTest')).toBe(false);
    expect(p.updates).toBe(1);
    ns.setRoute('TopicTest', brokers, 8);
    expect(await inst.updateTopicRouteInfoFromNameServer('TopicTest')).toBe(true);
    expect(p.table.get('TopicTest')!.messageQueueList).toHaveLength(16);
  });

  test('an absurdly deep route body is refused with a logged protocol error; the next refresh still runs', async () => {
    const logger = captureLogger();
    const inst = instance({ logger });
    inst.start();
    const p = new RecordingProducer();
    inst.registerProducer('g', p);
    expect(await inst.updateTopicRouteInfoFromNameServer('TopicTest')).toBe(true);
    const route = ns.routes.get('TopicTest')!;
    // 50 000 levels (100 KB): a recursive comparison overflowed the stack here, and every later
    // refresh of the topic failed the same way.
    route.extra = { topicQueueMappingByBroker: '{"b":' + '['.repeat(50_000) + ']'.repeat(50_000) + '}' };
    expect(await inst.updateTopicRouteInfoFromNameServer('TopicTest')).toBe(false);
    const warned = logger.lines.find((l) => l.level === 'warn' && l.msg.includes('updateTopicRouteInfoFromNameServer'));
    expect(warned?.fields?.err).toBeInstanceOf(RemotingProtocolError);
    route.extra = undefined;
    ns.setRoute('TopicTest', brokers, 8);
    expect(await inst.updateTopicRouteInfoFromNameServer('TopicTest')).toBe(true);
    expect(p.table.get('TopicTest')!.messageQueueList).toHaveLength(16);
  });

  test('an unchanged route is still applied when a producer has no usable publish info', async () => {
    const inst = instance();
    inst.start();
    const a = new RecordingProducer();
    inst.registerProducer('a', a);
    await inst.updateTopicRouteInfoFromNameServer('TopicTest');
    const b = new RecordingProducer();
    inst.registerProducer('b', b);
    expect(await inst.updateTopicRouteInfoFromNameServer('TopicTest')).toBe(true);
    expect(b.table.get('TopicTest')!.ok()).toBe(true);
  });

  test('concurrent refreshes of one topic share a single name-server request', async () => {
    const inst = instance();
    inst.start();
    const results = await Promise.all([1, 2, 3].map(() => inst.updateTopicRouteInfoFromNameServer('TopicTest')));
    expect(results).toEqual([true, true, true]);
    expect(ns.routeRequests('TopicTest')).toHaveLength(1);
  });

  test('refreshes of different topics run one at a time (the name-server lock)', async () => {
    ns.setRoute('T2', brokers);
    const held: FakeRequestContext[] = [];
    const original = ns.server.handler;
    ns.server.setHandler((ctx) => (ctx.request.extFields?.topic === 'TopicTest' ? held.push(ctx) : original(ctx)));
    const inst = instance();
    inst.start();
    const first = inst.updateTopicRouteInfoFromNameServer('TopicTest');
    await until(() => held.length === 1, 'first request held');
    const second = inst.updateTopicRouteInfoFromNameServer('T2');
    await new Promise((r) => setTimeout(r, 30));
    expect(ns.routeRequests('T2')).toHaveLength(0);
    ns.server.setHandler(original);
    original(held[0]!);
    expect(await first).toBe(true);
    expect(await second).toBe(true);
  });

  test('a name-server error code is logged and gives false; a transport error is thrown', async () => {
    const inst = instance();
    inst.start();
    ns.failures.set('TopicTest', 1);
    expect(await inst.updateTopicRouteInfoFromNameServer('TopicTest')).toBe(false);
    await ns.close();
    await expect(inst.updateTopicRouteInfoFromNameServer('TopicTest')).rejects.toThrow();
  });

  test('cleanOfflineBroker forgets addresses no cached route mentions', async () => {
    const inst = instance();
    inst.start();
    await inst.updateTopicRouteInfoFromNameServer('TopicTest');
    inst.brokerAddrTable.set('gone', new Map([[0, '127.0.0.1:1']]));
    await inst.cleanOfflineBroker();
    expect([...inst.brokerAddrTable.keys()].sort()).toEqual(['broker-a', 'broker-b']);
  });
});

describe('heartbeats', () => {
  test('body per protocol 7.1, masters only, language from the config', async () => {
    const inst = instance({ language: 'JAVA' });
    inst.start();
    inst.registerProducer('my_group', new RecordingProducer());
    await inst.updateTopicRouteInfoFromNameServer('TopicTest');
    // A slave of broker-a must not get a producer-only heartbeat.
    inst.brokerAddrTable.get('broker-a')!.set(1, brokers[1]!.addr);
    expect(await inst.sendHeartbeatToAllBrokerWithLock()).toBe(true);
    const hb = brokers[0]!.requests(RequestCode.HEART_BEAT);
    expect(hb.length).toBeGreaterThanOrEqual(1);
    const body = JSON.parse(hb[hb.length - 1]!.body!.toString());
    expect(Object.keys(body)).toEqual(['clientID', 'consumerDataSet', 'heartbeatFingerprint', 'producerDataSet', 'withoutSub']);
    expect(body.clientID).toBe(inst.clientId);
    expect(body.producerDataSet.map((p: { groupName: string }) => p.groupName).sort()).toEqual(['CLIENT_INNER_PRODUCER', 'my_group']);
    expect(body.consumerDataSet).toEqual([]);
    expect(body.heartbeatFingerprint).toBe(0);
    expect(body.withoutSub).toBe(false);
    expect(hb[hb.length - 1]!.language).toBe('JAVA');
    expect(inst.brokerVersionTable.get('broker-a')?.get(brokers[0]!.addr)).toBe(479);
  });

  test('the try-lock: an overlapping call skips at once instead of queueing', async () => {
    const inst = instance({ enableHeartbeatChannelEventListener: false });
    inst.start();
    await inst.updateTopicRouteInfoFromNameServer('TopicTest');
    const held: FakeRequestContext[] = [];
    for (const b of brokers) b.onHeartbeat = (ctx) => held.push(ctx);
    const first = inst.sendHeartbeatToAllBrokerWithLock();
    await until(() => held.length === 1, 'first heartbeat in flight');
    expect(await inst.sendHeartbeatToAllBrokerWithLock()).toBe(false);
    expect(await inst.sendHeartbeatToBroker(0, 'broker-a', brokers[0]!.addr)).toBe(false);
    held.shift()!.respond({ code: 0 });
    await until(() => held.length === 1, 'second broker heartbeat');
    held.shift()!.respond({ code: 0 });
    for (const b of brokers) b.onHeartbeat = undefined;
    expect(await first).toBe(true);
    const total = brokers.reduce((n, b) => n + b.requests(RequestCode.HEART_BEAT).length, 0);
    expect(total).toBe(2);
  });

  test('a failing broker heartbeat is logged, not thrown', async () => {
    const inst = instance({ enableHeartbeatChannelEventListener: false });
    inst.start();
    await inst.updateTopicRouteInfoFromNameServer('TopicTest');
    brokers[0]!.onHeartbeat = (ctx) => ctx.respond({ code: 1, remark: 'boom' });
    expect(await inst.sendHeartbeatToAllBrokerWithLock()).toBe(true);
  });

  test('a new connection to a known broker gets a heartbeat at once', async () => {
    const inst = instance();
    inst.start();
    await inst.updateTopicRouteInfoFromNameServer('TopicTest');
    expect(brokers[0]!.requests(RequestCode.HEART_BEAT)).toHaveLength(0);
    await inst.api.unregisterClient(brokers[0]!.addr, 'x', 'g', undefined, 3000);
    await until(() => brokers[0]!.requests(RequestCode.HEART_BEAT).length === 1, 'heartbeat on connect');
  });

  test('no brokers known: nothing is sent', async () => {
    const inst = instance();
    inst.start();
    expect(await inst.sendHeartbeatToAllBrokerWithLock()).toBe(false);
  });
});

describe('scheduled tasks (fake timers)', () => {
  test('route poll after 10 ms then every pollNameServerIntervalMs; heartbeat after 1 s then every heartbeatBrokerIntervalMs', async () => {
    jest.useFakeTimers({ doNotFake: ['nextTick', 'setImmediate', 'queueMicrotask'] });
    const inst = instance({ pollNameServerIntervalMs: 5000, heartbeatBrokerIntervalMs: 7000, enableHeartbeatChannelEventListener: false });
    const p = new RecordingProducer();
    inst.start();
    inst.registerProducer('g', p);
    p.table.set('TopicTest', new TopicPublishInfo());
    expect(ns.routeRequests()).toHaveLength(0);
    await jest.advanceTimersByTimeAsync(10);
    await untilImmediate(() => ns.routeRequests().length === 1, 'first poll');
    expect(brokers[0]!.requests(RequestCode.HEART_BEAT)).toHaveLength(0);
    await jest.advanceTimersByTimeAsync(990);
    await untilImmediate(() => brokers.every((b) => b.requests(RequestCode.HEART_BEAT).length === 1), 'first heartbeat');
    await jest.advanceTimersByTimeAsync(5000);
    await untilImmediate(() => ns.routeRequests().length === 2, 'second poll');
    await jest.advanceTimersByTimeAsync(2000);
    await untilImmediate(() => brokers.every((b) => b.requests(RequestCode.HEART_BEAT).length === 2), 'second heartbeat');
    await inst.unregisterProducer('g');
    await inst.shutdown();
    expect(inst.serviceState).toBe('SHUTDOWN_ALREADY');
    const polls = ns.routeRequests().length;
    await jest.advanceTimersByTimeAsync(60_000);
    expect(ns.routeRequests()).toHaveLength(polls);
  });
});

describe('shutdown', () => {
  test('waits while other producers remain; then unregisters CLIENT_INNER_PRODUCER and closes connections', async () => {
    const inst = instance();
    inst.start();
    inst.registerProducer('g', new RecordingProducer());
    await inst.updateTopicRouteInfoFromNameServer('TopicTest');
    await inst.shutdown();
    expect(inst.serviceState).toBe('RUNNING');
    await inst.unregisterProducer('g');
    await inst.shutdown();
    expect(inst.serviceState).toBe('SHUTDOWN_ALREADY');
    for (const b of brokers) {
      expect(b.requests(RequestCode.UNREGISTER_CLIENT).map((r) => r.extFields?.producerGroup).sort()).toEqual([
        'CLIENT_INNER_PRODUCER',
        'g',
      ]);
    }
    await until(() => brokers.every((b) => b.server.sockets.size === 0) && ns.server.sockets.size === 0, 'closed');
    await inst.shutdown();
  });

  test('a route update waiting for the name server lock gives up at once (false), not at the lock timeout', async () => {
    const inst = instance();
    inst.start();
    inst.registerProducer('g', new RecordingProducer());
    const lock = (inst as unknown as { routes: { namesrvLock: TimedLock } }).routes.namesrvLock;
    expect(lock.tryLockNow()).toBe(true);
    const waiting = inst.updateTopicRouteInfoFromNameServer('TopicTest');
    await inst.unregisterProducer('g');
    const done = inst.shutdown();
    const settled = await Promise.race([waiting, new Promise<string>((r) => setImmediate(() => r('still waiting')))]);
    expect(settled).toBe(false);
    lock.unlock();
    await done;
    expect(ns.routeRequests('TopicTest')).toHaveLength(0);
  });

  test('start in RUNNING is a no-op', () => {
    const inst = instance();
    inst.start();
    inst.start();
    expect(inst.serviceState).toBe('RUNNING');
  });
});
