/**
 * `npm run demo`: the main job end to end. Starts a local RocketMQ through scripts/rocketmq unless NAMESRV_ADDR
 * is set, creates a fresh topic, produces with every send mode of DefaultMQProducer, asks the broker's own admin
 * tool (mqadmin topicStatus) whether it stored exactly what was sent, and consumes it all with a push consumer
 * started before the sends (counts and end-to-end latency percentiles). Stops whatever it started.
 *
 * Environment: NAMESRV_ADDR (use that cluster), DEMO_THROUGHPUT_SENDS (sync sends timed at the end, default 2000),
 * plus the harness's ROCKETMQ_* variables. Exit code 0 when the broker's count matches and the consumer got every message, 1 otherwise.
 */
import { execFile, spawn, spawnSync } from 'node:child_process';
import { createInterface } from 'node:readline';
import { join, resolve } from 'node:path';
import {
  DefaultMQProducer,
  Message,
  selectMessageQueueByHash,
  type MessageQueue,
  type SendResult,
} from '../src/index';
import { startDemoConsumer } from './demo-consumer';
import { createProgressReporter } from './progress';

const ROOT = resolve(__dirname, '..');
const HARNESS = join(ROOT, 'scripts', 'rocketmq');
const QUEUES = 4;
const THROUGHPUT_SENDS = positiveInt(process.env.DEMO_THROUGHPUT_SENDS, 2000);
const VERIFY_TIMEOUT_MS = 30_000;
const CONSUME_TIMEOUT_MS = 60_000;

class DemoError extends Error {
  override name = 'DemoError';
}

/** One line per error in the cause chain: "Name [CODE]: message". */
function explain(err: unknown): string {
  const lines: string[] = [];
  for (let e: unknown = err, depth = 0; e !== undefined && e !== null && depth < 4; depth++) {
    const x = e as { name?: string; code?: unknown; message?: string; cause?: unknown };
    const code = typeof x.code === 'string' ? ` [${x.code}]` : '';
    lines.push(`${depth ? '  caused by ' : ''}${x.name ?? 'Error'}${code}: ${x.message ?? String(e)}`);
    e = x.cause;
  }
  return lines.join('\n');
}

function positiveInt(raw: string | undefined, fallback: number): number {
  const n = Number(raw);
  return Number.isInteger(n) && n > 0 ? n : fallback;
}

function say(line: string): void {
  process.stdout.write(`${line}\n`);
}

function describe(mode: string, r: SendResult): string {
  const q = r.messageQueue;
  return `${mode.padEnd(20)} ${r.sendStatus.padEnd(8)} msgId=${r.msgId} queue=${q.brokerName}:${q.queueId} offset=${r.queueOffset}`;
}

// ---------------------------------------------------------------------------------------------------------------
// The local broker (only when NAMESRV_ADDR is unset)

let startedBroker = false;
let starting: ReturnType<typeof spawn> | undefined;

function harnessStatusRunning(): boolean {
  const r = spawnSync(HARNESS, ['status'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8' });
  return r.status === 0;
}

/**
 * Runs `scripts/rocketmq start`. Its messages go to our stderr; its long waits (jar download, boot, registration)
 * become one progress line, redrawn in place on a terminal and repeated every few seconds otherwise.
 */
function startBroker(): Promise<string> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(HARNESS, ['start'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    starting = child;
    const progress = createProgressReporter();
    let out = '';
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (c: string) => (out += c));
    createInterface({ input: child.stderr, crlfDelay: Infinity }).on('line', (l) => progress.line(l));
    child.on('error', (err) => reject(new DemoError(`cannot run scripts/rocketmq: ${err.message}`)));
    child.on('close', (code) => {
      progress.done();
      starting = undefined;
      const m = /^NAMESRV_ADDR=(\S+)$/m.exec(out);
      if (code === 0 && m) resolvePromise(m[1]!);
      else reject(new DemoError(`scripts/rocketmq start failed (exit ${code}); see the messages above`));
    });
  });
}

/** Synchronous on purpose: it also runs from signal handlers, where nothing asynchronous may follow. */
function stopBroker(): void {
  if (!startedBroker) return;
  startedBroker = false;
  // Interrupted while starting: end that start first (it holds the harness lock); stop then cleans up its JVMs.
  if (starting?.pid !== undefined && starting.exitCode === null) {
    try {
      process.kill(starting.pid, 'SIGTERM');
    } catch {
      // already gone
    }
  }
  say('stopping the local RocketMQ started for this demo');
  spawnSync(HARNESS, ['stop'], { cwd: ROOT, stdio: ['ignore', 'inherit', 'inherit'] });
}

function admin(args: string[]): Promise<string> {
  return new Promise((resolvePromise, reject) => {
    execFile(HARNESS, ['admin', ...args], { cwd: ROOT, timeout: 120_000, maxBuffer: 16 << 20 }, (err, stdout, stderr) => {
      // mqadmin exits 0 even when the command failed: callers parse stdout.
      if (err) reject(new DemoError(`mqadmin ${args[0]} failed: ${err.message}\n${stderr}`));
      // Some failures are printed on stderr only: keep it, the callers show what they could not parse.
      else resolvePromise(stderr.trim() ? `${stdout}\n${stderr}` : stdout);
    });
  });
}

