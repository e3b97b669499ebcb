/**
 * Producer scenarios that run unchanged, test body for test body, on the real broker and on FakeRocketMQ
 * (rocketmq-ts/testing), each target with its own topics and groups: the life cycle and its refusals; sync,
 * async and oneway sends with their SendResult; a batch; a delay-level message; each read back by our own push
 * consumer; delay levels and timer messages seen in their topic; request/reply; a topic created on first send, and refused where auto-create is off (a private real
 * broker, a fake started with `autoCreateTopic: false`). What only mqadmin or the Java client can check stays in
 * producer-send.test.ts (real broker only).
 */
import {
  BrokerResponseError,
  ClientError,
  ClientStateError,
  createReplyMessage,
  DefaultMQProducer,
  DefaultMQPushConsumer,
  InvalidArgumentError,
  Message,
  RequestTimeoutError,
  TopicRouteNotFoundError,
  type MessageExt,
  type SendResult,
} from '../../src/index';
import { silentLogger } from '../../src/logger';
import { ResponseCode } from '../../src/remoting/protocol/response-code';
import { uniqueName } from './helpers/broker';
import { createTopicAndWait, eventually, TopicReader } from './helpers/feature-support';
import { e2eTargets } from './helpers/targets';

jest.setTimeout(240_000);

const QUEUES = 4;
/** The broker's timerPrecisionMs (the fake's default too): a timer message is due at a slot of the wheel. */
const TIMER_PRECISION_MS = 1000;
/** A client id (UNIQ_KEY) or an offset id: 16 bytes, 28 with an IPv6 host. */
const ID = /^[0-9A-F]{32}([0-9A-F]{24})?$/;

/** Runs a send that must fail, whether the message constructor or send() does the refusing. */
function attempt(fn: () => Promise<unknown>): Promise<unknown> {
  return (async () => fn())();
}

function bigBody(): Buffer {
  // Over the 4 KiB compression threshold, and compressible.
  const parts: string[] = [];
  for (let i = 0; parts.join('').length < 12 * 1024; i++) parts.push(`line ${i}: the quick brown fox ✓ ${i * 7919}\n`);
  return Buffer.from(parts.join(''), 'utf8');
}

function expectSendOk(r: SendResult, topic: string): void {
  expect(r.sendStatus).toBe('SEND_OK');
  expect(r.msgId).toMatch(ID);
  expect(r.offsetMsgId).toMatch(ID);
  expect(r.messageQueue.topic).toBe(topic);
  expect(r.messageQueue.brokerName).toBe('broker-a');
  expect(r.messageQueue.queueId).toBeGreaterThanOrEqual(0);
  expect(r.messageQueue.queueId).toBeLessThan(QUEUES);
  expect(r.queueOffset).toBeGreaterThanOrEqual(0n);
  expect(r.regionId).toBe('DefaultRegion');
  expect(r.traceOn).toBe(true);
}

