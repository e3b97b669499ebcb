import { DefaultMQProducer } from '../../src/producer/default-mq-producer';
import { createTopic, pair } from './support/broker-pair';
import { spawnChild, type ChildHandle } from './support/child';
import type { ConsumerSample } from './support/consumer-sample';
import { CountingLogger } from './support/counting-logger';
import { recordFigures } from './support/figures';
import { pacedSends } from './support/paced-sends';
import { eventually } from './support/process-watch';
import { faultProfile } from './support/profile';
import { scenarioScope } from './support/scenario-scope';

/**
 * Consumer scenario 4: a backlog waits on the broker and every handler stalls. The consumer must stop
 * pulling at its flow-control thresholds instead of loading the backlog into memory: per queue, the
 * messages held stay under pullThresholdForQueue and their bytes under pullThresholdSizeForQueue (each
 * plus at most one pull batch, since the check runs before a pull), and the process's RSS grows by far
 * less than the backlog. Two consumer processes (two groups) read the same topic: one bound by count,
 * one by size. Once the handlers are released, everything is consumed.
 */

const profile = faultProfile();
const QUEUES = 4;
const BODY_BYTES = 16 * 1024;
const PULL_BATCH = 32;
const MiB = 1024 * 1024;
/** RSS may grow by the cache bound plus this (decode buffers, V8 and pull-response churn). */
const RSS_SLACK_MIB = 48;

const CONSUMERS = {
  byCount: { count: 100, mib: 100 },
  bySize: { count: 1000, mib: 1 },
} as const;
type Which = keyof typeof CONSUMERS;

const scope = scenarioScope();

