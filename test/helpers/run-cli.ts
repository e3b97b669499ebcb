/**
 * Runs the `rocketmq-ts` command as a child process: `runCli` for commands that finish, `startCli`
 * for `tap`, which runs until signalled. The command is bundled once per test process the way
 * scripts/build.mjs bundles it (a child then starts in ~0.1 s instead of compiling every file);
 * `viaNpmScript` runs `npm run cli` itself, the TypeScript sources through the register hook.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { rmSync } from 'node:fs';
import * as path from 'node:path';
import { bundleCjs, bundleDir } from './esbuild-bundle';

const ROOT = path.resolve(__dirname, '..', '..');
let bundled: string | undefined;

function cliBundle(): string {
  if (bundled !== undefined) return bundled;
  const dir = bundleDir('rocketmq-ts-cli-');
  process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
  const outfile = path.join(dir, 'rocketmq-ts.js');
  bundleCjs('src/cli/main.ts', outfile);
  bundled = outfile;
  return outfile;
}

function command(args: string[], viaNpmScript: boolean | undefined): [string, string[]] {
  if (viaNpmScript) return ['npm', ['run', '-s', 'cli', '--', ...args]];
  return [process.execPath, [cliBundle(), ...args]];
}

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export function runCli(
  args: string[],
  options: { input?: Buffer | string; env?: NodeJS.ProcessEnv; timeoutMs?: number; viaNpmScript?: boolean } = {},
): Promise<CliResult> {
  const [cmd, argv] = command(args, options.viaNpmScript);
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, argv, {
      cwd: ROOT,
      env: { ...process.env, ...options.env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 30_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
    child.stdin.end(options.input ?? '');
  });
}

/** JSON lines of an output. */
export function jsonLines<T = Record<string, unknown>>(text: string): T[] {
  return text
    .split('\n')
    .filter((l) => l.trim().length > 0)
    .map((l) => JSON.parse(l) as T);
}

export interface RunningCli {
  child: ChildProcess;
  stdout(): string;
  stderr(): string;
  /** Waits until stderr matches (e.g. the tap's `listening on` line) and returns the match. */
  waitForStderr(re: RegExp, timeoutMs?: number): Promise<RegExpMatchArray>;
  /** SIGTERM, then the exit code. */
  stop(): Promise<number | null>;
}

export function startCli(args: string[]): RunningCli {
  const [cmd, argv] = command(args, false);
  const child = spawn(cmd, argv, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  return {
    child,
    stdout: () => out,
    stderr: () => err,
    async waitForStderr(re, timeoutMs = 20_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const m = re.exec(err);
        if (m) return m;
        if (child.exitCode !== null || Date.now() > deadline) {
          throw new Error(`cli never printed ${re} (exit ${child.exitCode}); stderr: ${err}`);
        }
        await new Promise((r) => setTimeout(r, 20));
      }
    },
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      const code = await exited;
      clearTimeout(timer);
      return code;
    },
  };
}
