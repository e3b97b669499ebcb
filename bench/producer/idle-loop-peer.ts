/**
 * An idle Node process that measures its own event-loop delay while a client runs: the floor of
 * `eld_p99_ms` on this machine at that moment. `monitorEventLoopDelay` records whole timer intervals
 * (an idle loop at 5 ms resolution reads 5-6.5 ms), and on a loaded machine it also counts the time the
 * process waits for a core; a client's figure near the idle peer's of the same run is the machine's,
 * not the client's.
 *
 * As a child (run by run.ts): `start` on stdin begins a measurement, `stop` ends it and prints
 * `{"eld_p99_ms":N}`; end of input exits.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { join } from 'node:path';
import { monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks';
import { createInterface } from 'node:readline';
import { ELD_RESOLUTION_MS, eldP99Ms } from './worker-protocol';

/** Orchestrator side: one idle peer process for the whole benchmark. */
export class IdleLoopPeer {
  private readonly child: ChildProcessWithoutNullStreams;
  private readonly lines: string[] = [];
  private waiter: (() => void) | undefined;
  private exited = false;

  constructor(root: string) {
    this.child = spawn(process.execPath, ['-r', join(root, 'scripts', 'ts-register.cjs'), __filename], {
      cwd: root,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    this.child.stdin.on('error', () => {}); // a peer that died only loses its figure
    this.child.stderr.resume();
    createInterface({ input: this.child.stdout, crlfDelay: Infinity }).on('line', (l) => {
      this.lines.push(l);
      this.wake();
    });
    this.child.on('exit', () => {
      this.exited = true;
      this.wake();
    });
    this.child.on('error', () => {
      this.exited = true;
      this.wake();
    });
  }

  private wake(): void {
    const w = this.waiter;
    this.waiter = undefined;
    w?.();
  }

  start(): void {
    if (!this.exited) this.child.stdin.write('start\n');
  }

  /** The peer's p99 since `start`, or undefined when it does not answer within `timeoutMs`. */
  async stop(timeoutMs = 5000): Promise<number | undefined> {
    if (this.exited) return undefined;
    this.lines.length = 0;
    this.child.stdin.write('stop\n');
    const deadline = Date.now() + timeoutMs;
    while (this.lines.length === 0 && !this.exited && Date.now() < deadline) {
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, deadline - Date.now());
        this.waiter = () => {
          clearTimeout(t);
          resolve();
        };
      });
    }
    const line = this.lines.shift();
    if (line === undefined) return undefined;
    try {
      const v = (JSON.parse(line) as { eld_p99_ms?: unknown }).eld_p99_ms;
      return typeof v === 'number' ? v : undefined;
    } catch {
      return undefined;
    }
  }

  /** Ends the peer (closing its input makes it exit; this pid is killed if it does not). */
  async close(): Promise<void> {
    if (this.exited) return;
    const gone = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
    this.child.stdin.end();
    const t = setTimeout(() => this.child.kill('SIGKILL'), 2000);
    await gone;
    clearTimeout(t);
  }
}

function runPeer(): void {
  let h: IntervalHistogram | undefined;
  const rl = createInterface({ input: process.stdin, crlfDelay: Infinity });
  rl.on('line', (line) => {
    const cmd = line.trim();
    if (cmd === 'start') {
      h?.disable();
      h = monitorEventLoopDelay({ resolution: ELD_RESOLUTION_MS });
      h.enable();
    } else if (cmd === 'stop') {
      h?.disable();
      process.stdout.write(JSON.stringify({ eld_p99_ms: h ? eldP99Ms(h) : null }) + '\n');
      h = undefined;
    }
  });
  rl.on('close', () => process.exit(0));
}

if (require.main === module) runPeer();
