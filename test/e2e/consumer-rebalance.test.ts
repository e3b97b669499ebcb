/**
 * Rebalance of a clustering group against the real broker, under a steady stream of messages: the group grows
 * from one member to three (a second in-process member and a push consumer in a child process), the child is
 * killed with SIGKILL, the second member leaves with shutdown(), and the first one is alone again. After each
 * change the group must converge (the broker's member list is the live members, and every queue is pulled by
 * exactly the member the averaging strategy gives it); every message the broker acknowledged must be consumed at least once; a message consumed twice
 * must sit on a queue that moved between members. The first member sorts first, so with the averaging strategy
 * it keeps queues 0..2 throughout: they never move, and see no duplicate. Handlers take a while (the child's
 * longer), so that the rebalance at the join and the kill find messages in the middle of their handling: those come
 * again to the new owner and are counted (a clean leave usually causes none: shutdown() waits for its handlers and
 * commits before it unregisters; but a redelivery of an earlier move can land late on a loaded machine, so the
 * count per phase is reported, not asserted). The summary printed (one JSON line) gives the figures per phase and
 * every duplicate (queue@offset, who got it, in which phases).
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { DefaultMQProducer, DefaultMQPushConsumer, Message } from '../../src/index';
import { createTopic, describeBroker, namesrvAddr, ROOT, uniqueName } from './helpers/broker';
import { eventually } from './helpers/feature-support';
import { GroupTracker, ownedQueues } from './helpers/group-tracker';

jest.setTimeout(240_000);

const QUEUES = 8;
const ALL_QUEUES = Array.from({ length: QUEUES }, (_, i) => i);
/** 6 messages every 100 ms: about 60 messages per second. */
const BURST = 6;
const TICK_MS = 100;
const CONVERGE_TIMEOUT_MS = 90_000;
/** How long a handler works on a message: in-process members, and the child (killed in the middle of some). */
const HANDLER_MS = 20;
const CHILD_HANDLER_MS = 300;

interface Phase {
  name: string;
  members: string[];
  start: number;
  convergedAt?: number;
  end?: number;
}

