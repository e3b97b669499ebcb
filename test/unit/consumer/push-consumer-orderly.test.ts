import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { silentLogger } from '../../../src/logger';
import { Message } from '../../../src/message/message';
import type { MessageExt } from '../../../src/message/message-decoder';
import { MessageQueue } from '../../../src/client/message-queue';
import { DefaultMQProducer } from '../../../src/producer/default-mq-producer';
import { DefaultMQPushConsumer } from '../../../src/consumer/default-mq-push-consumer';
import type { PushConsumerOptions } from '../../../src/consumer/consumer-config';
import type { ConsumeOrderlyContext, ConsumeOrderlyStatus } from '../../../src/consumer/consume-message-orderly-service';
import type { AllocateMessageQueueStrategy } from '../../../src/consumer/rebalance/allocate-message-queue-strategy';
import { RequestCode } from '../../../src/remoting/protocol/request-code';
import { ResponseCode } from '../../../src/remoting/protocol/response-code';
import { FakeRocketMQ } from '../../../src/testing';

/**
 * Orderly push consumption against the in-process broker. The first tests are the failure modes users of
 * other clients filed: a queue dropped while its batch is in the handler (Go #618: messages lost, the
 * offset committed past what was not consumed), lock renewal that stops after an error or a handler that
 * runs on an expired lock, and the order broken by SUSPEND_CURRENT_QUEUE_A_MOMENT.
 */

const GROUP = 'og';
let fake: FakeRocketMQ;
let producer: DefaultMQProducer;
const consumers: DefaultMQPushConsumer[] = [];

async function until(cond: () => boolean | Promise<boolean>, what: string, timeoutMs = 30_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if (await cond()) return;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`condition never held: ${what}`);
}

async function start(options: { queues?: number; queueLockLiveMs?: number } = {}): Promise<void> {
  fake = await FakeRocketMQ.start({ topics: { T: { queues: options.queues ?? 1 } }, ...(options.queueLockLiveMs ? { queueLockLiveMs: options.queueLockLiveMs } : {}) });
  producer = new DefaultMQProducer({ producerGroup: 'pg', namesrvAddr: fake.namesrvAddr, logger: silentLogger });
  await producer.start();
}

afterEach(async () => {
  for (const c of consumers.splice(0)) await c.shutdown();
  await producer?.shutdown();
  await fake?.close();
});

async function send(bodies: string[], queueId = 0): Promise<void> {
  for (const b of bodies) await producer.send(new Message('T', b), { queue: { topic: 'T', brokerName: 'broker-a', queueId } });
}

function consumer(instanceName: string, listener: (msgs: MessageExt[], ctx: ConsumeOrderlyContext) => Promise<ConsumeOrderlyStatus>, extra: Partial<PushConsumerOptions> = {}): DefaultMQPushConsumer {
  const c = new DefaultMQPushConsumer({
    consumerGroup: GROUP,
    namesrvAddr: fake.namesrvAddr,
    logger: silentLogger,
    instanceName,
    consumeFromWhere: 'CONSUME_FROM_FIRST_OFFSET',
    ...extra,
  });
  c.subscribe('T');
  c.registerMessageListener({ orderly: listener });
  consumers.push(c);
  return c;
}

/** All queues to the member whose instance name is `owner` when it is in the group, else to the first member. */
function preferring(owner: string): AllocateMessageQueueStrategy {
  return {
    name: 'Preferring',
    allocate: (_g, cid, mqAll, cids) => {
      const chosen = cids.find((c) => c.endsWith(`@${owner}`)) ?? cids[0];
      return cid === chosen ? [...mqAll] : [];
    },
  };
}

function lockRequestsBy(clientId: string): number {
  return fake.requests(RequestCode.LOCK_BATCH_MQ).filter((r) => JSON.parse(r.request.body!.toString()).clientId === clientId).length;
}