describe('consumer scenario 4: a stalled handler over a backlog', () => {
  it(`${profile.stallBacklog.toLocaleString('en')} messages of 16 KiB, handlers stalled ${profile.stallMs / 1000} s: cache under the thresholds, RSS bounded`, async () => {
    const stamp = Date.now();
    const topic = `FaultCStall${stamp}`;
    await createTopic(topic, ['broker-a'], QUEUES);
    const producer = scope.own(new DefaultMQProducer({ producerGroup: `faults_cstall_p_${stamp}`, namesrvAddr: pair.namesrvAddr, logger: new CountingLogger() }), (p) => p.shutdown());
    await producer.start();
    const preload = await pacedSends(producer, { topic, keyPrefix: 'cs', ratePerSec: 100_000, maxSends: profile.stallBacklog, maxMs: 10 * 60_000, bodyBytes: BODY_BYTES, workers: 8 });
    expect(preload.okKeys.length).toBe(profile.stallBacklog);

    const samples: Record<Which, ConsumerSample[]> = { byCount: [], bySize: [] };
    const children = {} as Record<Which, ChildHandle>;
    for (const which of Object.keys(CONSUMERS) as Which[]) {
      children[which] = scope.own(
        spawnChild(
          'push-consumer.ts',
          {
            PC_NAMESRV: pair.namesrvAddr,
            PC_TOPIC: topic,
            PC_GROUP: `faults_cstall_${which}_${stamp}`,
            PC_STALL_MS: String(profile.stallMs),
            PC_THRESHOLD_COUNT: String(CONSUMERS[which].count),
            PC_THRESHOLD_MIB: String(CONSUMERS[which].mib),
            PC_SAMPLE_MS: '250',
          },
          10 * 60_000,
          { nodeArgs: ['--expose-gc'], onLine: (tag, payload) => tag === 's' && samples[which].push(JSON.parse(payload) as ConsumerSample) },
        ),
        async (c) => {
          c.kill('SIGKILL');
          await c.done;
        },
      );
    }
    const all = (): boolean => (Object.keys(CONSUMERS) as Which[]).every((w) => (samples[w].at(-1)?.distinct ?? 0) >= profile.stallBacklog);
    const drained = await eventually(all, profile.stallMs + 180_000);
    const runs: Record<string, unknown> = {};
    for (const which of Object.keys(CONSUMERS) as Which[]) {
      children[which].kill('SIGTERM');
      const r = await children[which].done;
      runs[which] = { code: r.code, timedOut: r.timedOut };
    }

    const figures: Record<string, unknown> = { backlog: profile.stallBacklog, bodyBytes: BODY_BYTES, stallMs: profile.stallMs, backlogMiB: Math.round((profile.stallBacklog * BODY_BYTES) / MiB) };
    const checks: Record<Which, { countBound: number; bytesBound: number; maxCount: number; maxBytes: number; rssGrowthMiB: number; rssBoundMiB: number; loopsMismatch: number }> = {} as never;
    for (const which of Object.keys(CONSUMERS) as Which[]) {
      const t = CONSUMERS[which];
      const s = samples[which];
      const stalled = s.filter((x) => x.stalled && x.deliveries === 0 && x.cachedMsgCount > 0);
      const base = s[0]!.rssMiB;
      const countBound = t.count + PULL_BATCH;
      const bytesBound = t.mib * MiB + PULL_BATCH * BODY_BYTES;
      // What flow control lets the whole consumer hold: every queue at its bound.
      const cacheBoundMiB = (QUEUES * Math.min(countBound * BODY_BYTES, bytesBound)) / MiB;
      const c = {
        countBound,
        bytesBound,
        maxCount: Math.max(0, ...stalled.map((x) => x.maxQueueCount)),
        maxBytes: Math.max(0, ...stalled.map((x) => x.maxQueueBytes)),
        rssGrowthMiB: Math.round((Math.max(base, ...stalled.map((x) => x.rssMiB)) - base) * 10) / 10,
        rssBoundMiB: Math.round(cacheBoundMiB + RSS_SLACK_MIB),
        loopsMismatch: stalled.filter((x) => x.pullRequestsInFlight !== x.ownedQueues).length,
      };
      checks[which] = c;
      figures[which] = {
        thresholdForQueue: t.count,
        thresholdSizeForQueueMiB: t.mib,
        stalledSamples: stalled.length,
        maxQueueCount: c.maxCount,
        maxQueueMiB: Math.round((c.maxBytes / MiB) * 100) / 100,
        maxCachedTotal: Math.max(0, ...stalled.map((x) => x.cachedMsgCount)),
        rssStartMiB: base,
        rssPeakStalledMiB: Math.max(base, ...stalled.map((x) => x.rssMiB)),
        rssGrowthMiB: c.rssGrowthMiB,
        rssBoundMiB: c.rssBoundMiB,
        loopsMismatchSamples: c.loopsMismatch,
        consumedDistinct: s.at(-1)?.distinct,
        duplicates: s.at(-1)?.duplicates,
        exit: runs[which],
      };
    }
    process.stdout.write(`${JSON.stringify({ scenario: 'c4-consumer-stalled-handler', profile: profile.name, ...figures })}\n`);
    recordFigures('c4-consumer-stalled-handler', figures);

    expect(drained).toBe(true);
    for (const which of Object.keys(CONSUMERS) as Which[]) {
      const c = checks[which];
      expect(samples[which].filter((x) => x.stalled && x.cachedMsgCount > 0).length).toBeGreaterThanOrEqual(4);
      expect(c.maxCount).toBeLessThanOrEqual(c.countBound);
      expect(c.maxBytes).toBeLessThanOrEqual(c.bytesBound);
      expect(c.rssGrowthMiB).toBeLessThan(c.rssBoundMiB);
      expect(c.loopsMismatch).toBe(0);
      expect(runs[which]).toEqual({ code: 0, timedOut: false });
    }
    // Each consumer did reach the threshold it is bound by (so the backlog was there to be held back).
    expect(checks.byCount.maxCount).toBeGreaterThanOrEqual(CONSUMERS.byCount.count);
    expect(checks.bySize.maxBytes).toBeGreaterThanOrEqual(CONSUMERS.bySize.mib * MiB);
  }, 20 * 60_000);
});
