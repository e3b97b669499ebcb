/**
 * Push-consumer scenarios that run unchanged, test body for test body, on the real broker and on FakeRocketMQ
 * (rocketmq-ts/testing), each target with its own topics and groups (uniqueName per test): every field of what
 * a rocketmq-ts producer sent reaches a rocketmq-ts push consumer; tag filtering (the broker by hash code, the
 * client by the tag itself); two members of one group split the queues; RECONSUME_LATER with growing
 * reconsumeTimes, then %DLQ%<group>; shutdown commits offsets and a new member resumes there; BROADCASTING
 * members each see everything and a restarted one resumes from its local offsets file; QueueReader (lite-pull
 * style, nothing committed) from the first offset with a tag expression and from a point in time. The broker's requests to
 * a running consumer (mqadmin consumerStatus, queryMsgById -d, resetOffsetByTime) are checked on the real broker
 * only: the fake does not send them.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DefaultMQProducer, DefaultMQPushConsumer, Message, type MessageExt, type PushConsumerOptions, type SendResult } from '../../src/index';
import { silentLogger } from '../../src/logger';
import { MQClientAPI } from '../../src/client/mq-client-api';
import { MessageQueue } from '../../src/client/message-queue';
import { QueueReader, type ReadFrom } from '../../src/consumer/queue-reader';
import { parseOffsetSerializeWrapper } from '../../src/consumer/store/offset-serialize-wrapper';
import { RemotingClient } from '../../src/remoting/remoting-client';
import { admin, rocketmqVersion, uniqueName } from './helpers/broker';
import { eventually, TopicReader } from './helpers/feature-support';
import { brokerOnly, e2eTargets } from './helpers/targets';

jest.setTimeout(180_000);

const QUEUES = 4;

for (const target of e2eTargets()) {
  target.describe(`DefaultMQPushConsumer on ${target.name}`, () => {
    // The scenarios were written against the shared broker's namesrvAddr(): here it is the target's.
    const namesrvAddr = (): string => target.namesrvAddr();
    let producer: DefaultMQProducer;
    let reader: TopicReader;
    const consumers: DefaultMQPushConsumer[] = [];

    const newTopic = async (prefix: string): Promise<string> => {
      const topic = uniqueName(prefix);
      await producer.createTopic('TBW102', topic, QUEUES);
      await eventually(async () => ((await producer.fetchPublishMessageQueues(topic)).length === QUEUES ? true : undefined), `route of ${topic}`, 60_000);
      return topic;
    };

    const consumer = (opts: Omit<PushConsumerOptions, 'namesrvAddr'>): DefaultMQPushConsumer => {
      const c = new DefaultMQPushConsumer({ namesrvAddr: namesrvAddr(), pollNameServerIntervalMs: 1000, ...opts });
      consumers.push(c);
      return c;
    };

    const sendAll = async (msgs: Message[]): Promise<SendResult[]> => {
      const out: SendResult[] = [];
      for (const m of msgs) out.push(await producer.send(m));
      return out;
    };

    beforeAll(async () => {
      await target.start();
      producer = new DefaultMQProducer({ producerGroup: uniqueName('rmqts_push_pg'), namesrvAddr: namesrvAddr(), logger: silentLogger });
      await producer.start();
      reader = new TopicReader(namesrvAddr());
    });

    afterAll(async () => {
      for (const c of consumers) await c.shutdown();
      await producer?.shutdown();
      await reader?.close();
      await target.stop();
    });

    test('every message arrives once with every field the producer set', async () => {
      const topic = await newTopic('rmqts_push_fields');
      const msgs = Array.from({ length: 24 }, (_, i) =>
        new Message(topic, `ünïcødé ✓ body ${i}`, { tags: i % 2 ? 'TagA' : 'TagB', keys: [`k${i}`, `kk${i}`], flag: i, properties: { idx: String(i), 'p-é': 'v ✓' } }),
      );
      const sent = await sendAll(msgs);
      const got = new Map<string, MessageExt>();
      const c = consumer({ consumerGroup: uniqueName('rmqts_push_fields_g'), consumeFromWhere: 'CONSUME_FROM_FIRST_OFFSET' });
      c.subscribe(topic, '*');
      c.registerMessageListener(async (batch) => {
        for (const m of batch) {
          expect(got.has(m.msgId)).toBe(false);
          got.set(m.msgId, m);
        }
        return 'CONSUME_SUCCESS';
      });
      await c.start();
      await eventually(async () => (got.size === sent.length ? true : undefined), 'all messages', 60_000);
      for (let i = 0; i < sent.length; i++) {
        const m = got.get(sent[i]!.msgId)!;
        expect(m).toBeDefined();
        expect(m.topic).toBe(topic);
        expect(m.body.toString()).toBe(`ünïcødé ✓ body ${i}`);
        expect(m.tags).toBe(i % 2 ? 'TagA' : 'TagB');
        expect(m.keyList).toEqual([`k${i}`, `kk${i}`]);
        expect(m.flag).toBe(i);
        expect(m.getUserProperty('idx')).toBe(String(i));
        expect(m.getUserProperty('p-é')).toBe('v ✓');
        expect(m.queueId).toBe(sent[i]!.messageQueue.queueId);
        expect(m.queueOffset).toBe(BigInt(sent[i]!.queueOffset));
        expect(m.brokerName).toBe(sent[i]!.messageQueue.brokerName);
        expect(m.reconsumeTimes).toBe(0);
        expect(m.storeTimestamp).toBeGreaterThanOrEqual(m.bornTimestamp - 1000);
        expect(m.getProperty('MAX_OFFSET')).toMatch(/^\d+$/);
      }
    });

    test('tag filtering on the client and the broker: only TagA arrives', async () => {
      const topic = await newTopic('rmqts_push_tags');
      const sent = await sendAll(Array.from({ length: 12 }, (_, i) => new Message(topic, `t${i}`, { tags: ['TagA', 'TagB', 'Aa', 'BB'][i % 4]! })));
      const got: MessageExt[] = [];
      const c = consumer({ consumerGroup: uniqueName('rmqts_push_tags_g'), consumeFromWhere: 'CONSUME_FROM_FIRST_OFFSET' });
      c.subscribe(topic, 'TagA || Aa');
      await c.consume(async (m) => {
        got.push(m);
      });
      const expected = sent.filter((_, i) => i % 4 === 0 || i % 4 === 2).map((r) => r.msgId).sort();
      await eventually(async () => (got.length >= expected.length ? true : undefined), 'tagged messages', 60_000);
      expect(got.map((m) => m.msgId).sort()).toEqual(expected);
      // "BB" has the hash code of "Aa": the broker lets it through, the client drops it.
      expect(got.some((m) => m.tags === 'BB')).toBe(false);
    });

    test('two members of one group split the queues and no message arrives twice', async () => {
      const topic = await newTopic('rmqts_push_group');
      const group = uniqueName('rmqts_push_group_g');
      const seen = new Map<string, string>();
      const dup: string[] = [];
      const mk = (name: string) => {
        const c = consumer({ consumerGroup: group, instanceName: name });
        c.subscribe(topic, '*');
        c.registerMessageListener(async (batch) => {
          for (const m of batch) {
            if (seen.has(m.msgId)) dup.push(m.msgId);
            seen.set(m.msgId, name);
          }
          return 'CONSUME_SUCCESS';
        });
        return c;
      };
      const a = mk('memberA');
      const b = mk('memberB');
      await a.start();
      await b.start();
      const owned = (c: DefaultMQPushConsumer) => [...c.impl.rebalanceImpl.processQueueTable.values()].filter((e) => e.mq.topic === topic).length;
      await eventually(async () => (owned(a) === 2 && owned(b) === 2 ? true : undefined), 'a 2/2 split', 60_000);
      const sent = await sendAll(Array.from({ length: 40 }, (_, i) => new Message(topic, `g${i}`)));
      await eventually(async () => (seen.size === sent.length ? true : undefined), 'all messages', 60_000);
      expect(dup).toEqual([]);
      expect(new Set(seen.values())).toEqual(new Set(['memberA', 'memberB']));
    });

    test('RECONSUME_LATER: redelivered with growing reconsumeTimes, then in %DLQ%<group> after maxReconsumeTimes', async () => {
      const topic = await newTopic('rmqts_push_retry');
      const group = uniqueName('rmqts_push_retry_g');
      const [sent] = await sendAll([new Message(topic, 'retry me', { tags: 'R', keys: 'retry-key' })]);
      const deliveries: Array<{ reconsumeTimes: number; topic: string; msgId: string }> = [];
      const c = consumer({ consumerGroup: group, maxReconsumeTimes: 2, consumeFromWhere: 'CONSUME_FROM_FIRST_OFFSET' });
      c.subscribe(topic, '*');
      c.registerMessageListener(async (batch, ctx) => {
        for (const m of batch) deliveries.push({ reconsumeTimes: m.reconsumeTimes, topic: m.topic, msgId: m.msgId });
        ctx.delayLevelWhenNextConsume = 1; // 1 s with the broker's default messageDelayLevel
        if (deliveries.length === 1) throw new Error('a failing handler counts as RECONSUME_LATER');
        return 'RECONSUME_LATER';
      });
      await c.start();
      await eventually(async () => (deliveries.length >= 3 ? true : undefined), 'three deliveries', 90_000);
      expect(deliveries.slice(0, 3).map((d) => d.reconsumeTimes)).toEqual([0, 1, 2]);
      expect(deliveries.every((d) => d.topic === topic && d.msgId === sent!.msgId)).toBe(true);
      const dlq = await eventually(async () => {
        const all = await reader.readAll(`%DLQ%${group}`).catch(() => []);
        return all.length > 0 ? all : undefined;
      }, 'the message in the DLQ', 60_000);
      expect(dlq).toHaveLength(1);
      expect(dlq[0]!.body.toString()).toBe('retry me');
      expect(dlq[0]!.keys).toBe('retry-key');
      expect(dlq[0]!.getProperty('UNIQ_KEY')).toBe(sent!.msgId);
      // Nothing more arrives once the message is dead.
      expect(deliveries).toHaveLength(3);
    });

    test('shutdown commits: QUERY_CONSUMER_OFFSET is the last consumed offset + 1 on every queue; a new member resumes there', async () => {
      const topic = await newTopic('rmqts_push_commit');
      const group = uniqueName('rmqts_push_commit_g');
      const first = await sendAll(Array.from({ length: 20 }, (_, i) => new Message(topic, `c${i}`)));
      const lastOffset = new Map<number, bigint>();
      const c = consumer({ consumerGroup: group, consumeFromWhere: 'CONSUME_FROM_FIRST_OFFSET' });
      c.subscribe(topic, '*');
      let count = 0;
      await c.consume(async (m) => {
        count++;
        const prev = lastOffset.get(m.queueId) ?? -1n;
        if (m.queueOffset > prev) lastOffset.set(m.queueId, m.queueOffset);
      });
      await eventually(async () => (count === first.length ? true : undefined), 'all messages', 60_000);
      await c.shutdown();

      const remoting = new RemotingClient({ namesrvAddrs: [namesrvAddr()], logger: silentLogger });
      try {
        const api = new MQClientAPI(remoting, { language: 'JAVA', namespace: undefined, vipChannelEnabled: false });
        const brokerName = first[0]!.messageQueue.brokerName;
        const addr = await reader.route(topic).then((r) => r.brokerDatas[0]!.brokerAddrs.get(0)!);
        for (const [queueId, last] of lastOffset) {
          await expect(api.queryConsumerOffset(addr, new MessageQueue(topic, brokerName, queueId), group, 5000)).resolves.toBe(last + 1n);
        }
      } finally {
        await remoting.shutdown();
      }

      // The group has offsets now: LAST (the default) resumes from them, FIRST would too.
      const second = await sendAll(Array.from({ length: 8 }, (_, i) => new Message(topic, `d${i}`)));
      const again: string[] = [];
      const c2 = consumer({ consumerGroup: group });
      c2.subscribe(topic, '*');
      await c2.consume(async (m) => {
        again.push(m.msgId);
      });
      await eventually(async () => (again.length >= second.length ? true : undefined), 'the new messages', 60_000);
      expect(again.sort()).toEqual(second.map((r) => r.msgId).sort());
    });


    test("QueueReader (the tail command's reader): from the first offset with a tag expression, and from a point in time", async () => {
      const topic = await newTopic('rmqts_qreader');
      const early = await sendAll(Array.from({ length: 8 }, (_, i) => new Message(topic, `early ${i}`, { tags: i % 2 ? 'A' : 'B' })));
      // Every early message is stored (acknowledged) before the mark, every late one after it.
      const mark = Date.now() + 50;
      await eventually(async () => (Date.now() > mark ? true : undefined), 'the clock past the mark', 10_000, 20);
      const late = await sendAll(Array.from({ length: 6 }, (_, i) => new Message(topic, `late ${i}`, { tags: 'A' })));
      const remoting = new RemotingClient({ namesrvAddrs: [namesrvAddr()], logger: silentLogger });
      const api = new MQClientAPI(remoting, { language: 'JAVA', namespace: undefined, vipChannelEnabled: false });
      const read = async (from: ReadFrom, subExpression: string, count: number): Promise<string[]> => {
        const r = new QueueReader(api, { topic, consumerGroup: uniqueName('rmqts_qreader_g'), subExpression, from, brokerSuspendMaxTimeMs: 2000 });
        await r.start();
        const got: MessageExt[] = [];
        try {
          await eventually(async () => {
            got.push(...(await r.poll(500)));
            return got.length >= count ? true : undefined;
          }, `${count} messages (got ${got.length})`, 60_000);
          // A few more long-polling rounds: nothing else arrives.
          got.push(...(await r.poll(3000)));
        } finally {
          r.close();
        }
        return got.map((m) => m.msgId).sort();
      };
      try {
        const tagged = early.filter((_, i) => i % 2).concat(late);
        expect(await read('first', 'A', tagged.length)).toEqual(tagged.map((x) => x.msgId).sort());
        expect(await read({ timestamp: mark }, '*', late.length)).toEqual(late.map((x) => x.msgId).sort());
      } finally {
        await remoting.shutdown();
      }
    });

    brokerOnly(target).test('mqadmin consumerStatus shows the running consumer; queryMsgById -g -d has it consume one message directly', async () => {
      const topic = await newTopic('rmqts_push_admin');
      const group = uniqueName('rmqts_push_admin_g');
      const [sent] = await sendAll([new Message(topic, 'direct me', { tags: 'X' })]);
      const bodies: string[] = [];
      const c = consumer({ consumerGroup: group, consumeFromWhere: 'CONSUME_FROM_FIRST_OFFSET' });
      c.subscribe(topic, '*');
      await c.consume(async (m) => {
        bodies.push(m.body.toString());
      });
      await eventually(async () => (bodies.length === 1 ? true : undefined), 'the message', 60_000);
      const clientId = c.impl.clientInstance.clientId;
      const status = await admin('consumerStatus', '-g', group, '-i', clientId);
      expect(status).toContain('#Consumer Properties#');
      expect(status).toMatch(/PROP_CONSUME_TYPE\s*: CONSUME_PASSIVELY/);
      expect(status).toContain(`Topic: ${topic}`);
      expect(status).toMatch(new RegExp(`${topic}\\s+broker-a\\s+\\d+`));
      // 4.9's mqadmin queryMsgById has no -t option (it prints its usage and exits 1 when given one).
      const topicArgs = rocketmqVersion().startsWith('4.') ? [] : ['-t', topic];
      const direct = await admin('queryMsgById', ...topicArgs, '-i', sent!.offsetMsgId, '-g', group, '-d', clientId);
      expect(direct).toMatch(/CR_SUCCESS/);
      expect(bodies).toEqual(['direct me', 'direct me']);
    });

    brokerOnly(target).test('mqadmin resetOffsetByTime rewinds a running consumer: it receives the messages again', async () => {
      const topic = await newTopic('rmqts_push_reset');
      const group = uniqueName('rmqts_push_reset_g');
      const before = Date.now() - 60_000;
      const sent = await sendAll(Array.from({ length: 8 }, (_, i) => new Message(topic, `r${i}`)));
      const got: string[] = [];
      const c = consumer({ consumerGroup: group, consumeFromWhere: 'CONSUME_FROM_FIRST_OFFSET' });
      c.subscribe(topic, '*');
      await c.consume(async (m) => {
        got.push(m.msgId);
      });
      await eventually(async () => (got.length === sent.length ? true : undefined), 'first pass', 60_000);
      await admin('resetOffsetByTime', '-g', group, '-t', topic, '-s', String(before), '-f', 'true');
      await eventually(async () => (got.length >= 2 * sent.length ? true : undefined), 'second pass after the reset', 60_000);
      const ids = sent.map((r) => r.msgId).sort();
      expect(got.slice(sent.length).sort()).toEqual(ids);
    });

    describe('BROADCASTING', () => {
      let dir: string;
      const running = new Set<DefaultMQPushConsumer>();

      beforeAll(() => {
        dir = mkdtempSync(join(tmpdir(), 'rmqts-bcast-'));
      });

      afterAll(async () => {
        for (const c of running) await c.shutdown();
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
  });
}
