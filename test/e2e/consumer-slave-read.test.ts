/**
 * Reading from the slave when the master says so, against a real master/slave pair (scripts/rocketmq start
 * --slaves: one master, one slave, both with slaveReadEnable=true).
 *
 * The master suggests the slave (suggestWhichBrokerId = the group's whichBrokerWhenConsumeSlowly, 1) when
 * DefaultMessageStore.getMessage finds the consumer "slow": commit log max offset − physical offset of the last
 * message pulled > physical memory × accessMessageInMemoryMaxRatio / 100. With the ratio at 0 every pull that
 * finds messages is "slow", so the master suggests the slave on each of them (and the master again once the
 * consumer is caught up, which suggests the group's brokerId, 0).
 *
 * Each PULL_MESSAGE and UPDATE_CONSUMER_OFFSET is observed through the public diagnostics channel
 * (CHANNEL_REMOTING_REQUEST: the address asked, the request and the answer), nothing test-only in the client.
 * Then the slave is killed: the next pulls the master points at the slave go back to the master.
 */
import diagnosticsChannel from 'node:diagnostics_channel';
import { CHANNEL_REMOTING_REQUEST, DefaultMQProducer, DefaultMQPushConsumer, Message, type MessageExt } from '../../src/index';
import type { RemotingRequestTraceContext } from '../../src/diagnostics';
import { silentLogger } from '../../src/logger';
import { MQClientAPI } from '../../src/client/mq-client-api';
import { MessageQueue } from '../../src/client/message-queue';
import { RemotingClient } from '../../src/remoting/remoting-client';
import { RequestCode } from '../../src/remoting/protocol/request-code';
import { ResponseCode } from '../../src/remoting/protocol/response-code';
import { describeBroker, harness, startPrivateRocketMQ, uniqueName, type PrivateRocketMQ } from './helpers/broker';
import { eventually, TopicReader } from './helpers/feature-support';
import { getMaxOffsetRequest } from '../helpers/broker-read-requests';

jest.setTimeout(600_000);

/** One PULL_MESSAGE of the test topic as the diagnostics channel showed it. */
interface PullSeen {
  addr: string;
  queueOffset: bigint;
  sysFlag: number;
  /** Response code, or undefined when the call failed (e.g. the slave is down). */
  code?: number;
  suggestWhichBrokerId?: number;
  nextBeginOffset?: bigint;
  failed?: boolean;
}

const FLAG_COMMIT_OFFSET = 0x1;
const ANSWERED = new Set<number>([ResponseCode.SUCCESS, ResponseCode.PULL_NOT_FOUND, ResponseCode.PULL_RETRY_IMMEDIATELY]);

