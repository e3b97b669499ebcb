import { execFile } from 'node:child_process';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..', '..');

test('FakeRocketMQ works under vitest (a child process running vitest on a fixture)', async () => {
  const r = await new Promise<{ code: number | null; out: string }>((resolve) => {
    const child = execFile(
      process.execPath,
      [join(ROOT, 'node_modules', 'vitest', 'vitest.mjs'), 'run', '--config', join(__dirname, 'fixtures', 'vitest.config.mjs')],
      // The timeout is also the proof that nothing was left open: vitest's fork would otherwise hang.
      { cwd: ROOT, timeout: 60_000, env: { ...process.env, NAMESRV_ADDR: '', NO_COLOR: '1', CI: '1' } },
      (err, stdout, stderr) => resolve({ code: err ? ((err as { code?: number }).code ?? -1) : 0, out: `${stdout}\n${stderr}` }),
    );
    child.stdin?.end();
  });
  expect(r.out).toMatch(/Tests\s+1 passed \(1\)/);
  expect(r.code).toBe(0);
}, 90_000);
