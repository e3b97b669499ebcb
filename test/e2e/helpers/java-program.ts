/**
 * Builds and runs our small Java programs of the e2e suite (test/e2e/java-*: Maven projects against the Apache
 * RocketMQ client). Each is built once per client version and source revision, reusing the harness's Maven
 * repository, into the harness cache (never into the git tree), and prints one JSON line per item on stdout.
 */
import { execFile, spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

const ROOT = resolve(__dirname, '..', '..', '..');
const HARNESS = join(ROOT, 'scripts', 'rocketmq');
const BUILD_TIMEOUT_MS = 10 * 60_000;

export interface JavaProgram {
  /** Directory under test/e2e, also the name of its build directory in the cache. */
  name: string;
  /** The pom property that points Maven's build directory outside the repository. */
  buildDirProperty: string;
  /** The rocketmq-client version to build against, from the version the harness runs (default: the same). */
  clientVersion?: (harnessVersion: string) => string;
}

export interface JavaBuild {
  java: string;
  classpath: string;
  home: string;
}

export interface JavaRunResult {
  /** stdout lines that hold a JSON object. */
  lines: string[];
  exitCode: number | null;
  stderr: string;
}

function run(file: string, args: string[], timeoutMs: number): Promise<{ stdout: string; stderr: string }> {
  return new Promise((resolvePromise, reject) => {
    execFile(file, args, { cwd: ROOT, timeout: timeoutMs, maxBuffer: 64 * 1024 * 1024 }, (err, stdout, stderr) => {
      if (err) {
        reject(new Error(`${file} ${args.join(' ')} failed: ${err.message}\n${stderr}\n${stdout}`.slice(0, 8000)));
      } else {
        resolvePromise({ stdout, stderr });
      }
    });
  });
}

async function harnessEnv(): Promise<{ version: string; lib: string; java: string }> {
  const { stdout } = await run(HARNESS, ['env'], 60_000);
  const kv = new Map<string, string>();
  for (const line of stdout.split('\n')) {
    const eq = line.indexOf('=');
    if (eq > 0) kv.set(line.slice(0, eq), line.slice(eq + 1));
  }
  const version = kv.get('ROCKETMQ_VERSION');
  const lib = kv.get('ROCKETMQ_LIB');
  const java = kv.get('ROCKETMQ_JAVA') ?? 'java';
  if (!version || !lib) throw new Error(`scripts/rocketmq env printed no version/lib:\n${stdout}`);
  return { version, lib, java };
}

/** Hash of the pom and every source file: a changed program is rebuilt. */
function sourceHash(project: string): string {
  const h = createHash('sha256');
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir).sort()) {
      const p = join(dir, name);
      if (statSync(p).isDirectory()) walk(p);
      else {
        h.update(p.slice(project.length));
        h.update(readFileSync(p));
      }
    }
  };
  h.update(readFileSync(join(project, 'pom.xml')));
  walk(join(project, 'src'));
  return h.digest('hex').slice(0, 16);
}

const builds = new Map<string, Promise<JavaBuild>>();

/** Builds the program (once per process; skipped when the cached build matches the sources). */
export function buildJavaProgram(program: JavaProgram): Promise<JavaBuild> {
  let b = builds.get(program.name);
  if (b === undefined) {
    b = doBuild(program).catch((err: unknown) => {
      builds.delete(program.name);
      throw err;
    });
    builds.set(program.name, b);
  }
  return b;
}

async function doBuild(program: JavaProgram): Promise<JavaBuild> {
  const env = await harnessEnv();
  const project = join(ROOT, 'test', 'e2e', program.name);
  const version = program.clientVersion?.(env.version) ?? env.version;
  // The harness keeps lib/<version> and m2/ side by side in its cache.
  const cache = process.env.ROCKETMQ_CACHE ?? dirname(dirname(env.lib));
  const out = join(cache, program.name, version);
  const stamp = join(out, 'stamp');
  const cpFile = join(out, 'classpath.txt');
  const hash = sourceHash(project);
  const home = join(out, 'home');
  if (!(existsSync(stamp) && readFileSync(stamp, 'utf8') === hash && existsSync(cpFile))) {
    mkdirSync(out, { recursive: true });
    const pom = join(project, 'pom.xml');
    const props = [`rocketmq.version=${version}`, `maven.repo.local=${join(cache, 'm2')}`, `${program.buildDirProperty}=${out}`, `mdep.outputFile=${cpFile}`];
    await run('mvn', ['-B', '-ntp', '-q', '-f', pom, ...props.map((p) => `-D${p}`), 'compile', 'dependency:build-classpath'], BUILD_TIMEOUT_MS);
    writeFileSync(stamp, hash);
  }
  mkdirSync(home, { recursive: true });
  const classpath = [join(out, 'classes'), readFileSync(cpFile, 'utf8').trim()].join(':');
  return { java: env.java, classpath, home };
}

/** Starts `mainClass` with `args` in a small JVM; stdin, stdout and stderr are pipes. */
export function spawnJavaProgram(build: JavaBuild, mainClass: string, args: string[]): ChildProcessWithoutNullStreams {
  const jvm = [
    '-Xms32m',
    '-Xmx256m',
    '-XX:TieredStopAtLevel=1',
    '-XX:+UseSerialGC',
    `-Duser.home=${build.home}`,
    '-Drmq.logback.configurationFile=rmq.client.logback.xml',
    '-cp',
    build.classpath,
    mainClass,
  ];
  return spawn(build.java, [...jvm, ...args], { cwd: ROOT, stdio: ['pipe', 'pipe', 'pipe'] });
}

/**
 * Runs `mainClass` with `args` in a small JVM and collects its JSON lines. The program bounds itself;
 * `timeoutMs` + 60 s is the backstop (JVM start-up included), after which the child is killed.
 */
export async function runJavaProgram(build: JavaBuild, mainClass: string, args: string[], timeoutMs: number): Promise<JavaRunResult> {
  const child = spawnJavaProgram(build, mainClass, args);
  child.stdin.end();
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  child.stdout.on('data', (c: Buffer) => out.push(c));
  child.stderr.on('data', (c: Buffer) => err.push(c));
  const guard = setTimeout(() => child.kill('SIGKILL'), timeoutMs + 60_000);
  const exitCode = await new Promise<number | null>((resolvePromise, reject) => {
    child.on('error', reject);
    child.on('close', (code) => resolvePromise(code));
  }).finally(() => clearTimeout(guard));
  const lines = Buffer.concat(out).toString('utf8').split('\n').filter((l) => l.startsWith('{'));
  return { lines, exitCode, stderr: Buffer.concat(err).toString('utf8') };
}
