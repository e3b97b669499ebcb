'use strict';
// The package's public entry points: the ONE list that the build (scripts/build.mjs), package.json `exports`/`bin`
// (rewritten by the build; checked by test/unit/build/package-json.test.ts) and the packed-package test follow.
// Adding an entry point is one line here:
//   subpath: { subpath: './wire', src: 'src/wire/index.ts' }
//   command: { bin: 'rocketmq-ts', src: 'src/cli/main.ts' }   (the source starts with `#!/usr/bin/env node`)
/** The one CommonJS bundle behind every entry (the only file with a side effect: it loads reflect-metadata). */
const CORE = './dist/cjs/core.js';

const ENTRIES = [
  { subpath: '.', src: 'src/index.ts' },
  { subpath: './wire', src: 'src/wire/index.ts' },
  { subpath: './testing', src: 'src/testing/index.ts' },
  { bin: 'rocketmq-ts', src: 'src/cli/main.ts' },
];

/** `src/a/b.ts` -> `a/b` */
function stem(src) {
  return src.replace(/^src\//, '').replace(/\.ts$/, '');
}

/** Where an entry's files land in dist/ (relative to the package root, `./`-prefixed). */
function entryFiles(entry) {
  const s = stem(entry.src);
  return {
    cjs: `./dist/cjs/${s}.js`,
    cjsTypes: `./dist/cjs/${s}.d.ts`,
    esm: `./dist/esm/${s}.mjs`,
    esmTypes: `./dist/esm/${s}.d.mts`,
  };
}

/**
 * package.json `exports`, `bin` and `sideEffects` for ENTRIES. One implementation (CommonJS); the `import`
 * condition is a thin ES module re-exporting it, so both forms share classes, errors and the client-instance registry. Each condition has
 * its own types: `.d.mts` for import (named exports only, as at run time), `.d.ts` for require.
 */
function packageFields() {
  const exports = {};
  const bin = {};
  for (const e of ENTRIES) {
    const f = entryFiles(e);
    if (e.subpath !== undefined) {
      exports[e.subpath] = {
        import: { types: f.esmTypes, default: f.esm },
        require: { types: f.cjsTypes, default: f.cjs },
      };
    }
    if (e.bin !== undefined) bin[e.bin] = f.cjs;
  }
  exports['./package.json'] = './package.json';
  return { exports, bin, sideEffects: [CORE] };
}

module.exports = { CORE, ENTRIES, entryFiles, packageFields };
