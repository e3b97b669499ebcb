import { ClientStateError, InvalidArgumentError, InvalidConfigError, TopicRouteNotFoundError, ClientError } from '../../../src/errors';
import { silentLogger } from '../../../src/logger';
import { DefaultMQProducer } from '../../../src/producer/default-mq-producer';
import { Message } from '../../../src/message/message';
import { MQClientManager } from '../../../src/client/mq-client-manager';
import { RequestCode } from '../../../src/remoting/protocol/request-code';
import type { ProducerOptions } from '../../../src/producer/producer-config';
import { startFakeCluster, until, type FakeBroker, type FakeNameServer } from '../../helpers/fake-rocketmq';

let ns: FakeNameServer;
let brokers: FakeBroker[];
let closeCluster: () => Promise<void>;
const producers: DefaultMQProducer[] = [];

function producer(options: Partial<ProducerOptions> = {}): DefaultMQProducer {
  const p = new DefaultMQProducer({ producerGroup: 'pg_test', namesrvAddr: ns.addr, logger: silentLogger, ...options });
  producers.push(p);
  return p;
}

beforeEach(async () => {
  ({ ns, brokers, close: closeCluster } = await startFakeCluster(2));
  ns.setRoute('TopicTest', brokers);
});

afterEach(async () => {
  await Promise.all(producers.splice(0).map((p) => p.shutdown()));
  await closeCluster();
});

