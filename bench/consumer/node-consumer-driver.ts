/**
 * The shared part of the Node consumer drivers (rocketmq-ts, ali-ons): counting, latency, CPU, the event
 * lines and the SIGTERM shutdown of consumer-protocol.ts. A driver supplies `start(onMessage)`.
 */
import { MsHistogram } from './ms-histogram';
import { parseWorkerArgs, type WorkerArgs, type WorkerEvent } from './consumer-protocol';

export interface NodeConsumer {
  readonly client: string;
  readonly version: string;
  /** Starts consuming; `onMessage(storeTimestampMs)` once per handled message. Undefined: not supported. */
  start(onMessage: (storeTimestampMs: number) => void): Promise<void> | undefined;
  shutdown(): Promise<void>;
}

function emit(ev: WorkerEvent): void {
  process.stdout.write(`${JSON.stringify(ev)}\n`);
}

function cpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

export function runNodeConsumer(make: (args: WorkerArgs) => NodeConsumer): void {
  const args = parseWorkerArgs(process.argv.slice(2));
  const consumer = make(args);
  const hist = new MsHistogram();
  let count = 0;
  let firstMs = 0;
  let cpuFirst = 0;
  const onMessage = (storeTs: number): void => {
    const now = Date.now();
    if (count === 0) {
      firstMs = now;
      cpuFirst = cpuMs();
    }
    hist.record(now - storeTs);
    if (++count === args.expect) {
      emit({
        event: 'done',
        count,
        first_ms: firstMs,
        last_ms: now,
        cpu_ms_first: cpuFirst,
        cpu_ms_last: cpuMs(),
        lat_p50_us: hist.percentileUs(0.5),
        lat_p99_us: hist.percentileUs(0.99),
      });
    }
  };
  const started = consumer.start(onMessage);
  if (!started) {
    emit({ event: 'unsupported', reason: `${consumer.client} has no consumer for ${args.workload}` });
    process.exit(0);
  }
  started.then(
    () => emit({ event: 'ready', client: consumer.client, version: consumer.version }),
    (err: unknown) => {
      process.stderr.write(`start failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
      process.exit(2);
    },
  );
  process.once('SIGTERM', () => {
    consumer.shutdown().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  });
}
