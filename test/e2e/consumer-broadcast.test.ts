/**
 * BROADCASTING push consumers against the real broker: two members of one group each receive every message;
 * a member that is shut down and started again (same instanceName, same local offsets directory) resumes from its
 * local file: nothing it consumed comes again, what was sent while it was down does.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DefaultMQProducer, DefaultMQPushConsumer, Message } from '../../src/index';
import { silentLogger } from '../../src/logger';
import { parseOffsetSerializeWrapper } from '../../src/consumer/store/offset-serialize-wrapper';
import { describeBroker, namesrvAddr, uniqueName } from './helpers/broker';
import { eventually } from './helpers/feature-support';

jest.setTimeout(180_000);

const QUEUES = 4;

describeBroker('DefaultMQPushConsumer BROADCASTING against a real broker', () => {
  let producer: DefaultMQProducer;
  let dir: string;
  const running = new Set<DefaultMQPushConsumer>();

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'rmqts-bcast-'));
    producer = new DefaultMQProducer({ producerGroup: uniqueName('rmqts_bcast_pg'), namesrvAddr: namesrvAddr(), logger: silentLogger });
    await producer.start();
  });

  afterAll(async () => {
    for (const c of running) await c.shutdown();
    await producer?.shutdown();
    rmSync(dir, { recursive: true, force: true });
  });

  test('two members both receive every message; a restarted member resumes from its local offsets file', async () => {
    const topic = uniqueName('rmqts_bcast');
    const group = uniqueName('rmqts_bcast_g');
    await producer.createTopic('TBW102', topic, QUEUES);
    await eventually(async () => ((await producer.fetchPublishMessageQueues(topic)).length === QUEUES ? true : undefined), `route of ${topic}`, 60_000);

    /** A member; `seen` counts deliveries per message body, so a duplicate shows. */
    const member = async (instanceName: string, seen: Map<string, number>): Promise<DefaultMQPushConsumer> => {
      const c = new DefaultMQPushConsumer({
        consumerGroup: group,
        namesrvAddr: namesrvAddr(),
        pollNameServerIntervalMs: 1000,
        logger: silentLogger,
        messageModel: 'BROADCASTING',
        consumeFromWhere: 'CONSUME_FROM_FIRST_OFFSET',
        instanceName,
        localOffsetStoreDir: dir,
      });
      c.subscribe(topic, '*');
      c.registerMessageListener(async (msgs) => {
        for (const m of msgs) seen.set(m.body.toString(), (seen.get(m.body.toString()) ?? 0) + 1);
        return 'CONSUME_SUCCESS';
      });
      await c.start();
      running.add(c);
      return c;
    };
    const stop = async (c: DefaultMQPushConsumer) => {
      running.delete(c);
      await c.shutdown();
    };
    const send = async (from: number, to: number): Promise<string[]> => {
      const bodies: string[] = [];
      for (let i = from; i < to; i++) {
        bodies.push(`bcast ${i}`);
        await producer.send(new Message(topic, `bcast ${i}`, { tags: 'T' }));
      }
      return bodies;
    };
    const sawExactly = (seen: Map<string, number>, bodies: string[]) =>
      seen.size === bodies.length && bodies.every((b) => seen.get(b) === 1) ? true : undefined;

    const seenA = new Map<string, number>();
    const seenB = new Map<string, number>();
    const a = await member(uniqueName('bcastA'), seenA);
    const b = await member(uniqueName('bcastB'), seenB);
    const instanceA = a.impl.config.instanceName;
    const first = await send(0, 16);
    await eventually(async () => sawExactly(seenA, first), 'member A sees every message once', 60_000);
    await eventually(async () => sawExactly(seenB, first), 'member B sees every message once', 60_000);
    // Both own every queue of the topic.
    for (const c of [a, b]) expect([...c.impl.rebalanceImpl.processQueueTable.values()].filter((e) => e.mq.topic === topic)).toHaveLength(QUEUES);

    const fileA = join(dir, a.impl.clientId(), group, 'offsets.json');
    await stop(a);
    const stored = parseOffsetSerializeWrapper(readFileSync(fileA, 'utf8')).filter((e) => e.mq.topic === topic);
    expect(stored).toHaveLength(QUEUES);
    expect(stored.reduce((n, e) => n + e.offset, 0n)).toBe(16n);

    const second = await send(16, 28);
    await eventually(async () => sawExactly(seenB, [...first, ...second]), 'member B sees what came while A was down', 60_000);

    const seenA2 = new Map<string, number>();
    const a2 = await member(instanceA, seenA2);
    expect(join(dir, a2.impl.clientId(), group, 'offsets.json')).toBe(fileA);
    await eventually(async () => sawExactly(seenA2, second), 'restarted A gets exactly what came while it was down', 60_000);
    // A few more pull rounds: still nothing of the first run comes again.
    await new Promise((r) => setTimeout(r, 3000));
    expect(sawExactly(seenA2, second)).toBe(true);
    await stop(a2);
    await stop(b);
    const after = parseOffsetSerializeWrapper(readFileSync(fileA, 'utf8')).filter((e) => e.mq.topic === topic);
    expect(after.reduce((n, e) => n + e.offset, 0n)).toBe(28n);
  });
});
