'use strict';
// Jest transformer: TypeScript through esbuild with the same decorator options as the build.
// esbuild's transform API ignores tsconfig.json, so the options must be passed here explicitly;
// without experimentalDecorators it would silently compile standard (TC39) decorators instead.
const { transformSync } = require('esbuild');
const { createHash } = require('node:crypto');

const compilerOptions = {
  experimentalDecorators: true,
  emitDecoratorMetadata: false,
  useDefineForClassFields: false,
};

module.exports = {
  process(source, filename) {
    const out = transformSync(source, {
      loader: filename.endsWith('.tsx') ? 'tsx' : 'ts',
      format: 'cjs',
      target: 'node20',
      sourcemap: 'inline',
      sourcefile: filename,
      tsconfigRaw: { compilerOptions },
    });
    return { code: out.code };
  },
  getCacheKey(source, filename) {
    return createHash('sha1').update(source).update(filename).update(JSON.stringify(compilerOptions)).digest('hex');
  },
};
