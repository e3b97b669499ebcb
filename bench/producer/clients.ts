/**
 * The clients under comparison and how to build and launch each as its own process. Builds land in the
 * harness's cache (outside the git tree) and are skipped when the sources have not changed.
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { BenchError } from './bench-error';
import { ROOT, type HarnessEnv } from './broker-control';
import type { WorkerSpec } from './worker-process';
import type { SendMode } from './worker-protocol';

export const CLIENT_NAMES = ['rocketmq-ts', 'java', 'ali-ons', 'go', 'rocketmq-ts-promise'] as const;
export type ClientName = (typeof CLIENT_NAMES)[number];
/** The comparison of issue 5; rocketmq-ts-promise is extra (on by default in --stub runs, which are short). */
export const DEFAULT_CLIENTS: readonly ClientName[] = ['rocketmq-ts', 'java', 'ali-ons', 'go'];
export const DEFAULT_STUB_CLIENTS: readonly ClientName[] = ['rocketmq-ts', 'rocketmq-ts-promise', 'java', 'ali-ons', 'go'];

const HERE = join(ROOT, 'bench', 'producer');
const BUILD_TIMEOUT_MS = 15 * 60_000;

export interface LaunchContext {
  namesrv: string;
  topic: string;
  /** Harness env, when a harness is available (Java needs its version and cache). */
  harness: HarnessEnv | undefined;
  /** rocketmq-ts: directory for `node --cpu-prof` output, when profiling. */
  cpuProfDir: string | undefined;
  log: (line: string) => void;
}

export interface ClientDef {
  name: ClientName;
  supports(mode: SendMode): boolean;
  /** Builds what the worker needs; returns its launch spec. Throws a BenchError saying why it cannot run. */
  prepare(ctx: LaunchContext): Promise<WorkerSpec>;
}

export function exec(file: string, args: string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv }): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(file, args, { ...opts, timeout: BUILD_TIMEOUT_MS, maxBuffer: 32 * 1024 * 1024 }, (err, stdout, stderr) => {
      if (err) reject(new BenchError(`${file} ${args.join(' ')}: ${err.message}\n${(stderr + stdout).slice(-4000)}`, { cause: err }));
      else resolve(stdout);
    });
  });
}

/** Hash of every file under `dir` (names and contents), so a changed source is rebuilt. */
export function hashTree(dir: string, h = createHash('sha256')): string {
  const walk = (d: string): void => {
    for (const name of readdirSync(d).sort()) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else h.update(p.slice(dir.length)).update(readFileSync(p));
    }
  };
  walk(dir);
  return h.digest('hex').slice(0, 16);
}

export function cacheRoot(ctx: Pick<LaunchContext, 'harness'>): string {
  if (process.env.ROCKETMQ_CACHE) return process.env.ROCKETMQ_CACHE;
  // The harness keeps lib/<version> and m2/ side by side in its cache.
  if (ctx.harness) return dirname(dirname(ctx.harness.lib));
  return join(process.env.HOME ?? homedir(), '.cache', 'rocketmq-ts');
}

function workerArgs(ctx: LaunchContext, client: string): string[] {
  return [
    `namesrv=${ctx.namesrv}`,
    `topic=${ctx.topic}`,
    `group=bench_${client.replace(/[^A-Za-z0-9]/g, '_')}_${process.pid}`,
    'compressOver=4096',
    'sendTimeoutMs=3000',
  ];
}

/**
 * Bundles a Node driver with esbuild the way scripts/build.mjs bundles the package (one file, dependencies
 * external), so the client runs as users get it: no per-module loader, no CJS export getters on hot paths.
 * The bundle goes under node_modules/.cache so its external requires resolve from the project.
 */
export async function bundleDriver(file: string, dir = HERE): Promise<string> {
  const { build } = await import('esbuild');
  const outfile = join(ROOT, 'node_modules', '.cache', 'rocketmq-ts-bench', file.replace(/\.ts$/, '.js'));
  await build({
    entryPoints: [join(dir, file)],
    outfile,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    sourcemap: 'linked',
    packages: 'external',
    logLevel: 'error',
    tsconfigRaw: { compilerOptions: { experimentalDecorators: true, emitDecoratorMetadata: false, useDefineForClassFields: false } },
  });
  return outfile;
}

async function nodeWorker(ctx: LaunchContext, client: string, file: string, nodeFlags: string[], extra: string[]): Promise<WorkerSpec> {
  const bundle = await bundleDriver(file);
  return {
    client,
    command: process.execPath,
    args: [...nodeFlags, bundle, ...workerArgs(ctx, client), ...extra],
    cwd: ROOT,
  };
}

/**
 * rocketmq-ts with `send(msg, callback)` for async and batch sends: the form of Java's async send, so the
 * like-for-like comparison. rocketmq-ts-promise keeps N `await send(msg)` going instead (Java's sync send with
 * its retries): what most Node code writes.
 */
