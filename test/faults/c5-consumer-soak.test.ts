import { DefaultMQProducer } from '../../src/producer/default-mq-producer';
import { createTopic, pair } from './support/broker-pair';
import { spawnChild } from './support/child';
import type { ConsumerSample } from './support/consumer-sample';
import { CountingLogger } from './support/counting-logger';
import { recordFigures } from './support/figures';
import { pacedSends } from './support/paced-sends';
import { eventually } from './support/process-watch';
import { faultProfile } from './support/profile';
import { scenarioScope } from './support/scenario-scope';

/**
 * Consumer scenario 5: a soak. A push consumer in a process of its own reads a steady stream (two
 * brokers, 4 queues each) for the whole run; every few seconds it samples its RSS after a forced GC
 * and its stats(). After warm-up, what the process holds after a GC (JS heap used + external buffers)
 * may grow by less than 10 %, RSS by less than 10 % over the full run (20 % over the ci profile's minute),
 * and at every sample the pull loops alive equal the queues owned (one long-polling pull per queue: none
 * lost, none doubled).
 */

const profile = faultProfile();
const QUEUES = 4;
const MAX_HELD_GROWTH = 0.1;
/**
 * RSS also moves without the process holding more: ci runs see one step of +12.5-13.5 MiB about 35 s in and
 * a plateau after it, with heapUsed, heapTotal and external flat (pages V8 or the allocator had committed
 * and now touch). A leak of ours shows in the held memory above; the ten-minute run keeps the tight RSS
 * bound, where such a step is small against a trend.
 */
const MAX_RSS_GROWTH = profile.name === 'ci' ? 0.2 : 0.1;
/**
 * V8 grows the young generation in steps (semi-space 1 -> 2 -> ... -> 16 MiB) when allocation is steady,
 * and one step can come after any warm-up (a ci run saw heapTotal +16 MiB at 45 s with heapUsed flat at
 * 13.5 MiB). Its full size from the start keeps that sizing policy out of a measure of leaks.
 */
const NODE_ARGS = ['--expose-gc', '--min-semi-space-size=16', '--max-semi-space-size=16'];

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? NaN;
}

const scope = scenarioScope();

describe('consumer scenario 5: soak', () => {
  it(`${profile.consumerSoakMs / 60_000} min at ${profile.consumerSoakRatePerSec}/s: held memory growth < 10 %, RSS growth < ${MAX_RSS_GROWTH * 100} %, pull loops == owned queues`, async () => {
    const stamp = Date.now();
    const topic = `FaultCSoak${stamp}`;
    await createTopic(topic, ['broker-a', 'broker-b'], QUEUES);
    const sampleMs = profile.name === 'ci' ? 3000 : 10_000;
    const samples: ConsumerSample[] = [];
    const child = scope.own(
      spawnChild(
        'push-consumer.ts',
        {
          PC_NAMESRV: pair.namesrvAddr,
          PC_TOPIC: topic,
          PC_GROUP: `faults_csoak_${stamp}`,
          PC_SAMPLE_MS: String(sampleMs),
          PC_MAX_SEQ: String(Math.ceil((profile.consumerSoakRatePerSec * profile.consumerSoakMs) / 1000) + 10_000),
        },
        profile.consumerSoakMs + 300_000,
        { nodeArgs: NODE_ARGS, onLine: (tag, payload) => tag === 's' && samples.push(JSON.parse(payload) as ConsumerSample) },
      ),
      async (c) => {
        c.kill('SIGKILL');
        await c.done;
      },
    );
    expect(await eventually(() => samples.at(-1)?.topicQueues === 2 * QUEUES, 120_000)).toBe(true);
    const producer = scope.own(new DefaultMQProducer({ producerGroup: `faults_csoak_p_${stamp}`, namesrvAddr: pair.namesrvAddr, logger: new CountingLogger() }), (p) => p.shutdown());
    await producer.start();
    const sends = await pacedSends(producer, {
      topic,
      keyPrefix: 'soak',
      ratePerSec: profile.consumerSoakRatePerSec,
      maxMs: profile.consumerSoakMs,
      bodyBytes: 256,
      workers: 8,
    });
    // Memory is judged over the loaded stretch only (the samples taken while sending).
    const loadedSamples = samples.length;
    const drained = await eventually(() => (samples.at(-1)?.distinct ?? 0) >= sends.okKeys.length, 120_000);
    child.kill('SIGTERM');
    const run = await child.done;

    const started = samples.slice(0, loadedSamples).filter((s) => s.ownedQueues > 0);
    const post = started.filter((s) => s.t >= profile.consumerSoakWarmupMs);
    const first = post.slice(0, 3);
    const lastThree = post.slice(-3);
    const rssBase = median(first.map((s) => s.rssMiB));
    const rssEnd = median(lastThree.map((s) => s.rssMiB));
    const growth = (rssEnd - rssBase) / rssBase;
    const held = (xs: ConsumerSample[]): number => median(xs.map((x) => x.heapUsedMiB + x.externalMiB));
    const heldGrowth = (held(lastThree) - held(first)) / held(first);
    const mismatched = post.filter((s) => s.pullRequestsInFlight !== s.ownedQueues);
    const end = samples.at(-1);
    const figures = {
      soakMs: profile.consumerSoakMs,
      warmupMs: profile.consumerSoakWarmupMs,
      ratePerSec: profile.consumerSoakRatePerSec,
      sent: sends.sent,
      acked: sends.okKeys.length,
      failedSends: sends.failed,
      consumedDistinct: end?.distinct,
      duplicates: end?.duplicates,
      samplesAfterWarmup: post.length,
      rssAfterWarmupMiB: rssBase,
      rssEndMiB: rssEnd,
      rssGrowthPct: Number((growth * 100).toFixed(1)),
      heapUsedAfterWarmupMiB: median(first.map((s) => s.heapUsedMiB)),
      heapUsedEndMiB: median(lastThree.map((s) => s.heapUsedMiB)),
      heldGrowthPct: Number((heldGrowth * 100).toFixed(1)),
      ownedQueues: end?.ownedQueues,
      pullRequestsInFlightMinMax: [Math.min(...post.map((s) => s.pullRequestsInFlight)), Math.max(...post.map((s) => s.pullRequestsInFlight))],
      loopsMismatchSamples: mismatched.length,
      maxCachedMsgCount: Math.max(...post.map((s) => s.cachedMsgCount)),
      childExit: run.code,
      rssCurveMiB: started.map((s) => s.rssMiB).join(' '),
      heapTotalCurveMiB: started.map((s) => s.heapTotalMiB).join(' '),
      externalCurveMiB: started.map((s) => s.externalMiB).join(' '),
    };
    process.stdout.write(`${JSON.stringify({ scenario: 'c5-consumer-soak', profile: profile.name, ...figures })}\n`);
    recordFigures('c5-consumer-soak', figures);

    expect(drained).toBe(true);
    expect(run.code).toBe(0);
    expect(post.length).toBeGreaterThanOrEqual(6);
    expect(heldGrowth).toBeLessThan(MAX_HELD_GROWTH);
    expect(growth).toBeLessThan(MAX_RSS_GROWTH);
    expect(mismatched).toEqual([]);
    // Two brokers' queues and the %RETRY% queue(s): one loop each.
    expect(end!.ownedQueues).toBeGreaterThanOrEqual(2 * QUEUES + 1);
  }, 30 * 60_000);
});
