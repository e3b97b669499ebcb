// Importing the package loads no zod (its ~95 modules were most of the import cost): the schemas are built on
// first use, with zod's own messages. Checked in a fresh process, on the sources as the build compiles them.
// (Timings are for `npm run bench:import`, never asserted here.)
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

const root = join(__dirname, '..', '..', '..');

function probe(code: string): Record<string, unknown> {
  const r = spawnSync(process.execPath, ['-r', join(root, 'scripts', 'ts-register.cjs'), '-e', code], { cwd: root, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(r.stderr);
  return JSON.parse(r.stdout) as Record<string, unknown>;
}

const ZOD_LOADED = `Object.keys(require.cache).filter((k) => /[\\\\/]node_modules[\\\\/]zod[\\\\/]/.test(k)).length`;

test('require of the package entry loads no zod module; the first producer does, and its errors are intact', () => {
  const r = probe(`
    const api = require('./src/index.ts');
    const atImport = ${ZOD_LOADED};
    let message = '';
    try { new api.DefaultMQProducer({ producerGroup: 'g', sendMsgTimeoutMs: 'soon', namesrvAdr: 'x' }); } catch (e) { message = e.message; }
    const p = new api.DefaultMQProducer({ producerGroup: 'g', namesrvAddr: '127.0.0.1:9876' });
    console.log(JSON.stringify({ atImport, afterFirstProducer: ${ZOD_LOADED}, message, state: p.serviceState }));
  `);
  expect(r.atImport).toBe(0);
  expect(r.afterFirstProducer).toBeGreaterThan(0);
  expect(r.message).toMatch(/sendMsgTimeoutMs: expected number/);
  expect(r.message).toMatch(/Unknown option "namesrvAdr" \(did you mean "namesrvAddr"\?\)/);
  expect(r.state).toBe('CREATE_JUST');
});
