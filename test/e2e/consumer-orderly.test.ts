/**
 * Orderly push consumption against the real broker: a stream sent with the hash queue selector is consumed in
 * per-key order by one member; with two members the broker's queue locks keep every queue to one handler at a
 * time (and a third client is refused them), and the order holds while a member joins and another leaves; a
 * queue taken away while its batch is in the handler waits for it (Go client #618); SUSPEND_CURRENT_QUEUE_A_MOMENT
 * redelivers the same message before the ones after it, and past maxReconsumeTimes it goes to %DLQ%<group>.
 */
import { DefaultMQProducer, DefaultMQPushConsumer, Message, selectMessageQueueByHash, type MessageExt, type PushConsumerOptions } from '../../src/index';
import type { ConsumeOrderlyStatus } from '../../src/consumer/consume-message-orderly-service';
import { silentLogger, type Logger } from '../../src/logger';
import type { AllocateMessageQueueStrategy } from '../../src/consumer/rebalance/allocate-message-queue-strategy';
import { MQClientAPI } from '../../src/client/mq-client-api';
import { MessageQueue } from '../../src/client/message-queue';
import { RemotingClient } from '../../src/remoting/remoting-client';
import { describeBroker, namesrvAddr, uniqueName } from './helpers/broker';
import { createTopicAndWait, eventually, TopicReader } from './helpers/feature-support';

const QUEUES = 4;
jest.setTimeout(240_000);