const mq0 = new MessageQueue('T', 'broker-a', 0);
const bodies = (n: number, prefix = 'm') => Array.from({ length: n }, (_, i) => `${prefix}${i}`);
const deferred = () => {
  let open!: () => void;
  const gate = new Promise<void>((r) => (open = r));
  return { gate, open };
};

describe('orderly push consumer: the failure modes of other clients', () => {
  test('Go #618: a queue dropped while its batch is in the handler loses nothing and commits nothing past it; the new owner waits for the lock', async () => {
    await start();
    await send(bodies(6));
    const seen: Array<[string, string]> = [];
    const blocked = deferred();
    let inHandler = false;
    const strategy = preferring('B');
    const a = consumer('A', async (msgs) => {
      for (const m of msgs) seen.push(['A', m.body.toString()]);
      if (msgs[0]!.body.toString() === 'm2') {
        inHandler = true;
        await blocked.gate;
      }
      return 'SUCCESS';
    }, { allocateMessageQueueStrategy: strategy });
    const b = consumer('B', async (msgs) => {
      for (const m of msgs) seen.push(['B', m.body.toString()]);
      return 'SUCCESS';
    }, { allocateMessageQueueStrategy: strategy });
    await a.start();
    await until(() => inHandler, 'A is in the handler of m2');
    await b.start();
    // B is given the queue but A still holds the broker lock while m2 is in its handler: B must not consume.
    await until(() => lockRequestsBy(b.impl.clientId()) >= 2, 'B tried to lock, twice');
    await until(() => a.impl.rebalanceImpl.processQueueTable.get(mq0.key())?.pq.dropped === true, 'A dropped the queue');
    expect(fake.queueLockOwner(GROUP, 'T', 0)).toBe(a.impl.clientId());
    expect(seen.filter(([who]) => who === 'B')).toEqual([]);
    const committed = await a.impl.offsetStore.readOffset(mq0, 'READ_FROM_MEMORY');
    expect(committed).toBeLessThanOrEqual(2n);
    expect(fake.consumerOffset(GROUP, 'T', 0) ?? -1n).toBeLessThanOrEqual(2n);

    blocked.open();
    await until(() => seen.filter(([who]) => who === 'B').length > 0 && seen.some(([, m]) => m === 'm5'), 'B consumes the rest');
    // Every message consumed, in order, each exactly once: A's in-flight m2 was committed before A let go.
    expect(seen.map(([, m]) => m)).toEqual(bodies(6));
    expect(seen.filter(([who]) => who === 'A').map(([, m]) => m)).toEqual(['m0', 'm1', 'm2']);
    expect(fake.queueLockOwner(GROUP, 'T', 0)).toBe(b.impl.clientId());
  });

  test('the committed offset never passes a message still in (or waiting for) the handler', async () => {
    await start();
    await send(bodies(5));
    const gates = new Map<string, ReturnType<typeof deferred>>();
    const at: string[] = [];
    const c = consumer('A', async (msgs) => {
      const body = msgs[0]!.body.toString();
      at.push(body);
      const g = deferred();
      gates.set(body, g);
      await g.gate;
      return 'SUCCESS';
    });
    await c.start();
    for (let i = 0; i < 5; i++) {
      await until(() => gates.has(`m${i}`), `m${i} reaches the handler`);
      // m<i> is in the handler: only offsets below it are consumed.
      expect(await c.impl.offsetStore.readOffset(mq0, 'READ_FROM_MEMORY')).toBeLessThanOrEqual(BigInt(i));
      gates.get(`m${i}`)!.open();
    }
    await until(async () => (await c.impl.offsetStore.readOffset(mq0, 'READ_FROM_MEMORY')) === 5n, 'offset 5 committed');
    expect(at).toEqual(bodies(5));
  });

  test('lock renewal keeps going after failed LOCK_BATCH_MQ; no handler starts on an expired lock; consumption resumes after', async () => {
    await start({ queueLockLiveMs: 1500 });
    const violations: string[] = [];
    const consumedAt = new Map<string, number>();
    const c = consumer('A', async (msgs) => {
      const owner = fake.queueLockOwner(GROUP, 'T', msgs[0]!.queueId);
      if (owner !== c.impl.clientId()) violations.push(`${msgs[0]!.body.toString()} consumed while the broker lock is ${owner ?? 'free'}`);
      for (const m of msgs) consumedAt.set(m.body.toString(), Date.now());
      return 'SUCCESS';
    }, { rebalanceLockIntervalMs: 200, rebalanceLockMaxLiveTimeMs: 600 });
    await c.start();
    await send(['before']);
    await until(() => consumedAt.has('before'), 'first message consumed');

    const failing = fake.script(RequestCode.LOCK_BATCH_MQ, { action: { type: 'respond', code: ResponseCode.SYSTEM_ERROR, remark: 'lock store busy' } });
    const pq = () => c.impl.rebalanceImpl.processQueueTable.get(mq0.key())!.pq;
    await until(() => failing.hits >= 3 && pq().isLockExpired(600), 'renewals fail and the local lock expires');
    await send(['during-1', 'during-2']);
    await until(() => fake.queueLockOwner(GROUP, 'T', 0) === undefined, 'the broker lock expires too');
    const hitsBefore = failing.hits;
    await until(() => failing.hits >= hitsBefore + 3, 'renewal still runs after errors');
    expect([...consumedAt.keys()]).toEqual(['before']);

    failing.remove();
    const resumedAt = Date.now();
    await until(() => consumedAt.has('during-2'), 'consumption resumes once the lock is renewed');
    expect(consumedAt.get('during-1')!).toBeGreaterThanOrEqual(resumedAt);
    expect([...consumedAt.keys()]).toEqual(['before', 'during-1', 'during-2']);
    expect(violations).toEqual([]);
  });

  test('SUSPEND_CURRENT_QUEUE_A_MOMENT (or a throw) redelivers the same batch first, after the suspend time; order holds', async () => {
    await start();
    await send(bodies(4));
    const seen: Array<{ body: string; at: number; reconsumeTimes: number }> = [];
    let m1Tries = 0;
    const c = consumer('A', async (msgs, ctx) => {
      const m = msgs[0]!;
      seen.push({ body: m.body.toString(), at: Date.now(), reconsumeTimes: m.reconsumeTimes });
      if (m.body.toString() === 'm1' && ++m1Tries <= 2) {
        if (m1Tries === 1) return 'SUSPEND_CURRENT_QUEUE_A_MOMENT';
        ctx.suspendCurrentQueueTimeMs = 50;
        throw new Error('not yet');
      }
      return 'SUCCESS';
    }, { suspendCurrentQueueTimeMs: 300 });
    await c.start();
    await until(() => seen.some((s) => s.body === 'm3'), 'all consumed');
    expect(seen.map((s) => s.body)).toEqual(['m0', 'm1', 'm1', 'm1', 'm2', 'm3']);
    expect(seen.map((s) => s.reconsumeTimes)).toEqual([0, 0, 1, 2, 0, 0]);
    // The first suspend waits the consumer's suspendCurrentQueueTimeMs (a lower bound only: never a speed assertion).
    expect(seen[2]!.at - seen[1]!.at).toBeGreaterThanOrEqual(290);
    await until(async () => (await c.impl.offsetStore.readOffset(mq0, 'READ_FROM_MEMORY')) === 4n, 'offset 4');
  });

  test('a suspended batch comes back whole and first, and messages arriving meanwhile neither jump ahead nor cut the suspend short', async () => {
    await start();
    await send(bodies(3));
    const batches: Array<{ bodies: string[]; at: number }> = [];
    let suspended = false;
    const c = consumer('A', async (msgs) => {
      batches.push({ bodies: msgs.map((m) => m.body.toString()), at: Date.now() });
      if (!suspended && msgs.some((m) => m.body.toString() === 'm1')) {
        suspended = true;
        return 'SUSPEND_CURRENT_QUEUE_A_MOMENT';
      }
      return 'SUCCESS';
    }, { consumeMessageBatchMaxSize: 2, suspendCurrentQueueTimeMs: 800 });
    await c.start();
    await until(() => suspended, 'the first batch is suspended');
    await send(bodies(4, 'n'));
    await until(() => batches.flatMap((b) => b.bodies).includes('n3'), 'all consumed');
    const flat = batches.flatMap((b) => b.bodies);
    expect(batches[0]!.bodies).toEqual(['m0', 'm1']);
    expect(batches[1]!.bodies).toEqual(['m0', 'm1']);
    expect(flat.slice(2)).toEqual(['m0', 'm1', 'm2', 'n0', 'n1', 'n2', 'n3']);
    expect(batches[1]!.at - batches[0]!.at).toBeGreaterThanOrEqual(790);
  });

  test('past maxReconsumeTimes a message goes to the DLQ and the queue moves on', async () => {
    await start();
    await send(bodies(3));
    const seen: string[] = [];
    const c = consumer('A', async (msgs) => {
      seen.push(msgs[0]!.body.toString());
      return msgs[0]!.body.toString() === 'm1' ? 'SUSPEND_CURRENT_QUEUE_A_MOMENT' : 'SUCCESS';
    }, { maxReconsumeTimes: 2, suspendCurrentQueueTimeMs: 10 });
    await c.start();
    await until(() => seen.includes('m2'), 'm2 consumed after m1 gave up');
    expect(seen).toEqual(['m0', 'm1', 'm1', 'm1', 'm2']);
    await until(() => fake.messages(`%DLQ%${GROUP}`).length === 1, 'm1 in the DLQ');
    expect(fake.messages(`%DLQ%${GROUP}`)[0]!.body.toString()).toBe('m1');
    await until(async () => (await c.impl.offsetStore.readOffset(mq0, 'READ_FROM_MEMORY')) === 3n, 'offset 3');
  });
});

