// What the editor says about a misspelt option. Both producers have a Java-style `(producerGroup: string, ...)`
// overload; a typo in the options object must be reported as the unknown option, not as "not assignable to
// parameter of type 'string'". Compiled with this repository's tsc, as users' editors would.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const root = join(__dirname, '..', '..', '..');

test('a misspelt option is named in the compile error of both producers', () => {
  const cache = join(root, 'node_modules', '.cache');
  mkdirSync(cache, { recursive: true });
  const dir = mkdtempSync(join(cache, 'rocketmq-ts-typo-'));
  try {
    const file = join(dir, 'typo.ts');
    writeFileSync(
      file,
      [
        `import { DefaultMQProducer, TransactionMQProducer } from '../../../src/index';`,
        `new DefaultMQProducer({ producerGroup: 'g', namesrvAdr: '127.0.0.1:9876' });`,
        `new TransactionMQProducer({ producerGroup: 'g', sendMsgTimeotMs: 10 });`,
        `new DefaultMQProducer({ producerGroup: 'g', namesrvAddr: '127.0.0.1:9876' });`,
        // the listener's arrow functions are typed from the options (a literal state, not a widened string)
        `new TransactionMQProducer({ transactionListener: { executeLocalTransaction: () => 'COMMIT_MESSAGE', checkLocalTransaction: () => 'UNKNOW' } });`,
      ].join('\n'),
    );
    const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');
    const args = ['--ignoreConfig', '--noEmit', '--strict', '--module', 'nodenext', '--moduleResolution', 'nodenext', '--target', 'es2022'];
    const r = spawnSync(process.execPath, [tsc, ...args, '--experimentalDecorators', '--types', 'node', '--skipLibCheck', file], {
      encoding: 'utf8',
      timeout: 120_000,
    });
    const out = r.stdout + r.stderr;
    const errors = out.split('\n').filter((l) => /typo\.ts\(\d+,\d+\): error/.test(l));
    expect(errors.map((l) => l.replace(/^.*typo\.ts\((\d+),\d+\).*$/, '$1'))).toEqual(['2', '3']);
    expect(out).toMatch(/'namesrvAdr' does not exist in type/);
    expect(out).toMatch(/Did you mean to write 'namesrvAddr'\?/);
    expect(out).toMatch(/'sendMsgTimeotMs' does not exist in type/);
    expect(out).not.toMatch(/parameter of type 'string'/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
