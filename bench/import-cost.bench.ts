/**
 * Import cost benchmark (a script, not a test): what loading the built package costs a fresh Node process.
 * Prints one JSON line per case, then nothing else.
 *
 * Each round starts one fresh process per case, interleaved, so all cases see the same machine conditions:
 *   - `node -e 0`: the peer, Node's own start-up (wall time and RSS with nothing loaded), and the first import()
 *     of an empty ES module (the ES-module loader's own cost, which the import form includes)
 *   - `require('./dist/cjs/index.js')` and `import('./dist/esm/index.mjs')`: the package, both forms
 * For each: wall time of the whole process, time spent inside the require/import (hrtime around it), RSS after
 * it and the RSS it added, and how many modules it loaded. A case's figures are medians over the rounds.
 *
 *   npm run bench:import            (builds first)
 *   node -r ./scripts/ts-register.cjs bench/import-cost.bench.ts [--rounds 10] [--dist DIR]
 *   (--dist: measure another build's dist/, e.g. an older commit's, in the same run conditions)
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';

const ROOT = path.join(__dirname, '..');
function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}
const ROUNDS = Number(arg('rounds') ?? 10);
const DIST = path.resolve(arg('dist') ?? path.join(ROOT, 'dist'));

interface Sample {
  wallMs: number;
  importMs: number;
  rssMB: number;
  rssAddedMB: number;
  modules: number;
}

// Runs inside the measured process: prints one JSON sample.
const PROBE = (load: string): string => `
const before = process.memoryUsage().rss;
const t0 = process.hrtime.bigint();
Promise.resolve(${load}).then(() => {
  const importMs = Number(process.hrtime.bigint() - t0) / 1e6;
  const rss = process.memoryUsage().rss;
  const modules = Object.keys(require('node:module')._cache ?? {}).length;
  process.stdout.write(JSON.stringify({ importMs, rssMB: rss / 1048576, rssAddedMB: (rss - before) / 1048576, modules }));
});`;

const CASES: Record<string, string> = {
  'node -e 0 (peer)': PROBE('0'),
  // the ES-module loader's own start-up, which any first import() pays
  "import() of an empty ES module (peer)": PROBE(`import('data:text/javascript,export default 1')`),
  "require('rocketmq-ts') (dist/cjs)": PROBE(`require(${JSON.stringify(path.join(DIST, 'cjs/index.js'))})`),
  "import('rocketmq-ts') (dist/esm)": PROBE(`import(${JSON.stringify(path.join(DIST, 'esm/index.mjs'))})`),
};

function sample(code: string): Sample {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(process.execPath, ['-e', code], { cwd: ROOT, encoding: 'utf8' });
  const wallMs = Number(process.hrtime.bigint() - t0) / 1e6;
  if (r.status !== 0) throw new Error(`probe failed: ${r.stderr}`);
  return { wallMs, ...(JSON.parse(r.stdout) as Omit<Sample, 'wallMs'>) };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

function main(): void {
  if (!existsSync(path.join(DIST, 'cjs/index.js'))) throw new Error(`no ${DIST}/cjs/index.js: run \`npm run build\` first`);
  const samples: Record<string, Sample[]> = Object.fromEntries(Object.keys(CASES).map((k) => [k, []]));
  for (let round = 0; round < ROUNDS; round++) {
    const names = Object.keys(CASES);
    // rotate the order every round so no case always runs first
    for (let i = 0; i < names.length; i++) {
      const name = names[(i + round) % names.length]!;
      samples[name]!.push(sample(CASES[name]!));
    }
  }
  const round1 = (v: number): number => Math.round(v * 10) / 10;
  for (const [name, xs] of Object.entries(samples)) {
    const pick = (k: keyof Sample): number => round1(median(xs.map((x) => x[k])));
    console.log(
      JSON.stringify({
        bench: 'import-cost',
        case: name,
        rounds: xs.length,
        wallMsMedian: pick('wallMs'),
        importMsMedian: pick('importMs'),
        importMsMin: round1(Math.min(...xs.map((x) => x.importMs))),
        rssMBMedian: pick('rssMB'),
        rssAddedMBMedian: pick('rssAddedMB'),
        modules: pick('modules'),
        dist: path.relative(ROOT, DIST) || '.',
        node: process.version,
      }),
    );
  }
}

main();