/** Σ(max − min) over the topic's queues, from `mqadmin topicStatus`. */
async function storedCount(topic: string): Promise<number> {
  const out = await admin(['topicStatus', '-t', topic]);
  let total = 0;
  let rows = 0;
  for (const line of out.split('\n')) {
    const m = /^(\S+)\s+(\d+)\s+(\d+)\s+(\d+)/.exec(line);
    if (!m) continue;
    rows++;
    total += Number(m[4]) - Number(m[3]);
  }
  if (rows === 0) throw new DemoError(`mqadmin topicStatus printed no queue rows:\n${out.slice(0, 2000)}`);
  return total;
}

// ---------------------------------------------------------------------------------------------------------------
// The producer part

function orderMessage(topic: string, orderId: string, step: string): Message {
  return new Message(topic, JSON.stringify({ orderId, step }), { tags: step, keys: orderId });
}

async function produce(producer: DefaultMQProducer, topic: string): Promise<number> {
  let sent = 0;

  for (let i = 0; i < 3; i++) {
    const r = await producer.send(new Message(topic, `sync message ${i}`, { tags: 'sync', keys: `sync-${i}` }));
    say(describe('sync', r));
    sent++;
  }

  // Callback style (Java's SendCallback).
  await Promise.all(
    [0, 1, 2].map(
      (i) =>
        new Promise<void>((done, fail) => {
          producer.send(new Message(topic, `async callback message ${i}`, { tags: 'async-callback' }), {
            onSuccess: (r) => {
              say(describe('async callback', r));
              done();
            },
            onException: (e) => fail(e),
          });
        }),
    ),
  );
  sent += 3;

  // Promise style: several in flight at once.
  const asyncResults = await Promise.all(
    [0, 1, 2].map((i) => producer.send(new Message(topic, `async promise message ${i}`, { tags: 'async-promise' }))),
  );
  for (const r of asyncResults) say(describe('async promise', r));
  sent += asyncResults.length;

  for (let i = 0; i < 3; i++) {
    await producer.sendOneway(new Message(topic, `oneway message ${i}`, { tags: 'oneway' }));
    say(`${'oneway'.padEnd(20)} sent (no reply by design)`);
    sent++;
  }

  const batch = [0, 1, 2, 3, 4].map((i) => new Message(topic, `batch member ${i}`, { tags: 'batch', keys: `batch-${i}` }));
  const br = await producer.send(batch);
  say(describe(`batch of ${batch.length}`, br));
  sent += batch.length;

  // Orderly: every step of one order goes to the queue picked by the hash of its id.
  const queueOfOrder = new Map<string, string>();
  for (const orderId of ['order-1001', 'order-1002', 'order-1003']) {
    for (const step of ['created', 'paid', 'shipped']) {
      const r = await producer.send(orderMessage(topic, orderId, step), { selector: selectMessageQueueByHash, arg: orderId });
      say(describe(`selector ${orderId}`, r));
      sent++;
      const q = `${r.messageQueue.brokerName}:${r.messageQueue.queueId}`;
      const seen = queueOfOrder.get(orderId);
      if (seen !== undefined && seen !== q) {
        throw new DemoError(`hash selector sent ${orderId} to ${seen} and then to ${q}`);
      }
      queueOfOrder.set(orderId, q);
    }
  }

  const t0 = process.hrtime.bigint();
  for (let i = 0; i < THROUGHPUT_SENDS; i++) {
    await producer.send(new Message(topic, `throughput message ${i}`, { tags: 'throughput' }));
  }
  const syncMs = Number(process.hrtime.bigint() - t0) / 1e6;
  sent += THROUGHPUT_SENDS;

  const inFlight = 64;
  const t1 = process.hrtime.bigint();
  let next = 0;
  const workers = Array.from({ length: inFlight }, async () => {
    while (next < THROUGHPUT_SENDS) {
      next++;
      await producer.send(new Message(topic, `pipelined message ${next}`, { tags: 'throughput' }));
    }
  });
  await Promise.all(workers);
  const asyncMs = Number(process.hrtime.bigint() - t1) / 1e6;
  sent += THROUGHPUT_SENDS;

  say(
    `throughput: ${THROUGHPUT_SENDS} sync sends one after another in ${syncMs.toFixed(0)} ms ` +
      `(${Math.round((THROUGHPUT_SENDS * 1000) / syncMs)} msg/s); ${THROUGHPUT_SENDS} sends with ${inFlight} in flight ` +
      `in ${asyncMs.toFixed(0)} ms (${Math.round((THROUGHPUT_SENDS * 1000) / asyncMs)} msg/s)`,
  );
  return sent;
}

async function verify(topic: string, sent: number): Promise<void> {
  // Oneway sends have no reply: poll until the broker has them all, within a bound.
  const deadline = Date.now() + VERIFY_TIMEOUT_MS;
  let stored = await storedCount(topic);
  while (stored < sent && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 500));
    stored = await storedCount(topic);
  }
  if (stored !== sent) {
    throw new DemoError(`the broker stored ${stored} messages in ${topic}, but the demo sent ${sent}`);
  }
  say(`broker check (mqadmin topicStatus): ${stored} messages stored in ${topic}, ${sent} sent: OK`);
}

