/**
 * Turns the rounds of each (client, workload) into one summary line and the markdown report: medians over the
 * rounds for rates and percentiles, totals for CPU and errors, the maximum for RSS, and every figure's ratio to
 * the Java client measured in the same run.
 */
import { cpus, loadavg, totalmem } from 'node:os';
import type { Workload } from './workloads';
import type { RunOutcome } from './worker-process';

export interface Round {
  outcome: RunOutcome;
  /** Oneway runs: what the broker stored and the seconds it took from the run's start. */
  stored?: number;
  storedSeconds?: number;
  /** Event-loop delay p99 of an idle Node process during the run (idle-loop-peer.ts), ms. */
  idleEldP99Ms?: number;
}

export interface Summary {
  bench: 'producer';
  /** `stub`: the in-process stub broker (client cost only); `rocketmq`: a real broker. */
  broker: 'stub' | 'rocketmq';
  client: string;
  workload: string;
  rounds: number;
  msgs: number;
  msgs_per_s: number;
  p50_us: number;
  p99_us: number;
  p999_us: number;
  max_us: number;
  cpu_s_per_10k: number;
  /** Messages per CPU-second of the client process: its ceiling on one core. */
  msgs_per_cpu_s: number;
  rss_mb: number | null;
  /** Node clients: the largest per-round p99 of the event-loop delay, ms. */
  eld_p99_ms?: number;
  /** With `eld_p99_ms`: an idle Node process's p99 over the same rounds (largest), the machine's floor. */
  idle_eld_p99_ms?: number;
  errors: number;
  /** Oneway: what the client said it sent (the broker's count is `msgs`). */
  accepted_msgs?: number;
  first_error?: string;
  unsupported?: string;
}

