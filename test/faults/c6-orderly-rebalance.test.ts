import * as os from 'node:os';
import type { PushConsumerOptions } from '../../src/consumer/consumer-config';
import type { DefaultMQPushConsumer } from '../../src/consumer/default-mq-push-consumer';
import { Message } from '../../src/message/message';
import { DefaultMQProducer } from '../../src/producer/default-mq-producer';
import { selectMessageQueueByHash } from '../../src/producer/queue-selector';
import { createTopic, ensureBrokerPair, healPair, pair } from './support/broker-pair';
import { CountingLogger } from './support/counting-logger';
import { recordFigures } from './support/figures';
import { LineChild } from './support/line-child';
import { checkOrder, findOverlaps } from './support/order-check';
import { createOrderlyMember, nowPrecise, type BatchBegin, type BatchRecord } from './support/orderly-member';
import { eventually, ProcessWatch } from './support/process-watch';
import { faultProfile } from './support/profile';

/**
 * Scenario c6: orderly consumption across rebalances. A producer sends a keyed stream (sequence numbers per
 * key, the hash selector pinning each key to one queue of a topic on both brokers) for a bounded time while
 * the members of one orderly group come and go: two start (one in this process, one child), two more join
 * (a child and one in this process), the first child is SIGKILLed by pid in the middle of a batch, the
 * second in-process member leaves cleanly. The brokers stay up (s1 covers their crash).
 *
 * Verdict (support/order-check.ts): within each continuous ownership of a queue a key's sequence goes up;
 * across members, per key, the deliveries with redeliveries taken out go strictly up; every acknowledged
 * message is handled at least once. Redeliveries are reported (a JSON summary line and the figures file).
 * The killed member's queues come back only once the broker's lock on them expires (60 s on 5.x), which
 * bounds the scenario's length from below.
 */

const profile = faultProfile();
const SIZE =
  profile.name === 'ci'
    ? { keys: 200, runMs: 20_000, ratePerSec: 150, maxSends: 4_000, joinAtMs: 4_000, killAtMs: 8_000, leaveAtMs: 12_000 }
    : { keys: 200, runMs: 60_000, ratePerSec: 300, maxSends: 20_000, joinAtMs: 10_000, killAtMs: 25_000, leaveAtMs: 40_000 };
const QUEUES_PER_BROKER = 4;
const HANDLER_MS = 15;
const BATCH_MAX = 4;
/** The batch the leaving member is inside when its shutdown starts is held this long. */
const LEAVE_HOLD_MS = 8_000;
const LEAVE_AWAIT_MS = 1_000;
/** From the end of sending until every acknowledged message was handled: the broker lock of the killed member (60 s) plus slack for a loaded machine. */
const DRAIN_BOUND_MS = 180_000;
const VICTIM = 'c6-child-victim';
const LEAVER = 'c6-inproc-2';

const watch = new ProcessWatch();
const logger = new CountingLogger();
const records: BatchRecord[] = [];
const handled = new Set<string>();
/** Child members that reported their consumer started. */
const started = new Set<string>();
const children: LineChild[] = [];
const inProcess: DefaultMQPushConsumer[] = [];
let producer: DefaultMQProducer | undefined;
let topic = '';
let group = '';

const collect = (r: BatchRecord): void => {
  records.push(r);
  if (r.kind === 'begin') for (const b of r.bodies) handled.add(b);
};

function childMember(name: string, onBegin?: (child: LineChild) => void): LineChild {
  const child: LineChild = new LineChild(
    'orderly-member.ts',
    {
      ORDERLY_MEMBER: name,
      ORDERLY_NAMESRV: pair.namesrvAddr,
      ORDERLY_TOPIC: topic,
      ORDERLY_GROUP: group,
      ORDERLY_HANDLER_MS: String(HANDLER_MS),
      ORDERLY_BATCH_MAX: String(BATCH_MAX),
    },
    (line) => {
      if (line.startsWith('@@event started')) started.add(name);
      if (!line.startsWith('@@batch ')) return;
      const r = JSON.parse(line.slice(8)) as BatchRecord;
      collect(r);
      if (r.kind === 'begin') onBegin?.(child);
    },
  );
  children.push(child);
  return child;
}

/** `onBegin` may answer how long to hold the batch just begun instead of HANDLER_MS. */
function inProcessMember(name: string, onBegin?: () => number | undefined, extra?: Partial<PushConsumerOptions>): DefaultMQPushConsumer {
  let holdMs: number | undefined;
  const emit = (r: BatchRecord): void => {
    collect(r);
    if (r.kind === 'begin') holdMs = onBegin?.();
  };
  const handlerMs = (): number => holdMs ?? HANDLER_MS;
  const c = createOrderlyMember({ member: name, namesrvAddr: pair.namesrvAddr, topic, group, handlerMs, batchMax: BATCH_MAX, logger, emit, extra });
  inProcess.push(c);
  return c;
}

