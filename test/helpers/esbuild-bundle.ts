/**
 * Bundles an entry of the repository the way scripts/build.mjs does (esbuild build API, CommonJS,
 * packages external, the same decorator options), for tests that run what ships rather than what the
 * jest transform compiles.
 */
import { buildSync } from 'esbuild';
import { mkdirSync, mkdtempSync } from 'node:fs';
import { join } from 'node:path';

export const REPO_ROOT = join(__dirname, '..', '..');

const compilerOptions = { experimentalDecorators: true, emitDecoratorMetadata: false, useDefineForClassFields: false };

/** `entry` is relative to the repository root. */
export function bundleCjs(entry: string, outfile: string): void {
  buildSync({
    entryPoints: [join(REPO_ROOT, entry)],
    outfile,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    packages: 'external',
    logLevel: 'silent',
    tsconfigRaw: { compilerOptions },
  });
}

/** A fresh directory inside the repository, so bundles' external packages resolve from its node_modules. */
export function bundleDir(prefix: string): string {
  const cache = join(REPO_ROOT, 'node_modules', '.cache');
  mkdirSync(cache, { recursive: true });
  return mkdtempSync(join(cache, prefix));
}