function median(xs: number[]): number {
  if (xs.length === 0) return 0;
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

const round1 = (x: number): number => Math.round(x * 10) / 10;
const round3 = (x: number): number => Math.round(x * 1000) / 1000;

export function summarize(client: string, workload: Workload, rounds: Round[], broker: Summary['broker']): Summary {
  const oneway = workload.mode === 'oneway';
  const counted = (r: Round): number => (oneway && r.stored !== undefined ? r.stored : r.outcome.result.msgs);
  const rates = rounds.map((r) => {
    const secs = oneway && r.storedSeconds !== undefined ? Math.max(r.storedSeconds, r.outcome.result.elapsed_s) : r.outcome.result.elapsed_s;
    return secs > 0 ? counted(r) / secs : 0;
  });
  const msgs = rounds.reduce((a, r) => a + counted(r), 0);
  const cpu = rounds.reduce((a, r) => a + r.outcome.result.cpu_s, 0);
  const withSamples = rounds.filter((r) => r.outcome.result.samples > 0).map((r) => r.outcome.result);
  const rss = rounds.map((r) => r.outcome.rssMb).filter((x): x is number => x !== undefined);
  const s: Summary = {
    bench: 'producer',
    broker,
    client,
    workload: workload.name,
    rounds: rounds.length,
    msgs,
    msgs_per_s: Math.round(median(rates)),
    p50_us: Math.round(median(withSamples.map((r) => r.p50_us))),
    p99_us: Math.round(median(withSamples.map((r) => r.p99_us))),
    p999_us: Math.round(median(withSamples.map((r) => r.p999_us))),
    max_us: withSamples.reduce((a, r) => Math.max(a, r.max_us), 0),
    cpu_s_per_10k: msgs > 0 ? round3((cpu / msgs) * 1e4) : 0,
    msgs_per_cpu_s: cpu > 0 ? Math.round(msgs / cpu) : 0,
    rss_mb: rss.length ? round1(Math.max(...rss)) : null,
    errors: rounds.reduce((a, r) => a + r.outcome.result.errors, 0),
  };
  const eld = rounds.map((r) => r.outcome.result.eld_p99_ms).filter((x): x is number => x !== undefined);
  if (eld.length) {
    s.eld_p99_ms = Math.max(...eld);
    const idle = rounds.map((r) => r.idleEldP99Ms).filter((x): x is number => x !== undefined);
    if (idle.length) s.idle_eld_p99_ms = Math.max(...idle);
  }
  if (oneway) s.accepted_msgs = rounds.reduce((a, r) => a + r.outcome.result.msgs, 0);
  const fe = rounds.find((r) => r.outcome.result.first_error)?.outcome.result.first_error;
  if (fe) s.first_error = fe.slice(0, 300);
  return s;
}

export function unsupported(client: string, workload: Workload, why: string, broker: Summary['broker']): Summary {
  return {
    bench: 'producer',
    broker,
    client,
    workload: workload.name,
    rounds: 0,
    msgs: 0,
    msgs_per_s: 0,
    p50_us: 0,
    p99_us: 0,
    p999_us: 0,
    max_us: 0,
    cpu_s_per_10k: 0,
    msgs_per_cpu_s: 0,
    rss_mb: null,
    errors: 0,
    unsupported: why,
  };
}

export interface ReportContext {
  title: string;
  startedAt: Date;
  durationS: number;
  broker: string;
  settings: string;
  versions: Record<string, string>;
  notes: string[];
  loadAtStart?: string;
  /** Clients that could not run, with the reason. */
  unavailable: Record<string, string>;
}

export function machineLine(): string {
  const c = cpus();
  const model = c[0]?.model?.trim() ?? 'unknown CPU';
  return `${c.length} x ${model}, ${Math.round(totalmem() / 2 ** 30)} GiB RAM, ${process.platform} ${process.arch}`;
}

function ratio(v: number, base: number | undefined): string {
  if (base === undefined || base === 0 || v === 0) return '';
  return ` (${(v / base).toFixed(2)}x)`;
}

function fmt(n: number): string {
  return n >= 100 ? Math.round(n).toLocaleString('en-US') : String(n);
}

export interface Goal {
  goal: string;
  verdict: 'met' | 'missed' | 'n/a';
  detail: string;
}

function find(all: Summary[], client: string, workload: string): Summary | undefined {
  return all.find((s) => s.client === client && s.workload === workload && !s.unsupported && s.msgs > 0);
}

/** Issue 5's goals, judged on this run's figures. */
export function judgeGoals(all: Summary[], workloads: readonly Workload[], stub: boolean): Goal[] {
  const goals: Goal[] = [];
  const ts = 'rocketmq-ts';
  const verdict = (oks: boolean[]): Goal['verdict'] => (oks.length === 0 ? 'n/a' : oks.every(Boolean) ? 'met' : 'missed');
  if (stub) {
    // "On one core": messages per CPU-second of the client process, the figure a loaded machine does not skew
    // (wall-clock msgs/s also depends on how much of a core the scheduler gave it). 1 KiB async workloads only.
    const rows = all
      .filter((s) => s.client === ts && workloads.some((w) => w.name === s.workload && w.mode === 'async' && w.size <= 1024))
      .map((s) => ({ w: s.workload, rate: s.msgs_per_s, perCore: s.msgs_per_cpu_s }));
    const best = Math.max(0, ...rows.map((r) => r.perCore));
    goals.push({
      goal: 'stub: >= 100,000 async msgs/s on one core (best 1 KiB async workload, msgs per CPU-second)',
      verdict: rows.length === 0 ? 'n/a' : best >= 100_000 ? 'met' : 'missed',
      detail: rows.map((b) => `${b.w}: ${fmt(b.perCore)} per CPU-second (${fmt(b.rate)} msgs/s wall)`).join('; '),
    });
    return goals;
  }
  const asyncW = workloads.filter((w) => w.mode === 'async');
  const pairs = (other: string, ws: readonly Workload[]) =>
    ws
      .map((w) => ({ w: w.name, a: find(all, ts, w.name), b: find(all, other, w.name) }))
      .filter((p): p is { w: string; a: Summary; b: Summary } => p.a !== undefined && p.b !== undefined);

  const tput = pairs('java', asyncW);
  goals.push({
    goal: 'async throughput >= 1.0x Java',
    verdict: verdict(tput.map((p) => p.a.msgs_per_s >= p.b.msgs_per_s)),
    detail: tput.map((p) => `${p.w} ${(p.a.msgs_per_s / p.b.msgs_per_s).toFixed(2)}x`).join(', '),
  });
  const sync = pairs('java', workloads.filter((w) => w.mode === 'sync'));
  goals.push({
    goal: 'sync p99 <= 1.0x Java',
    verdict: verdict(sync.map((p) => p.a.p99_us <= p.b.p99_us)),
    detail: sync.map((p) => `${p.w} p99 ${fmt(p.a.p99_us)} vs ${fmt(p.b.p99_us)} µs (${(p.a.p99_us / p.b.p99_us).toFixed(2)}x)`).join(', '),
  });
  const cpu = pairs('java', workloads);
  goals.push({
    goal: 'CPU per message <= Java',
    verdict: verdict(cpu.map((p) => p.a.cpu_s_per_10k <= p.b.cpu_s_per_10k)),
    detail: cpu.map((p) => `${p.w} ${(p.a.cpu_s_per_10k / p.b.cpu_s_per_10k).toFixed(2)}x`).join(', '),
  });
  const big = find(all, ts, 'async-1024-1k');
  goals.push({
    goal: 'RSS < 150 MB at 1024 in flight',
    verdict: big?.rss_mb == null ? 'n/a' : big.rss_mb < 150 ? 'met' : 'missed',
    detail: big?.rss_mb == null ? 'not measured' : `${big.rss_mb} MB peak during async-1024-1k`,
  });
  const ali = pairs('ali-ons', asyncW);
  goals.push({
    goal: '>= 3x ali-ons throughput',
    verdict: verdict(ali.map((p) => p.a.msgs_per_s >= 3 * p.b.msgs_per_s)),
    detail: ali.map((p) => `${p.w} ${(p.a.msgs_per_s / p.b.msgs_per_s).toFixed(2)}x`).join(', '),
  });
  return goals;
}

export function renderMarkdown(all: Summary[], workloads: readonly Workload[], ctx: ReportContext, goals: Goal[]): string {
  const out: string[] = [];
  out.push(`# ${ctx.title}`, '');
  out.push('Generated by `npm run bench:producer`; do not edit by hand. How to read it: docs/benchmarks.md.', '');
  out.push(`- date: ${ctx.startedAt.toISOString()} (${Math.round(ctx.durationS)} s)`);
  out.push(`- machine: ${machineLine()}; load average at the end ${loadavg().map((l) => l.toFixed(1)).join(' / ')} (1/5/15 min)`);
  if (ctx.loadAtStart) out.push(`- load average at the start: ${ctx.loadAtStart}`);
  out.push(`- broker: ${ctx.broker}`);
  out.push(`- settings: ${ctx.settings}`);
  out.push(`- clients: ${Object.entries(ctx.versions).map(([k, v]) => `${k} ${v}`).join('; ')}`);
  for (const [c, why] of Object.entries(ctx.unavailable)) out.push(`- **${c} did not run**: ${why.split('\n')[0]}`);
  for (const n of ctx.notes) out.push(`- ${n}`);
  out.push('');
  if (goals.length) {
    out.push('## Goals', '', '| goal | verdict | figures |', '|---|---|---|');
    for (const g of goals) out.push(`| ${g.goal} | ${g.verdict === 'met' ? 'met' : g.verdict === 'missed' ? '**missed**' : 'n/a'} | ${g.detail} |`);
    out.push('');
  }
  out.push('## Results', '');
  out.push('Ratios in parentheses are to the Java client in the same run (msgs/s: higher is better; the rest: lower is better).', '');
  for (const w of workloads) {
    // Client order of the run, clients without this send mode last.
    const rows = all.filter((s) => s.workload === w.name).sort((a, b) => Number(!!a.unsupported) - Number(!!b.unsupported));
    if (rows.length === 0) continue;
    const java = rows.find((s) => s.client === 'java' && !s.unsupported && s.msgs > 0);
    out.push(`### ${w.name}: ${w.describe}`, '');
    out.push('| client | msgs/s | p50 µs | p99 µs | p99.9 µs | CPU s / 10k msgs | msgs per CPU-s | peak RSS MB | loop delay p99 ms | errors |');
    out.push('|---|---|---|---|---|---|---|---|---|---|');
    for (const s of rows) {
      if (s.unsupported) {
        out.push(`| ${s.client} | ${s.unsupported} | | | | | | | | |`);
        continue;
      }
      const lat = s.p50_us > 0;
      out.push(
        `| ${s.client} | ${fmt(s.msgs_per_s)}${ratio(s.msgs_per_s, java?.msgs_per_s)} | ` +
          `${lat ? fmt(s.p50_us) + ratio(s.p50_us, java?.p50_us) : '-'} | ` +
          `${lat ? fmt(s.p99_us) + ratio(s.p99_us, java?.p99_us) : '-'} | ` +
          `${lat ? fmt(s.p999_us) + ratio(s.p999_us, java?.p999_us) : '-'} | ` +
          `${s.cpu_s_per_10k}${ratio(s.cpu_s_per_10k, java?.cpu_s_per_10k)} | ${fmt(s.msgs_per_cpu_s)} | ` +
          `${s.rss_mb ?? '-'}${s.rss_mb != null ? ratio(s.rss_mb, java?.rss_mb ?? undefined) : ''} | ` +
          `${s.eld_p99_ms ?? '-'}${s.idle_eld_p99_ms !== undefined ? ` (idle ${s.idle_eld_p99_ms})` : ''} | ` +
          `${s.errors}${s.first_error ? ` (${s.first_error.replace(/\|/g, '/').slice(0, 120)})` : ''} |`,
      );
    }
    if (w.mode === 'oneway') {
      const acc = rows.filter((s) => s.accepted_msgs !== undefined && !s.unsupported);
      if (acc.length) {
        out.push('', `Oneway, accepted by the client vs stored by the broker: ${acc.map((s) => `${s.client} ${fmt(s.accepted_msgs!)} / ${fmt(s.msgs)}`).join(', ')}.`);
      }
    }
    out.push('');
  }
  return out.join('\n');
}
