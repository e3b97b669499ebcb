/** Medians per (client, workload) of the consumer benchmark and the goals of issue 12, as markdown. */
import { cpus } from 'node:os';
import type { ConsumerClient } from './consumer-clients';
import type { ConsumerWorkload } from './consumer-protocol';

export interface ConsumerRow {
  bench: 'consumer';
  client: ConsumerClient;
  workload: ConsumerWorkload;
  round: number;
  msgs_per_s: number;
  e2e_p50_us: number;
  e2e_p99_us: number;
  cpu_s_per_10k: number;
  rss_mb: number;
  load1: number;
}

interface ReportContext {
  startedAt: Date;
  options: { rounds: number; backlog: number; steadyS: number; rate: number; queues: number };
  unsupported: ReadonlyMap<string, string>;
  loadAtEnd: number[];
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const n = s.length;
  return n === 0 ? NaN : n % 2 ? s[(n - 1) / 2]! : (s[n / 2 - 1]! + s[n / 2]!) / 2;
}

type Med = Omit<ConsumerRow, 'bench' | 'round' | 'load1'> & { rounds: number };

function medians(rows: ConsumerRow[]): Med[] {
  const groups = new Map<string, ConsumerRow[]>();
  for (const r of rows) groups.set(`${r.client}|${r.workload}`, [...(groups.get(`${r.client}|${r.workload}`) ?? []), r]);
  return [...groups.values()].map((g) => ({
    client: g[0]!.client,
    workload: g[0]!.workload,
    rounds: g.length,
    msgs_per_s: median(g.map((r) => r.msgs_per_s)),
    e2e_p50_us: median(g.map((r) => r.e2e_p50_us)),
    e2e_p99_us: median(g.map((r) => r.e2e_p99_us)),
    cpu_s_per_10k: median(g.map((r) => r.cpu_s_per_10k)),
    rss_mb: median(g.map((r) => r.rss_mb)),
  }));
}

/** Issue 12's goals against Java in the same run: drain >= Java, CPU/msg <= 0.7x Java, steady p99 <= Java. */
function goals(meds: Med[]): string[] {
  const out: string[] = [];
  for (const ours of meds.filter((m) => m.client === 'rocketmq-ts')) {
    const java = meds.find((m) => m.client === 'java' && m.workload === ours.workload);
    if (!java) continue;
    const mark = (ok: boolean): string => (ok ? 'met' : 'MISSED');
    out.push(
      `| ${ours.workload} | ${ours.msgs_per_s} vs ${java.msgs_per_s} (${mark(ours.msgs_per_s >= java.msgs_per_s)}) | ` +
        `${(ours.cpu_s_per_10k / java.cpu_s_per_10k).toFixed(2)}x (${mark(ours.cpu_s_per_10k <= 0.7 * java.cpu_s_per_10k)}) | ` +
        `${ours.e2e_p99_us / 1000} vs ${java.e2e_p99_us / 1000} ms (${mark(ours.e2e_p99_us <= java.e2e_p99_us)}) |`,
    );
  }
  return out;
}

export function renderConsumerReport(rows: ConsumerRow[], ctx: ReportContext): string {
  const meds = medians(rows).sort((a, b) => a.workload.localeCompare(b.workload) || a.client.localeCompare(b.client));
  const o = ctx.options;
  const loads = rows.map((r) => r.load1);
  const lines = [
    '# Consumer benchmark (`npm run bench:consumer`)',
    '',
    `Run ${ctx.startedAt.toISOString()}, ${cpus().length} cores, one real broker on the same machine. ${o.rounds} round(s); ` +
      `drain: ${o.backlog} preloaded 1 KiB messages over ${o.queues} queues, no-op handler; steady: ${o.rate} msgs/s for ${o.steadyS} s. ` +
      `Load average (1 min) during the runs: ${Math.min(...loads).toFixed(1)}-${Math.max(...loads).toFixed(1)}, at the end ${ctx.loadAtEnd.map((l) => l.toFixed(1)).join(' / ')}.`,
    '',
    'Medians over the rounds. `msgs_per_s` and `cpu_s_per_10k` from the drain (first to last message, the process\'s own CPU); ',
    'latency from the steady stream (handler entry minus the broker\'s store timestamp, millisecond resolution).',
    '',
    '| workload | client | rounds | msgs/s (drain) | CPU s / 10k | e2e p50 ms | e2e p99 ms | peak RSS MB |',
    '|---|---|---|---|---|---|---|---|',
    ...meds.map(
      (m) => `| ${m.workload} | ${m.client} | ${m.rounds} | ${m.msgs_per_s} | ${m.cpu_s_per_10k.toFixed(3)} | ${m.e2e_p50_us / 1000} | ${m.e2e_p99_us / 1000} | ${m.rss_mb} |`,
    ),
    '',
    '## Goals (rocketmq-ts against Java in this run)',
    '',
    '| workload | drain msgs/s >= Java | CPU per message <= 0.7x Java | steady p99 <= Java |',
    '|---|---|---|---|',
    ...goals(meds),
    '',
  ];
  if (ctx.unsupported.size > 0) {
    lines.push('## Not measured', '', ...[...ctx.unsupported].map(([k, why]) => `- ${k}: ${why}`), '');
  }
  return lines.join('\n');
}
