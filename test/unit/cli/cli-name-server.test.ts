import { RequestCode, SendMessageRequestHeaderV2, fromExtFields, string2messageProperties } from '../../../src/wire';
import { FakeRemotingServer, closedPort } from '../../helpers/fake-remoting-server';
import { FakeRocketMQ } from '../../../src/testing';
import { jsonLines, runCli } from '../../helpers/run-cli';

// Each test starts child processes; on a loaded machine that alone can take seconds (no speed is asserted).
jest.setTimeout(60_000);

const CLUSTER_BODY =
  '{"brokerAddrTable":{"broker-a":{"brokerAddrs":{0:"127.0.0.1:10911",1:"127.0.0.1:10921"},"brokerName":"broker-a","cluster":"C1"}},"clusterAddrTable":{"C1":["broker-a"]}}';

describe('rocketmq-ts route / cluster / send (child process, fake RocketMQ)', () => {
  let fake: FakeRocketMQ;
  let clusterServer: FakeRemotingServer;

  beforeAll(async () => {
    fake = await FakeRocketMQ.start({ topics: { TopicA: { queues: 2 } } });
    clusterServer = await FakeRemotingServer.start({
      handler: (ctx) =>
        ctx.request.code === RequestCode.GET_BROKER_CLUSTER_INFO
          ? ctx.respond({ code: 0, body: Buffer.from(CLUSTER_BODY) })
          : ctx.respond({ code: 3 }),
    });
  });
  afterAll(async () => {
    await fake.close();
    await clusterServer.close();
  });

  it('route prints the name server answer, readable and as JSON', async () => {
    const text = await runCli(['route', 'TopicA', '-n', fake.namesrvAddr]);
    expect(text.code).toBe(0);
    expect(text.stdout).toContain('topic TopicA');
    expect(text.stdout).toMatch(/broker-a {2}read 2 {2}write 2 {2}perm RW- \(6\)/);
    expect(text.stdout).toContain(`master ${fake.brokerAddrs['broker-a']}`);
    const json = await runCli(['route', 'TopicA', '--json'], { env: { NAMESRV_ADDR: fake.namesrvAddr } });
    expect(json.code).toBe(0);
    const [route] = jsonLines(json.stdout);
    expect(route).toMatchObject({
      topic: 'TopicA',
      queueDatas: [{ brokerName: 'broker-a', readQueueNums: 2, writeQueueNums: 2, perm: 6 }],
      brokerDatas: [{ brokerName: 'broker-a', brokerAddrs: { '0': fake.brokerAddrs['broker-a'] } }],
    });
  });

  it('route of an unknown topic, an unreachable name server, a bad address: one line, non-zero exit', async () => {
    const unknown = await runCli(['route', 'Nope', '-n', fake.namesrvAddr]);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/^rocketmq-ts route: TOPIC_NOT_EXIST \(17\): No topic route info in name server for the topic: Nope\n$/);
    const port = await closedPort();
    const down = await runCli(['route', 'TopicA', '-n', `127.0.0.1:${port}`, '--timeout', '2000']);
    expect(down.code).toBe(1);
    expect(down.stderr.trim().split('\n')).toHaveLength(1);
    expect(down.stderr).toMatch(/^rocketmq-ts route: .*127\.0\.0\.1/);
    const bad = await runCli(['route', 'TopicA', '-n', 'nonsense']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toBe('rocketmq-ts route: name server address "nonsense" is not HOST:PORT\n');
    const usage = await runCli(['route']);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toMatch(/missing required argument 'topic'/);
  });

  it('cluster prints clusters and brokers, readable and as JSON (fastjson unquoted keys)', async () => {
    const text = await runCli(['cluster', '-n', clusterServer.addr]);
    expect(text.code).toBe(0);
    expect(text.stdout).toBe('cluster C1\n  broker-a  master 127.0.0.1:10911, slave 1 127.0.0.1:10921\n');
    const json = await runCli(['cluster', '-n', clusterServer.addr, '--json']);
    expect(jsonLines(json.stdout)[0]).toEqual({
      brokerAddrTable: { 'broker-a': { brokerAddrs: { '0': '127.0.0.1:10911', '1': '127.0.0.1:10921' }, brokerName: 'broker-a', cluster: 'C1' } },
      clusterAddrTable: { C1: ['broker-a'] },
    });
    // A name server that does not serve cluster info.
    fake.script(RequestCode.GET_BROKER_CLUSTER_INFO, { times: 1, action: { type: 'respond', code: 3 } });
    const refused = await runCli(['cluster', '-n', fake.namesrvAddr]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/^rocketmq-ts cluster: REQUEST_CODE_NOT_SUPPORTED \(3\)/);
  });

  it('send sends with tags, keys, properties, delay level; prints ids and a summary', async () => {
    const broker = { sends: () => fake.requests(RequestCode.SEND_MESSAGE_V2).map((r) => r.request) };
    const before = broker.sends().length;
    const r = await runCli(
      ['send', 'TopicA', 'hello', '-n', fake.namesrvAddr, '--tags', 'TagA', '--keys', 'k1,k2', '-p', 'a=1', '--property', 'b=x=y', '--delay-level', '3', '--count', '3', '--async-window', '2', '--rate', '200', '--json'],
    );
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const lines = jsonLines(r.stdout);
    expect(lines).toHaveLength(4);
    expect(lines.slice(0, 3).every((l) => l.status === 'SEND_OK' && typeof l.msgId === 'string' && l.broker === 'broker-a')).toBe(true);
    expect(lines[3]).toMatchObject({ summary: { sent: 3, failed: 0 } });
    const sends = broker.sends().slice(before);
    expect(sends).toHaveLength(3);
    const h = fromExtFields(SendMessageRequestHeaderV2, sends[0]!.extFields);
    const props = Object.fromEntries(string2messageProperties(h.i));
    expect(props).toMatchObject({ TAGS: 'TagA', KEYS: 'k1 k2', a: '1', b: 'x=y', DELAY: '3' });
    expect(sends[0]!.body!.toString()).toBe('hello');
  });

  it('send reads the body from stdin with -, and prints readable lines', async () => {
    const broker = { sends: () => fake.requests(RequestCode.SEND_MESSAGE_V2).map((r) => r.request) };
    const before = broker.sends().length;
    const r = await runCli(['send', 'TopicA', '-', '-n', fake.namesrvAddr], { input: 'from stdin' });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^SEND_OK [0-9A-F]{32} broker-a\/\d@\d+ [\d.]+ ms\nsent 1, failed 0 in /);
    expect(broker.sends()[before]!.body!.toString()).toBe('from stdin');
  });

  it('send: broker errors, bad options and bad topics give one line and non-zero exit', async () => {
    const broker = { sends: () => fake.requests(RequestCode.SEND_MESSAGE_V2).map((r) => r.request) };
    const refusal = fake.script(RequestCode.SEND_MESSAGE_V2, { times: 3, action: { type: 'respond', code: 16, remark: 'no permission' } });
    const failed = await runCli(['send', 'TopicA', 'x', '-n', fake.namesrvAddr]);
    refusal.remove();
    expect(failed.code).toBe(1);
    expect(failed.stderr.trim().split('\n')).toHaveLength(1);
    expect(failed.stderr).toMatch(/^rocketmq-ts send: /);
    const cases: [string[], RegExp][] = [
      [['--property', 'novalue'], /--property "novalue" is not KEY=VALUE/],
      [['--count', '0'], /--count must be a whole number from 1/],
      [['--rate', 'fast'], /--rate must be a whole number/],
      [['--async-window', '-1'], /--async-window must be a whole number/],
    ];
    for (const [args, re] of cases) {
      const r = await runCli(['send', 'TopicA', 'x', '-n', fake.namesrvAddr, ...args]);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(re);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
    }
    const badTopic = await runCli(['send', 'bad topic!', 'x', '-n', fake.namesrvAddr]);
    expect(badTopic.code).toBe(2);
    expect(badTopic.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('runs from the repository with npm run cli (TypeScript sources)', async () => {
    const r = await runCli(['route', 'TopicA', '--json', '-n', fake.namesrvAddr], { viaNpmScript: true });
    expect(r.code).toBe(0);
    expect(jsonLines(r.stdout)[0]).toMatchObject({ topic: 'TopicA' });
    const bad = await runCli(['decode', '--hex', 'q'], { viaNpmScript: true });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toBe('rocketmq-ts decode: --hex has a non-hex character "q" at position 0\n');
  });

  it('every command has --help', async () => {
    for (const cmd of ['route', 'cluster', 'send', 'tail', 'decode', 'tap']) {
      const r = await runCli([cmd, '--help']);
      expect(r.code).toBe(0);
      expect(r.stdout).toContain(`Usage: rocketmq-ts ${cmd}`);
      expect(r.stdout).toContain('Exit codes');
    }
    const top = await runCli(['--help']);
    expect(top.stdout).toMatch(/route[\s\S]*cluster[\s\S]*send[\s\S]*decode[\s\S]*tap/);
    const unknown = await runCli(['nope']);
    expect(unknown.code).toBe(2);
  });
});
