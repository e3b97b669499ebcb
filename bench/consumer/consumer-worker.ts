/**
 * One consumer driver process seen from the orchestrator: spawn it, read its JSON lines, wait for an event,
 * read its peak RSS from /proc, stop it (SIGTERM, then SIGKILL after a bound) by PID.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { BenchError } from '../producer/bench-error';
import type { WorkerEvent } from './consumer-protocol';
import type { WorkerLaunch } from './consumer-clients';

const STOP_GRACE_MS = 20_000;

export class ConsumerWorker {
  private readonly child: ChildProcessWithoutNullStreams;
  private readonly events: WorkerEvent[] = [];
  private waiters: Array<() => void> = [];
  private exited = false;
  private stderrTail = '';

  constructor(launch: WorkerLaunch, args: string[]) {
    this.child = spawn(launch.command, [...launch.args, ...args], { cwd: launch.cwd, stdio: ['pipe', 'pipe', 'pipe'] });
    createInterface({ input: this.child.stdout }).on('line', (line) => {
      if (!line.startsWith('{')) return;
      try {
        this.events.push(JSON.parse(line) as WorkerEvent);
      } catch {
        return;
      }
      this.notify();
    });
    this.child.stderr.on('data', (d: Buffer) => {
      this.stderrTail = (this.stderrTail + d.toString('utf8')).slice(-4000);
    });
    this.child.on('exit', () => {
      this.exited = true;
      this.notify();
    });
  }

  private notify(): void {
    const w = this.waiters;
    this.waiters = [];
    for (const f of w) f();
  }

  /** The first event of one of `kinds`, or a BenchError when the process exits or `timeoutMs` passes first. */
  async waitFor(kinds: ReadonlyArray<WorkerEvent['event']>, timeoutMs: number): Promise<WorkerEvent> {
    const end = Date.now() + timeoutMs;
    for (;;) {
      const ev = this.events.find((e) => kinds.includes(e.event));
      if (ev) return ev;
      if (this.exited) throw new BenchError(`the driver exited before ${kinds.join('/')}: ${this.stderrTail.slice(-1500)}`);
      const left = end - Date.now();
      if (left <= 0) throw new BenchError(`no ${kinds.join('/')} from the driver within ${timeoutMs} ms: ${this.stderrTail.slice(-1500)}`);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, Math.min(left, 1000));
        this.waiters.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
  }

  /** Peak resident set of the driver so far, MiB (undefined where /proc cannot tell). */
  peakRssMb(): number | undefined {
    try {
      const m = /VmHWM:\s+(\d+)\s+kB/.exec(readFileSync(`/proc/${this.child.pid}/status`, 'utf8'));
      return m ? Number(m[1]) / 1024 : undefined;
    } catch {
      return undefined;
    }
  }

  async stop(): Promise<void> {
    if (this.exited) return;
    this.child.kill('SIGTERM');
    const t = setTimeout(() => this.child.kill('SIGKILL'), STOP_GRACE_MS);
    while (!this.exited) await new Promise<void>((r) => this.waiters.push(r));
    clearTimeout(t);
  }
}