describeBroker('push consumer rebalance: 1 -> 3 -> 1 members, one killed, under a steady stream', () => {
  const topic = uniqueName('rmqts_rebal');
  const group = uniqueName('rmqts_rebal_g');
  const tracker = new GroupTracker();
  const inProcess = new Map<string, DefaultMQPushConsumer>();
  const clientIds = new Map<string, string>();
  const children: ChildProcessWithoutNullStreams[] = [];
  let producer: DefaultMQProducer;
  let watch: NodeJS.Timeout | undefined;

  const acked: Array<{ msgId: string; queueId: number; t: number }> = [];
  let sendFailures = 0;
  let streaming = false;
  let streamDone: Promise<void> | undefined;

  const startMember = async (name: string): Promise<DefaultMQPushConsumer> => {
    const c = new DefaultMQPushConsumer({
      namesrvAddr: namesrvAddr(),
      consumerGroup: group,
      instanceName: name,
      consumeFromWhere: 'CONSUME_FROM_FIRST_OFFSET',
      pollNameServerIntervalMs: 1000,
    });
    c.subscribe(topic, '*');
    c.registerMessageListener(async (msgs) => {
      for (const m of msgs) tracker.deliver({ member: name, msgId: m.msgId, queueId: m.queueId, offset: String(m.queueOffset), t: Date.now() });
      // Handlers take a while, so that a rebalance finds some of them running.
      await new Promise((r) => setTimeout(r, HANDLER_MS));
      return 'CONSUME_SUCCESS';
    });
    inProcess.set(name, c);
    await c.start();
    clientIds.set(name, c.impl.clientInstance.clientId);
    return c;
  };

  const startChild = (name: string): Promise<ChildProcessWithoutNullStreams> => {
    const child = spawn(process.execPath, ['-r', join(ROOT, 'scripts', 'ts-register.cjs'), join(__dirname, 'helpers', 'push-consumer-child.ts')], {
      cwd: ROOT,
      env: { ...process.env, NAMESRV_ADDR: namesrvAddr(), CHILD_TOPIC: topic, CHILD_GROUP: group, CHILD_INSTANCE: name, CHILD_HANDLER_DELAY_MS: String(CHILD_HANDLER_MS) },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    children.push(child);
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => {
      stderr = (stderr + d.toString()).slice(-20_000);
    });
    return new Promise((resolve, reject) => {
      child.on('exit', (code, signal) => reject(new Error(`child ${name} exited early (${code ?? signal}):\n${stderr}`)));
      createInterface({ input: child.stdout }).on('line', (line) => {
        type ChildEvent = { type: string; clientId?: string; queues?: number[]; t?: number; msgId?: string; queueId?: number; offset?: string };
        let ev: ChildEvent;
        try {
          ev = JSON.parse(line) as ChildEvent;
        } catch {
          return; // the last line of a killed child may be cut short
        }
        if (ev.type === 'msg') tracker.deliver({ member: name, msgId: ev.msgId!, queueId: ev.queueId!, offset: ev.offset!, t: ev.t! });
        else if (ev.type === 'owned') tracker.setOwned(name, ev.queues!, ev.t);
        else if (ev.type === 'ready') {
          clientIds.set(name, ev.clientId!);
          resolve(child);
        }
      });
    });
  };

  /** Until the broker lists exactly the phase's members and each pulls exactly the queues the strategy gives it. */
  const converge = async (phase: Phase): Promise<void> => {
    const first = inProcess.get('a_first')!;
    const wanted = phase.members.map((m) => clientIds.get(m)!).sort();
    await eventually(
      async () => {
        const ids = await first.impl.clientInstance.findConsumerIdList(topic, group);
        if (!ids || JSON.stringify([...ids].sort()) !== JSON.stringify(wanted)) return undefined;
        return tracker.settled(Object.fromEntries(phase.members.map((m) => [m, clientIds.get(m)!])), ALL_QUEUES);
      },
      `the group to converge on ${phase.members.join(', ')} (${phase.name})`,
      CONVERGE_TIMEOUT_MS,
      100,
    );
    phase.convergedAt = Date.now();
  };

  const stream = async (): Promise<void> => {
    while (streaming) {
      const tick = Date.now();
      await Promise.all(
        Array.from({ length: BURST }, (_, i) =>
          producer
            .send(new Message(topic, `m ${tick} ${i}`))
            .then((r) => {
              if (r.sendStatus === 'SEND_OK') acked.push({ msgId: r.msgId, queueId: r.messageQueue.queueId, t: Date.now() });
              else sendFailures++;
            })
            .catch(() => sendFailures++),
        ),
      );
      const rest = tick + TICK_MS - Date.now();
      if (rest > 0) await new Promise((r) => setTimeout(r, rest));
    }
  };

  const steady = (ms: number) => new Promise((r) => setTimeout(r, ms));

  beforeAll(async () => {
    await createTopic(topic, { queues: QUEUES });
    producer = new DefaultMQProducer({ producerGroup: uniqueName('rmqts_rebal_pg'), namesrvAddr: namesrvAddr(), sendMsgTimeoutMs: 10_000 });
    await producer.start();
    await eventually(async () => ((await producer.fetchPublishMessageQueues(topic)).length === QUEUES ? true : undefined), `route of ${topic}`, 60_000);
    // What the in-process members pull, sampled often enough to see every take and release.
    watch = setInterval(() => {
      for (const [name, c] of inProcess) if (c.serviceState === 'RUNNING') tracker.setOwned(name, ownedQueues(c, topic));
    }, 50);
  });

  afterAll(async () => {
    streaming = false;
    await streamDone;
    if (watch) clearInterval(watch);
    for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    for (const c of inProcess.values()) await c.shutdown().catch(() => undefined);
    await producer?.shutdown();
  });

  it('every acknowledged message is consumed; duplicates only on queues that moved; the group converges after each change', async () => {
    const phases: Phase[] = [];
    const phase = (name: string, members: string[]): Phase => {
      const now = Date.now();
      const prev = phases[phases.length - 1];
      if (prev) prev.end = now;
      const p: Phase = { name, members, start: now };
      phases.push(p);
      return p;
    };

    // 1 member.
    await startMember('a_first');
    const one = phase('one', ['a_first']);
    await converge(one);
    streaming = true;
    streamDone = stream();
    await steady(8000);

    // 1 -> 3: a second in-process member and one in a child process join at once.
    const three = phase('three', ['a_first', 'b_second', 'c_child']);
    const [, child] = await Promise.all([startMember('b_second'), startChild('c_child')]);
    await converge(three);
    await steady(10_000);

    // 3 -> 2: the child is killed; the broker sees its connection close and tells the others.
    const killed = phase('killed', ['a_first', 'b_second']);
    child.kill('SIGKILL');
    await new Promise<void>((r) => (child.exitCode !== null || child.signalCode !== null ? r() : child.once('exit', () => r())));
    tracker.setOwned('c_child', []);
    await converge(killed);
    await steady(8000);

    // 2 -> 1: the second member leaves cleanly (shutdown commits its offsets, then unregisters).
    const left = phase('left', ['a_first']);
    const leaving = inProcess.get('b_second')!;
    await leaving.shutdown();
    tracker.setOwned('b_second', []);
    await converge(left);
    await steady(6000);

    streaming = false;
    await streamDone;
    const drain = phase('drain', ['a_first']);
    const ackedIds = new Set(acked.map((a) => a.msgId));
    await eventually(
      async () => {
        const consumed = tracker.consumedIds();
        return [...ackedIds].every((id) => consumed.has(id)) ? true : undefined;
      },
      'every acknowledged message consumed',
      120_000,
      250,
    );
    // A little longer, so that a late redelivery is counted too.
    await steady(2000);
    drain.end = Date.now();

    const dups = tracker.duplicates();
    const moved = tracker.movedQueues();
    const phaseOf = (t: number) => phases.find((p) => t >= p.start && t < (p.end ?? Infinity))?.name ?? 'after';
    const summary = {
      test: 'consumer-rebalance',
      topic,
      queues: QUEUES,
      acked: acked.length,
      sendFailures,
      deliveries: tracker.deliveries.length,
      distinctConsumed: tracker.consumedIds().size,
      duplicates: dups.length,
      movedQueues: [...moved].sort((a, b) => a - b),
      duplicatesByQueue: Object.fromEntries(ALL_QUEUES.map((q) => [q, dups.filter((d) => d.queueId === q).length]).filter(([, n]) => n)),
      // Each duplicate: queue@offset, who got it, in which phases.
      duplicateDeliveries: dups.map((d) => `q${d.queueId}@${d.offset} ${d.members.join('>')} ${d.times.map(phaseOf).join('>')}`),
      phases: phases.map((p) => ({
        name: p.name,
        members: p.members,
        durationMs: (p.end ?? Date.now()) - p.start,
        convergeMs: p.convergedAt !== undefined ? p.convergedAt - p.start : null,
        acked: acked.filter((a) => a.t >= p.start && a.t < (p.end ?? Infinity)).length,
        deliveries: tracker.deliveries.filter((d) => d.t >= p.start && d.t < (p.end ?? Infinity)).length,
        duplicates: dups.filter((d) => phaseOf(d.t) === p.name).length,
      })),
      deliveriesByMember: Object.fromEntries([...clientIds.keys()].map((m) => [m, tracker.deliveries.filter((d) => d.member === m).length])),
    };
    console.log(`rebalance summary ${JSON.stringify(summary)}`);

    // The stream ran through every change (how fast depends on the machine's load; a failed send is only reported).
    for (const p of summary.phases.filter((x) => x.name !== 'drain')) expect(p.acked).toBeGreaterThan(0);
    // At least once: every message the broker acknowledged reached some member.
    const consumed = tracker.consumedIds();
    expect([...ackedIds].filter((id) => !consumed.has(id))).toEqual([]);
    // Every member consumed something.
    for (const m of ['a_first', 'b_second', 'c_child']) expect(summary.deliveriesByMember[m]).toBeGreaterThan(0);
    // The first member (first in the sorted member list) kept queues 0..2 all along.
    expect([...moved].filter((q) => q < 3)).toEqual([]);
    // Duplicates only where a queue changed hands.
    expect(dups.filter((d) => !moved.has(d.queueId))).toEqual([]);
  });
});