describe('DefaultMQProducer life cycle', () => {
  test('start: CREATE_JUST -> RUNNING, registers the group and CLIENT_INNER_PRODUCER; shutdown is idempotent', async () => {
    const p = producer();
    expect(p.serviceState).toBe('CREATE_JUST');
    await p.start();
    expect(p.serviceState).toBe('RUNNING');
    const instance = p.clientInstance!;
    expect([...instance.producerTable.keys()].sort()).toEqual(['CLIENT_INNER_PRODUCER', 'pg_test']);
    expect(instance.clientId).toMatch(/^.+@\d+#\d+$/);
    await p.shutdown();
    await p.shutdown();
    expect(p.serviceState).toBe('SHUTDOWN_ALREADY');
    expect(instance.serviceState).toBe('SHUTDOWN_ALREADY');
  });

  test('shutdown while start is still running waits for it, then shuts down', async () => {
    const p = producer({ topics: ['TopicTest'] });
    const starting = p.start();
    const stopping = p.shutdown();
    await starting;
    await stopping;
    expect(p.serviceState).toBe('SHUTDOWN_ALREADY');
    expect(p.clientInstance!.serviceState).toBe('SHUTDOWN_ALREADY');
  });

  test('shutdown before start does nothing; start stays possible', async () => {
    const p = producer();
    await p.shutdown();
    await p.start();
    expect(p.serviceState).toBe('RUNNING');
  });

  test('start twice is refused naming the state; so is start after shutdown', async () => {
    const p = producer();
    await p.start();
    await expect(p.start()).rejects.toThrow(ClientStateError);
    await expect(p.start()).rejects.toThrow(/RUNNING/);
    await p.shutdown();
    await expect(p.start()).rejects.toThrow(/SHUTDOWN_ALREADY/);
  });

  test('DEFAULT_PRODUCER and invalid groups are refused; the state stays START_FAILED', async () => {
    const p = producer({ producerGroup: 'DEFAULT_PRODUCER' });
    await expect(p.start()).rejects.toThrow(InvalidArgumentError);
    expect(p.serviceState).toBe('START_FAILED');
    await expect(p.start()).rejects.toThrow(/START_FAILED/);
    await expect(producer({ producerGroup: 'bad group' }).start()).rejects.toThrow(InvalidArgumentError);
  });

  test('a duplicate group in one client instance is refused naming the group; state back to CREATE_JUST', async () => {
    const a = producer({ instanceName: 'shared' });
    const b = producer({ instanceName: 'shared' });
    await a.start();
    const err = await b.start().then(() => undefined, (e: unknown) => e);
    expect(err).toBeInstanceOf(InvalidArgumentError);
    expect((err as Error).message).toContain('pg_test');
    expect(b.serviceState).toBe('CREATE_JUST');
    expect(a.clientInstance).toBeDefined();
  });

  test('two producers with the default instance name get their own client instances', async () => {
    const a = producer();
    const b = producer();
    await a.start();
    await b.start();
    expect(a.clientInstance).not.toBe(b.clientInstance);
  });

  test('producers sharing an instanceName share the client instance; the last shutdown closes it', async () => {
    const a = producer({ instanceName: 'shared', producerGroup: 'g1' });
    const b = producer({ instanceName: 'shared', producerGroup: 'g2' });
    await a.start();
    await b.start();
    expect(a.clientInstance).toBe(b.clientInstance);
    const instance = a.clientInstance!;
    await a.shutdown();
    expect(instance.serviceState).toBe('RUNNING');
    await b.shutdown();
    expect(instance.serviceState).toBe('SHUTDOWN_ALREADY');
  });

  test('send before start and after shutdown is refused with ClientStateError', async () => {
    const p = producer();
    await expect(p.send(new Message('TopicTest', 'x'))).rejects.toThrow(ClientStateError);
    await p.start();
    await p.shutdown();
    await expect(p.send(new Message('TopicTest', 'x'))).rejects.toThrow(ClientStateError);
    await expect(p.sendOneway(new Message('TopicTest', 'x'))).rejects.toThrow(ClientStateError);
    const err = await new Promise<Error>((resolve) =>
      p.send(new Message('TopicTest', 'x'), { onSuccess: () => resolve(new Error('unexpected')), onException: resolve }),
    );
    expect(err).toBeInstanceOf(ClientStateError);
  });

  test('unknown options are refused naming the key', () => {
    expect(() => new DefaultMQProducer({ producerGroup: 'g', sendTimeoutMs: 1 } as unknown as ProducerOptions)).toThrow(
      /sendTimeoutMs/,
    );
    expect(() => new DefaultMQProducer({ producerGroup: 'g', sendTimeoutMs: 1 } as unknown as ProducerOptions)).toThrow(
      InvalidConfigError,
    );
  });

  test('string constructors: group, and deprecated namespace + group', async () => {
    const prev = process.env.NAMESRV_ADDR;
    process.env.NAMESRV_ADDR = ns.addr;
    try {
      const p = new DefaultMQProducer('pg_plain');
      const q = new DefaultMQProducer('ns1', 'pg_ns');
      producers.push(p, q);
      expect(p.producerGroup).toBe('pg_plain');
      await q.start();
      expect(q.producerGroup).toBe('ns1%pg_ns');
    } finally {
      if (prev === undefined) delete process.env.NAMESRV_ADDR;
      else process.env.NAMESRV_ADDR = prev;
    }
  });

  test('shutdown unregisters the group and CLIENT_INNER_PRODUCER from every broker, and leaves the registry', async () => {
    const p = producer();
    await p.start();
    await p.send(new Message('TopicTest', 'x'));
    const instance = p.clientInstance!;
    const before = MQClientManager.getInstance().size;
    await p.shutdown();
    expect(MQClientManager.getInstance().size).toBe(before - 1);
    for (const b of brokers) {
      const groups = b.requests(RequestCode.UNREGISTER_CLIENT).map((r) => r.extFields?.producerGroup);
      expect(groups.sort()).toEqual(['CLIENT_INNER_PRODUCER', 'pg_test']);
      expect(b.requests(RequestCode.UNREGISTER_CLIENT)[0]!.extFields?.clientID).toBe(instance.clientId);
    }
    await until(() => brokers.every((b) => b.server.sockets.size === 0), 'connections closed');
  });
});

describe('DefaultMQProducer sync send', () => {
  test('sends SEND_MESSAGE_V2 with the V2 header and maps the response', async () => {
    const p = producer();
    await p.start();
    const msg = new Message('TopicTest', 'hello', { tags: 'TagA', keys: ['k1', 'k2'], properties: { a: '1' } });
    const r = await p.send(msg);
    expect(r.sendStatus).toBe('SEND_OK');
    expect(r.msgId).toMatch(/^[0-9A-F]{32}$/);
    expect(msg.getProperty('UNIQ_KEY')).toBe(r.msgId);
    expect(r.messageQueue.topic).toBe('TopicTest');
    expect(['broker-a', 'broker-b']).toContain(r.messageQueue.brokerName);
    expect(typeof r.queueOffset).toBe('bigint');
    expect(r.regionId).toBe('DefaultRegion');
    expect(r.traceOn).toBe(true);
    const sent = brokers.flatMap((b) => b.sends());
    expect(sent).toHaveLength(1);
    const h = sent[0]!.extFields!;
    expect(sent[0]!.code).toBe(RequestCode.SEND_MESSAGE_V2);
    expect(h.a).toBe('pg_test');
    expect(h.b).toBe('TopicTest');
    expect(h.c).toBe('TBW102');
    expect(h.d).toBe('4');
    expect(h.f).toBe('0');
    expect(h.k).toBe('false');
    expect(h.m).toBe('false');
    expect(h.n).toBe(r.messageQueue.brokerName);
    expect(h.i).toContain('TAGS\u0001TagA\u0002');
    expect(h.i).toContain('KEYS\u0001k1 k2\u0002');
    expect(sent[0]!.body!.toString()).toBe('hello');
  });

  test('invalid messages are refused before any I/O', async () => {
    const p = producer();
    await p.start();
    const before = ns.server.received.length;
    for (const m of [
      new Message('TopicTest', Buffer.alloc(0)),
      new Message('bad topic!', 'x'),
      new Message('t'.repeat(128), 'x'),
      new Message('SCHEDULE_TOPIC_XXXX', 'x'),
      new Message('TopicTest', Buffer.alloc(4 * 1024 * 1024 + 1, 1)),
    ]) {
      await expect(p.send(m)).rejects.toThrow(InvalidArgumentError);
    }
    await expect(p.send([])).rejects.toThrow(InvalidArgumentError);
    await expect(p.send(new Message('TopicTest', 'x'), { queue: {} as never })).rejects.toThrow(InvalidArgumentError);
    await expect(p.send(new Message('TopicTest', 'x'), { bogus: 1 } as never)).rejects.toThrow(/bogus/);
    expect(ns.server.received.length).toBe(before);
    expect(brokers.flatMap((b) => b.sends())).toHaveLength(0);
  });

  test('no route and auto-create unavailable: TopicRouteNotFoundError naming the topic', async () => {
    const p = producer();
    await p.start();
    const err = await p.send(new Message('NoSuchTopic', 'x')).then(() => undefined, (e: unknown) => e);
    expect(err).toBeInstanceOf(TopicRouteNotFoundError);
    expect((err as Error).message).toBe('No route info of this topic: NoSuchTopic');
    expect(ns.routeRequests('NoSuchTopic').length).toBeGreaterThan(0);
    expect(ns.routeRequests('TBW102').length).toBeGreaterThan(0);
  });

  test('no route, selector send: the same TopicRouteNotFoundError as the default path, selector not called', async () => {
    const p = producer();
    await p.start();
    let calls = 0;
    const selector = () => {
      calls++;
      return undefined;
    };
    const err = await p.send(new Message('NoSuchTopic', 'x'), { selector, arg: 1 } as never).then(() => undefined, (e: unknown) => e);
    expect(err).toBeInstanceOf(TopicRouteNotFoundError);
    expect((err as Error).message).toBe('No route info of this topic: NoSuchTopic');
    expect(calls).toBe(0);
  });

  test('no name server configured: ClientError 10004', async () => {
    const prev = process.env.NAMESRV_ADDR;
    delete process.env.NAMESRV_ADDR;
    try {
      const p = producer({ namesrvAddr: [] });
      await p.start();
      const err = await p.send(new Message('TopicTest', 'x')).then(() => undefined, (e: unknown) => e);
      expect(err).toBeInstanceOf(ClientError);
      expect((err as ClientError).clientCode).toBe(10004);
    } finally {
      if (prev !== undefined) process.env.NAMESRV_ADDR = prev;
    }
  });
});