const began = Date.now();

async function main(): Promise<void> {
  let namesrvAddr = process.env.NAMESRV_ADDR;
  if (namesrvAddr) {
    say(`using the RocketMQ at NAMESRV_ADDR=${namesrvAddr}`);
  } else if (harnessStatusRunning()) {
    namesrvAddr = (await startBroker()); // prints the address of the run that is already up
    say(`using the local RocketMQ already running at ${namesrvAddr} (left running)`);
  } else {
    say('NAMESRV_ADDR is unset: starting a local RocketMQ (NameServer + Broker) with scripts/rocketmq');
    startedBroker = true;
    namesrvAddr = await startBroker();
    say(`local RocketMQ up at ${namesrvAddr} after ${((Date.now() - began) / 1000).toFixed(1)} s`);
  }
  // The admin tool reads the same variable, so both talk to the same cluster.
  process.env.NAMESRV_ADDR = namesrvAddr;

  const stamp = Date.now().toString(36);
  const topic = `rocketmq_ts_demo_${stamp}`;
  const producer = new DefaultMQProducer({ producerGroup: `rocketmq_ts_demo_group_${stamp}`, namesrvAddr });
  await producer.start();
  say(`producer started (group rocketmq_ts_demo_group_${stamp})`);
  try {
    await createDemoTopic(producer, topic);
    const queues: MessageQueue[] = await waitForRoute(producer, topic);
    say(`created topic ${topic} with ${queues.length} write queues`);
    const consumer = await startDemoConsumer(namesrvAddr, topic, `rocketmq_ts_demo_consumer_${stamp}`);
    say(`push consumer started (group rocketmq_ts_demo_consumer_${stamp}), consuming ${topic} while the producer sends`);
    try {
      const sent = await produce(producer, topic);
      await verify(topic, sent);
      const { ok, line } = await consumer.waitFor(sent, CONSUME_TIMEOUT_MS);
      say(line);
      if (!ok) throw new DemoError(`the push consumer did not receive every message within ${CONSUME_TIMEOUT_MS / 1000} s`);
    } finally {
      await consumer.shutdown();
      say('push consumer shut down (offsets committed)');
    }
  } finally {
    await producer.shutdown();
    say('producer shut down');
  }
}

/**
 * createTopic goes through the brokers that serve TBW102, which only exist with autoCreateTopicEnable=true;
 * otherwise create the topic on the cluster with mqadmin updateTopic.
 */
async function createDemoTopic(producer: DefaultMQProducer, topic: string): Promise<void> {
  try {
    await producer.createTopic('TBW102', topic, QUEUES);
    return;
  } catch (err) {
    say(`producer.createTopic did not work here, using mqadmin updateTopic instead:\n${explain(err)}`);
  }
  const clusters = await admin(['clusterList']);
  const cluster = /^(\S+)\s+\S+\s+\d+\s+\S+:\d+\s/m.exec(clusters)?.[1];
  if (!cluster) throw new DemoError(`mqadmin clusterList printed no broker:\n${clusters.slice(0, 2000)}`);
  const out = await admin(['updateTopic', '-c', cluster, '-t', topic, '-r', String(QUEUES), '-w', String(QUEUES)]);
  if (!/success/.test(out)) throw new DemoError(`mqadmin updateTopic failed:\n${out.slice(0, 2000)}`);
}

/** The NameServer learns about a new topic from the broker's next registration: poll briefly. */
async function waitForRoute(producer: DefaultMQProducer, topic: string): Promise<MessageQueue[]> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    try {
      const queues = await producer.fetchPublishMessageQueues(topic);
      if (queues.length > 0) return queues;
    } catch (err) {
      if (Date.now() >= deadline) throw err;
    }
    if (Date.now() >= deadline) throw new DemoError(`no route for ${topic} after 30 s`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

function onSignal(signal: NodeJS.Signals, code: number): void {
  process.on(signal, () => {
    process.stderr.write(`\n${signal}: stopping\n`);
    stopBroker();
    process.exit(code);
  });
}
onSignal('SIGINT', 130);
onSignal('SIGTERM', 143);

main()
  .then(() => {
    process.exitCode = 0;
  })
  .catch((err: unknown) => {
    process.stderr.write(`demo failed: ${explain(err)}\n`);
    process.exitCode = 1;
  })
  .finally(() => {
    stopBroker();
    const secs = ((Date.now() - began) / 1000).toFixed(1);
    say(process.exitCode === 0 ? `demo OK in ${secs} s` : `demo FAILED after ${secs} s`);
    // A clean shutdown leaves nothing alive; if something still is after a grace period, say so and exit anyway.
    setTimeout(() => {
      process.stderr.write('warning: something still kept the process alive 5 s after shutdown\n');
      process.exit(process.exitCode ?? 1);
    }, 5_000).unref();
  });
