/**
 * One client driver process, seen from the orchestrator: spawn it, wait for its ready line, send it run
 * commands, read its result lines, and measure its peak RSS per run from /proc (the Linux "clear_refs 5" reset
 * of VmHWM before the run, VmHWM after), the same way for every client whatever its runtime.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { BenchError } from './bench-error';
import { formatRunCommand, type ReadyEvent, type RunCommand, type RunResult, type WorkerEvent } from './worker-protocol';

export interface WorkerSpec {
  /** Client name in the results: rocketmq-ts, java, ali-ons, go. */
  client: string;
  command: string;
  args: string[];
  env?: NodeJS.ProcessEnv;
  cwd?: string;
}

export interface RunOutcome {
  result: RunResult;
  /** Peak RSS of the process during this run, MiB (undefined where /proc cannot tell). */
  rssMb: number | undefined;
  /** Whether the peak was reset before the run (otherwise it is the process's lifetime peak). */
  rssReset: boolean;
}

const STDERR_KEEP = 16 * 1024;

function readHwmKb(pid: number): number | undefined {
  try {
    const m = /VmHWM:\s+(\d+)\s+kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) : undefined;
  } catch {
    return undefined;
  }
}

function resetHwm(pid: number): boolean {
  try {
    writeFileSync(`/proc/${pid}/clear_refs`, '5');
    return true;
  } catch {
    return false;
  }
}

export class WorkerProcess {
  readonly client: string;
  ready: ReadyEvent | undefined;
  private readonly child: ChildProcessWithoutNullStreams;
  private readonly events: WorkerEvent[] = [];
  private waiter: (() => void) | undefined;
  private stderrTail = '';
  private exited: { code: number | null; signal: NodeJS.Signals | null } | undefined;
  private readonly exitPromise: Promise<void>;

  constructor(spec: WorkerSpec) {
    this.client = spec.client;
    this.child = spawn(spec.command, spec.args, {
      cwd: spec.cwd,
      env: spec.env ?? process.env,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    this.child.stdin.on('error', () => {}); // a worker that died is reported by waitEvent
    const rl = createInterface({ input: this.child.stdout, crlfDelay: Infinity });
    rl.on('line', (line) => {
      if (!line.startsWith('{')) return;
      try {
        this.events.push(JSON.parse(line) as WorkerEvent);
      } catch {
        return;
      }
      this.wake();
    });
    this.child.stderr.on('data', (c: Buffer) => {
      this.stderrTail = (this.stderrTail + c.toString('utf8')).slice(-STDERR_KEEP);
    });
    this.exitPromise = new Promise((resolve) => {
      this.child.on('exit', (code, signal) => {
        this.exited = { code, signal };
        this.wake();
        resolve();
      });
      this.child.on('error', (err) => {
        this.stderrTail += `\nspawn failed: ${String(err)}`;
        this.exited = { code: null, signal: null };
        this.wake();
        resolve();
      });
    });
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  get stderr(): string {
    return this.stderrTail;
  }

  private wake(): void {
    const w = this.waiter;
    this.waiter = undefined;
    w?.();
  }

  private async waitEvent(timeoutMs: number, what: string): Promise<WorkerEvent> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const ev = this.events.shift();
      if (ev) return ev;
      if (this.exited) {
        throw new BenchError(
          `${this.client} worker exited (code ${this.exited.code}, signal ${this.exited.signal}) while ${what}; ` +
            `stderr tail:\n${this.stderrTail.slice(-4000)}`,
        );
      }
      const left = deadline - Date.now();
      if (left <= 0) throw new BenchError(`${this.client} worker: no answer within ${timeoutMs} ms while ${what}`);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, left);
        this.waiter = () => {
          clearTimeout(t);
          resolve();
        };
      });
    }
  }

  async waitReady(timeoutMs: number): Promise<ReadyEvent> {
    const ev = await this.waitEvent(timeoutMs, 'starting');
    if (ev.event !== 'ready') throw new BenchError(`${this.client} worker: expected ready, got ${JSON.stringify(ev)}`);
    this.ready = ev;
    return ev;
  }

  async run(cmd: RunCommand, timeoutMs: number): Promise<RunOutcome> {
    const pid = this.child.pid;
    const rssReset = pid !== undefined && resetHwm(pid);
    this.child.stdin.write(formatRunCommand(cmd) + '\n');
    let ev = await this.waitEvent(timeoutMs, `running ${cmd.id}`);
    // A result left over from a run the orchestrator gave up on is skipped.
    while ((ev.event === 'result' || ev.event === 'error') && ev.id !== undefined && ev.id !== cmd.id) {
      ev = await this.waitEvent(timeoutMs, `running ${cmd.id}`);
    }
    const hwm = pid !== undefined ? readHwmKb(pid) : undefined;
    if (ev.event === 'error') throw new BenchError(`${this.client} ${cmd.id}: ${ev.message}`);
    if (ev.event !== 'result' || ev.id !== cmd.id) {
      throw new BenchError(`${this.client} worker: expected the result of ${cmd.id}, got ${JSON.stringify(ev)}`);
    }
    return { result: ev, rssMb: hwm === undefined ? undefined : hwm / 1024, rssReset };
  }

  /** Asks the worker to quit; SIGKILLs it (this pid only) if it has not exited within `graceMs`. */
  async stop(graceMs = 20_000): Promise<void> {
    if (this.exited) return;
    try {
      this.child.stdin.end('quit\n');
    } catch {
      // stdin already closed: the kill below covers it
    }
    const t = setTimeout(() => this.child.kill('SIGKILL'), graceMs);
    await this.exitPromise;
    clearTimeout(t);
  }

  /** Immediate SIGKILL of this worker (interrupted runs). */
  kill(): void {
    if (!this.exited) this.child.kill('SIGKILL');
  }
}
