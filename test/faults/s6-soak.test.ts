import { createTopic, ensureBrokerPair, healPair, pair } from './support/broker-pair';
import { runChild } from './support/child';
import { recordFigures } from './support/figures';
import { faultProfile } from './support/profile';

/**
 * Scenario 6: a soak of async sends at a steady rate, in a child process of its own. After warm-up,
 * RSS may grow by less than 10 % and the number of open handles must stay flat.
 */

const profile = faultProfile();
const MAX_RSS_GROWTH = 0.1;
/** Handles may wobble by in-flight timers; more than this above the post-warm-up level is a leak. */
const HANDLE_SLACK = 3;

interface Sample {
  t: number;
  rssMiB: number;
  heapUsedMiB: number;
  externalMiB: number;
  handles: Record<string, number>;
  handlesTotal: number;
  inflight: number;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? NaN;
}

beforeAll(async () => {
  await ensureBrokerPair();
  await healPair();
}, 600_000);

describe('scenario 6: soak', () => {
  it(`${profile.soakMs / 60_000} min of async sends at ${profile.soakRatePerSec}/s: RSS growth < 10 %, handles flat`, async () => {
    const topic = `FaultSoak${Date.now()}`;
    await createTopic(topic, ['broker-a', 'broker-b'], 4);
    const sampleMs = profile.name === 'ci' ? 3000 : 10_000;
    const run = await runChild(
      'soak.ts',
      {
        SOAK_NAMESRV: pair.namesrvAddr,
        SOAK_TOPIC: topic,
        SOAK_MS: String(profile.soakMs),
        SOAK_RATE: String(profile.soakRatePerSec),
        SOAK_SAMPLE_MS: String(sampleMs),
      },
      profile.soakMs + 120_000,
      ['--expose-gc'],
    );
    if (run.result === undefined) throw new TypeError(`soak child gave no result (exit ${run.code}):\n${run.stderr.slice(-4000)}`);
    const r = run.result as { counts: Record<string, number>; failureKinds: Record<string, number>; samples: Sample[] };
    const post = r.samples.filter((s) => s.t >= profile.soakWarmupMs);
    expect(post.length).toBeGreaterThanOrEqual(6);
    const first = post.slice(0, 3);
    const last = post.slice(-3);
    const rssBase = median(first.map((s) => s.rssMiB));
    const rssEnd = median(last.map((s) => s.rssMiB));
    const handlesBase = median(first.map((s) => s.handlesTotal));
    const handlesEnd = median(last.map((s) => s.handlesTotal));
    const handlesMax = Math.max(...post.map((s) => s.handlesTotal));
    const sockets = post.map((s) => s.handles.TCPSocketWrap ?? 0);
    const growth = (rssEnd - rssBase) / rssBase;
    recordFigures('s6-soak', {
      soakMs: profile.soakMs,
      warmupMs: profile.soakWarmupMs,
      ratePerSec: profile.soakRatePerSec,
      ...r.counts,
      failureKinds: r.failureKinds,
      rssAfterWarmupMiB: rssBase,
      rssEndMiB: rssEnd,
      rssGrowthPct: Number((growth * 100).toFixed(1)),
      heapUsedAfterWarmupMiB: median(first.map((s) => s.heapUsedMiB)),
      heapUsedEndMiB: median(last.map((s) => s.heapUsedMiB)),
      handlesAfterWarmup: handlesBase,
      handlesEnd,
      handlesMax,
      socketsMinMax: [Math.min(...sockets), Math.max(...sockets)],
      handleTypesEnd: last[last.length - 1]?.handles,
      childExit: run.code,
      childMs: run.ms,
      rssCurveMiB: r.samples.map((s) => s.rssMiB).join(' '),
    });
    expect(run.code).toBe(0);
    expect(r.counts.untyped).toBe(0);
    expect(r.counts.ok).toBeGreaterThan(0);
    expect(growth).toBeLessThan(MAX_RSS_GROWTH);
    expect(handlesEnd).toBeLessThanOrEqual(handlesBase + HANDLE_SLACK);
    expect(Math.max(...sockets) - Math.min(...sockets)).toBeLessThanOrEqual(1);
  }, 30 * 60_000);
});
