/**
 * The shared body of the Node client drivers (client-rocketmq-ts.ts, client-ali-ons.ts): reads run commands on
 * stdin (worker-protocol.ts), drives the client, prints one result line per run. Each driver only supplies a
 * NodeClient adapter, so both Node clients are measured by the same loop.
 */
import { readFileSync } from 'node:fs';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { createInterface } from 'node:readline';
import { Histogram } from './histogram';
import { ELD_RESOLUTION_MS, eldP99Ms, parseKeyValues, parseRunCommand, type RunCommand, type RunResult, type WorkerEvent } from './worker-protocol';

export interface DriverOptions {
  namesrv: string;
  topic: string;
  group: string;
  compressOver: number;
  sendTimeoutMs: number;
  /** Driver-specific extras from the command line (e.g. api=callback). */
  extra: Map<string, string>;
}

export type Done = (err: unknown) => void;

export interface NodeClient {
  readonly client: string;
  readonly version: string;
  start(): Promise<void>;
  shutdown(): Promise<void>;
  /** One message; resolves once the broker acknowledged it with SEND_OK, rejects otherwise. */
  send(body: Buffer): Promise<void>;
  /** The client's callback form of an async send, if it has one and the driver was asked to use it. */
  sendWithCallback?(body: Buffer, done: Done): void;
  sendBatch?(body: Buffer, count: number): Promise<void>;
  sendOneway?(body: Buffer): Promise<void>;
}

class Tally {
  ok = 0;
  errors = 0;
  firstError: string | undefined;

  fail(err: unknown): void {
    this.errors++;
    if (this.firstError === undefined) {
      this.firstError = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
    }
  }
}

function emit(ev: WorkerEvent): void {
  process.stdout.write(JSON.stringify(ev) + '\n');
}

/**
 * Keeps `cmd.inflight` operations going until the time or the message budget is spent, then waits for the
 * ones in flight. `op` calls `done` exactly once; a synchronous completion loops instead of recursing.
 */
function runLanes(cmd: RunCommand, perOp: number, op: (done: Done) => void, hist: Histogram, tally: Tally): Promise<void> {
  return new Promise((resolve) => {
    const deadline = performance.now() + cmd.durationMs;
    let issued = 0;
    let active = 0;
    const issue = (): void => {
      for (;;) {
        if (issued >= cmd.maxMsgs || performance.now() >= deadline) {
          if (active === 0) resolve();
          return;
        }
        issued += perOp;
        active++;
        const t0 = performance.now();
        let inCall = true;
        let completedInCall = false;
        const done: Done = (err) => {
          active--;
          if (err) tally.fail(err);
          else {
            hist.record((performance.now() - t0) * 1000);
            tally.ok += perOp;
          }
          if (inCall) completedInCall = true;
          else issue();
        };
        try {
          op(done);
        } catch (err) {
          done(err);
        }
        inCall = false;
        if (!completedInCall) return;
      }
    };
    for (let i = 0; i < cmd.inflight; i++) issue();
  });
}

async function runSync(cmd: RunCommand, client: NodeClient, body: Buffer, hist: Histogram, tally: Tally): Promise<void> {
  const deadline = performance.now() + cmd.durationMs;
  for (let issued = 0; issued < cmd.maxMsgs && performance.now() < deadline; issued++) {
    const t0 = performance.now();
    try {
      await client.send(body);
      hist.record((performance.now() - t0) * 1000);
      tally.ok++;
    } catch (err) {
      tally.fail(err);
    }
  }
}

