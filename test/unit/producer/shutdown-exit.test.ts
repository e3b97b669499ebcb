import { execFile } from 'node:child_process';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..', '..');

test('after shutdown nothing keeps the process alive (the child exits on its own)', async () => {
  const { code, stdout, stderr } = await new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
    const child = execFile(
      process.execPath,
      ['-r', join(ROOT, 'scripts', 'ts-register.cjs'), join(__dirname, 'fixtures', 'exit-after-shutdown.ts')],
      { cwd: ROOT, timeout: 20_000, env: { ...process.env, NAMESRV_ADDR: '' } },
      (err, out, errOut) => resolve({ code: err ? ((err as { code?: number }).code ?? -1) : 0, stdout: out, stderr: errOut }),
    );
    child.stdin?.end();
  });
  expect(stderr).toBe('');
  expect(stdout).toBe('done\n');
  expect(code).toBe(0);
}, 30_000);
