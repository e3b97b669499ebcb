/** Jest global teardown of the e2e project: stops the RocketMQ only if the global setup started it. */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

const HARNESS = join(__dirname, '..', '..', 'scripts', 'rocketmq');

export default async function globalTeardown(): Promise<void> {
  if (process.env.ROCKETMQ_E2E_STARTED_BY_SETUP !== '1') return;
  if (process.env.ROCKETMQ_KEEP === '1') {
    process.stderr.write('[e2e] ROCKETMQ_KEEP=1: leaving RocketMQ running (scripts/rocketmq stop)\n');
    return;
  }
  process.stderr.write('[e2e] stopping the RocketMQ started by the global setup\n');
  const res = spawnSync('bash', [HARNESS, 'stop'], { stdio: ['ignore', 'ignore', 'inherit'], timeout: 5 * 60 * 1000 });
  delete process.env.ROCKETMQ_E2E_STARTED_BY_SETUP;
  delete process.env.NAMESRV_ADDR;
  if (res.status !== 0) throw new Error(`scripts/rocketmq stop failed (exit ${res.status ?? res.signal})`);
}
