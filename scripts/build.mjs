// Build: esbuild emits ESM and CJS bundles; tsc emits the .d.ts files (esbuild cannot).
import { build } from 'esbuild';
import { execFileSync } from 'node:child_process';
import { rmSync } from 'node:fs';

rmSync('dist', { recursive: true, force: true });
const common = {
  entryPoints: ['src/index.ts'],
  bundle: true,
  platform: 'node',
  target: 'node20',
  sourcemap: true,
  packages: 'external',
  tsconfigRaw: { compilerOptions: { experimentalDecorators: true, emitDecoratorMetadata: false, useDefineForClassFields: false } },
};
await build({ ...common, format: 'cjs', outfile: 'dist/cjs/index.js' });
await build({ ...common, format: 'esm', outfile: 'dist/esm/index.mjs' });
// rocketmq-ts/wire: the codec toolkit subpath.
await build({ ...common, entryPoints: ['src/wire/index.ts'], format: 'cjs', outfile: 'dist/cjs/wire.js' });
await build({ ...common, entryPoints: ['src/wire/index.ts'], format: 'esm', outfile: 'dist/esm/wire.mjs' });
// The `rocketmq-ts` command (package.json `bin`).
await build({ ...common, entryPoints: ['src/cli/main.ts'], format: 'cjs', outfile: 'dist/cli/rocketmq-ts.js', banner: { js: '#!/usr/bin/env node' } });
execFileSync('npx', ['tsc', '-p', 'tsconfig.build.json'], { stdio: 'inherit' });
console.log('built dist/cjs, dist/esm, dist/types');
