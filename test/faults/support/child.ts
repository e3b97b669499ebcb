import { spawn } from 'node:child_process';
import * as path from 'node:path';
import { REPO_ROOT } from './broker-pair';

/**
 * Runs one of test/faults/children/*.ts in its own Node process (through scripts/ts-register.cjs), so
 * memory, handles and process exit are measured on a clean process, not on Jest's. The child reports
 * with lines `@@event <json>` and a final `@@result <json>` on stdout.
 */

export interface ChildRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** Wall time from spawn to exit. */
  ms: number;
  /** Epoch ms of each `@@event name` line, by name. */
  events: Record<string, number>;
  result: Record<string, unknown> | undefined;
  stderr: string;
  /** Killed by us because it did not exit within the bound. */
  timedOut: boolean;
  exitedAt: number;
}

export interface ChildHandle {
  pid: number;
  /** Sends a signal to this child, by its pid. */
  kill(signal: NodeJS.Signals): void;
  done: Promise<ChildRun>;
}

/**
 * Starts a child scenario and hands back its pid at once, for scenarios that signal it while it runs.
 * `onLine` sees every other `@@<tag> <payload>` line as it arrives (progress the parent acts on).
 */
export function spawnChild(
  script: string,
  env: Record<string, string>,
  boundMs: number,
  opts: { nodeArgs?: string[]; onLine?: (tag: string, payload: string) => void } = {},
): ChildHandle {
  const t0 = Date.now();
  const child = spawn(
    process.execPath,
    [...(opts.nodeArgs ?? []), '-r', path.join(REPO_ROOT, 'scripts', 'ts-register.cjs'), path.join(__dirname, '..', 'children', script)],
    { cwd: REPO_ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const done = new Promise<ChildRun>((resolve) => {
    const events: Record<string, number> = {};
    let result: Record<string, unknown> | undefined;
    let stderr = '';
    let buf = '';
    let timedOut = false;
    child.stdout.on('data', (d: Buffer) => {
      buf += d.toString();
      let nl: number;
      while ((nl = buf.indexOf('\n')) >= 0) {
        const line = buf.slice(0, nl);
        buf = buf.slice(nl + 1);
        const ev = /^@@event (\S+)/.exec(line);
        if (ev) events[ev[1]!] = Date.now();
        else if (line.startsWith('@@result ')) result = JSON.parse(line.slice(9)) as Record<string, unknown>;
        else if (line.startsWith('@@') && opts.onLine) {
          const sp = line.indexOf(' ');
          opts.onLine(sp < 0 ? line.slice(2) : line.slice(2, sp), sp < 0 ? '' : line.slice(sp + 1));
        }
      }
    });
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
      if (stderr.length > 200_000) stderr = stderr.slice(-100_000);
    });
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, boundMs);
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      const exitedAt = Date.now();
      resolve({ code, signal, ms: exitedAt - t0, events, result, stderr, timedOut, exitedAt });
    });
  });
  const pid = child.pid ?? -1;
  return {
    pid,
    kill: (signal) => {
      if (pid > 0 && child.exitCode === null && child.signalCode === null) process.kill(pid, signal);
    },
    done,
  };
}

export function runChild(script: string, env: Record<string, string>, boundMs: number, nodeArgs: string[] = []): Promise<ChildRun> {
  return spawnChild(script, env, boundMs, { nodeArgs }).done;
}
