import { execFile } from 'node:child_process';
import * as path from 'node:path';

/**
 * The fault suite's own NameServer and two broker masters, run through scripts/rocketmq on non-default
 * ports and in their own run directory, so they never collide with the broker the e2e tests use. The
 * harness is idempotent: every test file calls `ensureBrokerPair()`; the first call starts the JVMs (about
 * 45 s on 2 cores), the others find them running. `global-teardown.ts` stops them by their recorded pids.
 */

export const REPO_ROOT = path.resolve(__dirname, '../../..');
const HARNESS = path.join(REPO_ROOT, 'scripts', 'rocketmq');

const NAMESRV_PORT = Number(process.env.ROCKETMQ_FAULTS_NAMESRV_PORT ?? 19876);
/** broker-a listens here (and on -2, +1); broker-b on +10000. Default e2e ports are 10911 and 20911. */
const BROKER_PORT = Number(process.env.ROCKETMQ_FAULTS_BROKER_PORT ?? 12911);

export type BrokerName = 'broker-a' | 'broker-b';

export interface BrokerPair {
  namesrvAddr: string;
  brokers: Record<BrokerName, string>;
}

export function harnessEnv(): NodeJS.ProcessEnv {
  return {
    ...process.env,
    ROCKETMQ_RUN_DIR: path.join(REPO_ROOT, '.rocketmq', 'faults'),
    ROCKETMQ_NAMESRV_PORT: String(NAMESRV_PORT),
    ROCKETMQ_BROKER_PORT: String(BROKER_PORT),
    // The e2e broker's variables must not leak into ours.
    NAMESRV_ADDR: '',
  };
}

export const pair: BrokerPair = {
  namesrvAddr: `127.0.0.1:${NAMESRV_PORT}`,
  brokers: { 'broker-a': `127.0.0.1:${BROKER_PORT}`, 'broker-b': `127.0.0.1:${BROKER_PORT + 10000}` },
};

export class HarnessError extends Error {
  constructor(
    message: string,
    readonly stderr: string,
  ) {
    super(`${message}\n${stderr.split('\n').slice(-30).join('\n')}`);
    this.name = 'HarnessError';
  }
}

export interface HarnessResult {
  code: number;
  stdout: string;
  stderr: string;
  ms: number;
}

export function harness(args: string[], timeoutMs = 300_000): Promise<HarnessResult> {
  const t0 = Date.now();
  return new Promise((resolve) => {
    execFile(
      HARNESS,
      args,
      { env: harnessEnv(), timeout: timeoutMs, maxBuffer: 64 * 1024 * 1024, killSignal: 'SIGTERM' },
      (err, stdout, stderr) => {
        const code = err ? (typeof (err as { code?: unknown }).code === 'number' ? (err as { code: number }).code : 1) : 0;
        resolve({ code, stdout: String(stdout), stderr: String(stderr), ms: Date.now() - t0 });
      },
    );
  });
}

async function must(args: string[], timeoutMs?: number): Promise<HarnessResult> {
  const r = await harness(args, timeoutMs);
  if (r.code !== 0) throw new HarnessError(`scripts/rocketmq ${args.join(' ')} exited ${r.code}`, r.stderr);
  return r;
}

/** Starts (or finds running) the NameServer and both brokers; returns their addresses. */
export async function ensureBrokerPair(): Promise<BrokerPair> {
  const st = await harness(['status']);
  if (st.code === 0 && /broker-b running/.test(st.stdout)) return pair;
  if (st.code !== 3) await must(['stop'], 120_000);
  const r = await must(['start', '--brokers', '2'], 400_000);
  if (!r.stdout.includes(`NAMESRV_ADDR=${pair.namesrvAddr}`)) {
    throw new HarnessError(`unexpected start output: ${r.stdout}`, r.stderr);
  }
  return pair;
}

export async function killBroker(name: BrokerName): Promise<number> {
  return (await must(['kill-broker', name], 60_000)).ms;
}

/** Restarts one broker on its existing store; resolves once it is registered again. Returns the ms taken. */
export async function restartBroker(name: BrokerName): Promise<number> {
  return (await must(['restart-broker', name], 300_000)).ms;
}

/** SIGKILLs the NameServer by its recorded pid; the brokers keep running. Returns the ms taken. */
export async function killNameServer(): Promise<number> {
  return (await must(['kill-namesrv'], 60_000)).ms;
}

/** Starts the NameServer again; resolves once both brokers registered with it again. Returns the ms taken. */
export async function restartNameServer(): Promise<number> {
  return (await must(['restart-namesrv'], 300_000)).ms;
}

/** Both brokers registered and running (restarts whichever is down). */
export async function healPair(): Promise<void> {
  const st = await harness(['status']);
  if (st.code === 0) return;
  if (!/namesrv running/.test(st.stdout)) {
    await must(['stop'], 120_000);
    await ensureBrokerPair();
    return;
  }
  for (const b of ['broker-a', 'broker-b'] as const) {
    if (!new RegExp(`${b} running`).test(st.stdout)) await restartBroker(b);
  }
}

/** Creates (or updates) a topic with `queues` read/write queues on the given brokers. */
export async function createTopic(topic: string, brokers: readonly BrokerName[], queues = 4): Promise<void> {
  for (const b of brokers) {
    const r = await must(['admin', 'updateTopic', '-b', pair.brokers[b], '-t', topic, '-r', String(queues), '-w', String(queues)]);
    // mqadmin exits 0 even on failure.
    if (!r.stdout.includes('success')) throw new HarnessError(`updateTopic ${topic} on ${b} failed: ${r.stdout}`, r.stderr);
  }
}

export async function stopBrokerPair(): Promise<void> {
  await harness(['stop'], 120_000);
}
