import { join } from 'node:path';
import { runTsChild } from '../../helpers/run-ts-child';

// Each fixture consumes, shuts down, and must then exit on its own (no timer, socket or loop left).
test.each([
  ['a push consumer', 'exit-after-consumer-shutdown.ts', 'done 12\n'],
  ['an orderly push consumer (a suspended batch pending, locks renewed)', 'exit-after-orderly-shutdown.ts', 'done 6\n'],
])('after %s shuts down nothing keeps the process alive (the child exits on its own)', async (_what, fixture, expected) => {
  const { code, stdout, stderr } = await runTsChild(join(__dirname, 'fixtures', fixture));
  expect(stderr).toBe('');
  expect(stdout).toBe(expected);
  expect(code).toBe(0);
}, 30_000);
