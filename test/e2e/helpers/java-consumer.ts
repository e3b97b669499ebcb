/**
 * Runs our Java reference consumer (test/e2e/java-consumer) against the broker under test and parses the JSON
 * line it prints per message. It is built once per RocketMQ version and source revision with Maven, reusing the
 * harness's Maven repository, into the harness cache (never into the git tree).
 */
import { execFile, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

const ROOT = resolve(__dirname, '..', '..', '..');
const PROJECT = join(ROOT, 'test', 'e2e', 'java-consumer');
const HARNESS = join(ROOT, 'scripts', 'rocketmq');
const BUILD_TIMEOUT_MS = 10 * 60_000;

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

interface HarnessEnv {
  version: string;
  lib: string;
  java: string;
}

interface JavaConsumerBuild {
  java: string;
  classpath: string;
  home: string;
}

function run(file: string, args: string[], timeoutMs: number): Promise<{ stdout: string; stderr: string }> {
  return new Promise((resolvePromise, reject) => {
    execFile(file, args, { cwd: ROOT, timeout: timeoutMs, maxBuffer: 64 * 1024 * 1024 }, (err, stdout, stderr) => {
      if (err) {
        reject(new Error(`${file} ${args.join(' ')} failed: ${err.message}\n${stderr}\n${stdout}`.slice(0, 8000)));
      } else {
        resolvePromise({ stdout, stderr });
      }
    });
  });
}

async function harnessEnv(): Promise<HarnessEnv> {
  const { stdout } = await run(HARNESS, ['env'], 60_000);
  const kv = new Map<string, string>();
  for (const line of stdout.split('\n')) {
    const eq = line.indexOf('=');
    if (eq > 0) kv.set(line.slice(0, eq), line.slice(eq + 1));
  }
  const version = kv.get('ROCKETMQ_VERSION');
  const lib = kv.get('ROCKETMQ_LIB');
  const java = kv.get('ROCKETMQ_JAVA') ?? 'java';
  if (!version || !lib) throw new Error(`scripts/rocketmq env printed no version/lib:\n${stdout}`);
  return { version, lib, java };
}

/** Hash of the pom and every source file: a changed consumer is rebuilt. */
function sourceHash(): string {
  const h = createHash('sha256');
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir).sort()) {
      const p = join(dir, name);
      if (statSync(p).isDirectory()) walk(p);
      else {
        h.update(p.slice(PROJECT.length));
        h.update(readFileSync(p));
      }
    }
  };
  h.update(readFileSync(join(PROJECT, 'pom.xml')));
  walk(join(PROJECT, 'src'));
  return h.digest('hex').slice(0, 16);
}

let building: Promise<JavaConsumerBuild> | undefined;

/** Builds the consumer (once per process; skipped when the cached build matches the sources). */
export function buildJavaConsumer(): Promise<JavaConsumerBuild> {
  building ??= doBuild().catch((err: unknown) => {
    building = undefined;
    throw err;
  });
  return building;
}

async function doBuild(): Promise<JavaConsumerBuild> {
  const env = await harnessEnv();
  // The harness keeps lib/<version> and m2/ side by side in its cache.
  const cache = process.env.ROCKETMQ_CACHE ?? dirname(dirname(env.lib));
  const out = join(cache, 'java-consumer', env.version);
  const stamp = join(out, 'stamp');
  const cpFile = join(out, 'classpath.txt');
  const hash = sourceHash();
  const home = join(out, 'home');
  if (!(existsSync(stamp) && readFileSync(stamp, 'utf8') === hash && existsSync(cpFile))) {
    mkdirSync(out, { recursive: true });
    await run(
      'mvn',
      [
        '-B',
        '-ntp',
        '-q',
        '-f',
        join(PROJECT, 'pom.xml'),
        `-Drocketmq.version=${env.version}`,
        `-Dmaven.repo.local=${join(cache, 'm2')}`,
        `-Dconsumer.build.dir=${out}`,
        `-Dmdep.outputFile=${cpFile}`,
        'compile',
        'dependency:build-classpath',
      ],
      BUILD_TIMEOUT_MS,
    );
    writeFileSync(stamp, hash);
  }
  mkdirSync(home, { recursive: true });
  const classpath = [join(out, 'classes'), readFileSync(cpFile, 'utf8').trim()].join(':');
  return { java: env.java, classpath, home };
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
  const args = [
    '-Xms32m',
    '-Xmx256m',
    '-XX:TieredStopAtLevel=1',
    '-XX:+UseSerialGC',
    `-Duser.home=${build.home}`,
    '-Drmq.logback.configurationFile=rmq.client.logback.xml',
    '-cp',
    build.classpath,
    `io.rocketmqts.e2e.${mainClass}`,
    ...programArgs,
  ];
  const child = spawn(build.java, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  child.stdout.on('data', (c: Buffer) => out.push(c));
  child.stderr.on('data', (c: Buffer) => err.push(c));
  // The program bounds itself; this is the backstop if the JVM hangs (start-up included).
  const guard = setTimeout(() => child.kill('SIGKILL'), timeoutMs + 60_000);
  const exitCode = await new Promise<number | null>((resolvePromise, reject) => {
    child.on('error', reject);
    child.on('close', (code) => resolvePromise(code));
  }).finally(() => clearTimeout(guard));
  const lines = Buffer.concat(out).toString('utf8').split('\n').filter((l) => l.startsWith('{'));
  return { lines, exitCode, stderr: Buffer.concat(err).toString('utf8') };
}

/** Consumes `count` messages of `topic` from its first offset with the Java client. */
export async function consumeWithJava(opts: JavaConsumeOptions): Promise<JavaConsumeResult> {
  const timeoutMs = opts.timeoutMs ?? 30_000;
  const args = ['--namesrv', opts.namesrvAddr, '--topic', opts.topic, '--count', String(opts.count), '--timeout-ms', String(timeoutMs)];
  if (opts.group) args.push('--group', opts.group);
  const r = await runJavaMain('ConsumeToJson', args, timeoutMs);
  return { messages: r.lines.map(parseJavaMessage), exitCode: r.exitCode, stderr: r.stderr };
}
