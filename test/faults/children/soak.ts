import { RocketMQError } from '../../../src/errors';
import { DefaultMQProducer } from '../../../src/producer/default-mq-producer';
import { Message } from '../../../src/message/message';
import type { SendResult } from '../../../src/producer/send-result';
import { CountingLogger } from '../support/counting-logger';
import { envNumber, envString, event, result } from './report';

/**
 * Scenario 6 child: async (callback) sends at a steady rate for SOAK_MS, sampling memory and open
 * handles every SAMPLE_MS after a forced GC. Keeps only counters, so any growth is the client's.
 * Run with --expose-gc.
 */

const namesrvAddr = envString('SOAK_NAMESRV');
const topic = envString('SOAK_TOPIC');
const soakMs = envNumber('SOAK_MS', 60_000);
const ratePerSec = envNumber('SOAK_RATE', 500);
const sampleMs = envNumber('SOAK_SAMPLE_MS', 5000);
const TICK_MS = 10;

const gc = (globalThis as { gc?: () => void }).gc;

interface Sample {
  t: number;
  rssMiB: number;
  heapUsedMiB: number;
  externalMiB: number;
  handles: Record<string, number>;
  handlesTotal: number;
  inflight: number;
  sent: number;
  ok: number;
  failed: number;
}

function handleCounts(): Record<string, number> {
  const out: Record<string, number> = {};
  for (const r of process.getActiveResourcesInfo()) out[r] = (out[r] ?? 0) + 1;
  return out;
}

const MiB = (n: number): number => Math.round((n / 1048576) * 10) / 10;

async function main(): Promise<void> {
  const logger = new CountingLogger();
  const producer = new DefaultMQProducer({ producerGroup: `faults_soak_${process.pid}`, namesrvAddr, logger });
  await producer.start();
  await producer.send(new Message(topic, Buffer.from('warm-up')));
  const counts = { sent: 0, ok: 0, failed: 0, untyped: 0 };
  const failureKinds: Record<string, number> = {};
  const body = Buffer.alloc(256, 'soak-');
  const callback = {
    onSuccess: (_r: SendResult): void => {
      counts.ok++;
    },
    onException: (e: Error): void => {
      counts.failed++;
      if (!(e instanceof RocketMQError)) counts.untyped++;
      const k = e instanceof RocketMQError ? e.code : e.name;
      failureKinds[k] = (failureKinds[k] ?? 0) + 1;
    },
  };
  const samples: Sample[] = [];
  const t0 = Date.now();
  const sample = (): void => {
    gc?.();
    const m = process.memoryUsage();
    const handles = handleCounts();
    samples.push({
      t: Date.now() - t0,
      rssMiB: MiB(m.rss),
      heapUsedMiB: MiB(m.heapUsed),
      externalMiB: MiB(m.external),
      handles,
      handlesTotal: Object.values(handles).reduce((a, b) => a + b, 0),
      inflight: producer.clientInstance?.remotingClient.inflightCount ?? -1,
      ...counts,
    });
  };
  event('started');
  await new Promise<void>((resolve) => {
    // Paced by elapsed time, so a slow tick is made up for and the rate stays steady.
    const ticker = setInterval(() => {
      const elapsed = Date.now() - t0;
      if (elapsed >= soakMs) {
        clearInterval(ticker);
        clearInterval(sampler);
        resolve();
        return;
      }
      const due = Math.floor((elapsed * ratePerSec) / 1000);
      while (counts.sent < due) {
        counts.sent++;
        producer.send(new Message(topic, body, { keys: `soak-${counts.sent}` }), callback);
      }
    }, TICK_MS);
    const sampler = setInterval(sample, sampleMs);
  });
  // Let the last sends settle (bounded), then a final sample.
  const until = Date.now() + 10_000;
  while (counts.ok + counts.failed < counts.sent && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
  sample();
  await producer.shutdown();
  event('shutdown');
  result({ counts, failureKinds, samples, logs: logger.byLevel, soakMs, ratePerSec });
}

main().catch((err: unknown) => {
  process.stderr.write(`soak failed: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exitCode = 1;
});