describe('orderly push consumer: locks and scheduling', () => {
  test('one handler at a time per queue, only under the broker lock; queues run in parallel', async () => {
    await start({ queues: 2 });
    const active = new Map<number, number>();
    let maxPerQueue = 0;
    let maxAll = 0;
    const order = new Map<number, string[]>();
    const violations: string[] = [];
    const c = consumer('A', async (msgs) => {
      const q = msgs[0]!.queueId;
      if (fake.queueLockOwner(GROUP, 'T', q) !== c.impl.clientId()) violations.push(`q${q} consumed without the lock`);
      active.set(q, (active.get(q) ?? 0) + 1);
      maxPerQueue = Math.max(maxPerQueue, active.get(q)!);
      maxAll = Math.max(maxAll, [...active.values()].reduce((a, b) => a + b, 0));
      await new Promise((r) => setTimeout(r, 5));
      for (const m of msgs) (order.get(q) ?? order.set(q, []).get(q)!).push(m.body.toString());
      active.set(q, active.get(q)! - 1);
      return 'SUCCESS';
    }, { consumeMessageBatchMaxSize: 3 });
    await send(bodies(20, 'a'), 0);
    await send(bodies(20, 'b'), 1);
    await c.start();
    await until(() => (order.get(0)?.length ?? 0) === 20 && (order.get(1)?.length ?? 0) === 20, 'both queues consumed');
    expect(order.get(0)).toEqual(bodies(20, 'a'));
    expect(order.get(1)).toEqual(bodies(20, 'b'));
    expect(maxPerQueue).toBe(1);
    expect(maxAll).toBe(2);
    expect(violations).toEqual([]);
  });

  test('a queue yields after maxTimeConsumeContinuouslyMs so that others get the one handler slot', async () => {
    await start({ queues: 2 });
    const trail: number[] = [];
    const c = consumer('A', async (msgs) => {
      trail.push(msgs[0]!.queueId);
      await new Promise((r) => setTimeout(r, 10));
      return 'SUCCESS';
    }, { consumeThreadMax: 1, maxTimeConsumeContinuouslyMs: 50 });
    await send(bodies(30, 'a'), 0);
    await send(bodies(30, 'b'), 1);
    await c.start();
    await until(() => trail.length === 60, 'all consumed', 60_000);
    const switches = trail.filter((q, i) => i > 0 && q !== trail[i - 1]).length;
    expect(switches).toBeGreaterThan(2);
  });

  test('shutdown commits the offsets, then releases the locks (UNLOCK_BATCH_MQ); another member takes over from there', async () => {
    await start({ queues: 2 });
    await send(bodies(4, 'a'), 0);
    await send(bodies(4, 'b'), 1);
    const seenA: string[] = [];
    const a = consumer('A', async (msgs) => {
      seenA.push(...msgs.map((m) => m.body.toString()));
      return 'SUCCESS';
    });
    await a.start();
    await until(() => seenA.length === 8, 'A consumed all');
    expect(fake.queueLockOwner(GROUP, 'T', 0)).toBe(a.impl.clientId());
    await a.shutdown();
    consumers.splice(consumers.indexOf(a), 1);
    expect(fake.queueLockOwner(GROUP, 'T', 0)).toBeUndefined();
    expect(fake.queueLockOwner(GROUP, 'T', 1)).toBeUndefined();
    const codes = fake.requests().map((r) => r.request.code).filter((c) => c === RequestCode.UPDATE_CONSUMER_OFFSET || c === RequestCode.UNLOCK_BATCH_MQ);
    expect(codes.at(-1)).toBe(RequestCode.UNLOCK_BATCH_MQ);
    expect(codes).toContain(RequestCode.UPDATE_CONSUMER_OFFSET);
    expect(fake.consumerOffset(GROUP, 'T', 0)).toBe(4n);

    await send(['a4'], 0);
    const seenB: string[] = [];
    const b = consumer('B', async (msgs) => {
      seenB.push(...msgs.map((m) => m.body.toString()));
      return 'SUCCESS';
    });
    await b.start();
    await until(() => seenB.includes('a4'), 'B continues where A stopped');
    expect(seenB).toEqual(['a4']);
  });

  test('shutdown while a handler outlives awaitTerminationMsWhenShutdown: that queue stays locked at the broker, so no other member consumes it beside the handler', async () => {
    await start({ queues: 2, queueLockLiveMs: 1500 });
    await send(bodies(3, 'a'), 0);
    await send(bodies(2, 'b'), 1);
    const seen: Array<[string, string]> = [];
    // A's listener records what it gets and stays inside the batch that starts with a0 until released.
    const release = deferred();
    const entered = new Set<string>();
    const a = consumer('A', async (msgs) => {
      const first = msgs[0]!.body.toString();
      seen.push(...msgs.map((m): [string, string] => ['A', m.body.toString()]));
      entered.add(first);
      if (first === 'a0') await release.gate;
      return 'SUCCESS';
    }, { awaitTerminationMsWhenShutdown: 100 });
    await a.start();
    await until(() => entered.has('a0') && seen.some(([, m]) => m === 'b1'), 'A is in the handler of a0 and consumed queue 1');
    await a.shutdown();
    consumers.splice(consumers.indexOf(a), 1);
    // The idle queue is handed back at once; the busy one is left to expire at the broker.
    expect(fake.queueLockOwner(GROUP, 'T', 1)).toBeUndefined();
    expect(fake.queueLockOwner(GROUP, 'T', 0)).toBe(a.impl.clientId());

    const b = consumer('B', async (msgs) => {
      for (const m of msgs) seen.push(['B', m.body.toString()]);
      return 'SUCCESS';
    });
    await b.start();
    await send(['b2'], 1);
    await until(() => seen.some(([w, m]) => w === 'B' && m === 'b2'), 'B consumes queue 1');
    // A's handler still holds a0: B got nothing of queue 0.
    expect(seen.filter(([w, m]) => w === 'B' && m.startsWith('a'))).toEqual([]);
    release.open();
    // Once the lock expired B takes queue 0 from the last commit: a0 again (A's result came after shutdown), then the rest in order.
    await until(() => seen.some(([w, m]) => w === 'B' && m === 'a2'), 'B consumes queue 0 after the lock expired');
    expect(seen.filter(([w, m]) => w === 'B' && m.startsWith('a')).map(([, m]) => m)).toEqual(bodies(3, 'a'));
  });

  test('broadcasting: orderly per queue without any broker lock', async () => {
    await start();
    const dir = await mkdtemp(join(tmpdir(), 'rmq-orderly-'));
    await send(bodies(5));
    const seen: string[] = [];
    const c = consumer('A', async (msgs) => {
      seen.push(...msgs.map((m) => m.body.toString()));
      return 'SUCCESS';
    }, { messageModel: 'BROADCASTING', localOffsetStoreDir: dir });
    try {
      await c.start();
      await until(() => seen.length === 5, 'all consumed');
      expect(seen).toEqual(bodies(5));
      expect(fake.requests(RequestCode.LOCK_BATCH_MQ)).toEqual([]);
      await c.shutdown();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  test('running info says orderly and shows each queue locked; consume directly answers with order=true', async () => {
    await start();
    await send(['x']);
    const seen: string[] = [];
    const c = consumer('A', async (msgs) => {
      seen.push(...msgs.map((m) => m.body.toString()));
      return seen.length === 1 ? 'SUCCESS' : 'SUSPEND_CURRENT_QUEUE_A_MOMENT';
    });
    await c.start();
    await until(() => seen.length === 1, 'consumed');
    const info = c.impl.consumerRunningInfo();
    expect(Object.fromEntries(info.properties)).toMatchObject({ PROP_CONSUMEORDERLY: 'true' });
    const [, q] = [...info.mqTable].find(([mq]) => mq.topic === 'T')!;
    expect(q).toMatchObject({ locked: true, droped: false });
    expect(q.lastLockTimestamp).toBeGreaterThan(0);
    const direct = await c.impl.consumeMessageDirectly(fake.messages('T')[0]!, 'broker-a');
    expect(direct).toMatchObject({ order: true, autoCommit: true, consumeResult: 'CR_LATER' });
  });

  test('the options are typed and strict; renewal must come before local expiry', () => {
    const base = { consumerGroup: 'g', namesrvAddr: '127.0.0.1:9876' };
    expect(() => new DefaultMQPushConsumer({ ...base, suspendCurrentQueueTimeMs: 5 })).toThrow(/suspendCurrentQueueTimeMs/);
    expect(() => new DefaultMQPushConsumer({ ...base, rebalanceLockIntervalMs: 30_000, rebalanceLockMaxLiveTimeMs: 30_000 })).toThrow(/rebalanceLockIntervalMs/);
    expect(() => new DefaultMQPushConsumer({ ...base, maxTimeConsumeContinously: 1 } as never)).toThrow(/maxTimeConsumeContinuouslyMs/);
    const c = new DefaultMQPushConsumer(base);
    expect(c.impl.config).toMatchObject({ suspendCurrentQueueTimeMs: 1000, maxTimeConsumeContinuouslyMs: 60_000, rebalanceLockIntervalMs: 20_000, rebalanceLockMaxLiveTimeMs: 30_000 });
    expect(() => c.registerMessageListener({ orderly: 'x' } as never)).toThrow(/listener/);
  });
});
