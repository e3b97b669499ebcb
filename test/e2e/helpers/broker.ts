/**
 * The real RocketMQ under test: where it is, how to skip loudly without it, mqadmin through the harness, and
 * parsers for what mqadmin prints. mqadmin exits 0 even when the command failed: always parse its output
 * (`assertAdminOk` looks for the failure markers it prints).
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';
import { brokerGate } from './e2e-required';

export const ROOT = resolve(__dirname, '..', '..', '..');
export const HARNESS = join(ROOT, 'scripts', 'rocketmq');

/** Why the global setup did not provide a broker (no java / mvn), or undefined when it did. */
export function brokerSkipReason(): string | undefined {
  if (process.env.NAMESRV_ADDR) return undefined;
  return process.env.ROCKETMQ_E2E_SKIP_REASON ?? 'NAMESRV_ADDR is not set (the e2e global setup did not run?)';
}

/** NAMESRV_ADDR as the e2e global setup exported it (or as the caller set it). */
export function namesrvAddr(): string {
  const addr = process.env.NAMESRV_ADDR;
  if (!addr) throw new Error(`no RocketMQ for e2e tests: ${brokerSkipReason()}`);
  return addr;
}

/** RocketMQ version under test (the harness default unless ROCKETMQ_VERSION says otherwise). */
export function rocketmqVersion(): string {
  return process.env.ROCKETMQ_VERSION ?? '5.3.3';
}

/**
 * `describe` that becomes `describe.skip`, with a loud warning, when there is no broker; when the run
 * is required (CI) and there is none, it throws instead, whatever the global setup decided.
 */
export function describeBroker(name: string, fn: () => void): void {
  const reason = brokerSkipReason();
  if (brokerGate(reason) === 'run') {
    describe(name, fn);
    return;
  }
  const bar = '!'.repeat(90);
  process.stderr.write(`\n${bar}\n!!  SKIPPED e2e suite "${name}": ${reason}\n${bar}\n`);
  describe.skip(name, fn);
}

