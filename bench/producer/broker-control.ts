/**
 * The real broker for the benchmark, through the project's harness (scripts/rocketmq): a private run directory
 * and free ports, so a benchmark never reuses or disturbs a broker that tests started, and a store in the
 * temp directory that is deleted afterwards. Stopping goes through the harness (SIGTERM to its recorded PIDs).
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { BenchError } from './bench-error';

export const ROOT = resolve(__dirname, '..', '..');
const HARNESS = join(ROOT, 'scripts', 'rocketmq');

export interface HarnessEnv {
  version: string;
  lib: string;
  java: string;
}

function run(
  args: string[],
  env: NodeJS.ProcessEnv,
  timeoutMs: number,
): Promise<{ stdout: string; stderr: string }> {
  return new Promise((resolvePromise, reject) => {
    execFile('bash', [HARNESS, ...args], { cwd: ROOT, env, timeout: timeoutMs, maxBuffer: 16 * 1024 * 1024 }, (err, stdout, stderr) => {
      if (err) reject(new BenchError(`scripts/rocketmq ${args.join(' ')} failed: ${err.message}\n${stderr.slice(-4000)}`, { cause: err }));
      else resolvePromise({ stdout, stderr });
    });
  });
}

function kv(text: string): Map<string, string> {
  const m = new Map<string, string>();
  for (const line of text.split('\n')) {
    const eq = line.indexOf('=');
    if (eq > 0) m.set(line.slice(0, eq).trim(), line.slice(eq + 1).trim());
  }
  return m;
}

/** Whether `port` can be bound on `host` right now. */
function portFree(port: number, host: string): Promise<boolean> {
  return new Promise((resolvePromise) => {
    const srv = createServer();
    srv.once('error', () => resolvePromise(false));
    srv.listen(port, host, () => srv.close(() => resolvePromise(true)));
  });
}

/** A NameServer port and a broker port whose neighbours (port-2, port+1 on every interface) are free too. */
async function pickPorts(): Promise<{ namesrv: number; broker: number }> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const base = 20_000 + Math.floor(Math.random() * 400) * 100;
    const namesrv = base + 76;
    const broker = base + 11;
    const checks = await Promise.all([
      portFree(namesrv, '127.0.0.1'),
      portFree(broker, '127.0.0.1'),
      portFree(broker - 2, '127.0.0.1'),
      portFree(broker + 1, '0.0.0.0'),
    ]);
    if (checks.every(Boolean)) return { namesrv, broker };
  }
  throw new BenchError('found no free ports for a private NameServer + broker');
}

export class HarnessBroker {
  namesrvAddr = '';
  private started = false;

  private constructor(
    private readonly env: NodeJS.ProcessEnv,
    private readonly runDir: string | undefined,
    private readonly log: (line: string) => void,
  ) {}

  /** The harness environment for a broker we start, or for `NAMESRV_ADDR` when the user gave one. */
  static create(log: (line: string) => void, namesrvAddr?: string): HarnessBroker {
    if (namesrvAddr) {
      const b = new HarnessBroker({ ...process.env, NAMESRV_ADDR: namesrvAddr }, undefined, log);
      b.namesrvAddr = namesrvAddr;
      return b;
    }
    const runDir = mkdtempSync(join(tmpdir(), 'rocketmq-ts-bench-'));
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      // A run directory given to this checkout wins (its stop finds the PIDs there).
      ROCKETMQ_RUN_DIR: process.env.ROCKETMQ_RUN_DIR || join(runDir, 'run'),
      ROCKETMQ_STORE_DIR: join(runDir, 'store'),
    };
    delete env.NAMESRV_ADDR;
    return new HarnessBroker(env, runDir, log);
  }

  get external(): boolean {
    return this.runDir === undefined;
  }

  async harnessEnv(): Promise<HarnessEnv> {
    const { stdout } = await run(['env'], this.env, 60_000);
    const m = kv(stdout);
    const version = m.get('ROCKETMQ_VERSION');
    const lib = m.get('ROCKETMQ_LIB');
    if (!version || !lib) throw new BenchError(`scripts/rocketmq env printed no version/lib:\n${stdout}`);
    return { version, lib, java: m.get('ROCKETMQ_JAVA') ?? 'java' };
  }

  async install(): Promise<void> {
    await run(['install'], this.env, 30 * 60_000);
  }

  async start(extraArgs: string[] = []): Promise<string> {
    if (this.external) return this.namesrvAddr;
    // Ports given to this checkout (ROCKETMQ_NAMESRV_PORT / ROCKETMQ_BROKER_PORT) win over free ones picked here.
    const given = { namesrv: Number(process.env.ROCKETMQ_NAMESRV_PORT), broker: Number(process.env.ROCKETMQ_BROKER_PORT) };
    const ports = given.namesrv > 0 && given.broker > 0 ? given : await pickPorts();
    this.env.ROCKETMQ_NAMESRV_PORT = String(ports.namesrv);
    this.env.ROCKETMQ_BROKER_PORT = String(ports.broker);
    this.started = true;
    const { stdout } = await run(['start', ...extraArgs], this.env, 10 * 60_000);
    const addr = kv(stdout).get('NAMESRV_ADDR');
    if (!addr) throw new BenchError(`scripts/rocketmq start printed no NAMESRV_ADDR:\n${stdout}`);
    this.namesrvAddr = addr;
    return addr;
  }

  /** Creates (or updates) a topic on the cluster; false when mqadmin did not report success. */
  async createTopic(topic: string, queues: number, cluster = 'DefaultCluster'): Promise<boolean> {
    const args = ['admin', 'updateTopic', '-c', cluster, '-t', topic, '-r', String(queues), '-w', String(queues)];
    if (this.external) args.push('-n', this.namesrvAddr);
    try {
      const { stdout } = await run(args, this.env, 120_000);
      if (/success/i.test(stdout)) return true;
      this.log(`mqadmin updateTopic did not report success:\n${stdout.slice(-2000)}`);
    } catch (err) {
      this.log(String(err));
    }
    return false;
  }

  /** mqadmin with the cluster's name server; its stdout (mqadmin exits 0 even on failure: read it). */
  async admin(args: string[]): Promise<string> {
    const full = ['admin', ...args];
    if (this.external) full.push('-n', this.namesrvAddr);
    const { stdout } = await run(full, this.env, 120_000);
    return stdout;
  }

  /** Stops what we started (the harness signals its own PIDs) and deletes the private run directory. */
  async stop(): Promise<void> {
    if (this.external || !this.runDir) return;
    if (this.started) {
      try {
        await run(['stop'], this.env, 120_000);
      } catch (err) {
        this.log(`stopping the broker failed: ${String(err)}`);
        return; // keep the run directory: its pid files are what a manual stop needs
      }
    }
    rmSync(this.runDir, { recursive: true, force: true });
  }

  /** Where the harness keeps its run state (for a manual `scripts/rocketmq stop` after a crash). */
  describe(): string {
    return this.external ? `external NameServer ${this.namesrvAddr}` : `ROCKETMQ_RUN_DIR=${this.env.ROCKETMQ_RUN_DIR}`;
  }
}
