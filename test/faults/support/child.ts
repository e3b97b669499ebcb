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

export function runChild(script: string, env: Record<string, string>, boundMs: number, nodeArgs: string[] = []): Promise<ChildRun> {
  const t0 = Date.now();
  return new Promise((resolve) => {
    const child = spawn(
      process.execPath,
      [...nodeArgs, '-r', path.join(REPO_ROOT, 'scripts', 'ts-register.cjs'), path.join(__dirname, '..', 'children', script)],
      { cwd: REPO_ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] },
    );
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
        if (line.startsWith('@@result ')) result = JSON.parse(line.slice(9)) as Record<string, unknown>;
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
}
