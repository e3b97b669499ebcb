/**
 * Summarises a V8 CPU profile written by `npm run bench:producer -- --cpu-prof` (or `node --cpu-prof`):
 * the functions with the most self time and the most inclusive time, each named by its source module (the
 * bundle's `// src/...` markers map bundle lines back to files).
 *
 *   node -r ./scripts/ts-register.cjs bench/producer/profile-summary.ts FILE.cpuprofile [TOP]
 */
import { existsSync, readFileSync } from 'node:fs';

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
}
interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

/** Line -> source module, from esbuild's `// path.ts` comments in a bundle. */
function moduleMarks(bundlePath: string): Array<[number, string]> {
  if (!existsSync(bundlePath)) return [];
  const marks: Array<[number, string]> = [];
  readFileSync(bundlePath, 'utf8')
    .split('\n')
    .forEach((l, i) => {
      const m = /^\/\/ ((?:src|bench|node_modules)\/\S+\.[cm]?[jt]s)$/.exec(l);
      if (m) marks.push([i + 1, m[1]!]);
    });
  return marks;
}

export function summarizeProfile(file: string, top = 30): string {
  const p = JSON.parse(readFileSync(file, 'utf8')) as Profile;
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const marksByUrl = new Map<string, Array<[number, string]>>();
  const label = (cf: CallFrame): string => {
    const line = cf.lineNumber + 1;
    let where = cf.url ? `${cf.url.split('/').slice(-2).join('/')}:${line}` : '';
    if (cf.url.startsWith('file://') && cf.url.includes('rocketmq-ts-bench')) {
      const path = cf.url.slice('file://'.length);
      if (!marksByUrl.has(path)) marksByUrl.set(path, moduleMarks(path));
      let mod = '?';
      for (const [ln, m] of marksByUrl.get(path)!) {
        if (ln <= line) mod = m;
        else break;
      }
      where = `${mod} (bundle line ${line})`;
    }
    return `${cf.functionName || '(anonymous)'} ${where}`.trim();
  };
  const self = new Map<string, number>();
  const incl = new Map<string, number>();
  let total = 0;
  for (let i = 0; i < p.samples.length; i++) {
    const dt = p.timeDeltas[i] ?? 0;
    total += dt;
    let id: number | undefined = p.samples[i];
    const first = byId.get(id!);
    if (!first) continue;
    const k = label(first.callFrame);
    self.set(k, (self.get(k) ?? 0) + dt);
    const seen = new Set<string>();
    while (id !== undefined) {
      const n = byId.get(id)!;
      const key = label(n.callFrame);
      if (!seen.has(key)) {
        seen.add(key);
        incl.set(key, (incl.get(key) ?? 0) + dt);
      }
      id = parent.get(id);
    }
  }
  const rows = (m: Map<string, number>): string[] =>
    [...m.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([k, v]) => `${(v / 1000).toFixed(0).padStart(7)} ms ${((100 * v) / total).toFixed(1).padStart(5)}%  ${k}`);
  return [`total ${(total / 1e6).toFixed(2)} s`, '-- self time', ...rows(self), '-- inclusive time', ...rows(incl)].join('\n');
}

if (require.main === module) {
  const [file, top] = process.argv.slice(2);
  if (!file) {
    process.stderr.write('usage: profile-summary.ts FILE.cpuprofile [TOP]\n');
    process.exit(2);
  }
  process.stdout.write(summarizeProfile(file, Number(top ?? 30)) + '\n');
}
