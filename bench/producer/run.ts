/**
 * `npm run bench:producer [-- options]`: rocketmq-ts against the Java DefaultMQProducer, ali-ons and the Go
 * client on one real broker, in one run, interleaved per workload (A B C D, A B C D, ...) so drift hits all
 * alike. `--stub` runs rocketmq-ts against an in-process stub broker instead, to show the client's own cost.
 * Prints one JSON line per (client, workload) on stdout and writes bench/results/latest.md (or latest-stub.md).
 * Never part of `npm test`. Options: see usage() below and docs/benchmarks.md.
 */
import { mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { runBenchMain } from './bench-main';
import { BenchError } from './bench-error';
import { HarnessBroker, ROOT, type HarnessEnv } from './broker-control';
import { IdleLoopPeer } from './idle-loop-peer';
import { CLIENTS, CLIENT_NAMES, DEFAULT_CLIENTS, DEFAULT_STUB_CLIENTS, type ClientName, type LaunchContext } from './clients';
import { OffsetProbe, watchStored } from './offset-probe';
import { summarizeProfile } from './profile-summary';
import { judgeGoals, renderMarkdown, summarize, unsupported, type Round, type Summary } from './report';
import { StubBroker } from './stub-broker';
import { WorkerProcess } from './worker-process';
import { WORKLOADS, makeBody, type Workload } from './workloads';
import type { RunCommand } from './worker-protocol';

interface Options {
  stub: boolean;
  quick: boolean;
  clients: ClientName[];
  workloads: Workload[];
  rounds: number;
  durationMs: number;
  warmupMs: number;
  pauseMs: number;
  maxMsgs: number;
  queues: number;
  cpuProf: boolean;
  out: string | undefined;
  write: boolean;
  brokerArgs: string[];
}

function usage(): string {
  return `usage: npm run bench:producer -- [options]
  --quick                 one short round (about a minute)
  --stub                  rocketmq-ts against an in-process stub broker (client cost only)
  --clients a,b           any of ${CLIENT_NAMES.join(',')}
                          (default ${DEFAULT_CLIENTS.join(',')}; --stub: ${DEFAULT_STUB_CLIENTS.join(',')})
  --workloads a,b         subset of ${WORKLOADS.map((w) => w.name).join(',')}
  --rounds N              measured rounds per client and workload (default 6, --quick 1)
  --duration-ms N         length of one measured run (default 1500, --quick 1000)
  --warmup-ms N           warm-up run per client and workload before the rounds (default 1500, --quick 500)
  --pause-ms N            pause between runs, lets the broker settle (default 300)
  --max-msgs N            message cap per run (default 2000000)
  --queues N              write queues of the benchmark topic (default 8)
  --cpu-prof              rocketmq-ts worker writes a V8 CPU profile to bench/results/profiles/
  --out FILE              markdown report path (default bench/results/latest.md, --stub: latest-stub.md)
  --no-write              print the JSON lines only
  --broker-arg ARG        extra argument for 'scripts/rocketmq start' (repeatable)
environment: NAMESRV_ADDR uses that cluster instead of starting one; BENCH_JAVA_OPTS adds JVM options.`;
}

function parseOptions(argv: string[]): Options {
  const o: Options = {
    stub: false,
    quick: false,
    clients: [...DEFAULT_CLIENTS],
    workloads: [...WORKLOADS],
    rounds: 6,
    durationMs: 1500,
    warmupMs: 1500,
    pauseMs: 300,
    maxMsgs: 2_000_000,
    queues: 8,
    cpuProf: false,
    out: undefined,
    write: true,
    brokerArgs: [],
  };
  let clientsGiven = false;
  const set: Record<string, boolean> = {};
  const num = (name: string, v: string | undefined): number => {
    const n = Number(v);
    if (v === undefined || !Number.isFinite(n) || n <= 0) throw new BenchError(`${name} needs a positive number`);
    set[name] = true;
    return n;
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const next = (): string | undefined => argv[++i];
    switch (a) {
      case '--stub':
        o.stub = true;
        break;
      case '--quick':
        o.quick = true;
        break;
      case '--clients': {
        const names = (next() ?? '').split(',').filter(Boolean);
        for (const n of names) if (!(CLIENT_NAMES as readonly string[]).includes(n)) throw new BenchError(`unknown client ${n}`);
        o.clients = names as ClientName[];
        clientsGiven = true;
        break;
      }
      case '--workloads': {
        const names = (next() ?? '').split(',').filter(Boolean);
        o.workloads = names.map((n) => {
          const w = WORKLOADS.find((x) => x.name === n);
          if (!w) throw new BenchError(`unknown workload ${n}`);
          return w;
        });
        break;
      }
      case '--rounds':
        o.rounds = Math.floor(num(a, next()));
        break;
      case '--duration-ms':
        o.durationMs = num(a, next());
        break;
      case '--warmup-ms':
        o.warmupMs = num(a, next());
        break;
      case '--pause-ms':
        o.pauseMs = num(a, next());
        break;
      case '--max-msgs':
        o.maxMsgs = num(a, next());
        break;
      case '--queues':
        o.queues = Math.floor(num(a, next()));
        break;
      case '--cpu-prof':
        o.cpuProf = true;
        break;
      case '--out':
        o.out = next();
        break;
      case '--no-write':
        o.write = false;
        break;
      case '--broker-arg':
        o.brokerArgs.push(next() ?? '');
        break;
      case '-h':
      case '--help':
        process.stderr.write(usage() + '\n');
        process.exit(0);
        break;
      default:
        throw new BenchError(`unknown option ${a}\n${usage()}`);
    }
  }
  if (o.quick) {
    if (!set['--rounds']) o.rounds = 1;
    if (!set['--duration-ms']) o.durationMs = 1000;
    if (!set['--warmup-ms']) o.warmupMs = 500;
    if (!set['--pause-ms']) o.pauseMs = 200;
  }
  if (o.stub && !clientsGiven) o.clients = [...DEFAULT_STUB_CLIENTS];
  return o;
}

const t0 = performance.now();
const loadAtStart = loadavg().map((l) => l.toFixed(1)).join(' / ');
function log(line: string): void {
  process.stderr.write(`[bench ${((performance.now() - t0) / 1000).toFixed(1).padStart(6)}s] ${line}\n`);
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

class Bench {
  private readonly workers = new Map<ClientName, WorkerProcess>();
  private readonly unavailable: Record<string, string> = {};
  private readonly versions: Record<string, string> = {};
  private readonly tmp = mkdtempSync(join(tmpdir(), 'rocketmq-ts-bench-bodies-'));
  private broker: HarnessBroker | undefined;
  private stubBroker: StubBroker | undefined;
  /** Measures an idle Node process's loop delay beside every run: the floor of the Node clients' figure. */
  private idlePeer: IdleLoopPeer | undefined;
  private harness: HarnessEnv | undefined;
  private namesrv = '';
  private brokerLine = '';
  private readonly topic: string;
  private stopping = false;

  private get brokerKind(): Summary['broker'] {
    return this.o.stub ? 'stub' : 'rocketmq';
  }

  constructor(private readonly o: Options) {
    this.topic = o.stub ? 'bench_producer_stub' : 'bench_producer';
  }

  async setUp(): Promise<void> {
    const o = this.o;
    if (o.stub) {
      this.stubBroker = new StubBroker({ queues: o.queues });
      this.namesrv = await this.stubBroker.start();
      this.brokerLine = `in-process stub NameServer + broker (acknowledges at once, stores nothing) at ${this.namesrv}`;
      // The Java client, if asked for, still needs the harness's jars.
      if (o.clients.includes('java')) {
        this.broker = HarnessBroker.create(log, 'stub');
        this.harness = await this.broker.harnessEnv().catch(() => undefined);
      }
    } else {
      const external = process.env.NAMESRV_ADDR || undefined;
      this.broker = HarnessBroker.create(log, external);
      this.harness = await this.broker.harnessEnv();
      if (external) {
        this.namesrv = external;
        this.brokerLine = `external cluster at NAMESRV_ADDR=${external}`;
      } else {
        log(`starting RocketMQ ${this.harness.version} through scripts/rocketmq (${this.broker.describe()})`);
        this.namesrv = await this.broker.start(o.brokerArgs);
        this.brokerLine = `Apache RocketMQ ${this.harness.version}, 1 NameServer + 1 broker on this machine (scripts/rocketmq, defaults), NameServer ${this.namesrv}`;
      }
      log(`creating topic ${this.topic} with ${o.queues} queues`);
      if (!(await this.broker.createTopic(this.topic, o.queues))) {
        log('topic creation did not report success; relying on the broker creating it on first send');
      }
    }
    this.versions.broker = this.harness ? `RocketMQ ${this.harness.version}` : 'stub';
    const sizes = new Set(o.workloads.map((w) => w.size));
    for (const size of sizes) writeFileSync(this.bodyPath(size), makeBody(size));
    await this.startWorkers();
    this.idlePeer = new IdleLoopPeer(ROOT);
    // Fail early when the broker cannot be probed (oneway runs count what it stored).
    if (!o.stub && o.workloads.some((w) => w.mode === 'oneway')) (await OffsetProbe.open(this.namesrv, this.topic)).close();
  }

  private bodyPath(size: number): string {
    return join(this.tmp, `body-${size}.bin`);
  }

  private async startWorkers(): Promise<void> {
    const ctx = this.launchContext();
    if (ctx.cpuProfDir) mkdirSync(ctx.cpuProfDir, { recursive: true });
    await Promise.all(
      this.o.clients.map(async (name) => {
        try {
          const spec = await CLIENTS[name].prepare(ctx);
          const w = new WorkerProcess(spec);
          this.workers.set(name, w);
          const ready = await w.waitReady(180_000);
          this.versions[name] = `${ready.version}${ready.runtime ? ` (${ready.runtime})` : ''}`;
          log(`${name} ready: ${this.versions[name]}, pid ${w.pid}`);
        } catch (err) {
          const why = err instanceof Error ? err.message : String(err);
          this.unavailable[name] = why;
          this.workers.get(name)?.kill();
          this.workers.delete(name);
          log(`${name} cannot run: ${why}`);
        }
      }),
    );
    if (this.workers.size === 0) throw new BenchError('no client could start');
  }

  private launchContext(): LaunchContext {
    const cpuProfDir = this.o.cpuProf ? join(ROOT, 'bench', 'results', 'profiles') : undefined;
    return { namesrv: this.namesrv, topic: this.topic, harness: this.harness, cpuProfDir, log };
  }

  private command(w: Workload, id: string, durationMs: number): RunCommand {
    return {
      id,
      mode: w.mode,
      inflight: w.inflight,
      size: w.size,
      batch: w.batch,
      durationMs,
      maxMsgs: this.o.maxMsgs,
      body: this.bodyPath(w.size),
    };
  }

  /** One run; oneway runs are counted by what the broker (or the stub) stored. */
  /** One run, with the idle peer's loop delay over the same time. */
  private async runOnce(name: ClientName, w: Workload, id: string, durationMs: number): Promise<Round> {
    this.idlePeer?.start();
    const round = await this.runClient(name, w, id, durationMs);
    const idle = await this.idlePeer?.stop();
    if (idle !== undefined) round.idleEldP99Ms = idle;
    return round;
  }

  private async runClient(name: ClientName, w: Workload, id: string, durationMs: number): Promise<Round> {
    const worker = this.workers.get(name)!;
    const timeout = durationMs + 120_000;
    if (w.mode !== 'oneway') return { outcome: await worker.run(this.command(w, id, durationMs), timeout) };
    // A fresh probe per run: the broker closes connections idle for 120 s.
    const probe = this.stubBroker ? undefined : await OffsetProbe.open(this.namesrv, this.topic);
    // The stub counts every send it received: the Go client's "oneway" is a plain request whose answer it ignores.
    const stub = this.stubBroker;
    const total = probe ? (): Promise<number> => probe.total() : async (): Promise<number> => stub!.stats.oneways + stub!.stats.sends;
    let startedAt = 0;
    const watched = await watchStored(total, () => {
      startedAt = performance.now();
      return worker.run(this.command(w, id, durationMs), timeout);
    }).finally(() => probe?.close());
    const { result, stored, storedAt } = watched;
    return { outcome: result, stored, storedSeconds: (storedAt - startedAt) / 1000 };
  }

  async measure(): Promise<Summary[]> {
    const all: Summary[] = [];
    for (const w of this.o.workloads) {
      const rounds = new Map<ClientName, Round[]>();
      const order = this.o.clients.filter((c) => this.workers.has(c) && CLIENTS[c].supports(w.mode));
      for (const c of this.o.clients) {
        if (this.workers.has(c) && !CLIENTS[c].supports(w.mode)) all.push(unsupported(c, w, `no ${w.mode} send`, this.brokerKind));
      }
      log(`${w.name}: warm-up ${this.o.warmupMs} ms each`);
      for (const c of order) {
        if (this.stopping) return all;
        await this.tryRun(c, w, `${w.name}-warmup`, this.o.warmupMs);
      }
      for (let r = 1; r <= this.o.rounds; r++) {
        // A B C D, B C D A, ...: interleaved, and no client always runs right after the same one.
        const shift = (r - 1) % Math.max(1, order.length);
        for (const c of [...order.slice(shift), ...order.slice(0, shift)]) {
          if (this.stopping) return all;
          if (!this.workers.has(c)) continue;
          await sleep(this.o.pauseMs);
          const round = await this.tryRun(c, w, `${w.name}-r${r}`, this.o.durationMs);
          if (!round) continue;
          const list = rounds.get(c) ?? [];
          list.push(round);
          rounds.set(c, list);
          const res = round.outcome.result;
          const count = round.stored ?? res.msgs;

          log(
            `  ${w.name} round ${r} ${c.padEnd(11)} ${Math.round(count / Math.max(res.elapsed_s, round.storedSeconds ?? 0)).toString().padStart(7)} msgs/s` +
              `  p50 ${res.p50_us} µs  p99 ${res.p99_us} µs  cpu ${res.cpu_s.toFixed(2)} s  rss ${round.outcome.rssMb?.toFixed(0) ?? '?'} MB` +
              `${res.eld_p99_ms !== undefined ? `  loop p99 ${res.eld_p99_ms} ms (idle peer ${round.idleEldP99Ms ?? '?'})` : ''}` +
              `${res.errors ? `  errors ${res.errors} (${res.first_error ?? ''})` : ''}${round.stored !== undefined ? `  stored ${round.stored}/${res.msgs}` : ''}`,
          );
        }
      }
      for (const c of order) {
        const list = rounds.get(c);
        if (list?.length) {
          const s = summarize(c, w, list, this.brokerKind);
          all.push(s);
          process.stdout.write(JSON.stringify(s) + '\n');
        }
      }
    }
    return all;
  }

  private async restartWorker(name: ClientName): Promise<void> {
    this.workers.get(name)?.kill();
    this.workers.delete(name);
    try {
      const spec = await CLIENTS[name].prepare(this.launchContext());
      const w = new WorkerProcess(spec);
      this.workers.set(name, w);
      await w.waitReady(180_000);
    } catch (err) {
      this.unavailable[name] = `restart failed: ${err instanceof Error ? err.message : String(err)}`;
      this.workers.get(name)?.kill();
      this.workers.delete(name);
    }
  }

  private async tryRun(c: ClientName, w: Workload, id: string, durationMs: number): Promise<Round | undefined> {
    const worker = this.workers.get(c);
    if (!worker) return undefined;
    try {
      const round = await this.runOnce(c, w, id, durationMs);
      const accepted = round.outcome.result.msgs;
      if (round.stored !== undefined && round.stored < 0.5 * accepted) {
        // The client accepted oneway sends it never wrote (the Java 5.3.3 client queues them on its event
        // loop, which then blocks on its own semaphore): it is wedged, so it gets a fresh process. (A busy
        // broker also drops some oneway sends silently, hence the margin.)
        log(`  ${c} ${id}: the broker stored ${round.stored} of ${accepted} accepted oneway sends; restarting ${c}`);
        await this.restartWorker(c);
      }
      return round;
    } catch (err) {
      const why = err instanceof Error ? err.message : String(err);
      log(`${c} ${id} failed: ${why}`);
      if (!(await this.alive(worker))) {
        this.unavailable[c] = `worker died during ${id}: ${why}`;
        this.workers.delete(c);
      }
      return undefined;
    }
  }

  private async alive(worker: WorkerProcess): Promise<boolean> {
    try {
      return worker.pid !== undefined && process.kill(worker.pid, 0);
    } catch {
      return false;
    }
  }

  report(all: Summary[], startedAt: Date): void {
    const o = this.o;
    const goals = judgeGoals(all, o.workloads, o.stub);
    const settings =
      `${o.rounds} round(s) x ${o.durationMs} ms per client and workload after a ${o.warmupMs} ms warm-up, ` +
      `interleaved ${o.clients.join(' / ')} (order rotated each round); topic ${this.topic} with ${o.queues} queues; ` +
      `compression over 4096 bytes; send timeout 3000 ms; rocketmq-ts sends async and batches with send(msg, callback), rocketmq-ts-promise with N x await send(msg)${o.quick ? '; --quick' : ''}`;
    const notes = [
      'Each client runs in its own process; CPU seconds come from that process (Node process.cpuUsage, Java ' +
        'OperatingSystemMXBean.getProcessCpuTime, Go getrusage); peak RSS is VmHWM from /proc, reset before each run.',
      'msgs/s and percentiles are medians over the rounds; CPU per message is total CPU / total messages; RSS is the largest peak.',
    ];
    if (!o.stub) notes.push('The broker runs on the same 2 cores as the client under test, so broker-bound figures converge; CPU per message separates the clients.');
    const md = renderMarkdown(all, o.workloads, {
      title: o.stub ? 'Producer benchmark: client cost against a stub broker (acknowledges at once)' : 'Producer benchmark: rocketmq-ts vs Java, ali-ons and Go on one broker',
      startedAt,
      durationS: (performance.now() - t0) / 1000,
      broker: this.brokerLine,
      settings,
      versions: this.versions,
      notes,
      loadAtStart,
      unavailable: this.unavailable,
    }, goals);
    for (const g of goals) log(`goal ${g.verdict.padEnd(6)} ${g.goal}: ${g.detail}`);
    if (!o.write) return;
    const out = o.out ?? join(ROOT, 'bench', 'results', o.stub ? 'latest-stub.md' : 'latest.md');
    mkdirSync(join(out, '..'), { recursive: true });
    writeFileSync(out, md + '\n');
    writeFileSync(out.replace(/\.md$/, '') + '.jsonl', all.map((s) => JSON.stringify(s)).join('\n') + '\n');
    log(`wrote ${out}`);
  }

  async tearDown(): Promise<void> {
    this.stopping = true;
    await Promise.all([...this.workers.values()].map((w) => w.stop()));
    this.workers.clear();
    await this.idlePeer?.close();
    if (this.o.cpuProf) this.summarizeProfile();
    if (this.stubBroker) {
      log(`stub served ${JSON.stringify(this.stubBroker.stats)}`);
      await this.stubBroker.stop();
    }
    if (this.broker && !this.o.stub) {
      if (!this.broker.external) log('stopping the broker');
      await this.broker.stop();
    }
    rmSync(this.tmp, { recursive: true, force: true });
  }

  /** The newest profile the rocketmq-ts worker wrote (at exit), summarised next to it and on stderr. */
  private summarizeProfile(): void {
    const dir = join(ROOT, 'bench', 'results', 'profiles');
    const newest = readdirSync(dir)
      .filter((f) => f.endsWith('.cpuprofile'))
      .map((f) => ({ f: join(dir, f), t: statSync(join(dir, f)).mtimeMs }))
      .sort((a, b) => b.t - a.t)[0];
    if (!newest) {
      log('no CPU profile was written');
      return;
    }
    const text = summarizeProfile(newest.f, 40);
    writeFileSync(newest.f.replace(/\.cpuprofile$/, '.summary.txt'), text + '\n');
    log(`CPU profile of rocketmq-ts: ${newest.f}\n${text}`);
  }

  /** Interrupted: kill the workers at once, still stop the broker. */
  async abort(): Promise<void> {
    this.stopping = true;
    for (const w of this.workers.values()) w.kill();
    this.workers.clear();
    await this.tearDown();
  }
}

runBenchMain(() => new Bench(parseOptions(process.argv.slice(2))), log);
