/**
 * `npm run bench:consumer [-- options]`: rocketmq-ts against the Java consumers (the broker's version), the Go
 * v2 push consumer and ali-ons, on one real broker in one run, interleaved per round and workload. Each
 * (client, workload) run has two phases, each with a fresh topic (8 queues) and group:
 *   drain:  a preloaded backlog read as fast as the client can, no-op handler -> msgs_per_s, cpu_s_per_10k;
 *   steady: a 1k msgs/s stream while the client consumes -> store-to-handler e2e_p50_us / e2e_p99_us.
 * Clients run in their own processes (consumer-protocol.ts); one JSON line per (client, workload, round) on
 * stdout; bench/results/latest-consumer.md gets the medians. Never part of `npm test`.
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { runBenchMain } from '../producer/bench-main';
import { BenchError } from '../producer/bench-error';
import { HarnessBroker, ROOT } from '../producer/broker-control';
import { CONSUMER_CLIENTS, PREPARE, type ConsumerClient, type WorkerLaunch } from './consumer-clients';
import { WORKLOADS, type ConsumerWorkload, type DoneEvent } from './consumer-protocol';
import { ConsumerWorker } from './consumer-worker';
import { LoadProducer } from './load-producer';
import { renderConsumerReport, type ConsumerRow } from './consumer-report';
import { summarizeProfile } from '../producer/profile-summary';

const PROFILE_DIR = join(ROOT, 'bench', 'results', 'profiles');

interface Options {
  clients: ConsumerClient[];
  workloads: ConsumerWorkload[];
  rounds: number;
  backlog: number;
  steadyS: number;
  rate: number;
  queues: number;
  out: string;
  write: boolean;
  cpuProf: boolean;
}

function usage(): string {
  return `usage: npm run bench:consumer -- [options]
  --quick            one short round (backlog 3000, steady 5 s)
  --clients a,b      any of ${CONSUMER_CLIENTS.join(',')} (default all)
  --workloads a,b    any of ${WORKLOADS.join(',')} (default all)
  --rounds N         rounds (default 2)
  --backlog N        messages preloaded for the drain phase (default 20000)
  --steady-s N       seconds of the steady stream (default 20)
  --rate N           messages a second of the steady stream (default 1000)
  --out FILE         markdown report (default bench/results/latest-consumer.md)
  --no-write         print the JSON lines only
  --cpu-prof         the rocketmq-ts driver writes a V8 CPU profile per drain; each is summarised into
                     bench/results/profile-consumer-<workload>.txt
environment: NAMESRV_ADDR uses that cluster instead of starting one; BENCH_JAVA_OPTS adds JVM options.`;
}

function parseOptions(argv: string[]): Options {
  const o: Options = {
    clients: [...CONSUMER_CLIENTS],
    workloads: [...WORKLOADS],
    rounds: 2,
    backlog: 20_000,
    steadyS: 20,
    rate: 1000,
    queues: 8,
    out: join(ROOT, 'bench', 'results', 'latest-consumer.md'),
    write: true,
    cpuProf: false,
  };
  const num = (name: string, v: string | undefined): number => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < 1) throw new BenchError(`${name} needs a positive integer\n${usage()}`);
    return n;
  };
  const list = <T extends string>(name: string, v: string | undefined, all: readonly T[]): T[] => {
    const items = (v ?? '').split(',').filter(Boolean);
    const bad = items.filter((i) => !all.includes(i as T));
    if (items.length === 0 || bad.length > 0) throw new BenchError(`${name}: unknown ${bad.join(',') || '(empty)'}\n${usage()}`);
    return items as T[];
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const v = argv[i + 1];
    switch (a) {
      case '--quick':
        Object.assign(o, { rounds: 1, backlog: 3000, steadyS: 5 });
        break;
      case '--clients': o.clients = list(a, v, CONSUMER_CLIENTS); i++; break;
      case '--workloads': o.workloads = list(a, v, WORKLOADS); i++; break;
      case '--rounds': o.rounds = num(a, v); i++; break;
      case '--backlog': o.backlog = num(a, v); i++; break;
      case '--steady-s': o.steadyS = num(a, v); i++; break;
      case '--rate': o.rate = num(a, v); i++; break;
      case '--out': o.out = v ?? o.out; i++; break;
      case '--no-write': o.write = false; break;
      case '--cpu-prof': o.cpuProf = true; break;
      case '--help': process.stdout.write(`${usage()}\n`); process.exit(0); break;
      default: throw new BenchError(`unknown option ${a}\n${usage()}`);
    }
  }
  return o;
}

const log = (line: string): void => void process.stderr.write(`[bench:consumer] ${line}\n`);

class ConsumerBench {
  private readonly broker = HarnessBroker.create(log, process.env.NAMESRV_ADDR);
  private readonly launches = new Map<ConsumerClient, WorkerLaunch>();
  private readonly unsupported = new Map<string, string>();
  private readonly workers = new Set<ConsumerWorker>();
  private producer: LoadProducer | undefined;
  private seq = 0;

  constructor(private readonly o: Options) {}

  async setUp(): Promise<void> {
    if (this.o.cpuProf) mkdirSync(PROFILE_DIR, { recursive: true });
    if (!this.broker.external) await this.broker.install();
    const namesrv = await this.broker.start();
    log(`broker: ${this.broker.describe()}, NAMESRV_ADDR=${namesrv}`);
    const harness = await this.broker.harnessEnv().catch(() => undefined);
    for (const c of this.o.clients) {
      try {
        this.launches.set(c, await PREPARE[c]({ harness, log }));
      } catch (err) {
        log(`${c} cannot run: ${err instanceof Error ? err.message : String(err)}`);
      }
    }
    this.producer = new LoadProducer(namesrv);
    await this.producer.start();
  }

  private async topicAndGroup(client: ConsumerClient, w: ConsumerWorkload, phase: string): Promise<[string, string]> {
    const id = `${client.replace(/[^a-z]/g, '')}_${w.replace(/-/g, '_')}_${phase}_${process.pid}_${this.seq++}`;
    const topic = `bc_${id}`;
    const group = `bcg_${id}`;
    if (!(await this.broker.createTopic(topic, this.o.queues))) throw new BenchError(`could not create ${topic}`);
    if (w === 'pop-1k') {
      const out = await this.broker.admin(['setConsumeMode', '-c', 'DefaultCluster', '-t', topic, '-g', group, '-m', 'POP', '-q', '0']);
      if (!/consume mode\[POP\]/.test(out)) log(`setConsumeMode did not confirm POP for ${group}: ${out.slice(-300)}`);
    }
    return [topic, group];
  }

  /** Runs one phase; undefined when the client has no such consumer. */
  private async phase(client: ConsumerClient, w: ConsumerWorkload, phase: 'drain' | 'steady'): Promise<{ done: DoneEvent; rss: number | undefined } | undefined> {
    const launch = this.launches.get(client)!;
    const [topic, group] = await this.topicAndGroup(client, w, phase);
    const expect = phase === 'drain' ? this.o.backlog : this.o.rate * this.o.steadyS;
    if (phase === 'drain') await this.producer!.backlog(topic, expect);
    const profile = this.o.cpuProf && client === 'rocketmq-ts' && phase === 'drain' ? `consumer-${w}-${this.seq}.cpuprofile` : undefined;
    const flags = profile ? ['--cpu-prof', `--cpu-prof-dir=${PROFILE_DIR}`, `--cpu-prof-name=${profile}`] : [];
    const worker = new ConsumerWorker({ ...launch, args: [...flags, ...launch.args] }, [`namesrv=${this.broker.namesrvAddr}`, `topic=${topic}`, `group=${group}`, `workload=${w}`, `expect=${expect}`]);
    this.workers.add(worker);
    try {
      const first = await worker.waitFor(['ready', 'unsupported'], 180_000);
      if (first.event === 'unsupported') {
        this.unsupported.set(`${client}/${w}`, first.reason);
        return undefined;
      }
      if (phase === 'steady') {
        // Let the rebalance hand the queues out before the stream starts.
        await new Promise((r) => setTimeout(r, 5000));
        await this.producer!.steady(topic, this.o.rate, this.o.steadyS);
      }
      const done = (await worker.waitFor(['done'], 120_000 + expect * 5)) as DoneEvent;
      return { done, rss: worker.peakRssMb() };
    } finally {
      await worker.stop();
      this.workers.delete(worker);
      if (profile) this.summarize(join(PROFILE_DIR, profile), w);
    }
  }

  /** The drain's profile of the rocketmq-ts driver, summarised (top self and inclusive time) for docs/benchmarks.md. */
  private summarize(file: string, w: ConsumerWorkload): void {
    if (!existsSync(file)) return log(`no CPU profile at ${file}`);
    const text = summarizeProfile(file, 30);
    writeFileSync(join(ROOT, 'bench', 'results', `profile-consumer-${w}.txt`), `${text}\n`);
    log(`CPU profile of rocketmq-ts ${w}: ${file}`);
  }

  async measure(): Promise<ConsumerRow[]> {
    const rows: ConsumerRow[] = [];
    for (let round = 1; round <= this.o.rounds; round++) {
      for (const w of this.o.workloads) {
        for (const client of this.o.clients) {
          if (!this.launches.has(client) || this.unsupported.has(`${client}/${w}`)) continue;
          log(`round ${round}: ${client} ${w}`);
          try {
            const drain = await this.phase(client, w, 'drain');
            if (!drain) continue;
            const steady = await this.phase(client, w, 'steady');
            if (!steady) continue;
            const d = drain.done;
            const row: ConsumerRow = {
              bench: 'consumer',
              client,
              workload: w,
              round,
              msgs_per_s: Math.round(d.count / (Math.max(1, d.last_ms - d.first_ms) / 1000)),
              e2e_p50_us: steady.done.lat_p50_us,
              e2e_p99_us: steady.done.lat_p99_us,
              cpu_s_per_10k: Number((((d.cpu_ms_last - d.cpu_ms_first) / 1000 / d.count) * 10_000).toFixed(4)),
              rss_mb: Math.round(Math.max(drain.rss ?? 0, steady.rss ?? 0)),
              load1: Number(loadavg()[0]!.toFixed(1)),
            };
            rows.push(row);
            process.stdout.write(`${JSON.stringify(row)}\n`);
          } catch (err) {
            log(`${client} ${w} round ${round} failed: ${err instanceof Error ? err.message : String(err)}`);
          }
        }
      }
    }
    return rows;
  }

  report(rows: ConsumerRow[], startedAt: Date): void {
    if (!this.o.write) return;
    const md = renderConsumerReport(rows, { startedAt, options: this.o, unsupported: this.unsupported, loadAtEnd: loadavg() });
    writeFileSync(this.o.out, md);
    log(`wrote ${this.o.out}`);
  }

  async tearDown(): Promise<void> {
    for (const w of this.workers) await w.stop();
    this.workers.clear();
    await this.producer?.shutdown().catch(() => undefined);
    await this.broker.stop();
  }
}

runBenchMain(() => new ConsumerBench(parseOptions(process.argv.slice(2))), log);