/** A short name unique to this run, safe in topic and group names. */
export function uniqueName(prefix: string): string {
  return `${prefix}_${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;
}

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs scripts/rocketmq with the given arguments; resolves whatever the exit code. */
export function harness(args: string[], env: NodeJS.ProcessEnv = process.env, timeoutMs = 5 * 60_000): Promise<RunResult> {
  return new Promise((resolvePromise) => {
    execFile(
      'bash',
      [HARNESS, ...args],
      { cwd: ROOT, env, timeout: timeoutMs, maxBuffer: 64 << 20 },
      (err, stdout, stderr) => {
        const code = err ? (typeof err.code === 'number' ? err.code : 1) : 0;
        resolvePromise({ code, stdout: String(stdout), stderr: String(stderr) });
      },
    );
  });
}

/**
 * mqadmin with `-n` filled in (NAMESRV_ADDR of `env`); resolves with stdout (stderr appended when not empty, as
 * mqadmin prints some failures there). Rejects only if the JVM could not run.
 */
export async function admin(...args: string[]): Promise<string> {
  return adminWith(process.env, ...args);
}

export async function adminWith(env: NodeJS.ProcessEnv, ...args: string[]): Promise<string> {
  const r = await harness(['admin', ...args], env, 120_000);
  if (r.code !== 0) throw new Error(`scripts/rocketmq admin ${args.join(' ')} exited ${r.code}:\n${r.stderr}`);
  return r.stderr.trim() ? `${r.stdout}\n${r.stderr}` : r.stdout;
}

/** Throws with the output when mqadmin printed one of its failure markers (it exits 0 regardless). */
export function assertAdminOk(out: string, what = 'mqadmin'): string {
  if (/Exception|\bERROR\b|command failed|No topic route info|not exist/i.test(out)) {
    throw new Error(`${what} failed:\n${out}`);
  }
  return out;
}

/** Creates (or updates) a topic on every broker of the cluster; checks the "success" line. */
export async function createTopic(
  topic: string,
  opts: { queues?: number; cluster?: string; order?: boolean; env?: NodeJS.ProcessEnv } = {},
): Promise<void> {
  const q = String(opts.queues ?? 4);
  const args = ['updateTopic', '-c', opts.cluster ?? 'DefaultCluster', '-t', topic, '-r', q, '-w', q];
  if (opts.order) args.push('-o', 'true');
  const out = await adminWith(opts.env ?? process.env, ...args);
  if (!/create topic to \S+ success/.test(out)) throw new Error(`updateTopic ${topic} failed:\n${out}`);
}

// ---- parsers -----------------------------------------------------------------------------------------------

export interface TopicStatusRow {
  brokerName: string;
  queueId: number;
  minOffset: number;
  maxOffset: number;
  lastUpdated: string;
}

/** `mqadmin topicStatus -t T`: `#Broker Name  #QID  #Min Offset  #Max Offset  #Last Updated` rows. */
export function parseTopicStatus(out: string): TopicStatusRow[] {
  const rows: TopicStatusRow[] = [];
  for (const line of out.split('\n')) {
    const m = /^(\S+)\s+(\d+)\s+(\d+)\s+(\d+)\s*(.*)$/.exec(line.trim());
    if (m) {
      rows.push({
        brokerName: m[1]!,
        queueId: Number(m[2]),
        minOffset: Number(m[3]),
        maxOffset: Number(m[4]),
        lastUpdated: m[5]!.trim(),
      });
    }
  }
  return rows;
}

/** Messages stored on a fresh topic: Σ(max − min) over the rows of topicStatus. */
export function storedMessages(rows: TopicStatusRow[]): number {
  return rows.reduce((n, r) => n + r.maxOffset - r.minOffset, 0);
}

/**
 * `mqadmin queryMsgById` / `queryMsgByUniqueKey`: `Label:   value` lines, one block per message (a block starts at
 * `OffsetID:` or at a `Topic:` after the previous block's `Message Body Path:`).
 */
export function parseQueryMsgById(out: string): Array<Record<string, string>> {
  const views: Array<Record<string, string>> = [];
  let cur: Record<string, string> | undefined;
  for (const line of out.split('\n')) {
    const m = /^([A-Z][A-Za-z ()]*?):\s+(.*)$/.exec(line);
    if (!m) continue;
    const label = m[1]!;
    const value = m[2]!.trimEnd();
    if (label === 'OffsetID' || (label === 'Topic' && (cur === undefined || 'Message Body Path' in cur))) {
      cur = {};
      views.push(cur);
    }
    if (cur && !(label in cur)) cur[label] = value;
  }
  return views;
}

export interface ClusterListRow {
  cluster: string;
  brokerName: string;
  brokerId: number;
  addr: string;
  version: string;
  /** The remaining columns (TPS, timer, space, activated...), which differ between versions. */
  rest: string[];
}

/** `mqadmin clusterList`: one row per broker, after the `#Cluster Name ...` header. */
export function parseClusterList(out: string): ClusterListRow[] {
  const rows: ClusterListRow[] = [];
  for (const line of out.split('\n')) {
    const cols = line.trim().split(/\s+/);
    if (cols.length < 5 || cols[0]!.startsWith('#') || !/^\d+$/.test(cols[2]!) || !/:\d+$/.test(cols[3]!)) continue;
    rows.push({
      cluster: cols[0]!,
      brokerName: cols[1]!,
      brokerId: Number(cols[2]),
      addr: cols[3]!,
      version: cols[4]!,
      rest: cols.slice(5),
    });
  }
  return rows;
}

export interface ConnectionRow {
  clientId: string;
  clientAddr: string;
  language: string;
  version: string;
}

/**
 * `mqadmin producerConnection -g G -t T`: `%04d  clientId  clientAddr  language  version` rows.
 * `mqadmin consumerConnection -g G` prints the same four columns, after an index in 4.9 and without one in 5.x.
 */
export function parseConnections(out: string): ConnectionRow[] {
  const rows: ConnectionRow[] = [];
  for (const line of out.split('\n')) {
    const m = /^(?:\d{3,}\s+)?(\S+)\s+(\S+:\d+)\s+(\S+)\s+(\S+)/.exec(line.trim());
    if (m) rows.push({ clientId: m[1]!, clientAddr: m[2]!, language: m[3]!, version: m[4]! });
  }
  return rows;
}

export interface ConsumerProgressRow {
  /** As printed: mqadmin cuts long topic names (compare with startsWith). */
  topic: string;
  brokerName: string;
  queueId: number;
  brokerOffset: number;
  consumerOffset: number;
  /** The `#Client IP` column (`-s true`): the IP of the member pulling the queue, `N/A` / `NA` when none. */
  clientIp: string | undefined;
  /** Broker offset minus consumer offset (computed: the printed #Diff may run into its neighbours). */
  diff: number;
}

/**
 * `mqadmin consumerProgress -g G [-s true]`: `#Topic #Broker Name #QID #Broker Offset #Consumer Offset [#Client IP]
 * #Diff [#Inflight] #LastTime` rows (the columns vary with the version), then `Consume Diff Total: N` (5.x) or
 * `Diff Total: N` (4.9). Only the five leading columns and the client IP are relied on.
 */
export function parseConsumerProgress(out: string): { rows: ConsumerProgressRow[]; diffTotal: number | undefined } {
  const rows: ConsumerProgressRow[] = [];
  for (const line of out.split('\n')) {
    const cols = line.trim().split(/\s+/);
    if (cols.length < 6 || cols[0]!.startsWith('#') || !cols.slice(2, 5).every((c) => /^-?\d+$/.test(c))) continue;
    const [topic, brokerName, qid, brokerOffset, consumerOffset, ...rest] = cols as [string, string, string, string, string, ...string[]];
    const ip = rest[0] !== undefined && !/^-?\d+$/.test(rest[0]) ? rest[0] : undefined;
    rows.push({
      topic,
      brokerName,
      queueId: Number(qid),
      brokerOffset: Number(brokerOffset),
      consumerOffset: Number(consumerOffset),
      clientIp: ip,
      diff: Number(brokerOffset) - Number(consumerOffset),
    });
  }
  const total = /Diff Total:\s*(-?\d+)/.exec(out);
  return { rows, diffTotal: total ? Number(total[1]) : undefined };
}

// ---- a second, private RocketMQ (e.g. one answering in the ROCKETMQ header) ------------------------------------

function portFree(port: number): Promise<boolean> {
  return new Promise((resolvePromise) => {
    const srv = createServer();
    srv.once('error', () => resolvePromise(false));
    srv.listen(port, '127.0.0.1', () => srv.close(() => resolvePromise(true)));
  });
}

/**
 * A name-server port N and a broker port L with N, L-2, L, L+1 all free; with `slavePortOffset` O, also the
 * slave's L+O-2, L+O, L+O+1.
 */
export async function findFreePorts(slavePortOffset?: number): Promise<{ namesrvPort: number; brokerPort: number }> {
  for (let attempt = 0; attempt < 50; attempt++) {
    // Below Linux's ephemeral range (32768+): a port there that is free now can be handed to some outgoing
    // connection during the seconds the JVMs take to bind it (seen as a broker BindException under load).
    const base = 20000 + Math.floor(Math.random() * 6000) * 2;
    const namesrvPort = base;
    const brokerPort = base + 10;
    const needed = [namesrvPort, brokerPort - 2, brokerPort, brokerPort + 1];
    if (slavePortOffset !== undefined) needed.push(...[-2, 0, 1].map((d) => brokerPort + slavePortOffset + d));
    const free = await Promise.all(needed.map(portFree));
    if (free.every(Boolean)) return { namesrvPort, brokerPort };
  }
  throw new Error('no free ports for a second RocketMQ');
}

export interface PrivateRocketMQ {
  namesrvAddr: string;
  env: NodeJS.ProcessEnv;
  stop(): Promise<void>;
}

/** With `--slaves`, a private slave listens this far above its master (free ports are checked for it too). */
const PRIVATE_SLAVE_PORT_OFFSET = 20;

/**
 * Starts a NameServer + one broker of its own (own run dir, own free ports) through the harness, with extra
 * `start` options such as `['--serialize', 'ROCKETMQ']` or `['--slaves']`. `stop()` stops it and removes its run dir.
 */
export async function startPrivateRocketMQ(startArgs: string[] = []): Promise<PrivateRocketMQ> {
  const slaves = startArgs.includes('--slaves');
  const { namesrvPort, brokerPort } = await findFreePorts(slaves ? PRIVATE_SLAVE_PORT_OFFSET : undefined);
  // Under this checkout's .rocketmq/, so .ci/run can stop whatever a crashed test run left behind.
  mkdirSync(join(ROOT, '.rocketmq'), { recursive: true });
  const runDir = mkdtempSync(join(ROOT, '.rocketmq', 'private-'));
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    ROCKETMQ_RUN_DIR: runDir,
    ROCKETMQ_NAMESRV_PORT: String(namesrvPort),
    ROCKETMQ_BROKER_PORT: String(brokerPort),
    ROCKETMQ_STOP_TIMEOUT: '10',
    ROCKETMQ_SLAVE_PORT_OFFSET: String(PRIVATE_SLAVE_PORT_OFFSET),
    NAMESRV_ADDR: `127.0.0.1:${namesrvPort}`,
  };
  const r = await harness(['start', ...startArgs], env, 10 * 60_000);
  const addr = /^NAMESRV_ADDR=(\S+)$/m.exec(r.stdout)?.[1];
  const stop = async (): Promise<void> => {
    const s = await harness(['stop'], env, 5 * 60_000);
    if (s.code === 0) rmSync(runDir, { recursive: true, force: true });
    else throw new Error(`stopping the private RocketMQ in ${runDir} failed:\n${s.stderr}`);
  };
  if (r.code !== 0 || !addr) {
    await stop().catch(() => undefined);
    throw new Error(`scripts/rocketmq start ${startArgs.join(' ')} failed (exit ${r.code}):\n${r.stderr}`);
  }
  return { namesrvAddr: addr, env, stop };
}
