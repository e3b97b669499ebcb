/**
 * The line protocol between the orchestrator (run.ts) and each client driver process. It is deliberately plain
 * (space-separated key=value on stdin, one JSON object per line on stdout) so the Java and Go drivers parse it
 * without a JSON library:
 *
 *   stdin   run id=ID mode=sync|async|oneway|batch inflight=N size=BYTES batch=K durationMs=MS maxMsgs=N body=PATH
 *           quit
 *   stdout  {"event":"ready","client":...,"version":...,"runtime":...}        once, after start + a first send
 *           {"event":"result","id":...,"msgs":...,"errors":...,"elapsed_s":...,"cpu_s":...,"samples":...,
 *            "p50_us":...,"p99_us":...,"p999_us":...,"max_us":...,"first_error"?:...}   one per run
 *           {"event":"error","id"?:...,"message":...}                          a run that could not start
 *
 * Lines on stdout that do not start with `{` are ignored (a client library may print).
 */
export type SendMode = 'sync' | 'async' | 'oneway' | 'batch';

export interface RunCommand {
  id: string;
  mode: SendMode;
  /** Sends in flight at once (async, batch; also oneway for the Node drivers, whose sendOneway is a promise). */
  inflight: number;
  /** Body size in bytes (the body itself is read from `body`). */
  size: number;
  /** Messages per batch (batch mode). */
  batch: number;
  durationMs: number;
  maxMsgs: number;
  /** File holding the body bytes, shared by every client so all send the same content. */
  body: string;
}

export interface RunResult {
  event: 'result';
  id: string;
  /** Messages acknowledged (sync/async/batch) or handed over (oneway). A batch counts its messages. */
  msgs: number;
  errors: number;
  elapsed_s: number;
  /** CPU seconds of the client process over the run, from its own accounting. */
  cpu_s: number;
  /** Latency samples: one per send call (a batch is one sample). */
  samples: number;
  p50_us: number;
  p99_us: number;
  p999_us: number;
  max_us: number;
  /** Node drivers: p99 of the event loop's delay over the run (perf_hooks.monitorEventLoopDelay), ms. */
  eld_p99_ms?: number;
  first_error?: string;
}

export interface ReadyEvent {
  event: 'ready';
  client: string;
  version: string;
  runtime?: string;
}

export interface ErrorEvent {
  event: 'error';
  id?: string;
  message: string;
}

export type WorkerEvent = RunResult | ReadyEvent | ErrorEvent;

/** Resolution of the Node drivers' (and the idle peer's) event-loop delay histogram, ms. */
export const ELD_RESOLUTION_MS = 5;

/** p99 of a `monitorEventLoopDelay` histogram in ms, two decimals. */
export function eldP99Ms(h: { percentile(p: number): number }): number {
  return Math.round(h.percentile(99) / 1e4) / 100;
}

export function formatRunCommand(cmd: RunCommand): string {
  return (
    `run id=${cmd.id} mode=${cmd.mode} inflight=${cmd.inflight} size=${cmd.size} batch=${cmd.batch} ` +
    `durationMs=${cmd.durationMs} maxMsgs=${cmd.maxMsgs} body=${cmd.body}`
  );
}

/** `key=value` words (a leading `--` is allowed) into a map. */
export function parseKeyValues(words: readonly string[]): Map<string, string> {
  const m = new Map<string, string>();
  for (const w of words) {
    const s = w.startsWith('--') ? w.slice(2) : w;
    const eq = s.indexOf('=');
    if (eq > 0) m.set(s.slice(0, eq), s.slice(eq + 1));
  }
  return m;
}

const MODES: ReadonlySet<string> = new Set(['sync', 'async', 'oneway', 'batch']);

export function parseRunCommand(line: string): RunCommand {
  const kv = parseKeyValues(line.trim().split(/\s+/).slice(1));
  const num = (k: string, def: number): number => {
    const v = kv.get(k);
    if (v === undefined) return def;
    const n = Number(v);
    if (!Number.isFinite(n) || n < 0) throw new RangeError(`${k}=${v} is not a non-negative number`);
    return n;
  };
  const mode = kv.get('mode') ?? '';
  if (!MODES.has(mode)) throw new RangeError(`unknown mode '${mode}'`);
  const body = kv.get('body');
  if (!body) throw new RangeError('missing body=');
  return {
    id: kv.get('id') ?? '',
    mode: mode as SendMode,
    inflight: Math.max(1, num('inflight', 1)),
    size: num('size', 1024),
    batch: Math.max(1, num('batch', 1)),
    durationMs: num('durationMs', 1000),
    maxMsgs: num('maxMsgs', 1e9),
    body,
  };
}
