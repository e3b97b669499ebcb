/**
 * Graceful shutdown against the real broker: 5,000 async sends in flight, then shutdown(). Every send ends
 * SEND_OK (and is stored) or fails with SendOutcomeUnknownError; none fails otherwise, and none that failed
 * with a known outcome is stored. Stored messages are read back by their keys.
 */
import { DefaultMQProducer, Message } from '../../src/index';
import { SendOutcomeUnknownError } from '../../src/errors';
import { silentLogger } from '../../src/logger';
import type { SendResult } from '../../src/producer/send-result';
import { describeBroker, namesrvAddr, uniqueName } from './helpers/broker';
import { createTopicAndWait, eventually, TopicReader } from './helpers/feature-support';

jest.setTimeout(240_000);

const N = 5000;

interface Tally {
  ok: Set<string>;
  unknown: Set<string>;
  failed: Map<string, Error>;
}

describeBroker('producer shutdown drains sends in flight (real broker)', () => {
  const topic = uniqueName('rmqts_drain');
  let reader: TopicReader;
  let admin: DefaultMQProducer;

  beforeAll(async () => {
    reader = new TopicReader(namesrvAddr());
    admin = new DefaultMQProducer({ producerGroup: uniqueName('rmqts_drain_admin'), namesrvAddr: namesrvAddr(), logger: silentLogger });
    await admin.start();
    await createTopicAndWait(admin, topic, 4);
  });

  afterAll(async () => {
    await admin?.shutdown();
    await reader?.close();
  });

  /** Sends N async messages keyed `<run>-<i>`, shuts down at once, and tallies the outcomes. */
  async function run(label: string, shutdownTimeoutMs: number | undefined): Promise<Tally> {
    const p = new DefaultMQProducer({
      producerGroup: uniqueName('rmqts_drain'),
      namesrvAddr: namesrvAddr(),
      logger: silentLogger,
      // What is measured is the drain, not the send budget: 5,000 async sends on a loaded CI machine can outlast
      // the 3 s default, and a timed-out send is counted as failed although the broker may store it.
      sendMsgTimeoutMs: 120_000,
      ...(shutdownTimeoutMs === undefined ? {} : { shutdownTimeoutMs }),
    });
    await p.start();
    // The route is known before the burst, so every send is on the wire (or about to be) at shutdown.
    await p.send(new Message(topic, 'warm-up'));
    const tally: Tally = { ok: new Set(), unknown: new Set(), failed: new Map() };
    let settled = 0;
    const all = new Promise<void>((resolve) => {
      for (let i = 0; i < N; i++) {
        const key = `${label}-${i}`;
        const done = (): void => {
          if (++settled === N) resolve();
        };
        p.send(new Message(topic, `body ${key}`, { keys: key }), {
          onSuccess: (r: SendResult) => {
            if (r.sendStatus === 'SEND_OK') tally.ok.add(key);
            else tally.failed.set(key, new Error(r.sendStatus));
            done();
          },
          onException: (e: Error) => {
            if (e instanceof SendOutcomeUnknownError) tally.unknown.add(key);
            else tally.failed.set(key, e);
            done();
          },
        });
      }
    });
    await p.shutdown();
    await all;
    return tally;
  }

  async function storedKeys(label: string): Promise<Set<string>> {
    const keys = new Set<string>();
    for (const m of await reader.readAll(topic)) for (const k of m.keyList) if (k.startsWith(`${label}-`)) keys.add(k);
    return keys;
  }

  test.each<[string, number]>([
    // Long enough for everything in flight to settle even on a loaded machine: nothing may end outcome-unknown.
    ['generous', 120_000],
    ['tight', 1],
  ])('5,000 in flight, shutdownTimeoutMs %s: SEND_OK and stored, or outcome unknown; none failed but stored', async (label, shutdownTimeoutMs) => {
    const runLabel = uniqueName(label);
    const tally = await run(runLabel, shutdownTimeoutMs);
    // Read back once the broker has everything it acknowledged.
    const stored = await eventually(async () => {
      const keys = await storedKeys(runLabel);
      return [...tally.ok].every((k) => keys.has(k)) ? keys : undefined;
    }, 'every SEND_OK message stored', 60_000);
    const storedUnknown = [...tally.unknown].filter((k) => stored.has(k)).length;
    const why = new Map<string, number>();
    for (const e of tally.failed.values()) why.set(`${e.name}: ${e.message.slice(0, 120)}`, (why.get(`${e.name}: ${e.message.slice(0, 120)}`) ?? 0) + 1);
    process.stdout.write(
      `drain ${label}: SEND_OK ${tally.ok.size}, outcome unknown ${tally.unknown.size} (stored ${storedUnknown}), ` +
        `failed ${tally.failed.size}, stored ${stored.size}${why.size ? ` ${JSON.stringify([...why])}` : ''}\n`,
    );
    expect(tally.failed.size).toBe(0);
    expect(tally.ok.size + tally.unknown.size).toBe(N);
    for (const k of stored) expect(tally.ok.has(k) || tally.unknown.has(k)).toBe(true);
    if (shutdownTimeoutMs > 1) expect(tally.unknown.size).toBe(0);
  });
});
