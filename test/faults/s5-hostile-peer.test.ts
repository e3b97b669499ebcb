import { RemotingClosedError, RemotingError, RemotingProtocolError, RemotingTimeoutError } from '../../src/errors';
import { RemotingCommand } from '../../src/remoting/protocol/remoting-command';
import { RemotingClient } from '../../src/remoting/remoting-client';
import {
  HostilePeer,
  headerOverrunFrame,
  invalidJsonHeaderFrame,
  negativeLengthPrefix,
  onewayResponseFrame,
  oversizeFramePrefix,
  randomBytes,
  responseFrame,
  seededRandom,
  truncatedFrame,
  unknownSerializeTypeFrame,
} from '../helpers/hostile-peer';
import { CountingLogger } from './support/counting-logger';
import { recordFigures } from './support/figures';
import { FrameFuzzer, type FuzzFrame } from './support/frame-fuzzer';
import { eventually, ProcessWatch } from './support/process-watch';
import { faultProfile } from './support/profile';
import { timedAgainstControl } from './support/timing';

/**
 * Scenario 5: the RemotingClient against a peer that lies. Every hostile input must end in a typed
 * error (the pending call fails with RemotingClosedError caused by a RemotingProtocolError), the
 * poisoned connection closed, the process alive, and the in-flight table empty.
 */

const profile = faultProfile();
const SEED = Number(process.env.ROCKETMQ_FUZZ_SEED ?? 20240601);
const CODE = 30; // GET_MAX_OFFSET: any request will do, the peer never looks at it

let peer: HostilePeer;
let client: RemotingClient;
let logger: CountingLogger;
const watch = new ProcessWatch();

function request(): RemotingCommand {
  return RemotingCommand.createRequest(CODE, Object.assign(Object.create(null) as Record<string, string>, { topic: 'T', queueId: '0' }));
}

beforeAll(async () => {
  watch.start();
  peer = await HostilePeer.start();
});

afterAll(async () => {
  await peer.close();
  watch.stop();
});

beforeEach(() => {
  logger = new CountingLogger();
  client = new RemotingClient({ logger, connectTimeoutMs: 2000 });
});

afterEach(async () => {
  await client.shutdown();
  peer.onRequest = undefined;
  peer.onConnection = undefined;
});

/** The call must fail with a connection-closed error whose cause is the protocol error. */
async function expectPoisoned(bytes: Buffer): Promise<void> {
  peer.onRequest = (_req, conn) => conn.write(bytes);
  const closedBefore = peer.counts.clientClosed;
  const err = await client.invoke(peer.addr, request(), 3000).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(RemotingClosedError);
  expect((err as RemotingClosedError).cause).toBeInstanceOf(RemotingProtocolError);
  // The client hung up on the peer.
  expect(await eventually(() => peer.counts.clientClosed > closedBefore, 2000)).toBe(true);
  expect(client.inflightCount).toBe(0);
}