function rocketmqTsDef(name: 'rocketmq-ts' | 'rocketmq-ts-promise', api: 'callback' | 'promise'): ClientDef {
  return {
    name,
    supports: () => true,
    async prepare(ctx) {
      const flags = ctx.cpuProfDir ? ['--cpu-prof', `--cpu-prof-dir=${ctx.cpuProfDir}`] : [];
      return nodeWorker(ctx, name, 'client-rocketmq-ts.ts', flags, [`api=${api}`]);
    },
  };
}

const aliOns: ClientDef = {
  name: 'ali-ons',
  supports: (mode) => mode === 'sync' || mode === 'async',
  async prepare(ctx) {
    if (!existsSync(join(ROOT, 'node_modules', 'ali-ons', 'package.json'))) {
      throw new BenchError('ali-ons is not installed (it is a devDependency: run npm install)');
    }
    return nodeWorker(ctx, 'ali-ons', 'client-ali-ons.ts', [], []);
  },
};

/**
 * Builds a Java driver (a Maven project: pom.xml + src) against the RocketMQ client of the harness's version,
 * once per source change, and returns the JVM command line that runs `mainClass`.
 */
export async function javaDriver(
  ctx: Pick<LaunchContext, 'harness' | 'log'>,
  project: string,
  cacheName: string,
  mainClass: string,
): Promise<{ command: string; args: string[] }> {
  const h = ctx.harness;
  if (!h) throw new BenchError('the Java client needs the harness (scripts/rocketmq env) for its version and jars');
  const out = join(cacheRoot(ctx), cacheName, h.version);
  const stamp = join(out, 'stamp');
  const cpFile = join(out, 'classpath.txt');
  const hash = hashTree(join(project, 'src'), createHash('sha256').update(readFileSync(join(project, 'pom.xml'))));
  if (!(existsSync(stamp) && readFileSync(stamp, 'utf8') === hash && existsSync(cpFile))) {
    ctx.log(`building ${mainClass} (RocketMQ client ${h.version}) with Maven`);
    mkdirSync(out, { recursive: true });
    await exec(
      'mvn',
      [
        '-B',
        '-ntp',
        '-q',
        '-f',
        join(project, 'pom.xml'),
        `-Drocketmq.version=${h.version}`,
        `-Dmaven.repo.local=${join(cacheRoot(ctx), 'm2')}`,
        `-Dbench.build.dir=${out}`,
        `-Dmdep.outputFile=${cpFile}`,
        'compile',
        'dependency:build-classpath',
      ],
      { cwd: ROOT },
    );
    writeFileSync(stamp, hash);
  }
  const home = join(out, 'home');
  mkdirSync(home, { recursive: true });
  const extra = (process.env.BENCH_JAVA_OPTS ?? '').split(/\s+/).filter(Boolean);
  return {
    command: h.java,
    args: [
      ...extra,
      `-Duser.home=${home}`,
      '-Drmq.logback.configurationFile=rmq.client.logback.xml',
      '-cp',
      [join(out, 'classes'), readFileSync(cpFile, 'utf8').trim()].join(':'),
      mainClass,
    ],
  };
}

const java: ClientDef = {
  name: 'java',
  supports: () => true,
  async prepare(ctx) {
    const jvm = await javaDriver(ctx, join(HERE, 'java'), 'bench-producer-java', 'io.rocketmqts.bench.ProducerBench');
    return { client: 'java', command: jvm.command, args: [...jvm.args, ...workerArgs(ctx, 'java')], cwd: ROOT };
  },
};

/** Builds a Go driver (`go build` of `project`, modules from the Go proxy) once per source change; the binary's path. */
export async function goDriver(ctx: Pick<LaunchContext, 'harness' | 'log'>, project: string, cacheName: string, binName: string): Promise<string> {
  const out = join(cacheRoot(ctx), cacheName);
  const bin = join(out, binName);
  const stamp = join(out, 'stamp');
  const hash = hashTree(project);
  if (!(existsSync(stamp) && readFileSync(stamp, 'utf8') === hash && existsSync(bin))) {
    ctx.log(`building ${binName} (github.com/apache/rocketmq-client-go/v2 from the Go module proxy)`);
    mkdirSync(out, { recursive: true });
    try {
      await exec('go', ['build', '-o', bin, '.'], { cwd: project });
    } catch (err) {
      throw new BenchError(`the Go driver did not build: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
    }
    writeFileSync(stamp, hash);
  }
  return bin;
}

const go: ClientDef = {
  name: 'go',
  supports: () => true,
  async prepare(ctx) {
    const project = join(HERE, 'go');
    const bin = await goDriver(ctx, project, 'bench-producer-go', 'producer-bench');
    return { client: 'go', command: bin, args: workerArgs(ctx, 'go'), cwd: project };
  },
};

export const CLIENTS: Record<ClientName, ClientDef> = {
  'rocketmq-ts': rocketmqTsDef('rocketmq-ts', 'callback'),
  'rocketmq-ts-promise': rocketmqTsDef('rocketmq-ts-promise', 'promise'),
  java,
  'ali-ons': aliOns,
  go,
};
