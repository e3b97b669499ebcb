/**
 * The consumer benchmark's worker protocol, the same for every client (Node, Java, Go):
 *   argv:   namesrv=HOST:PORT topic=T group=G workload=push-1k|push-orderly-1k|litepull-1k|pop-1k expect=N
 *   stdout: {"event":"ready","client":..,"version":..} once consuming has been set up,
 *           {"event":"unsupported","reason":..} when the client has no such consumer (then it exits),
 *           {"event":"done","count":N,"first_ms":..,"last_ms":..,"cpu_ms_first":..,"cpu_ms_last":..,
 *            "lat_p50_us":..,"lat_p99_us":..} when `expect` messages were handled.
 *   The worker then waits for SIGTERM, shuts its consumer down and exits.
 * `first_ms` / `last_ms`: wall clock of the first and last handled message; `cpu_ms_*`: the process's own CPU
 * time (user + system, every thread) at those moments; latency: handler entry minus the broker's store
 * timestamp of the message (same machine, milliseconds), into the log-linear histogram every driver shares.
 */

export const WORKLOADS = ['push-1k', 'push-orderly-1k', 'litepull-1k', 'pop-1k'] as const;
export type ConsumerWorkload = (typeof WORKLOADS)[number];

export interface ReadyEvent {
  event: 'ready';
  client: string;
  version: string;
}

export interface UnsupportedEvent {
  event: 'unsupported';
  reason: string;
}

export interface DoneEvent {
  event: 'done';
  count: number;
  first_ms: number;
  last_ms: number;
  cpu_ms_first: number;
  cpu_ms_last: number;
  lat_p50_us: number;
  lat_p99_us: number;
}

export type WorkerEvent = ReadyEvent | UnsupportedEvent | DoneEvent;

export interface WorkerArgs {
  namesrv: string;
  topic: string;
  group: string;
  workload: ConsumerWorkload;
  expect: number;
}

export function parseWorkerArgs(argv: readonly string[]): WorkerArgs {
  const m = new Map(argv.map((a) => [a.slice(0, a.indexOf('=')), a.slice(a.indexOf('=') + 1)] as const));
  const need = (k: string): string => {
    const v = m.get(k);
    if (!v) throw new Error(`missing ${k}=`);
    return v;
  };
  const workload = need('workload') as ConsumerWorkload;
  if (!WORKLOADS.includes(workload)) throw new Error(`unknown workload ${workload}`);
  const expect = Number(need('expect'));
  if (!Number.isInteger(expect) || expect < 1) throw new Error('expect= must be a positive integer');
  return { namesrv: need('namesrv'), topic: need('topic'), group: need('group'), workload, expect };
}