beforeAll(async () => {
  const stamp = Date.now();
  topic = `FaultOrderly${stamp}`;
  group = `faults_orderly_${stamp}`;
  watch.start();
  await ensureBrokerPair();
  await healPair();
  await createTopic(topic, ['broker-a', 'broker-b'], QUEUES_PER_BROKER);
  producer = new DefaultMQProducer({ producerGroup: `faults_orderly_pg_${stamp}`, namesrvAddr: pair.namesrvAddr, logger });
  await producer.start();
  // The selector must see every queue from the first send on, or a key would move when the route grows.
  const all = QUEUES_PER_BROKER * 2;
  let seen = 0;
  const until = Date.now() + 60_000;
  while (Date.now() < until && (seen = (await producer.fetchPublishMessageQueues(topic)).length) < all) await new Promise((r) => setTimeout(r, 500));
  if (seen < all) throw new TypeError(`route of ${topic} has ${seen} of ${all} queues`);
}, 600_000);

afterAll(async () => {
  // Every member is stopped by its pid (children) or its shutdown (here), whatever the test left.
  await Promise.all(children.map((c) => c.stop(10_000)));
  await Promise.all(inProcess.map((c) => c.shutdown().catch(() => undefined)));
  await producer?.shutdown();
  watch.stop();
}, 120_000);

