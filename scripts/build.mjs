// Build: ONE implementation, CommonJS. esbuild bundles every entry point of scripts/entries.cjs into one file,
// dist/cjs/core.js, so that all of them share one copy of every module (one RocketMQError, one client-instance
// registry); each entry's module graph initialises on first use. Per entry: a CommonJS facade (dist/cjs/<stem>.js)
// picking its exports out of the core, the .d.ts that tsc writes next to it, an ES-module face (dist/esm/<stem>.mjs)
// re-exporting the facade's objects, and a .d.mts declaring exactly those named exports (no default: there is none
// at run time). package.json `exports`/`bin`/`sideEffects` are rewritten from the same list when they differ.
import { build } from 'esbuild';
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import entries from './entries.cjs';

const { ENTRIES, entryFiles, packageFields } = entries;
const CORE = entries.CORE.slice(2);

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
process.chdir(ROOT);

/** Relative module specifier from the file `from` to the file `to`. */
function spec(from, to) {
  const r = relative(dirname(resolve(from)), resolve(to)).replace(/\\/g, '/');
  return r.startsWith('.') ? r : `./${r}`;
}

function write(file, text, mode) {
  mkdirSync(dirname(resolve(file)), { recursive: true });
  writeFileSync(resolve(file), text);
  if (mode !== undefined) chmodSync(resolve(file), mode);
}

rmSync('dist', { recursive: true, force: true });
// Getters, so an entry's modules run only when the entry is loaded (require() of a bundled module is lazy).
const core = ENTRIES.map((e) => `  get ${JSON.stringify(e.src)}() { return require(${JSON.stringify(`./${e.src}`)}); },`).join('\n');
await build({
  stdin: { contents: `module.exports = {\n${core}\n};\n`, resolveDir: ROOT, sourcefile: 'entries.js', loader: 'js' },
  outfile: CORE,
  bundle: true,
  format: 'cjs',
  platform: 'node',
  target: 'node20',
  packages: 'external',
  sourcemap: true,
  logLevel: 'warning',
  tsconfigRaw: { compilerOptions: { experimentalDecorators: true, emitDecoratorMetadata: false, useDefineForClassFields: false } },
});
execFileSync(process.execPath, [join(dirname(require.resolve('typescript/package.json')), 'bin', 'tsc'), '-p', 'tsconfig.build.json'], {
  stdio: 'inherit',
});

for (const entry of ENTRIES) {
  const f = entryFiles(entry);
  const shebang = entry.bin !== undefined ? '#!/usr/bin/env node\n' : '';
  // Two statements on purpose: `module.exports = require(x)...` would make Node's CJS export lexer (run when an
  // ES module imports this file) take it for a re-export and lex the whole core bundle, ~50 ms and ~10 MB.
  const load = `const core = require(${JSON.stringify(spec(f.cjs, CORE))});\nmodule.exports = core[${JSON.stringify(entry.src)}];`;
  write(f.cjs, `${shebang}'use strict';\n${load}\n`, entry.bin !== undefined ? 0o755 : undefined);
  if (entry.subpath === undefined) continue; // a command only: no ES-module face
  const names = Object.keys(require(resolve(f.cjs))).filter((n) => n !== '__esModule' && n !== 'default').sort();
  write(
    f.esm,
    `// The ES-module face of ${f.cjs.slice(2)}: the same objects, not a second copy.\n` +
      `import cjs from '${spec(f.esm, f.cjs)}';\n` +
      `export const {\n${names.map((n) => `  ${n},`).join('\n')}\n} = cjs;\n`,
  );
  write(f.esmTypes, `export * from '${spec(f.esmTypes, f.cjs)}';\n`);
}

const pkgPath = resolve('package.json');
const pkgText = readFileSync(pkgPath, 'utf8');
const pkg = JSON.parse(pkgText);
const { exports, bin, sideEffects } = packageFields();
const next = { ...pkg, exports, sideEffects };
if (Object.keys(bin).length > 0) next.bin = bin;
else delete next.bin;
const nextText = `${JSON.stringify(next, null, 2)}\n`;
if (nextText !== pkgText) {
  writeFileSync(pkgPath, nextText);
  console.log('package.json exports/bin/sideEffects updated from scripts/entries.cjs');
}
console.log(`built dist/cjs (+ .d.ts) and dist/esm for ${ENTRIES.map((e) => e.subpath ?? `bin ${e.bin}`).join(', ')}`);