for (const target of e2eTargets()) {
  target.describe(`DefaultMQProducer on ${target.name}`, () => {
    // The scenarios were written against the shared broker's namesrvAddr(): here it is the target's.
    const namesrvAddr = (): string => target.namesrvAddr();
    const RUN = uniqueName('r');
    const producers: DefaultMQProducer[] = [];
    const consumers: DefaultMQPushConsumer[] = [];
    function newProducer(group: string, addr = namesrvAddr()): DefaultMQProducer {
      const p = new DefaultMQProducer({ producerGroup: group, namesrvAddr: addr });
      producers.push(p);
      return p;
    }
    /** Reads topics back through the broker (PULL_MESSAGE), shared by the blocks below. */
    let reader: TopicReader;

    beforeAll(async () => {
      await target.start();
      reader = new TopicReader(namesrvAddr());
    });

    afterAll(async () => {
      await Promise.allSettled(consumers.map((c) => c.shutdown()));
      await Promise.allSettled(producers.map((p) => p.shutdown()));
      await reader?.close();
      await target.stop();
    });

    test('send before start is refused with a ClientStateError', async () => {
      const p = newProducer(`rmqts_before_start_${RUN}`);
      await expect(p.send(new Message(`rmqts_any_${RUN}`, 'x'))).rejects.toBeInstanceOf(ClientStateError);
    });

    test('start twice: the second start is refused naming the state', async () => {
      const p = newProducer(`rmqts_twice_${RUN}`);
      await p.start();
      const err = await p.start().then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(ClientStateError);
      expect((err as Error).message).toMatch(/RUNNING/);
    });

    test('a duplicate group in one client instance is refused, and the error names the group', async () => {
      // As in Java 5.x, the default instance name becomes pid#hrtime per producer, so two producers only share a
      // client instance (and collide) when they are given the same instance name.
      const group = `rmqts_dup_${RUN}`;
      const instanceName = `rmqts_dup_instance_${RUN}`;
      const first = new DefaultMQProducer({ producerGroup: group, namesrvAddr: namesrvAddr(), instanceName });
      producers.push(first);
      await first.start();
      const second = new DefaultMQProducer({ producerGroup: group, namesrvAddr: namesrvAddr(), instanceName });
      producers.push(second);
      const err = await second.start().then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(InvalidArgumentError);
      expect((err as Error).message).toContain(group);
      // The first one is unaffected.
      const r = await first.send(new Message(`rmqts_dup_topic_${RUN}`, 'still fine'));
      expect(r.sendStatus).toBe('SEND_OK');
      // As in Java, the refused producer goes back to CREATE_JUST: a retry meets the same refusal.
      await expect(second.start()).rejects.toThrow(group);
    });

    test('send after shutdown is refused with a ClientStateError', async () => {
      const p = newProducer(`rmqts_after_shutdown_${RUN}`);
      await p.start();
      await p.shutdown();
      await p.shutdown(); // idempotent
      await expect(p.send(new Message(`rmqts_any_${RUN}`, 'x'))).rejects.toBeInstanceOf(ClientStateError);
      await expect(p.sendOneway(new Message(`rmqts_any_${RUN}`, 'x'))).rejects.toBeInstanceOf(ClientStateError);
    });

    describe('invalid messages are refused with an InvalidArgumentError', () => {
      let p: DefaultMQProducer;
      beforeAll(async () => {
        p = newProducer(`rmqts_invalid_${RUN}`);
        await p.start();
      });

      const cases: Array<[string, () => Message]> = [
        ['empty body', () => new Message(`rmqts_ok_${RUN}`, Buffer.alloc(0))],
        ['illegal topic characters', () => new Message('bad topic!', 'x')],
        ['topic longer than 127 characters', () => new Message('t'.repeat(128), 'x')],
        ['a system topic', () => new Message('SCHEDULE_TOPIC_XXXX', 'x')],
        ['body over 4 MiB', () => new Message(`rmqts_ok_${RUN}`, Buffer.alloc(4 * 1024 * 1024 + 1, 1))],
      ];
      test.each(cases)('%s', async (_name, make) => {
        const err = await attempt(() => p.send(make())).then(
          () => undefined,
          (e: unknown) => e,
        );
        expect(err).toBeInstanceOf(InvalidArgumentError);
      });

      test('a reserved property name', () => {
        const m = new Message(`rmqts_ok_${RUN}`, 'x');
        expect(() => m.putUserProperty('UNIQ_KEY', 'x')).toThrow(InvalidArgumentError);
      });

      test('an empty batch and a batch spanning two topics', async () => {
        await expect(attempt(() => p.send([]))).rejects.toBeInstanceOf(InvalidArgumentError);
        const mixed = [new Message(`rmqts_a_${RUN}`, 'a'), new Message(`rmqts_b_${RUN}`, 'b')];
        await expect(attempt(() => p.send(mixed))).rejects.toBeInstanceOf(InvalidArgumentError);
      });
    });

    test('a topic that does not exist yet is auto-created by the broker (auto-create on)', async () => {
      const p = newProducer(`rmqts_autocreate_${RUN}`);
      await p.start();
      const topic = `rmqts_autocreated_${RUN}`;
      const r = await p.send(new Message(topic, 'first message creates the topic'));
      expect(r.sendStatus).toBe('SEND_OK');
      expect(r.messageQueue.topic).toBe(topic);
      const r2 = await p.send(new Message(topic, 'second message'));
      expect(r2.sendStatus).toBe('SEND_OK');
    });

    describe('sends, read back by a push consumer', () => {
      let producer: DefaultMQProducer;

      beforeAll(async () => {
        producer = newProducer(uniqueName('rmqts_par_pg'));
        await producer.start();
      });

      const newTopic = async (prefix: string): Promise<string> => {
        const topic = uniqueName(prefix);
        await createTopicAndWait(producer, topic, QUEUES);
        return topic;
      };

      /**
       * Everything stored in `topic`, read by a push consumer of its own from the first offset until `count`
       * distinct keys arrived (delivery is at least once: a redelivery counts once).
       */
      const readBack = async (topic: string, count: number, key: (m: MessageExt) => string): Promise<Map<string, MessageExt>> => {
        const got = new Map<string, MessageExt>();
        const c = new DefaultMQPushConsumer({
          consumerGroup: uniqueName('rmqts_par_read_g'),
          namesrvAddr: namesrvAddr(),
          consumeFromWhere: 'CONSUME_FROM_FIRST_OFFSET',
          pollNameServerIntervalMs: 1000,
          logger: silentLogger,
        });
        consumers.push(c);
        c.subscribe(topic, '*');
        await c.consume(async (m) => {
          got.set(key(m), m);
        });
        try {
          await eventually(async () => (got.size >= count ? true : undefined), `${count} messages of ${topic} (got ${got.size})`, 120_000);
        } finally {
          await c.shutdown();
        }
        return got;
      };

      test('sync, async and oneway sends: SendResult fields, and what each stored (unicode, keys, tags, properties, a compressed body)', async () => {
        const topic = await newTopic('rmqts_par_modes');
        const big = bigBody();
        const make = (mode: string, body: string | Buffer): Message =>
          new Message(topic, body, { tags: `Tag_${mode}`, keys: [`k1_${mode}`, `k2_${mode}`], flag: mode.length, properties: { mode, 'p-é': 'v ✓' } });
        const sync = await producer.send(make('sync', 'sync: ünïcødé ✓'));
        const asyncResult = await new Promise<SendResult>((resolve, reject) => producer.send(make('async', big), { onSuccess: resolve, onException: reject }));
        await expect(producer.sendOneway(make('oneway', 'oneway: ünïcødé ✓'))).resolves.toBeUndefined();
        for (const r of [sync, asyncResult]) expectSendOk(r, topic);
        expect(sync.msgId).not.toBe(asyncResult.msgId);

        const byMode = new Map([...(await readBack(topic, 3, (m) => m.msgId)).values()].map((m) => [m.getUserProperty('mode') ?? '', m]));
        expect([...byMode.keys()].sort()).toEqual(['async', 'oneway', 'sync']);
        for (const [mode, m] of byMode) {
          expect({ mode, topic: m.topic, tags: m.tags, keys: m.keyList, flag: m.flag, p: m.getUserProperty('p-é'), reconsumeTimes: m.reconsumeTimes }).toEqual({
            mode,
            topic,
            tags: `Tag_${mode}`,
            keys: [`k1_${mode}`, `k2_${mode}`],
            flag: mode.length,
            p: 'v ✓',
            reconsumeTimes: 0,
          });
          expect(m.msgId).toMatch(ID);
          expect(m.offsetMsgId).toMatch(ID);
        }
        for (const [mode, r] of [['sync', sync], ['async', asyncResult]] as const) {
          const m = byMode.get(mode)!;
          expect({ msgId: m.msgId, offsetMsgId: m.offsetMsgId, queueId: m.queueId, queueOffset: m.queueOffset, brokerName: m.brokerName }).toEqual({
            msgId: r.msgId,
            offsetMsgId: r.offsetMsgId,
            queueId: r.messageQueue.queueId,
            queueOffset: r.queueOffset,
            brokerName: r.messageQueue.brokerName,
          });
        }
        expect(byMode.get('sync')!.body.toString('utf8')).toBe('sync: ünïcødé ✓');
        expect(byMode.get('oneway')!.body.toString('utf8')).toBe('oneway: ünïcødé ✓');
        // Stored compressed (the record is far smaller than the body), handed to the listener inflated.
        const compressed = byMode.get('async')!;
        expect(compressed.body).toEqual(big);
        expect(compressed.storeSize).toBeLessThan(big.length / 2);
      });

      test('a batch: one id per member, consecutive offsets in one queue, each member stored with its own fields', async () => {
        const topic = await newTopic('rmqts_par_batch');
        const members = [0, 1, 2, 3].map(
          (i) => new Message(topic, `batch member ${i}: ünïcødé ✓`, { tags: 'Batch', keys: [`batch${i}`], flag: 100 + i, properties: { member: String(i) } }),
        );
        const r = await producer.send(members);
        expect(r.sendStatus).toBe('SEND_OK');
        expect(r.messageQueue.topic).toBe(topic);
        const msgIds = r.msgId.split(',');
        const offsetIds = r.offsetMsgId.split(',');
        for (const ids of [msgIds, offsetIds]) {
          expect(ids).toHaveLength(members.length);
          expect(new Set(ids).size).toBe(members.length);
          for (const id of ids) expect(id).toMatch(ID);
        }
        // The UNIQ_KEY a member is stored under differs between broker versions: identify members by offset id.
        const got = await readBack(topic, members.length, (m) => m.offsetMsgId);
        for (const [i, offsetId] of offsetIds.entries()) {
          const m = got.get(offsetId);
          if (!m) throw new Error(`batch member ${i} (${offsetId}) was not read back`);
          expect({ body: m.body.toString('utf8'), tags: m.tags, keys: m.keyList, flag: m.flag, member: m.getUserProperty('member'), queueId: m.queueId, queueOffset: m.queueOffset }).toEqual({
            body: `batch member ${i}: ünïcødé ✓`,
            tags: 'Batch',
            keys: [`batch${i}`],
            flag: 100 + i,
            member: String(i),
            queueId: r.messageQueue.queueId,
            queueOffset: r.queueOffset + BigInt(i),
          });
          expect(m.msgId).toMatch(ID);
        }
      });

      test('a delay-level message is held, then delivered to its topic with its DELAY and REAL_TOPIC', async () => {
        const topic = await newTopic('rmqts_par_delay');
        const sent = await producer.send(new Message(topic, 'delayed: ünïcødé ✓', { tags: 'D', delayTimeLevel: 1, properties: { kind: 'delay' } }));
        expect(sent.sendStatus).toBe('SEND_OK');
        expect(sent.msgId).toMatch(ID);
        // Counted by UNIQ_KEY: a scheduled message may come more than once.
        const got = await readBack(topic, 1, (m) => m.msgId);
        expect([...got.keys()]).toEqual([sent.msgId]);
        const m = got.get(sent.msgId)!;
        expect({ topic: m.topic, body: m.body.toString('utf8'), tags: m.tags, kind: m.getUserProperty('kind'), delay: m.getProperty('DELAY'), realTopic: m.getProperty('REAL_TOPIC') }).toEqual({
          topic,
          body: 'delayed: ünïcødé ✓',
          tags: 'D',
          kind: 'delay',
          delay: '1',
          realTopic: topic,
        });
        // Level 1 is 1 s on both: stored in the topic no sooner than that after it was born.
        expect(m.storeTimestamp - m.bornTimestamp).toBeGreaterThanOrEqual(900);
      });
      test("a timer message's SendResult carries a recall handle: topic, broker, its slot + 1 and its id; a level's does not", async () => {
        const topic = await newTopic('rmqts_par_recall');
        const timer = await producer.send(new Message(topic, 'timer: ünïcødé ✓', { delayTimeMs: 2000 }));
        const level = await producer.send(new Message(topic, 'level', { delayTimeLevel: 1 }));
        expect(level.recallHandle).toBeUndefined();
        // RecallMessageHandle.HandleV1: URL-safe base64 of space-separated fields.
        const fields = Buffer.from(timer.recallHandle!.replace(/-/g, '+').replace(/_/g, '/'), 'base64').toString('utf8').split(' ');
        expect([fields[0], fields[1], fields[2], fields[4]]).toEqual(['v1', topic, timer.messageQueue.brokerName, timer.msgId]);
        const got = await readBack(topic, 2, (m) => m.msgId);
        const m = got.get(timer.msgId)!;
        expect(m.body.toString('utf8')).toBe('timer: ünïcødé ✓');
        expect(Number(fields[3])).toBe(Number(m.getProperty('TIMER_OUT_MS')) + 1);
      });
    });

    describe('request/reply', () => {
      const topic = uniqueName('rmqts_req');
      const silentTopic = uniqueName('rmqts_req_nobody');
      let requester: DefaultMQProducer;
      let responder: DefaultMQProducer;
      let reader: TopicReader;
      let stop = false;
      let loop: Promise<void> | undefined;
      const served: MessageExt[] = [];

      /** The responder: every new request on `topic` gets `pong:<body>` back. */
      async function serve(): Promise<void> {
        for (let round = 0; !stop && round < 100_000; round++) {
          try {
            for (const req of await reader.readNew(topic)) {
              served.push(req);
              await responder.send(createReplyMessage(req, `pong:${req.body.toString()}`));
            }
          } catch {
            // a failed poll is retried on the next round
          }
          await new Promise((r) => setTimeout(r, 100));
        }
      }

      beforeAll(async () => {
        // Its own client id: every e2e file runs in one jest worker, so instances with the default id (ip@pid) come
        // and go all run long, and the broker, when it sees an old connection of that id close, forgets the id's
        // current channel until its next heartbeat (30 s); a reply pushed in that window has nowhere to go.
        requester = new DefaultMQProducer({ producerGroup: uniqueName('rmqts_reqg'), namesrvAddr: namesrvAddr(), instanceName: uniqueName('rmqts_req_client') });
        responder = new DefaultMQProducer({ producerGroup: uniqueName('rmqts_repg'), namesrvAddr: namesrvAddr() });
        await requester.start();
        await responder.start();
        reader = new TopicReader(namesrvAddr());
        await requester.createTopic('TBW102', topic, 2);
        await requester.createTopic('TBW102', silentTopic, 1);
        await eventually(async () => ((await requester.fetchPublishMessageQueues(topic)).length > 0 ? true : undefined), `route of ${topic}`, 60_000);
        await reader.readNew(topic); // start the tail at the (empty) end
        loop = serve();
      });

      afterAll(async () => {
        stop = true;
        await loop;
        await requester?.shutdown();
        await responder?.shutdown();
        await reader?.close();
      });

      test('request() resolves with the reply the responder sent; default, queue and selector routing', async () => {
        const msg = new Message(topic, 'ping-1');
        const reply = await requester.request(msg, 15_000);
        expect(reply.body.toString()).toBe('pong:ping-1');
        expect(reply.getProperty('CORRELATION_ID')).toBe(msg.getProperty('CORRELATION_ID'));
        expect(reply.getProperty('MSG_TYPE')).toBe('reply');
        expect(reply.topic).toMatch(/_REPLY_TOPIC$/);
        const req = served.find((m) => m.body.toString() === 'ping-1')!;
        expect(req.getProperty('REPLY_TO_CLIENT')).toBe(requester.clientInstance!.clientId);
        expect(req.getProperty('TTL')).toBe('15000');
        expect(req.getProperty('CLUSTER')).toBeDefined();

        const [queue] = await requester.fetchPublishMessageQueues(topic);
        const viaQueue = await requester.request(new Message(topic, 'ping-2'), 15_000, { queue: queue! });
        expect(viaQueue.body.toString()).toBe('pong:ping-2');
        expect(served.find((m) => m.body.toString() === 'ping-2')!.queueId).toBe(queue!.queueId);

        const viaSelector = await requester.request(new Message(topic, 'ping-3'), 15_000, { selector: (mqs) => mqs[mqs.length - 1]!, arg: null });
        expect(viaSelector.body.toString()).toBe('pong:ping-3');
      });

      test('callback form and concurrent requests each get their own reply', async () => {
        const bodies = ['a', 'b', 'c', 'd'];
        const replies = await Promise.all(
          bodies.map(
            (b) =>
              new Promise<string>((resolve, reject) =>
                requester.request(new Message(topic, b), { onSuccess: (r) => resolve(r.body.toString()), onException: reject }, 15_000),
              ),
          ),
        );
        expect(replies).toEqual(bodies.map((b) => `pong:${b}`));
      });

      test('no responder: RequestTimeoutError after the timeout', async () => {
        const err = await requester.request(new Message(silentTopic, 'anyone?'), 2000).catch((e: unknown) => e);
        expect(err).toBeInstanceOf(RequestTimeoutError);
        expect((err as RequestTimeoutError).clientCode).toBe(10006);
      });
    });

    describe('delay levels and timer messages', () => {
      const topic = uniqueName('rmqts_delay');
      let producer: DefaultMQProducer;

      beforeAll(async () => {
        producer = newProducer(uniqueName('rmqts_delayg'));
        await producer.start();
        await createTopicAndWait(producer, topic, 2);
      });

      test('each message becomes visible in its topic no earlier than due, and within the run', async () => {
        const deliverAt = Date.now() + 3000;
        const cases: Array<{ name: string; msg: Message; delayMs: number; timer: boolean }> = [
          { name: 'now', msg: new Message(topic, 'now'), delayMs: 0, timer: false },
          { name: 'level1', msg: new Message(topic, 'level1', { delayTimeLevel: 1 }), delayMs: 1000, timer: false },
          { name: 'level2', msg: new Message(topic, 'level2', { delayTimeLevel: 2 }), delayMs: 5000, timer: false },
          { name: 'timerMs', msg: new Message(topic, 'timerMs', { delayTimeMs: 3000 }), delayMs: 3000, timer: true },
          { name: 'timerSec', msg: new Message(topic, 'timerSec', { delayTimeSec: 2 }), delayMs: 2000, timer: true },
          { name: 'deliverAt', msg: new Message(topic, 'deliverAt', { deliverTimeMs: deliverAt }), delayMs: deliverAt - Date.now(), timer: true },
        ];
        const sent: Array<{ c: (typeof cases)[number]; result: SendResult; sentAt: number }> = [];
        for (const c of cases) {
          const sentAt = Date.now();
          sent.push({ c, result: await producer.send(c.msg), sentAt });
        }

        // Watch the topic: when did each message first show up, and when was it last seen absent?
        const firstSeen = new Map<string, { at: number; msg: MessageExt }>();
        const lastAbsent = new Map<string, number>();
        await eventually(async () => {
          const polledAt = Date.now();
          const present = new Map((await reader.readAll(topic)).map((m) => [m.getProperty('UNIQ_KEY')!, m]));
          for (const { result } of sent) {
            const m = present.get(result.msgId);
            if (m && !firstSeen.has(result.msgId)) firstSeen.set(result.msgId, { at: polledAt, msg: m });
            if (!m) lastAbsent.set(result.msgId, polledAt);
          }
          return firstSeen.size === sent.length ? true : undefined;
        }, 'every message delivered to the topic', 120_000, 200);

        for (const { c, result, sentAt } of sent) {
          const { msg } = firstSeen.get(result.msgId)!;
          expect(msg.body.toString()).toBe(c.name);
          // The copy in the topic was put there when due: never before born + delay (minus the wheel's rounding).
          const earliest = msg.bornTimestamp + c.delayMs - (c.timer ? TIMER_PRECISION_MS : 0);
          expect(msg.storeTimestamp).toBeGreaterThanOrEqual(earliest);
          // And it did come within the wait: a loaded broker retries a delivery it could not write after 10 s
          // (ScheduleMessageService), so 20 s proved too tight once.
          expect(msg.storeTimestamp - msg.bornTimestamp).toBeLessThan(c.delayMs + 120_000);
          // Nothing was visible before it was stored.
          const absent = lastAbsent.get(result.msgId);
          if (absent !== undefined && c.delayMs > 0) expect(absent).toBeLessThanOrEqual(msg.storeTimestamp + 1000);
          expect(sentAt).toBeLessThanOrEqual(msg.storeTimestamp + 50);
          if (c.timer) {
            const out = Number(msg.getProperty('TIMER_OUT_MS'));
            expect(out % TIMER_PRECISION_MS).toBe(0);
            expect(msg.storeTimestamp).toBeGreaterThanOrEqual(out);
            if (c.name === 'deliverAt') {
              expect(out).toBeLessThanOrEqual(deliverAt);
              expect(out).toBeGreaterThan(deliverAt - TIMER_PRECISION_MS - 1);
            }
          }
        }
        // A delayed copy keeps the producer's id; the immediate one was not delayed at all.
        const now = firstSeen.get(sent[0]!.result.msgId)!.msg;
        expect(now.getProperty('DELAY')).toBeUndefined();
        expect(firstSeen.get(sent[1]!.result.msgId)!.msg.getProperty('DELAY')).toBe('1');
      });
    });
  });
}

