import { spawn, type ChildProcess } from 'node:child_process';
import * as path from 'node:path';
import { REPO_ROOT } from './broker-pair';

/**
 * A long-lived child of test/faults/children/ whose stdout lines the parent reads as they come (unlike
 * `runChild`, which reports once the child is gone): the parent can act on a line the moment it arrives,
 * e.g. SIGKILL the child by its pid while it is inside a batch. `stop()` ends it by pid in any case.
 */
export class LineChild {
  readonly pid: number;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  stderrTail = '';
  private readonly proc: ChildProcess;
  private pending = '';

  constructor(script: string, env: Record<string, string>, onLine: (line: string) => void) {
    this.proc = spawn(process.execPath, ['-r', path.join(REPO_ROOT, 'scripts', 'ts-register.cjs'), path.join(__dirname, '..', 'children', script)], {
      cwd: REPO_ROOT,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    if (this.proc.pid === undefined) throw new TypeError(`could not spawn ${script}`);
    this.pid = this.proc.pid;
    this.exited = new Promise((resolve) => this.proc.on('exit', (code, signal) => resolve({ code, signal })));
    this.proc.stdout!.on('data', (chunk: Buffer) => {
      const lines = (this.pending + chunk.toString()).split('\n');
      this.pending = lines.pop()!;
      for (const line of lines) onLine(line);
    });
    this.proc.stderr!.on('data', (chunk: Buffer) => {
      this.stderrTail = (this.stderrTail + chunk.toString()).slice(-20_000);
    });
  }

  get running(): boolean {
    return this.proc.exitCode === null && this.proc.signalCode === null;
  }

  /** Sends `signal` to the child's pid (a no-op once it is gone). */
  signal(signal: NodeJS.Signals): void {
    if (!this.running) return;
    try {
      process.kill(this.pid, signal);
    } catch {
      // Exited between the check and the kill.
    }
  }

  /** SIGTERM, then SIGKILL if it is still there after `graceMs`; resolves once it exited. */
  async stop(graceMs = 15_000): Promise<{ code: number | null; signal: NodeJS.Signals | null; forced: boolean }> {
    this.signal('SIGTERM');
    let timer: NodeJS.Timeout | undefined;
    const forced = await Promise.race([
      this.exited.then(() => false),
      new Promise<boolean>((r) => (timer = setTimeout(() => r(true), graceMs))),
    ]);
    clearTimeout(timer);
    if (forced) this.signal('SIGKILL');
    return { ...(await this.exited), forced };
  }
}
