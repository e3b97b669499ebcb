// The package as users get it: build, `npm pack`, install the tarball into a scratch project, then compile small
// ES-module and CommonJS consumers with this repository's tsc (`--module nodenext --strict`) and run them with Node.
// Proves: one implementation behind both forms (same classes, instanceof across them), types that match what each
// form really exports (no default export for `import x from`), and the tarball's contents.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const root = join(__dirname, '..', '..', '..');
const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');

interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
}

function run(cmd: string, args: string[], cwd: string): Run {
  const r = spawnSync(cmd, args, { cwd, encoding: 'utf8', timeout: 120_000, env: { ...process.env, npm_config_update_notifier: 'false' } });
  return { status: r.status, stdout: r.stdout ?? '', stderr: r.stderr ?? '' };
}

function ok(r: Run, what: string): string {
  if (r.status !== 0) throw new Error(`${what} exited ${r.status}\n${r.stdout}\n${r.stderr}`);
  return r.stdout;
}

const CONSUMER_BODY = `
const producer = new DefaultMQProducer({ producerGroup: 'g', namesrvAddr: '127.0.0.1:9876' });
const msg = new Message('TopicA', 'hello', { tags: 't' });
let code = '';
try {
  new DefaultMQProducer({ producerGroup: 'g', sendMsgTimeoutMs: -1 });
} catch (err) {
  if (err instanceof InvalidConfigError && err instanceof RocketMQError) code = err.code;
}
const options: ProducerOptions = { producerGroup: 'g' };
console.log(JSON.stringify({ state: producer.serviceState, topic: msg.topic, code, group: options.producerGroup }));
`;

describe('the packed package, installed and used from ESM and CommonJS', () => {
  let dir: string;
  let proj: string;
  let files: string[];

  beforeAll(() => {
    execFileSync(process.execPath, [join(root, 'scripts', 'build.mjs')], { cwd: root, stdio: 'pipe' });
    dir = mkdtempSync(join(tmpdir(), 'rocketmq-ts-pack-'));
    const packed = JSON.parse(ok(run('npm', ['pack', '--json', '--pack-destination', dir], root), 'npm pack')) as Array<{
      filename: string;
      files: Array<{ path: string }>;
    }>;
    files = packed[0]!.files.map((f) => f.path);
    proj = join(dir, 'consumer');
    mkdirSync(join(proj, 'node_modules', '@types'), { recursive: true });
    writeFileSync(join(proj, 'package.json'), JSON.stringify({ name: 'consumer', version: '1.0.0', private: true }));
    ok(
      run('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', '--ignore-scripts', '--no-save', join(dir, packed[0]!.filename)], proj),
      'npm install of the tarball',
    );
    // The consumers' own Node types (the package's .d.ts files refer to node:net, node:tls...).
    symlinkSync(join(root, 'node_modules', '@types', 'node'), join(proj, 'node_modules', '@types', 'node'), 'dir');
    writeFileSync(
      join(proj, 'esm.mts'),
      `import { DefaultMQProducer, InvalidConfigError, Message, RocketMQError, type ProducerOptions } from 'rocketmq-ts';\n${CONSUMER_BODY}`,
    );
    writeFileSync(
      join(proj, 'cjs.cts'),
      `import { DefaultMQProducer, InvalidConfigError, Message, RocketMQError, type ProducerOptions } from 'rocketmq-ts';\n${CONSUMER_BODY}`,
    );
    writeFileSync(
      join(proj, 'cjs-namespace.cts'),
      `import rmq = require('rocketmq-ts');\nconsole.log(typeof rmq.DefaultMQProducer);\n`,
    );
    writeFileSync(join(proj, 'esm-default.mts'), `import rmq from 'rocketmq-ts';\nconsole.log(typeof rmq);\n`);
    writeFileSync(
      join(proj, 'both.mjs'),
      [
        `import * as esm from 'rocketmq-ts';`,
        `import { createRequire } from 'node:module';`,
        `const cjs = createRequire(import.meta.url)('rocketmq-ts');`,
        `const names = Object.keys(esm);`,
        `const different = names.filter((n) => esm[n] !== cjs[n]);`,
        `const err = new cjs.InvalidConfigError('x', []);`,
        `console.log(JSON.stringify({ names: names.length, cjsNames: Object.keys(cjs).filter((n) => n !== '__esModule').length, different,`,
        `  crossInstanceof: err instanceof esm.RocketMQError && err instanceof esm.InvalidConfigError,`,
        `  sameProducer: esm.DefaultMQProducer === cjs.DefaultMQProducer }));`,
      ].join('\n'),
    );
  }, 180_000);

  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('ships LICENSE, README, package.json and dist only', () => {
    expect(files).toEqual(expect.arrayContaining(['LICENSE', 'README.md', 'package.json', 'dist/cjs/index.js', 'dist/cjs/index.d.ts', 'dist/esm/index.mjs', 'dist/esm/index.d.mts']));
    expect(files.filter((f) => !/^(LICENSE|README\.md|package\.json|dist\/.*)$/.test(f))).toEqual([]);
    expect(readFileSync(join(proj, 'node_modules', 'rocketmq-ts', 'LICENSE'), 'utf8')).toMatch(/Apache License\s+Version 2\.0/);
  });

  it('ESM and CommonJS consumers compile with --module nodenext --strict and run', () => {
    ok(
      run(process.execPath, [tsc, '--module', 'nodenext', '--moduleResolution', 'nodenext', '--target', 'es2022', '--strict', '--types', 'node', '--outDir', 'out', 'esm.mts', 'cjs.cts', 'cjs-namespace.cts'], proj),
      'tsc on the consumers',
    );
    const expected = { state: 'CREATE_JUST', topic: 'TopicA', code: 'ERR_INVALID_CONFIG', group: 'g' };
    expect(JSON.parse(ok(run(process.execPath, ['out/esm.mjs'], proj), 'esm consumer'))).toEqual(expected);
    expect(JSON.parse(ok(run(process.execPath, ['out/cjs.cjs'], proj), 'cjs consumer'))).toEqual(expected);
    expect(ok(run(process.execPath, ['out/cjs-namespace.cjs'], proj), 'cjs namespace consumer').trim()).toBe('function');
  });

  it('a default import from ESM is a type error, as it is a run-time error', () => {
    const compiled = run(process.execPath, [tsc, '--module', 'nodenext', '--moduleResolution', 'nodenext', '--strict', '--types', 'node', '--noEmit', 'esm-default.mts'], proj);
    expect(compiled.status).not.toBe(0);
    expect(compiled.stdout).toMatch(/esm-default\.mts.*(has no default export|TS1192|TS2613)/);
    writeFileSync(join(proj, 'esm-default.mjs'), `import rmq from 'rocketmq-ts';\nconsole.log(typeof rmq);\n`);
    const ran = run(process.execPath, ['esm-default.mjs'], proj);
    expect(ran.status).not.toBe(0);
    expect(ran.stderr).toMatch(/does not provide an export named 'default'/);
  });

  it('importing and requiring it in one process gives the same objects: one implementation', () => {
    const r = JSON.parse(ok(run(process.execPath, ['both.mjs'], proj), 'both forms')) as Record<string, unknown>;
    expect(r.different).toEqual([]);
    expect(r.names).toBe(r.cjsNames);
    expect(r.names).toBeGreaterThan(20);
    expect(r.crossInstanceof).toBe(true);
    expect(r.sameProducer).toBe(true);
  });
});