for (const target of e2eTargets({ autoCreateTopic: false })) {
  target.describe(`DefaultMQProducer on ${target.name}`, () => {
    const RUN = uniqueName('r');
    const producers: DefaultMQProducer[] = [];
    function newProducer(group: string, addr: string): DefaultMQProducer {
      const p = new DefaultMQProducer({ producerGroup: group, namesrvAddr: addr });
      producers.push(p);
      return p;
    }

    beforeAll(async () => {
      await target.start();
    }, 600_000);

    afterAll(async () => {
      await Promise.allSettled(producers.map((p) => p.shutdown()));
      await target.stop();
    }, 300_000);

    test('sending to a topic that does not exist fails with an error naming the topic', async () => {
      const p = newProducer(`rmqts_noauto_${RUN}`, target.namesrvAddr());
      await p.start();
      const topic = `rmqts_missing_${RUN}`;
      const err = await p.send(new Message(topic, 'nowhere to go')).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(TopicRouteNotFoundError);
      expect((err as Error).message).toContain(topic);
    });

    test('the refusal has one shape on every target: a TopicRouteNotFoundError, not retriable, with its code and topic', async () => {
      const p = newProducer(`rmqts_noauto_shape_${RUN}`, target.namesrvAddr());
      await p.start();
      const topic = `rmqts_missing_shape_${RUN}`;
      const err = await p.send(new Message(topic, 'nowhere to go'), { timeoutMs: 10_000 }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(TopicRouteNotFoundError);
      const e = err as TopicRouteNotFoundError;
      expect({ name: e.name, code: e.code, retriable: e.retriable, topic: e.topic }).toEqual({
        name: 'TopicRouteNotFoundError',
        code: 'ERR_TOPIC_ROUTE_NOT_FOUND',
        retriable: false,
        topic,
      });
      // The name server's own answer to a route lookup, as the cause: TOPIC_NOT_EXIST and its remark.
      const lookup = await p.fetchPublishMessageQueues(topic).catch((x: unknown) => x);
      expect(lookup).toBeInstanceOf(ClientError);
      const cause = (lookup as ClientError).cause as BrokerResponseError;
      expect(cause).toBeInstanceOf(BrokerResponseError);
      expect({ responseCode: cause.responseCode, retriable: cause.retriable }).toEqual({ responseCode: ResponseCode.TOPIC_NOT_EXIST, retriable: false });
      expect(cause.remark).toMatch(new RegExp(`^No topic route info in name server for the topic: ${topic}\\b`));
    });
  });
}