async function runOne(client: NodeClient, cmd: RunCommand): Promise<WorkerEvent> {
  const body = readFileSync(cmd.body);
  const hist = new Histogram();
  const tally = new Tally();
  // How long the loop stalls while this client works (a synchronous deflate of a big body shows here).
  const eld = monitorEventLoopDelay({ resolution: ELD_RESOLUTION_MS });
  eld.enable();
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  switch (cmd.mode) {
    case 'sync':
      await runSync(cmd, client, body, hist, tally);
      break;
    case 'async': {
      const withCb = client.sendWithCallback?.bind(client);
      const op: (done: Done) => void = withCb
        ? (done) => withCb(body, done)
        : (done) => void client.send(body).then(() => done(undefined), done);
      await runLanes(cmd, 1, op, hist, tally);
      break;
    }
    case 'batch': {
      const sendBatch = client.sendBatch?.bind(client);
      if (!sendBatch) return { event: 'error', id: cmd.id, message: `${client.client} has no batch send` };
      await runLanes(cmd, cmd.batch, (done) => void sendBatch(body, cmd.batch).then(() => done(undefined), done), hist, tally);
      break;
    }
    case 'oneway': {
      const sendOneway = client.sendOneway?.bind(client);
      if (!sendOneway) return { event: 'error', id: cmd.id, message: `${client.client} has no oneway send` };
      await runLanes(cmd, 1, (done) => void sendOneway(body).then(() => done(undefined), done), hist, tally);
      break;
    }
  }
  const elapsed = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  eld.disable();
  const result: RunResult = {
    event: 'result',
    id: cmd.id,
    msgs: tally.ok,
    errors: tally.errors,
    elapsed_s: elapsed,
    cpu_s: (cpu.user + cpu.system) / 1e6,
    samples: hist.total,
    p50_us: hist.percentile(0.5),
    p99_us: hist.percentile(0.99),
    p999_us: hist.percentile(0.999),
    max_us: hist.max,
    eld_p99_ms: eldP99Ms(eld),
  };
  if (tally.firstError !== undefined) result.first_error = tally.firstError;
  return result;
}

export function driverOptions(argv: readonly string[]): DriverOptions {
  const kv = parseKeyValues(argv);
  const namesrv = kv.get('namesrv');
  const topic = kv.get('topic');
  if (!namesrv || !topic) {
    process.stderr.write('usage: namesrv=HOST:PORT topic=TOPIC [group=G] [compressOver=4096] [sendTimeoutMs=3000]\n');
    process.exit(2);
  }
  return {
    namesrv,
    topic,
    group: kv.get('group') ?? `bench_node_${process.pid}`,
    compressOver: Number(kv.get('compressOver') ?? 4096),
    sendTimeoutMs: Number(kv.get('sendTimeoutMs') ?? 3000),
    extra: kv,
  };
}

/** Starts the client, answers run commands until `quit` or end of input, shuts down, exits. */
export async function runNodeWorker(client: NodeClient): Promise<void> {
  await client.start();
  // Route lookup and connection before anything is measured.
  await client.send(Buffer.alloc(16));
  emit({ event: 'ready', client: client.client, version: client.version, runtime: `node ${process.version}` });
  const rl = createInterface({ input: process.stdin, crlfDelay: Infinity });
  for await (const raw of rl) {
    const line = raw.trim();
    if (line === '') continue;
    if (line === 'quit') break;
    if (!line.startsWith('run ')) {
      emit({ event: 'error', message: `unknown command: ${line}` });
      continue;
    }
    let cmd: RunCommand;
    try {
      cmd = parseRunCommand(line);
    } catch (err) {
      emit({ event: 'error', message: String(err) });
      continue;
    }
    try {
      emit(await runOne(client, cmd));
    } catch (err) {
      emit({ event: 'error', id: cmd.id, message: String(err) });
    }
  }
  rl.close();
  await client.shutdown();
}

/** Entry point helper for a driver file: runs the worker, exits 0 or 1. */
export function main(make: (opts: DriverOptions) => NodeClient): void {
  const opts = driverOptions(process.argv.slice(2));
  runNodeWorker(make(opts)).then(
    () => process.exit(0),
    (err: unknown) => {
      process.stderr.write(`worker failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
      process.exit(1);
    },
  );
}