describeBroker('orderly DefaultMQPushConsumer against a real broker', () => {
  const consumers: DefaultMQPushConsumer[] = [];
  let reader: TopicReader;
  let producer: DefaultMQProducer;

  /** A fresh topic of QUEUES queues, its route published. */
  async function newTopic(prefix: string): Promise<string> {
    const topic = uniqueName(prefix);
    await createTopicAndWait(producer, topic, QUEUES);
    return topic;
  }

  /** An orderly member of a group on `topic`, reading from the first offset. */
  const consumer = (opts: Omit<PushConsumerOptions, 'namesrvAddr'>, topic: string, listener: (msgs: MessageExt[]) => Promise<ConsumeOrderlyStatus>): DefaultMQPushConsumer => {
    const settings: PushConsumerOptions = { namesrvAddr: namesrvAddr(), consumeFromWhere: 'CONSUME_FROM_FIRST_OFFSET', logger: silentLogger, pollNameServerIntervalMs: 1000, ...opts };
    const member = new DefaultMQPushConsumer(settings);
    member.subscribe(topic, '*');
    member.registerMessageListener({ orderly: listener });
    consumers.push(member);
    return member;
  };

  /** `count` messages per key, keys interleaved, each to the queue the hash of its key selects. */
  const sendKeyed = async (topic: string, keys: string[], from: number, count: number): Promise<void> => {
    for (let i = from; i < from + count; i++) {
      for (const key of keys) await producer.send(new Message(topic, `${key}:${i}`, { keys: key }), { selector: selectMessageQueueByHash, arg: key });
    }
  };

  /** Per key, the sequence numbers in the order the handlers saw them. */
  const record = (seen: Map<string, number[]>, m: MessageExt): void => {
    const [key, seq] = m.body.toString().split(':') as [string, string];
    (seen.get(key) ?? seen.set(key, []).get(key)!).push(Number(seq));
  };
  const range = (n: number) => Array.from({ length: n }, (_, i) => i);

  beforeAll(async () => {
    reader = new TopicReader(namesrvAddr());
    producer = new DefaultMQProducer({ producerGroup: uniqueName('rmqts_orderly_pg'), namesrvAddr: namesrvAddr(), logger: silentLogger });
    await producer.start();
  });

  afterAll(async () => {
    // Members first (their shutdown commits and unlocks), then the clients they do not need.
    await Promise.all(consumers.map((c) => c.shutdown()));
    await Promise.all([producer?.shutdown(), reader?.close()]);
  });

  /** Asks the broker to lock the topic's queues for a client id of our own: what it grants is not held by anyone. */
  const probeLocks = async (topic: string, group: string, queues = QUEUES): Promise<number[]> => {
    const remoting = new RemotingClient({ namesrvAddrs: [namesrvAddr()], logger: silentLogger });
    try {
      const api = new MQClientAPI(remoting, { language: 'JAVA', namespace: undefined, vipChannelEnabled: false });
      const route = await reader.route(topic);
      const bd = route.brokerDatas[0]!;
      const mqSet = range(queues).map((q) => new MessageQueue(topic, bd.brokerName, q));
      const addr = bd.brokerAddrs.get(0)!;
      const body = { consumerGroup: group, clientId: 'probe@orderly-e2e', mqSet };
      const locked = await api.lockBatchMQ(addr, bd.brokerName, body, 5000);
      // Whatever the probe got goes back at once, so that it never keeps a member waiting.
      if (locked.length > 0) await api.unlockBatchMQ(addr, bd.brokerName, { ...body, mqSet: locked }, 5000, false);
      return locked.map((q) => q.queueId).sort();
    } finally {
      await remoting.shutdown();
    }
  };

  test('one member: every key of a hash-selected stream is consumed in send order, each message once', async () => {
    const topic = await newTopic('rmqts_orderly_one');
    const keys = range(8).map((k) => `key${k}`);
    await sendKeyed(topic, keys, 0, 25);
    const seen = new Map<string, number[]>();
    const c = consumer({ consumerGroup: uniqueName('rmqts_orderly_one_g'), consumeMessageBatchMaxSize: 4 }, topic, async (msgs) => {
      for (const m of msgs) record(seen, m);
      return 'SUCCESS';
    });
    await c.start();
    await sendKeyed(topic, keys, 25, 25);
    await eventually(async () => (keys.every((k) => (seen.get(k)?.length ?? 0) >= 50) ? true : undefined), 'all 400 messages', 120_000);
    for (const k of keys) expect(seen.get(k)).toEqual(range(50));
  });

  test('two members: a queue is never in two handlers at once, a third client is refused the locks, order holds as members join and leave', async () => {
    const topic = await newTopic('rmqts_orderly_two');
    const group = uniqueName('rmqts_orderly_two_g');
    const keys = range(12).map((k) => `key${k}`);
    const seen = new Map<string, number[]>();
    /** The topic's queues a member holds and consumes (its %RETRY% queue and queues being released aside). */
    const owned = (c: DefaultMQPushConsumer) => [...c.impl.rebalanceImpl.processQueueTable.values()].filter((e) => e.mq.topic === topic && !e.pq.dropped).length;
    const active = new Map<number, number>();
    let overlaps = 0;
    const handler = async (msgs: MessageExt[]): Promise<ConsumeOrderlyStatus> => {
      const q = msgs[0]!.queueId;
      active.set(q, (active.get(q) ?? 0) + 1);
      if (active.get(q)! > 1) overlaps++;
      await new Promise((r) => setTimeout(r, 2));
      for (const m of msgs) record(seen, m);
      active.set(q, active.get(q)! - 1);
      return 'SUCCESS';
    };
    const a = consumer({ consumerGroup: group, instanceName: uniqueName('orderlyA') }, topic, handler);
    await a.start();
    await sendKeyed(topic, keys, 0, 10);
    await eventually(async () => (keys.every((k) => (seen.get(k)?.length ?? 0) >= 10) ? true : undefined), 'A consumed the first part', 120_000);
    expect(await probeLocks(topic, group)).toEqual([]);

    const b = consumer({ consumerGroup: group, instanceName: uniqueName('orderlyB') }, topic, handler);
    await b.start();
    const sending = sendKeyed(topic, keys, 10, 30);
    // Both members own queues once the rebalance settled; A's released queues were unlocked for B.
    await eventually(
      async () => (owned(a) > 0 && owned(b) > 0 && owned(a) + owned(b) === QUEUES ? true : undefined),
      'the queues split between A and B',
      120_000,
    );
    await sending;
    expect(await probeLocks(topic, group)).toEqual([]);
    await eventually(async () => (keys.every((k) => (seen.get(k)?.length ?? 0) >= 40) ? true : undefined), 'both consumed the second part', 120_000);

    // A leaves while more is sent: its offsets are committed before its locks go, B takes over from there.
    const more = sendKeyed(topic, keys, 40, 20);
    await a.shutdown();
    consumers.splice(consumers.indexOf(a), 1);
    await more;
    await eventually(async () => (owned(b) === QUEUES ? true : undefined), 'B owns every queue', 120_000);
    await eventually(async () => (keys.every((k) => (seen.get(k)?.length ?? 0) >= 60) ? true : undefined), 'B consumed the rest', 120_000);
    expect(await probeLocks(topic, group)).toEqual([]);
    for (const k of keys) expect(seen.get(k)).toEqual(range(60));
    expect(overlaps).toBe(0);

    await b.shutdown();
    consumers.splice(consumers.indexOf(b), 1);
    // Shutdown released every lock: the probe gets them all now.
    expect(await probeLocks(topic, group)).toEqual(range(QUEUES));
  });

  test('a queue taken away while its batch is in the handler (Go #618): the new owner waits for the lock, nothing is lost or consumed twice', async () => {
    const topic = uniqueName('rmqts_orderly_618');
    await createTopicAndWait(producer, topic, 1);
    const group = uniqueName('rmqts_orderly_618_g');
    const ids = { a: uniqueName('orderlyA'), b: uniqueName('orderlyB') };
    // All queues to B once B is a member, so that A must hand its queue over.
    const strategy: AllocateMessageQueueStrategy = {
      name: 'PreferB',
      allocate: (_g, cid, mqAll, cids) => (cid === (cids.find((c) => c.endsWith(`@${ids.b}`)) ?? cids[0]) ? [...mqAll] : []),
    };
    const brokerName = (await reader.route(topic)).brokerDatas[0]!.brokerName;
    for (let i = 0; i < 6; i++) await producer.send(new Message(topic, `k:${i}`), { queue: { topic, brokerName, queueId: 0 } });
    const trail: Array<[string, number]> = [];
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    let blocked = false;
    const lockRefusals: string[] = [];
    const bLogger: Logger = { ...silentLogger, warn: (msg) => void (msg.includes('lock failed') && lockRefusals.push(msg)), child: () => bLogger };
    const a = consumer({ consumerGroup: group, instanceName: ids.a, allocateMessageQueueStrategy: strategy }, topic, async (msgs) => {
      const seq = Number(msgs[0]!.body.toString().split(':')[1]);
      trail.push(['A', seq]);
      if (seq === 2) {
        blocked = true;
        await gate;
      }
      return 'SUCCESS';
    });
    await a.start();
    await eventually(async () => (blocked ? true : undefined), 'A in the handler of message 2', 60_000);
    const b = consumer({ consumerGroup: group, instanceName: ids.b, allocateMessageQueueStrategy: strategy, logger: bLogger }, topic, async (msgs) => {
      trail.push(['B', Number(msgs[0]!.body.toString().split(':')[1])]);
      return 'SUCCESS';
    });
    await b.start();
    await eventually(async () => (lockRefusals.length >= 2 && [...a.impl.rebalanceImpl.processQueueTable.values()].some((e) => e.mq.topic === topic && e.pq.dropped) ? true : undefined), 'A dropped the queue and B was refused its lock', 60_000);
    expect(trail.filter(([who]) => who === 'B')).toEqual([]);
    expect(await probeLocks(topic, group, 1)).toEqual([]);
    release();
    await eventually(async () => (trail.some(([, seq]) => seq === 5) ? true : undefined), 'B consumed the rest', 120_000);
    expect(trail).toEqual([['A', 0], ['A', 1], ['A', 2], ['B', 3], ['B', 4], ['B', 5]]);
  });

  test('SUSPEND_CURRENT_QUEUE_A_MOMENT (and a throw) redelivers the same message first, with a growing reconsumeTimes', async () => {
    const topic = await newTopic('rmqts_orderly_suspend');
    const key = 'only';
    await sendKeyed(topic, [key], 0, 6);
    const trail: Array<[number, number]> = [];
    let tries = 0;
    const c = consumer({ consumerGroup: uniqueName('rmqts_orderly_suspend_g'), suspendCurrentQueueTimeMs: 100 }, topic, async (msgs) => {
      const seq = Number(msgs[0]!.body.toString().split(':')[1]);
      trail.push([seq, msgs[0]!.reconsumeTimes]);
      if (seq === 2 && ++tries <= 2) {
        if (tries === 2) throw new Error('still not ready');
        return 'SUSPEND_CURRENT_QUEUE_A_MOMENT';
      }
      return 'SUCCESS';
    });
    await c.start();
    await eventually(async () => (trail.some(([s]) => s === 5) ? true : undefined), 'all six', 120_000);
    expect(trail).toEqual([[0, 0], [1, 0], [2, 0], [2, 1], [2, 2], [3, 0], [4, 0], [5, 0]]);
  });

  test('past maxReconsumeTimes the message goes to %DLQ%<group> and the queue moves on', async () => {
    const topic = await newTopic('rmqts_orderly_dlq');
    const group = uniqueName('rmqts_orderly_dlq_g');
    await sendKeyed(topic, ['only'], 0, 3);
    const trail: Array<[number, number]> = [];
    const c = consumer({ consumerGroup: group, maxReconsumeTimes: 2, suspendCurrentQueueTimeMs: 50 }, topic, async (msgs) => {
      const seq = Number(msgs[0]!.body.toString().split(':')[1]);
      trail.push([seq, msgs[0]!.reconsumeTimes]);
      return seq === 1 ? 'SUSPEND_CURRENT_QUEUE_A_MOMENT' : 'SUCCESS';
    });
    await c.start();
    await eventually(async () => (trail.some(([s]) => s === 2) ? true : undefined), 'message 2 after message 1 gave up', 120_000);
    expect(trail).toEqual([[0, 0], [1, 0], [1, 1], [1, 2], [2, 0]]);
    const dlq = await eventually(async () => {
      const all = await reader.readAll(`%DLQ%${group}`).catch(() => []);
      return all.length > 0 ? all : undefined;
    }, 'the DLQ copy', 60_000);
    expect(dlq.map((m) => m.body.toString())).toEqual(['only:1']);
  });
});
