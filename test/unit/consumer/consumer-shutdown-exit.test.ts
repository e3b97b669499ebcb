import { join } from 'node:path';
import { runTsChild } from '../../helpers/run-ts-child';

test('after a push consumer shuts down nothing keeps the process alive (the child exits on its own)', async () => {
  const { code, stdout, stderr } = await runTsChild(join(__dirname, 'fixtures', 'exit-after-consumer-shutdown.ts'));
  expect(stderr).toBe('');
  expect(stdout).toBe('done 12\n');
  expect(code).toBe(0);
}, 30_000);