describe('scenario 5: hostile peer', () => {
  it('random bytes close the connection with a typed error', async () => {
    const rnd = seededRandom(SEED);
    const junk = randomBytes(rnd, 512);
    junk.writeInt32BE(508, 0);
    junk[4] = 0x55; // neither JSON nor ROCKETMQ
    await expectPoisoned(junk);
  });

  it('an oversize frame is refused from its length prefix alone (no 2 GiB allocation)', async () => {
    const rssBefore = process.memoryUsage().rss;
    await expectPoisoned(oversizeFramePrefix(0x7ffffff0));
    expect(process.memoryUsage().rss - rssBefore).toBeLessThan(256 * 1024 * 1024);
  });

  it('a negative length, a header overrun, an unknown serialize type, invalid JSON', async () => {
    await expectPoisoned(negativeLengthPrefix());
    await expectPoisoned(headerOverrunFrame());
    await expectPoisoned(unknownSerializeTypeFrame());
    await expectPoisoned(invalidJsonHeaderFrame());
  });

  it('a frame cut short by a close fails the call with RemotingClosedError', async () => {
    peer.onRequest = (req, conn) => {
      conn.write(truncatedFrame(req.opaque));
      conn.end();
    };
    await expect(client.invoke(peer.addr, request(), 3000)).rejects.toBeInstanceOf(RemotingClosedError);
    expect(client.inflightCount).toBe(0);
  });

  it('responses for unknown opaques are dropped; the real answer still matches', async () => {
    peer.onRequest = (req, conn) => {
      for (let i = 1; i <= 1000; i++) conn.write(responseFrame(req.opaque + i, 17, { remark: 'not yours' }));
      conn.write(responseFrame(req.opaque, 0, { remark: 'yours' }));
    };
    const res = await client.invoke(peer.addr, request(), 3000);
    expect(res.remark).toBe('yours');
    expect(client.inflightCount).toBe(0);
  });

  it('a response to a oneway request is dropped and the connection keeps working', async () => {
    let onewayOpaque: number | undefined;
    peer.onRequest = (req, conn) => {
      if (req.isOneway) {
        onewayOpaque = req.opaque;
        conn.write(onewayResponseFrame(req.opaque));
        conn.write(responseFrame(req.opaque, 0, { remark: 'answer to a oneway' }));
      } else conn.write(responseFrame(req.opaque, 0, { remark: 'normal' }));
    };
    await client.invokeOneway(peer.addr, request(), 1000);
    expect(await eventually(() => onewayOpaque !== undefined, 2000)).toBe(true);
    const res = await client.invoke(peer.addr, request(), 3000);
    expect(res.remark).toBe('normal');
    expect(peer.openConnections).toBe(1);
    expect(client.inflightCount).toBe(0);
  });

  it('a peer that never answers: the timeout fires within 50 ms of its setting', async () => {
    let first = true;
    peer.onRequest = (req, conn) => {
      // Answer only the first request (it opens the connection), then go silent.
      if (first) conn.write(responseFrame(req.opaque, 0));
      first = false;
    };
    await client.invoke(peer.addr, request(), 3000);
    const o = await timedAgainstControl(300, () => client.invoke(peer.addr, request(), 300));
    expect(o.err).toBeInstanceOf(RemotingTimeoutError);
    expect(o.ms).toBeGreaterThanOrEqual(299);
    expect(o.lateMs).toBeLessThan(50);
    expect(client.inflightCount).toBe(0);
  });

  it(`fuzz: ${profile.fuzzFrames.toLocaleString('en')} hostile frames; every call settles typed, nothing leaks`, async () => {
    const rnd = seededRandom(SEED);
    const fuzzer = new FrameFuzzer(rnd);
    // A pool of benign frames reused in random bursts: generating each frame afresh would dominate the run.
    const pool: FuzzFrame[] = [];
    for (let i = 0; i < 4000; i++) pool.push(fuzzer.benign());
    const BURST = 2000;
    const outcomes = { answered: 0, closedTyped: 0, timeouts: 0, other: [] as unknown[] };
    const endings: Record<string, number> = {};
    peer.onRequest = (req, conn) => {
      const parts: Buffer[] = [];
      for (let i = 0; i < BURST; i++) {
        const f = pool[Math.floor(rnd() * pool.length)]!;
        if (f.opaque !== req.opaque) parts.push(f.bytes);
      }
      conn.write(Buffer.concat(parts), parts.length);
      // Then either the real answer, or something that should kill the connection first.
      const r = rnd();
      const last = r < 0.4 ? fuzzer.fatal() : r < 0.6 ? fuzzer.mutated() : undefined;
      const label = last?.label ?? 'answer';
      endings[label] = (endings[label] ?? 0) + 1;
      if (last) conn.write(last.bytes);
      conn.write(responseFrame(req.opaque, 0, { remark: 'real' }));
    };
    const rssStart = process.memoryUsage().rss;
    const t0 = Date.now();
    const deadline = t0 + 15 * 60_000;
    while (peer.counts.framesSent < profile.fuzzFrames && Date.now() < deadline) {
      try {
        const res = await client.invoke(peer.addr, request(), 10_000);
        if (res.remark === 'real') outcomes.answered++;
        else outcomes.other.push(res);
      } catch (e) {
        if (e instanceof RemotingTimeoutError) outcomes.timeouts++;
        else if (e instanceof RemotingError) outcomes.closedTyped++;
        else outcomes.other.push(e);
      }
    }
    const ms = Date.now() - t0;
    // Server-initiated requests in the stream are answered asynchronously; let them drain.
    await new Promise((r) => setTimeout(r, 200));
    const figures = {
      seed: SEED,
      framesSent: peer.counts.framesSent,
      bytesSent: peer.counts.bytesSent,
      calls: outcomes.answered + outcomes.closedTyped + outcomes.timeouts + outcomes.other.length,
      answered: outcomes.answered,
      failedTyped: outcomes.closedTyped,
      timeouts: outcomes.timeouts,
      untyped: outcomes.other.length,
      connections: peer.counts.connections,
      framesFromClient: peer.counts.requests,
      endings,
      ms,
      framesPerSec: Math.round(peer.counts.framesSent / (ms / 1000)),
      rssGrowthMiB: Math.round((process.memoryUsage().rss - rssStart) / 1048576),
      unhandledRejections: watch.unhandled.length,
      uncaughtExceptions: watch.uncaught.length,
      logs: logger.byLevel,
    };
    recordFigures('s5-hostile-peer', figures);
    expect(outcomes.other).toEqual([]);
    expect(peer.counts.framesSent).toBeGreaterThanOrEqual(profile.fuzzFrames);
    expect(outcomes.timeouts).toBe(0);
    expect(outcomes.answered).toBeGreaterThan(0);
    expect(outcomes.closedTyped).toBeGreaterThan(0);
    expect(client.inflightCount).toBe(0);
    expect(watch.unhandled).toEqual([]);
    expect(watch.uncaught).toEqual([]);
  });
});