describeBroker('pull from the slave when the master suggests it (real master + slave)', () => {
  let rmq: PrivateRocketMQ | undefined;
  let producer: DefaultMQProducer | undefined;
  let consumer: DefaultMQPushConsumer | undefined;
  let reader: TopicReader | undefined;
  const topic = uniqueName('rmqts_slave_read');
  const group = uniqueName('rmqts_slave_read_g');
  const pulls: PullSeen[] = [];
  const offsetUpdates: string[] = [];
  const byCtx = new WeakMap<object, PullSeen>();

  const handlers = {
    start(message: unknown): void {
      const ctx = message as RemotingRequestTraceContext;
      const req = ctx.request;
      const ext = req.extFields;
      if (ext === undefined || ctx.addr === null || ext.topic !== topic) return;
      if (req.code === RequestCode.UPDATE_CONSUMER_OFFSET) offsetUpdates.push(ctx.addr);
      if (req.code !== RequestCode.PULL_MESSAGE) return;
      const seen: PullSeen = { addr: ctx.addr, queueOffset: BigInt(ext.queueOffset ?? '-1'), sysFlag: Number(ext.sysFlag ?? 0) };
      pulls.push(seen);
      byCtx.set(ctx, seen);
    },
    asyncEnd(message: unknown): void {
      const ctx = message as RemotingRequestTraceContext;
      const seen = byCtx.get(ctx);
      if (!seen) return;
      const res = ctx.response;
      if (res === undefined) {
        seen.failed = true;
        return;
      }
      seen.code = res.code;
      const h = res.extFields;
      if (h?.suggestWhichBrokerId !== undefined) seen.suggestWhichBrokerId = Number(h.suggestWhichBrokerId);
      if (h?.nextBeginOffset !== undefined) seen.nextBeginOffset = BigInt(h.nextBeginOffset);
    },
  };
  const channel = diagnosticsChannel.tracingChannel(CHANNEL_REMOTING_REQUEST);

  beforeAll(async () => {
    rmq = await startPrivateRocketMQ(['--slaves', '--broker-prop', 'accessMessageInMemoryMaxRatio=0']);
    channel.subscribe(handlers as never);
    reader = new TopicReader(rmq.namesrvAddr);
    producer = new DefaultMQProducer({ producerGroup: uniqueName('rmqts_slave_read_pg'), namesrvAddr: rmq.namesrvAddr, logger: silentLogger });
    await producer.start();
  }, 600_000);

  afterAll(async () => {
    channel.unsubscribe(handlers as never);
    await consumer?.shutdown().catch(() => undefined);
    await producer?.shutdown().catch(() => undefined);
    await reader?.close().catch(() => undefined);
    await rmq?.stop();
  }, 300_000);

  test('the pulls after a suggestWhichBrokerId=1 go to the slave; everything arrives in order; offsets go to the master; slave down: back to the master', async () => {
    const env = rmq!.env;
    // One queue: a single stream whose order the handler can check.
    await producer!.createTopic('TBW102', topic, 1);
    const route = await eventually(async () => {
      const r = await reader!.route(topic);
      const addrs = r.brokerDatas[0]?.brokerAddrs;
      return addrs?.has(0) && addrs.has(1) ? r : undefined;
    }, `route of ${topic} with the master and the slave`, 120_000);
    const bd = route.brokerDatas[0]!;
    const masterAddr = bd.brokerAddrs.get(0)!;
    const slaveAddr = bd.brokerAddrs.get(1)!;
    expect(slaveAddr).not.toBe(masterAddr);

    const bodies = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => `${prefix}${i}`);
    const first = bodies('a', 120);
    for (const b of first) await producer!.send(new Message(topic, b));
    // The slave serves only what it has replicated (it connects to the master's HA port once a registration
    // told it where the master is): wait until its queue holds everything, else the test would only see it
    // send the consumer back to the master (PULL_RETRY_IMMEDIATELY, suggest 0).
    await eventually(async () => {
      const res = await reader!.client.invoke(slaveAddr, getMaxOffsetRequest(topic, 0), 10_000);
      return res.code === ResponseCode.SUCCESS && Number(res.extFields?.offset) === first.length ? true : undefined;
    }, 'the slave to replicate the messages', 120_000, 500);

    const got: MessageExt[] = [];
    consumer = new DefaultMQPushConsumer({
      consumerGroup: group,
      namesrvAddr: rmq!.namesrvAddr,
      pollNameServerIntervalMs: 1000,
      consumeFromWhere: 'CONSUME_FROM_FIRST_OFFSET',
      // One handler at a time, one message each: the handler sees the queue's order.
      consumeThreadMax: 1,
      consumeMessageBatchMaxSize: 1,
      logger: silentLogger,
    });
    consumer.subscribe(topic, '*');
    consumer.registerMessageListener(async (msgs) => {
      got.push(...msgs);
      return 'CONSUME_SUCCESS';
    });
    await consumer.start();
    await eventually(async () => (got.length >= first.length ? true : undefined), `${first.length} messages`, 180_000, 200);
    expect(got.map((m) => m.body.toString())).toEqual(first);
    expect(got.map((m) => m.queueOffset)).toEqual(first.map((_, i) => BigInt(i)));

    // The master suggested the slave, and every pull after such an answer went to the slave.
    const phase1 = pulls.slice();
    const suggested = phase1.map((p, i) => ({ p, i })).filter(({ p }) => p.addr === masterAddr && p.code === ResponseCode.SUCCESS && p.suggestWhichBrokerId === 1);
    expect(suggested.length).toBeGreaterThan(0);
    for (let i = 0; i + 1 < phase1.length; i++) {
      const p = phase1[i]!;
      if (p.code !== undefined && ANSWERED.has(p.code) && p.suggestWhichBrokerId === 1) expect(phase1[i + 1]!.addr).toBe(slaveAddr);
    }
    // The slave served messages, and the FOUND pulls of both brokers chain without gap or overlap.
    const found = phase1.filter((p) => p.code === ResponseCode.SUCCESS);
    const fromSlave = found.filter((p) => p.addr === slaveAddr).reduce((n, p) => n + Number(p.nextBeginOffset! - p.queueOffset), 0);
    expect(fromSlave).toBeGreaterThan(0);
    for (let i = 0; i + 1 < found.length; i++) expect(found[i + 1]!.queueOffset).toBe(found[i]!.nextBeginOffset);
    expect(found[0]!.queueOffset).toBe(0n);
    expect(found[found.length - 1]!.nextBeginOffset).toBe(BigInt(first.length));
    // A slave cannot store offsets: no pull to it carries one, and every offset update goes to the master.
    expect(phase1.filter((p) => p.addr === slaveAddr && (p.sysFlag & FLAG_COMMIT_OFFSET) !== 0)).toEqual([]);

    const remoting = new RemotingClient({ namesrvAddrs: [rmq!.namesrvAddr], logger: silentLogger });
    try {
      const api = new MQClientAPI(remoting, { language: 'JAVA', namespace: undefined, vipChannelEnabled: false });
      const mq = new MessageQueue(topic, bd.brokerName, 0);
      await eventually(
        async () => ((await api.queryConsumerOffset(masterAddr, mq, group, 5000)) === BigInt(first.length) ? true : undefined),
        'the consumed offset committed to the master',
        60_000,
        500,
      );
    } finally {
      await remoting.shutdown();
    }
    expect(offsetUpdates.length).toBeGreaterThan(0);
    expect(new Set(offsetUpdates)).toEqual(new Set([masterAddr]));

    // The slave goes away: the master still suggests brokerId 1, which is no longer in the route, so the
    // consumer pulls from the master.
    const killed = await harness(['kill-broker', `${bd.brokerName}-s`], env, 120_000);
    expect(killed.code).toBe(0);
    await eventually(async () => ((await reader!.route(topic)).brokerDatas[0]?.brokerAddrs.has(1) ? undefined : true), 'the slave gone from the route', 120_000, 500);
    const mark = pulls.length;
    const second = bodies('b', 40);
    for (const b of second) await producer!.send(new Message(topic, b));
    await eventually(async () => (got.length >= first.length + second.length ? true : undefined), `${second.length} more messages`, 180_000, 200);
    expect(got.map((m) => m.body.toString())).toEqual([...first, ...second]);

    const phase2 = pulls.slice(mark);
    const found2 = phase2.filter((p) => p.code === ResponseCode.SUCCESS);
    expect(found2.length).toBeGreaterThan(0);
    expect(found2.every((p) => p.addr === masterAddr)).toBe(true);
    const followed = phase2.some((p, i) => p.addr === masterAddr && p.suggestWhichBrokerId === 1 && phase2[i + 1]?.addr === masterAddr);
    expect(followed).toBe(true);
  });
});
