/**
 * The consumer benchmark's clients and how each is built and launched as its own process. Builds land in the
 * harness's cache (outside the git tree) and are reused while their sources are unchanged.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { BenchError } from '../producer/bench-error';
import { ROOT, type HarnessEnv } from '../producer/broker-control';
import { bundleDriver, goDriver, javaDriver } from '../producer/clients';

export const CONSUMER_CLIENTS = ['rocketmq-ts', 'java', 'go', 'ali-ons'] as const;
export type ConsumerClient = (typeof CONSUMER_CLIENTS)[number];

const HERE = join(ROOT, 'bench', 'consumer');

export interface WorkerLaunch {
  command: string;
  args: string[];
  cwd: string;
}

export interface ConsumerLaunchContext {
  harness: HarnessEnv | undefined;
  log: (line: string) => void;
}

type Prepare = (ctx: ConsumerLaunchContext) => Promise<WorkerLaunch>;

const nodeDriver =
  (file: string): Prepare =>
  async () => ({ command: process.execPath, args: [await bundleDriver(file, HERE)], cwd: ROOT });

const java: Prepare = async (ctx) => ({
  ...(await javaDriver(ctx, join(HERE, 'java'), 'bench-consumer-java', 'io.rocketmqts.bench.ConsumerBench')),
  cwd: ROOT,
});

const go: Prepare = async (ctx) => {
  const project = join(HERE, 'go');
  return { command: await goDriver(ctx, project, 'bench-consumer-go', 'consumer-bench'), args: [], cwd: project };
};

export const PREPARE: Record<ConsumerClient, Prepare> = {
  'rocketmq-ts': nodeDriver('client-rocketmq-ts.ts'),
  'ali-ons': async (ctx) => {
    if (!existsSync(join(ROOT, 'node_modules', 'ali-ons', 'package.json'))) throw new BenchError('ali-ons is not installed (a devDependency: run npm install)');
    return nodeDriver('client-ali-ons.ts')(ctx);
  },
  java,
  go,
};
