/**
 * Runs our Java reference consumer (test/e2e/java-consumer) against the broker under test and parses the JSON
 * line it prints per message. It is built once per RocketMQ version and source revision with Maven, reusing the
 * harness's Maven repository, into the harness cache (never into the git tree).
 */
import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import { createInterface } from 'node:readline';
import { buildJavaProgram, runJavaProgram, spawnJavaProgram, type JavaBuild } from './java-program';

const PROGRAM = { name: 'java-consumer', buildDirProperty: 'consumer.build.dir' };

/** One message as the Java client sees it (the fields ConsumeToJson prints). */
export interface JavaConsumedMessage {
  topic: string;
  tags: string | null;
  keys: string | null;
  body: Buffer;
  flag: number;
  /** UNIQ_KEY property: the producer's msgId. */
  msgId: string | null;
  offsetMsgId: string;
  brokerName: string;
  queueId: number;
  queueOffset: number;
  commitLogOffset: number;
  sysFlag: number;
  bodyCRC: number;
  reconsumeTimes: number;
  bornTimestamp: number;
  storeTimestamp: number;
  bornHost: string;
  waitStoreMsgOK: string | null;
  delayTimeLevel: string | null;
  timerDeliverMs: string | null;
  timerDelayMs: string | null;
  timerDelaySec: string | null;
  realTopic: string | null;
  /** Properties outside MessageConst.STRING_HASH_SET. */
  userProperties: Record<string, string>;
  systemProperties: Record<string, string>;
}

export interface JavaConsumeOptions {
  namesrvAddr: string;
  topic: string;
  /** Stop after this many messages (exit code 2 when the timeout comes first). */
  count: number;
  timeoutMs?: number;
  group?: string;
}

export interface JavaConsumeResult {
  messages: JavaConsumedMessage[];
  exitCode: number | null;
  stderr: string;
}

/** Builds the consumer (once per process; skipped when the cached build matches the sources). */
export function buildJavaConsumer(): Promise<JavaBuild> {
  return buildJavaProgram(PROGRAM);
}

/** One ConsumeToJson line as a message (the body base64-decoded). */
export function parseJavaMessage(line: string): JavaConsumedMessage {
  const raw = JSON.parse(line) as Omit<JavaConsumedMessage, 'body'> & { body: string | null };
  return { ...raw, body: Buffer.from(raw.body ?? '', 'base64') };
}

/** Runs one main class of the Java project with the harness's client; JSON lines of stdout come back. */
export async function runJavaMain(
  mainClass: string,
  programArgs: string[],
  timeoutMs: number,
): Promise<{ lines: string[]; exitCode: number | null; stderr: string }> {
  const build = await buildJavaConsumer();
  return runJavaProgram(build, `io.rocketmqts.e2e.${mainClass}`, programArgs, timeoutMs);
}

/** Consumes `count` messages of `topic` from its first offset with the Java client. */
export async function consumeWithJava(opts: JavaConsumeOptions): Promise<JavaConsumeResult> {
  const timeoutMs = opts.timeoutMs ?? 30_000;
  const args = ['--namesrv', opts.namesrvAddr, '--topic', opts.topic, '--count', String(opts.count), '--timeout-ms', String(timeoutMs)];
  if (opts.group) args.push('--group', opts.group);
  const r = await runJavaMain('ConsumeToJson', args, timeoutMs);
  return { messages: r.lines.map(parseJavaMessage), exitCode: r.exitCode, stderr: r.stderr };
}

/** One line of PushToJson (test/e2e/java-consumer): started, queues pulled, or a message handled. */
export type JavaPushEvent =
  | { type: 'ready'; clientId: string }
  | { type: 'owned'; queues: number[] }
  | { type: 'msg'; msgId: string; queueId: number; queueOffset: number; reconsumeTimes: number };

export interface JavaPushConsumer {
  readonly child: ChildProcessWithoutNullStreams;
  /** The Java client's clientId, once it started (rejects when the JVM exits first). */
  readonly ready: Promise<string>;
  /** Closes its stdin: it shuts down (offsets committed, unregistered) and exits; resolves with the exit code. */
  stop(timeoutMs?: number): Promise<number | null>;
  /** SIGKILL if it still runs (for afterAll). */
  kill(): void;
  stderr(): string;
}

/**
 * Starts a Java DefaultMQPushConsumer (clustering, subscribe `topic` "*", CONSUME_FROM_FIRST_OFFSET) in `group`;
 * every JSON line it prints goes to `onEvent`. It runs until stop() (or `timeoutMs`, default 3 minutes).
 */
export async function startJavaPushConsumer(opts: {
  namesrvAddr: string;
  topic: string;
  group: string;
  timeoutMs?: number;
  onEvent: (ev: JavaPushEvent) => void;
}): Promise<JavaPushConsumer> {
  const build = await buildJavaConsumer();
  const args = ['--namesrv', opts.namesrvAddr, '--topic', opts.topic, '--group', opts.group, '--timeout-ms', String(opts.timeoutMs ?? 180_000)];
  const child = spawnJavaProgram(build, 'io.rocketmqts.e2e.PushToJson', args);
  let err = '';
  child.stderr.on('data', (c: Buffer) => {
    err = (err + c.toString('utf8')).slice(-20_000);
  });
  const exited = new Promise<number | null>((resolvePromise) => child.on('close', (code) => resolvePromise(code)));
  const ready = new Promise<string>((resolvePromise, reject) => {
    void exited.then((code) => reject(new Error(`the Java push consumer exited (${code}) before it started:\n${err}`)));
    createInterface({ input: child.stdout }).on('line', (line) => {
      if (!line.startsWith('{')) return;
      const ev = JSON.parse(line) as JavaPushEvent;
      if (ev.type === 'ready') resolvePromise(ev.clientId);
      opts.onEvent(ev);
    });
  });
  ready.catch(() => undefined);
  const alive = () => child.exitCode === null && child.signalCode === null;
  return {
    child,
    ready,
    stderr: () => err,
    kill: () => {
      if (alive()) child.kill('SIGKILL');
    },
    stop: async (timeoutMs = 60_000) => {
      child.stdin.end();
      const guard = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
      try {
        return await exited;
      } finally {
        clearTimeout(guard);
      }
    },
  };
}
