import { execFile } from 'node:child_process';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..');

/** Runs a TypeScript file as a child node process (NAMESRV_ADDR cleared) and reports how it ended. */
export function runTsChild(file: string, timeoutMs = 20_000): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = execFile(
      process.execPath,
      ['-r', join(ROOT, 'scripts', 'ts-register.cjs'), file],
      { cwd: ROOT, timeout: timeoutMs, env: { ...process.env, NAMESRV_ADDR: '' } },
      (err, out, errOut) => resolve({ code: err ? ((err as { code?: number }).code ?? -1) : 0, stdout: out, stderr: errOut }),
    );
    child.stdin?.end();
  });
}
