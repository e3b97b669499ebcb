import { createTopic, ensureBrokerPair, healPair, pair } from './support/broker-pair';
import { runChild } from './support/child';
import { recordFigures } from './support/figures';

/**
 * Scenario 7: shutdown() while thousands of sends are in flight, in a child process. Every send
 * settles (a result or a typed error), nothing is rejected unhandled, and the process exits by itself
 * soon after shutdown() resolves — with a healthy broker and with one whose answers are held back.
 */

const SENDS = 3000;
/** From shutdown() resolving to the child's exit, with no process.exit() anywhere. */
const EXIT_BOUND_MS = 5000;

let topic = '';
const figures: Record<string, unknown> = {};

beforeAll(async () => {
  await ensureBrokerPair();
  await healPair();
  topic = `FaultShutdown${Date.now()}`;
  await createTopic(topic, ['broker-a'], 4);
}, 600_000);

afterAll(() => {
  recordFigures('s7-shutdown-under-load', figures);
});

describe('scenario 7: shutdown under load', () => {
  for (const mode of ['healthy', 'stalled'] as const) {
    it(`${mode} broker: every pending send settles typed, no unhandled rejection, the process exits by itself`, async () => {
      const run = await runChild(
        'shutdown-under-load.ts',
        {
          SHUTDOWN_MODE: mode,
          SHUTDOWN_NAMESRV: pair.namesrvAddr,
          SHUTDOWN_BROKER_A: pair.brokers['broker-a'],
          SHUTDOWN_TOPIC: topic,
          SHUTDOWN_SENDS: String(SENDS),
          SHUTDOWN_AFTER_MS: mode === 'healthy' ? '20' : '300',
        },
        120_000,
      );
      const r = run.result;
      if (r === undefined) throw new TypeError(`child gave no result (exit ${run.code}):\n${run.stderr.slice(-4000)}`);
      const exitAfterShutdownMs = run.events['shutdown-resolved'] ? run.exitedAt - run.events['shutdown-resolved'] : null;
      const exitAfterDoneMs = run.events.done ? run.exitedAt - run.events.done : null;
      figures[mode] = { ...r, exitCode: run.code, timedOut: run.timedOut, exitAfterShutdownMs, exitAfterDoneMs };

      expect(run.timedOut).toBe(false);
      expect(run.code).toBe(0);
      expect(r.settled).toBe(SENDS);
      expect(r.untyped).toBe(0);
      expect(r.unhandled).toBe(0);
      expect(r.uncaught).toBe(0);
      expect(r.inflight).toBe(0);
      expect(r.afterShutdown).toBe('ERR_CLIENT_STATE');
      expect(exitAfterShutdownMs).not.toBeNull();
      expect(exitAfterShutdownMs!).toBeLessThan(EXIT_BOUND_MS);
      if (mode === 'stalled') {
        // Nothing could be answered, so everything was still pending at shutdown and failed typed.
        expect(r.settledBeforeShutdown).toBeLessThan(SENDS);
        expect(r.typed).toBeGreaterThan(0);
      } else {
        expect(r.ok).toBeGreaterThan(0);
      }
    }, 180_000);
  }
});
