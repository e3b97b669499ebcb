import { join } from 'node:path';
import { runTsChild } from '../../helpers/run-ts-child';

test('after shutdown nothing keeps the process alive (the child exits on its own)', async () => {
  const { code, stdout, stderr } = await runTsChild(join(__dirname, 'fixtures', 'exit-after-shutdown.ts'));
  expect(stderr).toBe('');
  expect(stdout).toBe('done\n');
  expect(code).toBe(0);
}, 30_000);
