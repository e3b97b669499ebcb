import { execFile } from 'node:child_process';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..', '..');

function runChild(file: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = execFile(
      process.execPath,
      ['-r', join(ROOT, 'scripts', 'ts-register.cjs'), join(__dirname, 'fixtures', file)],
      // The timeout is the proof: a handle left open would keep the child running until it is killed.
      { cwd: ROOT, timeout: 20_000, env: { ...process.env, NAMESRV_ADDR: '' } },
      (err, stdout, stderr) => resolve({ code: err ? ((err as { code?: number }).code ?? -1) : 0, stdout, stderr }),
    );
    child.stdin?.end();
  });
}

test('FakeRocketMQ works under node:test (a child process running the test file directly)', async () => {
  const r = await runChild('node-test-fake.ts');
  expect(r.stdout).toMatch(/^# pass 1$/m);
  expect(r.stdout).toMatch(/^# fail 0$/m);
  expect(r.code).toBe(0);
}, 30_000);

test('after close() the process exits on its own: no socket, server or timer left, even mid long-poll', async () => {
  const r = await runChild('close-leaves-nothing.ts');
  expect(r.stderr).toBe('');
  expect(r.stdout).toBe('left []\n');
  expect(r.code).toBe(0);
}, 30_000);
