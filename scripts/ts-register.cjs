'use strict';
// Lets `node -r ./scripts/ts-register.cjs file.ts` run our TypeScript (demo, benchmarks, harness
// scripts) through esbuild with the same decorator options as the build and the jest transform.
const fs = require('node:fs');
const { transformSync } = require('esbuild');

const compilerOptions = { experimentalDecorators: true, emitDecoratorMetadata: false, useDefineForClassFields: false };

require.extensions['.ts'] = function compileTs(module, filename) {
  const source = fs.readFileSync(filename, 'utf8');
  const { code } = transformSync(source, {
    loader: 'ts',
    format: 'cjs',
    target: 'node20',
    sourcemap: 'inline',
    sourcefile: filename,
    tsconfigRaw: { compilerOptions },
  });
  module._compile(code, filename);
};
