/**
 * Importing `rocketmq-ts/wire` must open nothing and patch nothing. A child process compares its
 * globals and active resources before and after the import; the only allowed change is what
 * reflect-metadata documents: its functions on the global `Reflect` (the header decorators need them).
 */
import { execFileSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import * as path from 'node:path';
import { bundleCjs, bundleDir } from '../../helpers/esbuild-bundle';

// Each test starts child processes; on a loaded machine that alone can take seconds (no speed is asserted).
jest.setTimeout(60_000);

const root = path.resolve(__dirname, '../../..');

const probe = `
const snap = () => ({
  globals: Object.getOwnPropertyNames(globalThis).sort(),
  symbols: Object.getOwnPropertySymbols(globalThis).map(String).sort(),
  reflect: Reflect.ownKeys(Reflect).map(String).sort(),
  protos: [Object.prototype, Array.prototype, Function.prototype, Buffer.prototype, Promise.prototype]
    .map((p) => Reflect.ownKeys(p).map(String).sort().join(',')),
  resources: process.getActiveResourcesInfo().sort(),
  listeners: process.eventNames().map(String).sort(),
});
const before = snap();
const wire = require(process.env.WIRE_BUNDLE);
const after = snap();
process.stdout.write(JSON.stringify({ before, after, exports: Object.keys(wire).length }));
`;

describe('rocketmq-ts/wire import', () => {
  it('opens no handle and changes no global but the reflect-metadata functions', () => {
    // The bundle as the build makes it, so that no TypeScript loader runs inside the probe.
    const dir = bundleDir('wire-purity-');
    const bundle = path.join(dir, 'wire.js');
    let out: string;
    try {
      bundleCjs('src/wire/index.ts', bundle);
      out = execFileSync(process.execPath, ['-e', probe], { cwd: root, encoding: 'utf8', env: { ...process.env, WIRE_BUNDLE: bundle } });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    const { before, after, exports } = JSON.parse(out) as {
      before: Record<string, unknown>;
      after: Record<string, unknown>;
      exports: number;
    };
    expect(exports).toBeGreaterThan(50);
    expect(after.globals).toEqual(before.globals);
    expect(after.symbols).toEqual(before.symbols);
    expect(after.protos).toEqual(before.protos);
    expect(after.resources).toEqual(before.resources);
    expect(after.listeners).toEqual(before.listeners);
    const added = (after.reflect as string[]).filter((k) => !(before.reflect as string[]).includes(k));
    expect((before.reflect as string[]).filter((k) => !(after.reflect as string[]).includes(k))).toEqual([]);
    // reflect-metadata's documented API, nothing else.
    expect(added.sort()).toEqual(
      [
        // 0.2's shared metadata registry, so that several copies of the package agree.
        'Symbol(@reflect-metadata:registry)',
        'decorate',
        'defineMetadata',
        'deleteMetadata',
        'getMetadata',
        'getMetadataKeys',
        'getOwnMetadata',
        'getOwnMetadataKeys',
        'hasMetadata',
        'hasOwnMetadata',
        'metadata',
      ],
    );
  });
});