describe('scenario c6: orderly consumption across a rebalance', () => {
  it('per-key order holds and nothing acknowledged is lost while members join, one is SIGKILLed mid-batch and one leaves', async () => {
    const t0 = Date.now();
    const timeline: Record<string, number> = {};
    const mark = (what: string): void => {
      timeline[what] = Date.now() - t0;
    };

    // The first two members, before anything is sent.
    let killArmed = false;
    let killedAt = 0;
    let killedMidBatch: boolean | undefined;
    const victim = childMember(VICTIM, (child) => {
      if (!killArmed || killedAt) return;
      // This line is the listener's first act for a batch it holds HANDLER_MS: the kill lands inside it.
      killedAt = nowPrecise();
      child.signal('SIGKILL');
      killedMidBatch = true;
    });
    const first = inProcessMember('c6-inproc-1');
    await first.start();
    expect(await eventually(() => started.has(VICTIM), 60_000)).toBe(true);
    mark('firstMembersUp');

    const acked = new Set<string>();
    let sent = 0;
    let sendFailed = 0;
    const sendLoop = (async () => {
      const begin = Date.now();
      for (let i = 0; i < SIZE.maxSends && Date.now() - begin < SIZE.runMs; i++) {
        const ahead = begin + (i * 1000) / SIZE.ratePerSec - Date.now();
        if (ahead > 0) await new Promise((r) => setTimeout(r, ahead));
        const key = `k${i % SIZE.keys}`;
        const body = `${key}:${Math.floor(i / SIZE.keys)}`;
        sent++;
        try {
          await producer!.send(new Message(topic, body, { keys: key }), { selector: selectMessageQueueByHash, arg: key });
          acked.add(body);
        } catch {
          sendFailed++;
        }
      }
      mark('sendEnded');
    })();

    let joiner: DefaultMQPushConsumer | undefined;
    let leaveArmed = false;
    let leaving: Promise<void> | undefined;
    let leftMidBatch: boolean | undefined;
    const at = (ms: number) => new Promise((r) => setTimeout(r, Math.max(0, t0 + timeline.firstMembersUp! + ms - Date.now())));
    const events = (async () => {
      await at(SIZE.joinAtMs);
      childMember('c6-child-2');
      joiner = inProcessMember(LEAVER, () => {
        if (!leaveArmed || leaving) return undefined;
        // Inside the listener of a batch it then holds LEAVE_HOLD_MS, longer than its shutdown waits for
        // handlers: the queue of that batch must not go to another member while the batch is handled.
        leaving = joiner!.shutdown();
        leftMidBatch = true;
        return LEAVE_HOLD_MS;
      }, { awaitTerminationMsWhenShutdown: LEAVE_AWAIT_MS });
      await joiner.start();
      mark('joined');
      await at(SIZE.killAtMs);
      killArmed = true;
      mark('killArmed');
      // The victim owns queues and is handed batches steadily; should it be idle, it dies outside a batch.
      if (!(await eventually(() => killedAt > 0, 30_000))) {
        killedAt = nowPrecise();
        victim.signal('SIGKILL');
        killedMidBatch = false;
      }
      mark('killed');
      await at(SIZE.leaveAtMs);
      leaveArmed = true;
      if (!(await eventually(() => leaving !== undefined, 30_000))) {
        leaving = joiner.shutdown();
        leftMidBatch = false;
      }
      await leaving;
      inProcess.splice(inProcess.indexOf(joiner), 1);
      mark('left');
    })();

    await Promise.all([sendLoop, events]);
    const drainFrom = Date.now();
    const drained = await eventually(() => [...acked].every((b) => handled.has(b)), DRAIN_BOUND_MS);
    const drainMs = Date.now() - drainFrom;
    mark('drained');
    const victimExit = await victim.exited;

    // The victim's last record is a begin without its end: it died holding that batch.
    const victimRecords = records.filter((r) => r.member === VICTIM);
    const lastOfVictim = victimRecords[victimRecords.length - 1];
    const begins = records.filter((r): r is BatchBegin => r.kind === 'begin');
    // The queues the victim held when it died: those whose last batch before the kill was its own.
    const lastBefore = new Map<string, string>();
    for (const b of [...begins].sort((x, y) => x.at - y.at)) if (b.at <= killedAt) lastBefore.set(b.queue, b.member);
    const victimQueues = new Set([...lastBefore].filter(([, m]) => m === VICTIM).map(([q]) => q));
    // Per such queue, when another member first handled it after the kill (a queue the victim had released
    // but not yet seen handled since counts too, so the slowest one is the takeover of a locked queue).
    const resumedAt = new Map<string, number>();
    for (const b of begins) {
      if (b.member === VICTIM || b.at <= killedAt || !victimQueues.has(b.queue)) continue;
      resumedAt.set(b.queue, Math.min(resumedAt.get(b.queue) ?? Infinity, b.at - killedAt));
    }
    const takeover = resumedAt.size === victimQueues.size && victimQueues.size > 0 ? Math.round(Math.max(...resumedAt.values())) : undefined;
    // From the begin of the batch the leaver was inside at its shutdown to the next begin on that queue.
    const held = begins.filter((b) => b.member === LEAVER).at(-1);
    const next = held && begins.find((b) => b.member !== LEAVER && b.queue === held.queue && b.at > held.at);
    const leaveHandoverMs = held && next ? Math.round(next.at - held.at) : null;
    const verdict = checkOrder(begins, acked, killedAt);
    const overlaps = findOverlaps(records, { [VICTIM]: killedAt });
    const summary = {
      scenario: 'c6-orderly-rebalance',
      profile: profile.name,
      keys: SIZE.keys,
      sent,
      acked: acked.size,
      sendFailed,
      deliveries: verdict.deliveries,
      unique: verdict.unique,
      duplicates: verdict.duplicates,
      duplicatesAfterKill: verdict.duplicatesAfter,
      duplicatesByFirstMember: verdict.duplicatesByFirstMember,
      missing: verdict.missing.length,
      overtakes: verdict.overtakes.length,
      epochViolations: verdict.epochViolations.length,
      ownerships: verdict.ownerships,
      overlaps: overlaps.length,
      killedMidBatch,
      leftMidBatch,
      leaveHandoverMs,
      victimBatchesHandled: victimRecords.filter((r) => r.kind === 'end').length,
      takeoverMs: takeover ?? null,
      drainMs,
      timeline,
      victimQueues: victimQueues.size,
      logs: logger.byLevel,
      topLogs: [...logger.byMessage].sort((x, y) => y[1] - x[1]).slice(0, 5),
      loadavg: os.loadavg().map((l) => Math.round(l * 10) / 10),
      cpus: os.cpus().length,
    };
    recordFigures('c6-orderly-rebalance', summary);
    process.stdout.write(`${JSON.stringify(summary)}\n`);

    expect(drained).toBe(true);
    expect(verdict.missing.slice(0, 20)).toEqual([]);
    expect(verdict.overtakes.slice(0, 20)).toEqual([]);
    expect(verdict.epochViolations.slice(0, 20)).toEqual([]);
    expect(verdict.keysOnManyQueues).toEqual([]);
    // A queue is never inside two members' handlers at once, across the leave and the kill included.
    expect(overlaps.slice(0, 10)).toEqual([]);
    expect(acked.size).toBeGreaterThan(0);
    expect(victimExit.signal).toBe('SIGKILL');
    expect(killedMidBatch).toBe(true);
    expect(leftMidBatch).toBe(true);
    expect(lastOfVictim?.kind).toBe('begin');
    // Rebalances hand over committed offsets: only the killed member's batches come again, and the one batch
    // the leaving member was still inside when its shutdown stopped waiting.
    expect(Object.keys(verdict.duplicatesByFirstMember).filter((m) => m !== VICTIM && m !== LEAVER)).toEqual([]);
    expect(verdict.duplicatesByFirstMember[LEAVER] ?? 0).toBeLessThanOrEqual(BATCH_MAX);
    // Every queue the killed member held was taken over by the others.
    expect(takeover).toBeDefined();
    expect(watch.unhandled).toEqual([]);
    expect(watch.uncaught).toEqual([]);
  }, 15 * 60_000);
});
