/**
 * Jest global setup of the e2e project: makes sure a real NameServer + Broker is reachable.
 *
 * - NAMESRV_ADDR set: use that cluster, start nothing.
 * - otherwise: `scripts/rocketmq start` (reusing a harness run that is already up), export NAMESRV_ADDR to the
 *   test workers, and remember whether we started it so that the teardown stops only what we started.
 * - no Java or no Maven (and no installed jars): e2e tests are skipped with a loud message, unless CI or
 *   ROCKETMQ_REQUIRED has any truthy value (`true`, `True`, `1`, `yes`...), where this throws.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { homedir } from 'node:os';
import { e2eRequired } from './helpers/e2e-required';

const ROOT = join(__dirname, '..', '..');
const HARNESS = join(ROOT, 'scripts', 'rocketmq');

export const SKIP_ENV = 'ROCKETMQ_E2E_SKIP_REASON';
export const STARTED_ENV = 'ROCKETMQ_E2E_STARTED_BY_SETUP';

const required = (): boolean => e2eRequired();

function onPath(cmd: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' }).status === 0;
}

function jarsInstalled(): boolean {
  const cache = process.env.ROCKETMQ_CACHE ?? join(homedir(), '.cache', 'rocketmq-ts');
  const version = process.env.ROCKETMQ_VERSION ?? '5.3.3';
  return existsSync(join(cache, 'lib', version, '.complete'));
}

function loud(lines: string[]): string {
  const bar = '!'.repeat(100);
  return ['', bar, ...lines.map((l) => `!!  ${l}`), bar, ''].join('\n');
}

export default async function globalSetup(): Promise<void> {
  delete process.env[SKIP_ENV];
  delete process.env[STARTED_ENV];

  if (process.env.NAMESRV_ADDR) {
    process.stderr.write(`[e2e] using the RocketMQ cluster at NAMESRV_ADDR=${process.env.NAMESRV_ADDR}\n`);
    return;
  }

  const javaHome = process.env.ROCKETMQ_JAVA_HOME ?? process.env.JAVA_HOME;
  const hasJava = javaHome ? existsSync(join(javaHome, 'bin', 'java')) : onPath('java');
  const hasMvn = onPath('mvn') || jarsInstalled();
  if (!hasJava || !hasMvn) {
    const missing = [!hasJava && 'a JDK (java)', !hasMvn && 'Maven (mvn)'].filter(Boolean).join(' and ');
    const msg = loud([
      `END-TO-END TESTS CANNOT RUN: ${missing} not found.`,
      'They need a real Apache RocketMQ NameServer + Broker, started by scripts/rocketmq from Maven Central jars.',
      'Install a JDK 17 and Maven, or point NAMESRV_ADDR at a running cluster.',
      required()
        ? 'CI / ROCKETMQ_REQUIRED is set: FAILING.'
        : 'Every e2e suite is SKIPPED (set ROCKETMQ_REQUIRED=1 to make this an error).',
    ]);
    if (required()) throw new Error(msg);
    process.stderr.write(msg);
    process.env[SKIP_ENV] = `${missing} not found`;
    return;
  }

  const wasRunning = spawnSync('bash', [HARNESS, 'status'], { stdio: 'ignore' }).status === 0;
  process.stderr.write(
    wasRunning
      ? '\n[e2e] reusing the RocketMQ already started by scripts/rocketmq\n'
      : '\n[e2e] starting a real RocketMQ NameServer + Broker (scripts/rocketmq start)...\n',
  );
  const t0 = Date.now();
  const res = spawnSync('bash', [HARNESS, 'start'], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'inherit'],
    encoding: 'utf8',
    timeout: 15 * 60 * 1000,
  });
  const addr = /^NAMESRV_ADDR=(\S+)$/m.exec(res.stdout ?? '')?.[1];
  if (res.status !== 0 || !addr) {
    throw new Error(
      `scripts/rocketmq start failed (exit ${res.status ?? res.signal}); see its output above.\n${res.stdout ?? ''}`,
    );
  }
  process.env.NAMESRV_ADDR = addr;
  if (!wasRunning) process.env[STARTED_ENV] = '1';
  process.stderr.write(`[e2e] NAMESRV_ADDR=${addr} (${Date.now() - t0} ms)\n`);
}
