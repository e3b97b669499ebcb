import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { createConsoleLogger, silentLogger } from '../logger';
import { Message } from '../message/message';
import { DefaultMQProducer } from '../producer/default-mq-producer';
import type { SendResult } from '../producer/send-result';
import { EXIT_OK, parseIntOption, usageError } from './cli-error';
import { NAMESRV_OPTION, nameServerAddrs } from './name-server-client';
import { writeJsonLine, writeLine } from './output';
import { ProgressLine } from './progress-line';

interface SendCommandOptions {
  namesrv?: string;
  group: string;
  tags?: string;
  keys?: string;
  property: string[];
  delayLevel?: string;
  count: string;
  rate: string;
  asyncWindow: string;
  timeout: string;
  json?: boolean;
  verbose?: boolean;
}

function parseProperties(list: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const item of list) {
    const eq = item.indexOf('=');
    if (eq <= 0) throw usageError(`--property ${JSON.stringify(item)} is not KEY=VALUE`);
    out[item.slice(0, eq)] = item.slice(eq + 1);
  }
  return out;
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

const round = (x: number): number => Math.round(x * 1000) / 1000;

async function run(topic: string, bodyArg: string | undefined, o: SendCommandOptions): Promise<number> {
  const count = parseIntOption(o.count, '--count', 1, 1_000_000_000);
  const rate = parseIntOption(o.rate, '--rate', 0, 10_000_000);
  const window = parseIntOption(o.asyncWindow, '--async-window', 1, 100_000);
  const timeout = parseIntOption(o.timeout, '--timeout', 1, 600_000);
  const delayTimeLevel = o.delayLevel !== undefined ? parseIntOption(o.delayLevel, '--delay-level', 1, 1000) : undefined;
  const properties = parseProperties(o.property);
  const addrs = nameServerAddrs(o.namesrv);
  const stdinBody = bodyArg === '-' ? readFileSync(0) : undefined;
  const bodyOf = (i: number): Buffer | string => stdinBody ?? bodyArg ?? `rocketmq-ts cli message ${i}`;
  const keys = o.keys?.split(',').map((k) => k.trim()).filter((k) => k.length > 0);
  const makeMessage = (i: number): Message =>
    new Message(topic, bodyOf(i), {
      ...(o.tags !== undefined ? { tags: o.tags } : {}),
      ...(keys?.length ? { keys } : {}),
      ...(delayTimeLevel !== undefined ? { delayTimeLevel } : {}),
      properties,
    });
  makeMessage(0); // refuses a bad topic or property before any connection

  // The client's own log (retries, route changes) only on request: the failure itself is one line.
  const logger = o.verbose ? createConsoleLogger('debug') : silentLogger;
  const producer = new DefaultMQProducer({ producerGroup: o.group, namesrvAddr: addrs, sendMsgTimeoutMs: timeout, logger });
  const latencies: number[] = [];
  let failure: unknown;
  let failed = 0;
  const progress = new ProgressLine(count);
  const started = performance.now();
  await producer.start();
  try {
    const inflight = new Set<Promise<void>>();
    for (let i = 0; i < count && failure === undefined; i++) {
      if (rate > 0) {
        const due = started + (i * 1000) / rate;
        const wait = due - performance.now();
        if (wait > 1) await new Promise((r) => setTimeout(r, wait));
      }
      while (inflight.size >= window) await Promise.race(inflight);
      if (failure !== undefined) break;
      const t0 = performance.now();
      const p = producer
        .send(makeMessage(i))
        .then((r: SendResult) => {
          const ms = performance.now() - t0;
          latencies.push(ms);
          progress.tick();
          const q = r.messageQueue;
          if (o.json) {
            writeJsonLine({ i, status: r.sendStatus, msgId: r.msgId, offsetMsgId: r.offsetMsgId, broker: q.brokerName, queueId: q.queueId, queueOffset: r.queueOffset, latencyMs: round(ms) });
          } else {
            writeLine(`${r.sendStatus} ${r.msgId} ${q.brokerName}/${q.queueId}@${r.queueOffset} ${ms.toFixed(1)} ms`);
          }
        })
        .catch((e: unknown) => {
          failed++;
          failure ??= e;
        })
        .finally(() => inflight.delete(p));
      inflight.add(p);
    }
    await Promise.all(inflight);
  } finally {
    progress.stop();
    await producer.shutdown();
  }
  const elapsedMs = performance.now() - started;
  const sorted = [...latencies].sort((a, b) => a - b);
  const summary = {
    sent: latencies.length,
    failed,
    elapsedMs: round(elapsedMs),
    msgPerSec: round((latencies.length * 1000) / Math.max(elapsedMs, 0.001)),
    latencyMs: {
      min: round(sorted[0] ?? 0),
      p50: round(percentile(sorted, 50)),
      p99: round(percentile(sorted, 99)),
      max: round(sorted[sorted.length - 1] ?? 0),
      mean: round(sorted.reduce((a, b) => a + b, 0) / Math.max(sorted.length, 1)),
    },
  };
  if (o.json) writeJsonLine({ summary });
  else {
    const l = summary.latencyMs;
    writeLine(`sent ${summary.sent}, failed ${failed} in ${(elapsedMs / 1000).toFixed(2)} s: ${summary.msgPerSec.toFixed(1)} msg/s; latency ms min ${l.min} p50 ${l.p50} p99 ${l.p99} max ${l.max}`);
  }
  if (failure !== undefined) throw failure;
  return EXIT_OK;
}

export function registerSend(program: Command, action: (name: string, fn: () => Promise<number>) => Promise<void>): void {
  program
    .command('send')
    .description('send messages with DefaultMQProducer and print their ids and a throughput/latency summary')
    .argument('<topic>', 'topic to send to')
    .argument('[body]', 'message body; - reads it from stdin; absent: "rocketmq-ts cli message <n>"')
    .option(...NAMESRV_OPTION)
    .option('-g, --group <group>', 'producer group', 'rocketmq-ts-cli')
    .option('--tags <tags>', 'message tag')
    .option('--keys <keys>', 'message keys, comma-separated')
    .option('-p, --property <key=value>', 'user property; repeatable', (v: string, acc: string[]) => [...acc, v], [] as string[])
    .option('--delay-level <level>', 'delay level (1 = 1s ... 18 = 2h on a default broker)')
    .option('-c, --count <n>', 'number of messages', '1')
    .option('--rate <n>', 'at most n messages a second (0: as fast as the window allows)', '0')
    .option('--async-window <n>', 'sends in flight at once', '1')
    .option('--timeout <ms>', 'budget of each send, retries included', '3000')
    .option('--json', 'JSON lines: one per message, then {"summary": ...}')
    .option('--verbose', "the client's log on stderr (retries, routes)")
    .addHelpText('after', '\nStops at the first failed send. A progress bar shows on stderr when it is a terminal.\nExit codes: 0 all sent, 1 a send failed, 2 invalid input or usage.')
    .action((topic: string, body: string | undefined, o: SendCommandOptions) => action('send', () => run(topic, body, o)));
}
