/**
 * rocketmq-ts producer -> real broker -> a Java DefaultMQPushConsumer and a rocketmq-ts DefaultMQPushConsumer in
 * ONE clustering group: once both joined and the queues are split between them (each queue pulled by exactly one),
 * every message sent reaches exactly one of them, both get some, and `mqadmin consumerProgress` shows every queue
 * pulled by a client, both clients connected, and zero lag once they are done.
 */
import { DefaultMQProducer, DefaultMQPushConsumer, Message, type SendResult } from '../../src/index';
import { admin, assertAdminOk, createTopic, describeBroker, namesrvAddr, parseConnections, parseConsumerProgress, uniqueName } from './helpers/broker';
import { eventually } from './helpers/feature-support';
import { GroupTracker, ownedQueues } from './helpers/group-tracker';
import { startJavaPushConsumer, type JavaPushConsumer } from './helpers/java-consumer';

jest.setTimeout(240_000);

const QUEUES = 8;
const ALL_QUEUES = Array.from({ length: QUEUES }, (_, i) => i);
const MESSAGES = 400;

describeBroker('rocketmq-ts producer -> Java and rocketmq-ts push consumers in one group', () => {
  const topic = uniqueName('rmqts_jgrp');
  const group = uniqueName('rmqts_jgrp_g');
  const tracker = new GroupTracker();
  let producer: DefaultMQProducer;
  let ours: DefaultMQPushConsumer | undefined;
  let java: JavaPushConsumer | undefined;
  let watch: NodeJS.Timeout | undefined;

  beforeAll(async () => {
    await createTopic(topic, { queues: QUEUES });
    producer = new DefaultMQProducer({ producerGroup: uniqueName('rmqts_jgrp_pg'), namesrvAddr: namesrvAddr(), sendMsgTimeoutMs: 10_000 });
    await producer.start();
    await eventually(async () => ((await producer.fetchPublishMessageQueues(topic)).length === QUEUES ? true : undefined), `route of ${topic}`, 60_000);
  });

  afterAll(async () => {
    if (watch) clearInterval(watch);
    java?.kill();
    await ours?.shutdown();
    await producer?.shutdown();
  });

  it('both members receive, no message twice once the group settled, consumerProgress shows both clients and no lag', async () => {
    ours = new DefaultMQPushConsumer({
      namesrvAddr: namesrvAddr(),
      consumerGroup: group,
      instanceName: uniqueName('rmqts_jgrp_ts'),
      consumeFromWhere: 'CONSUME_FROM_FIRST_OFFSET',
      pollNameServerIntervalMs: 1000,
    });
    ours.subscribe(topic, '*');
    ours.registerMessageListener(async (msgs) => {
      for (const m of msgs) tracker.deliver({ member: 'ts', msgId: m.msgId, queueId: m.queueId, offset: String(m.queueOffset), t: Date.now() });
      return 'CONSUME_SUCCESS';
    });
    await ours.start();
    const tsId = ours.impl.clientInstance.clientId;
    watch = setInterval(() => {
      if (ours?.serviceState === 'RUNNING') tracker.setOwned('ts', ownedQueues(ours, topic));
    }, 50);

    java = await startJavaPushConsumer({
      namesrvAddr: namesrvAddr(),
      topic,
      group,
      onEvent: (ev) => {
        if (ev.type === 'owned') tracker.setOwned('java', ev.queues);
        else if (ev.type === 'msg') tracker.deliver({ member: 'java', msgId: ev.msgId, queueId: ev.queueId, offset: String(ev.queueOffset), t: Date.now() });
      },
    });
    const javaId = await java.ready;

    // Settled: the broker lists both, and each pulls exactly the queues the (shared) averaging strategy gives it.
    const split = await eventually(
      async () => {
        const ids = await ours!.impl.clientInstance.findConsumerIdList(topic, group);
        if (!ids || JSON.stringify([...ids].sort()) !== JSON.stringify([tsId, javaId].sort())) return undefined;
        return tracker.settled({ ts: tsId, java: javaId }, ALL_QUEUES);
      },
      'both members joined and the queues split between them',
      90_000,
      100,
    );
    expect(split.ts!.length).toBeGreaterThan(0);
    expect(split.java!.length).toBeGreaterThan(0);

    const sent: SendResult[] = [];
    for (let i = 0; i < MESSAGES; i += 8) {
      sent.push(...(await Promise.all(Array.from({ length: 8 }, (_, j) => producer.send(new Message(topic, `side by side ${i + j}`))))));
    }
    expect(sent.every((r) => r.sendStatus === 'SEND_OK')).toBe(true);
    const sentIds = new Set(sent.map((r) => r.msgId));
    await eventually(async () => ([...sentIds].every((id) => tracker.consumedIds().has(id)) ? true : undefined), 'every message consumed', 90_000);
    // A little longer, so that a second delivery would be seen.
    await new Promise((r) => setTimeout(r, 2000));

    const byMember = (m: string) => tracker.deliveries.filter((d) => d.member === m);
    expect(tracker.duplicates()).toEqual([]);
    expect(tracker.deliveries).toHaveLength(MESSAGES);
    expect(byMember('ts').length).toBeGreaterThan(0);
    expect(byMember('java').length).toBeGreaterThan(0);
    // Each received only from the queues it was given.
    expect(byMember('ts').every((d) => split.ts!.includes(d.queueId))).toBe(true);
    expect(byMember('java').every((d) => split.java!.includes(d.queueId))).toBe(true);

    // Both clients in the group; every queue of the topic pulled by one of them; no lag once offsets are committed
    // (rocketmq-ts with the next pull and every 5 s, Java every 5 s).
    const conns = parseConnections(assertAdminOk(await admin('consumerConnection', '-g', group), 'consumerConnection'));
    expect(conns.map((c) => c.clientId).sort()).toEqual([tsId, javaId].sort());
    let lastOut = '';
    const progress = await eventually(
      async () => {
        lastOut = assertAdminOk(await admin('consumerProgress', '-g', group, '-s', 'true'), 'consumerProgress');
        const p = parseConsumerProgress(lastOut);
        const rows = p.rows.filter((r) => topic.startsWith(r.topic) && !r.topic.startsWith('%'));
        const done = rows.length === QUEUES && p.diffTotal === 0 && rows.every((r) => r.diff === 0 && r.clientIp !== undefined && !/^N\/?A$/.test(r.clientIp));
        return done ? { ...p, rows } : undefined;
      },
      'consumerProgress with both clients and zero lag',
      90_000,
      1000,
    ).catch((err: unknown) => {
      throw new Error(`${String(err)}\nlast consumerProgress output:\n${lastOut}`);
    });
    expect(progress.rows.reduce((n, r) => n + r.brokerOffset, 0)).toBe(MESSAGES);

    console.log(
      `java+ts group summary ${JSON.stringify({
        test: 'consumer-java-group',
        messages: MESSAGES,
        ts: { queues: split.ts, consumed: byMember('ts').length },
        java: { queues: split.java, consumed: byMember('java').length },
        duplicates: 0,
        connections: conns.map((c) => ({ clientId: c.clientId, language: c.language, version: c.version })),
        diffTotal: progress.diffTotal,
      })}`,
    );

    // The Java member leaves cleanly.
    await expect(java.stop()).resolves.toBe(0);
  });
});
