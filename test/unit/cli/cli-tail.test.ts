import { DefaultMQProducer } from '../../../src/producer/default-mq-producer';
import { Message } from '../../../src/message/message';
import { FakeRocketMQ } from '../../../src/testing';
import { jsonLines, runCli, startCli } from '../../helpers/run-cli';

jest.setTimeout(60_000);

interface TailLine {
  topic: string;
  queueId: number;
  queueOffset: string;
  msgId: string;
  offsetMsgId: string;
  tags?: string;
  keys?: string;
  properties: Record<string, string>;
  body: string;
  bodyEncoding: string;
  bornHost: string;
  storeHost: string;
  bornTimestamp: number;
  storeTimestamp: number;
  reconsumeTimes: number;
  flag: number;
  sysFlag: number;
}

describe('rocketmq-ts tail', () => {
  let fake: FakeRocketMQ;
  let producer: DefaultMQProducer;

  beforeAll(async () => {
    fake = await FakeRocketMQ.start({ topics: { TailTopic: { queues: 3 }, Quiet: { queues: 2 } } });
    producer = new DefaultMQProducer({ producerGroup: 'tail_pg', namesrvAddr: fake.namesrvAddr });
    await producer.start();
    for (let i = 0; i < 6; i++) {
      await producer.send(new Message('TailTopic', `body-${i}`, { tags: i % 2 === 0 ? 'even' : 'odd', keys: `k${i}`, properties: { n: String(i) } }));
    }
    await producer.send(new Message('TailTopic', Buffer.from([0xff, 0xfe, 0x00, 0x01]), { tags: 'bin' }));
  });

  afterAll(async () => {
    await producer.shutdown();
    await fake.close();
  });

  test('--from first --count prints every field of each message as one JSON line', async () => {
    const r = await runCli(['tail', 'TailTopic', '-n', fake.namesrvAddr, '--from', 'first', '--count', '7']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const lines = jsonLines<TailLine>(r.stdout);
    expect(lines).toHaveLength(7);
    const text = lines.filter((l) => l.bodyEncoding === 'utf8').sort((a, b) => a.body.localeCompare(b.body));
    expect(text.map((l) => l.body)).toEqual(['body-0', 'body-1', 'body-2', 'body-3', 'body-4', 'body-5']);
    text.forEach((l, i) => {
      expect(l).toMatchObject({ topic: 'TailTopic', tags: i % 2 === 0 ? 'even' : 'odd', keys: `k${i}`, reconsumeTimes: 0, flag: 0 });
      expect(l.properties.n).toBe(String(i));
      expect(l.msgId).toMatch(/^[0-9A-F]{32}$/);
      expect(l.offsetMsgId).toMatch(/^[0-9A-F]{32}$/);
      expect(l.storeHost).toMatch(/:\d+$/);
      expect(l.bornHost).toMatch(/:\d+$/);
      expect(l.storeTimestamp).toBeGreaterThan(0);
      expect(Number(l.queueOffset)).toBeGreaterThanOrEqual(0);
    });
    const bin = lines.find((l) => l.bodyEncoding === 'base64');
    expect(bin).toMatchObject({ tags: 'bin', body: Buffer.from([0xff, 0xfe, 0x00, 0x01]).toString('base64') });
  });

  test('--from a time (epoch ms or ISO) starts at the first message stored then (SEARCH_OFFSET_BY_TIMESTAMP)', async () => {
    const before = Date.now() - 60_000;
    for (const from of [String(before), new Date(before).toISOString()]) {
      const r = await runCli(['tail', 'TailTopic', '-n', fake.namesrvAddr, '--from', from, '--count', '7']);
      expect(r.stderr).toBe('');
      expect(jsonLines<TailLine>(r.stdout)).toHaveLength(7);
    }
    const future = await runCli(['tail', 'TailTopic', '-n', fake.namesrvAddr, '--from', String(Date.now() + 3_600_000), '--timeout', '1000']);
    expect(future.code).toBe(0);
    expect(future.stdout).toBe('');
  });

  test('--tag filters, --timeout stops after silence with exit 0', async () => {
    const r = await runCli(['tail', 'TailTopic', '-n', fake.namesrvAddr, '--from', 'first', '--tag', 'odd', '--timeout', '1500']);
    expect(r.code).toBe(0);
    expect(jsonLines<TailLine>(r.stdout).map((l) => l.body).sort()).toEqual(['body-1', 'body-3', 'body-5']);
  });

  test('--from last (default) prints only messages sent after it started; SIGTERM stops it with exit 0', async () => {
    const tail = startCli(['tail', 'Quiet', '-n', fake.namesrvAddr, '--verbose']);
    try {
      await new Promise((r) => setTimeout(r, 1500));
      await producer.send(new Message('Quiet', 'after-start'));
      const deadline = Date.now() + 20_000;
      while (!tail.stdout().includes('after-start') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    } finally {
      expect(await tail.stop()).toBe(0);
    }
    expect(jsonLines<TailLine>(tail.stdout()).map((l) => l.body)).toEqual(['after-start']);
  });

  test('an unknown topic is one line on stderr and exit 1', async () => {
    const r = await runCli(['tail', 'NoSuchTopic', '-n', fake.namesrvAddr, '--count', '1']);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/^rocketmq-ts tail: .*TOPIC_NOT_EXIST/);
  });

  test('a bad --from or --count is one line on stderr and exit 2, before any I/O', async () => {
    for (const args of [['--from', 'yesterday'], ['--count', '0'], ['--pop', '--from', '1700000000000']]) {
      const r = await runCli(['tail', 'TailTopic', '-n', '127.0.0.1:1', ...args]);
      expect(r.code).toBe(2);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr).toContain(`rocketmq-ts tail: ${args[0]}`);
    }
  });
});
