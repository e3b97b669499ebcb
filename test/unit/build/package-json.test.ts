// package.json follows the entry-point list of scripts/entries.cjs (the build rewrites it; this catches an edit of
// one without the other) and carries what a published package needs.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const root = join(__dirname, '..', '..', '..');
// eslint-disable-next-line @typescript-eslint/no-require-imports
const entries = require(join(root, 'scripts', 'entries.cjs')) as {
  ENTRIES: Array<{ subpath?: string; bin?: string; src: string }>;
  packageFields(): { exports: Record<string, unknown>; bin: Record<string, string>; sideEffects: string[] };
};
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as Record<string, unknown>;

test('exports, bin and sideEffects are those of scripts/entries.cjs', () => {
  const fields = entries.packageFields();
  expect(pkg.exports).toEqual(fields.exports);
  expect(pkg.bin ?? {}).toEqual(fields.bin);
  expect(pkg.sideEffects).toEqual(fields.sideEffects);
  for (const e of entries.ENTRIES) expect(existsSync(join(root, e.src))).toBe(true);
});

test('every subpath has per-condition types: .d.mts for import, .d.ts for require', () => {
  for (const [subpath, value] of Object.entries(pkg.exports as Record<string, unknown>)) {
    if (subpath === './package.json') continue;
    const v = value as { import: { types: string; default: string }; require: { types: string; default: string } };
    expect(v.import.types).toMatch(/\.d\.mts$/);
    expect(v.import.default).toMatch(/\.mjs$/);
    expect(v.require.types).toMatch(/\.d\.ts$/);
    expect(v.require.default).toMatch(/\.js$/);
  }
});

test('license, keywords, files', () => {
  expect(pkg.license).toBe('Apache-2.0');
  expect(readFileSync(join(root, 'LICENSE'), 'utf8')).toMatch(/Apache License\s+Version 2\.0, January 2004/);
  expect(pkg.keywords).toEqual(expect.arrayContaining(['rocketmq']));
  expect(pkg.files).toEqual(['dist']);
});

test("README's first screen: how to install, what it covers, the docs, the global Reflect patch", () => {
  const readme = readFileSync(join(root, 'README.md'), 'utf8');
  const firstScreen = readme.split('\n').slice(0, 45).join('\n');
  expect(firstScreen).toContain('npm install rocketmq-ts');
  expect(firstScreen).toMatch(/What it covers today/);
  expect(firstScreen).toContain('(docs/options.md)');
  expect(firstScreen).toContain('(docs/compatibility.md)');
  expect(firstScreen).toMatch(/reflect-metadata[\s\S]*global `Reflect`/);
});
