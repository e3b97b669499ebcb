import { monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks';
import { randomBytes as cryptoRandomBytes } from 'node:crypto';
import { deflateSync } from 'node:zlib';
import type * as zlib from 'node:zlib';
import { AclClientRPCHook } from '../../src/client/acl-client-rpc-hook';
import { ClientRemotingProcessor } from '../../src/client/client-remoting-processor';
import { parseClientConfig } from '../../src/client/client-config';
import { MQClientInstance } from '../../src/client/mq-client-instance';
import { buildMQClientId } from '../../src/client/client-instance-config';
import {
  AccessDeniedError,
  RemotingClosedError,
  RemotingError,
  RemotingProtocolError,
  RemotingTimeoutError,
} from '../../src/errors';
import { receiveReplyMessage } from '../../src/producer/reply-message-receiver';
import { RequestFutureHolder, RequestResponseFuture } from '../../src/producer/request-response-future';
import { RequestCode } from '../../src/remoting/protocol/request-code';
import { ResponseCode } from '../../src/remoting/protocol/response-code';
import { RemotingCommand } from '../../src/remoting/protocol/remoting-command';
import { RemotingClient } from '../../src/remoting/remoting-client';
import {
  HostilePeer,
  type HostileConnection,
  deeplyNestedRouteBody,
  headerOverrunFrame,
  manyExtFieldsFrame,
  plainRouteBody,
  prebuiltResponse,
  responseWithBody,
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
import { pushReplyCommand, SYSFLAG_COMPRESSED } from '../helpers/push-reply';
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
// The module object itself (a namespace import is a copy): the client calls zlib through it.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const zlibModule = require('node:zlib') as typeof zlib;

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
  peer.onResponse = undefined;
});

/** The call must fail with a connection-closed error whose cause is the protocol error. */
async function expectPoisoned(bytes: Buffer, timeoutMs = 3000): Promise<RemotingClosedError> {
  peer.onRequest = (_req, conn) => conn.write(bytes);
  const closedBefore = peer.counts.clientClosed;
  const err = await client.invoke(peer.addr, request(), timeoutMs).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(RemotingClosedError);
  expect((err as RemotingClosedError).cause).toBeInstanceOf(RemotingProtocolError);
  // The client hung up on the peer.
  expect(await eventually(() => peer.counts.clientClosed > closedBefore, 2000)).toBe(true);
  expect(client.inflightCount).toBe(0);
  return err as RemotingClosedError;
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

/**
 * The security audit's hostile replies (docs/reliability.md): each must end typed, and the event loop
 * must keep turning while they arrive (p99 delay under 20 ms, sampled every millisecond).
 */
describe('scenario 5: hostile replies of the security audit', () => {
  let loop: IntervalHistogram;
  const figures: Record<string, unknown> = {};

  beforeEach(() => {
    loop = monitorEventLoopDelay({ resolution: 1 });
    loop.enable();
  });

  /** Stops the delay monitor and records its figures under `name`. */
  function loopFigures(name: string, extra: Record<string, unknown> = {}): { p99Ms: number; maxMs: number } {
    loop.disable();
    const out = { p99Ms: +(loop.percentile(99) / 1e6).toFixed(1), maxMs: +(loop.max / 1e6).toFixed(1), samples: loop.count };
    figures[name] = { ...out, ...extra };
    return out;
  }

  afterAll(() => {
    recordFigures('s5-hostile-peer-audit', figures);
  });

  it('1 + 8: NO_PERMISSION with a 1 MB hostile remark: no ReDoS stall, bounded message, full remark kept', async () => {
    const hook = new AclClientRPCHook({ accessKey: 'ak', secretKey: 'sk' });
    await client.shutdown();
    client = new RemotingClient({ logger, connectTimeoutMs: 2000, rpcHooks: [hook] });
    const hostile = 'User:'.repeat(200_000); // 1 MB; the old regex needed minutes on it
    const denied = 'User:bob not found.' + 'x'.repeat(200_000);
    // Built once (the peer shares this event loop); each answer is a copy stamped with the opaque.
    const answers = [prebuiltResponse(ResponseCode.NO_PERMISSION, hostile), prebuiltResponse(ResponseCode.NO_PERMISSION, denied)];
    let n = 0;
    loop.reset();
    peer.onRequest = (req, conn) => conn.write(answers[n++ % 2]!(req.opaque));
    const rounds = 20;
    for (let i = 0; i < rounds; i++) {
      const outcome = await client.invoke(peer.addr, request(), 5000).then(
        (r) => r,
        (e: unknown) => e,
      );
      if (i % 2 === 0) {
        // Not an ACL remark: the response itself comes back.
        expect((outcome as RemotingCommand).code).toBe(ResponseCode.NO_PERMISSION);
      } else {
        expect(outcome).toBeInstanceOf(AccessDeniedError);
        const err = outcome as AccessDeniedError;
        expect(err.remark).toBe(denied);
        expect(err.message.length).toBeLessThan(1000);
      }
    }
    const { p99Ms } = loopFigures('aclRemark1MB', { rounds });
    expect(p99Ms).toBeLessThan(20);
    expect(client.inflightCount).toBe(0);
  });

  it('2: zlib bombs in PUSH_REPLY frames: unmatched ones are never inflated, wanted ones inflate off the loop to the cap', async () => {
    // Built before the attack (the peer shares this event loop): ~80 KB that inflates past the 64 MiB cap.
    const bomb = deflateSync(Buffer.alloc(80 * 1024 * 1024), { level: 9 });
    const rounds = 10;
    const frame = (correlationId: string, body: Buffer, opaque: number): { opaque: number; bytes: Buffer } => ({
      opaque,
      bytes: pushReplyCommand(correlationId, body, SYSFLAG_COMPRESSED, opaque).encode(),
    });
    const unmatched = Array.from({ length: rounds }, (_, i) => frame(`nobody-${i}`, bomb, 1_000_000 + i));
    const futures = Array.from({ length: rounds }, (_, i) => new RequestResponseFuture(`waiting-${i}`, 60_000));
    const wanted = futures.map((f, i) => frame(f.correlationId, bomb, 2_000_000 + i));
    const goodBody = cryptoRandomBytes(20_000);
    const good = new RequestResponseFuture('waiting-good', 60_000);
    const goodFrame = frame(good.correlationId, deflateSync(goodBody), 3_000_000);
    // What a started producer registers for code 326.
    new ClientRemotingProcessor(client).registerHandler(RequestCode.PUSH_REPLY_MESSAGE_TO_CLIENT, (req, ctx) => receiveReplyMessage(logger, req, ctx));
    let conn: HostileConnection | undefined;
    peer.onRequest = (req, c) => {
      conn = c;
      c.write(responseFrame(req.opaque, 0));
    };
    await client.invoke(peer.addr, request(), 5000);
    const answers = new Map<number, (res: RemotingCommand) => void>();
    peer.onResponse = (res) => answers.get(res.opaque)?.(res);
    /** Sends one frame to the client; resolves with the client's answer to it. */
    const push = (f: { opaque: number; bytes: Buffer }): Promise<RemotingCommand> =>
      new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no answer to the PUSH_REPLY frame ${f.opaque}`)), 5000);
        answers.set(f.opaque, (res) => {
          clearTimeout(timer);
          resolve(res);
        });
        conn!.write(f.bytes);
      });
    const holder = RequestFutureHolder.getInstance();
    const inflate = jest.spyOn(zlibModule, 'inflate');
    const inflateSync = jest.spyOn(zlibModule, 'inflateSync');
    try {
      loop.reset();
      // Ten unmatched bombs at once (once 805 ms of blocked loop): answered SUCCESS, bodies never read.
      const rssBefore = process.memoryUsage().rss;
      const first = await Promise.all(unmatched.map(push));
      expect(first.map((r) => r.code)).toEqual(Array(rounds).fill(ResponseCode.SUCCESS));
      expect(inflate.mock.calls.length + inflateSync.mock.calls.length).toBe(0);
      const rssGrowthMiB = Math.round((process.memoryUsage().rss - rssBefore) / 2 ** 20);
      const unmatchedLoop = loopFigures('zlibBombPushReplyUnmatched', { rounds, compressedBytes: bomb.length, rssGrowthMiB });
      expect(unmatchedLoop.p99Ms).toBeLessThan(20);
      // Ten bombs for requests that wait: inflated in the thread pool, stopped at the 64 MiB cap.
      loop.reset();
      loop.enable();
      for (const f of futures) holder.put(f);
      for (const w of wanted) expect((await push(w)).code).toBe(ResponseCode.SYSTEM_ERROR);
      expect(inflate).toHaveBeenCalledTimes(rounds);
      expect(inflateSync).not.toHaveBeenCalled();
      expect(futures.every((f) => !f.isDone && holder.get(f.correlationId) === f)).toBe(true);
      // The connection still serves a legitimate compressed reply.
      holder.put(good);
      expect((await push(goodFrame)).code).toBe(ResponseCode.SUCCESS);
      expect(good.responseMsg?.body.equals(goodBody)).toBe(true);
      const wantedLoop = loopFigures('zlibBombPushReplyWanted', { rounds, compressedBytes: bomb.length, perFrameCapMiB: 64 });
      expect(wantedLoop.p99Ms).toBeLessThan(20);
    } finally {
      inflate.mockRestore();
      inflateSync.mockRestore();
      for (const f of [...futures, good]) holder.remove(f.correlationId);
    }
    expect(logger.recent.filter((l) => l.level === 'warn' && String(l.fields?.err).includes('more than 67108864 bytes'))).toHaveLength(rounds);
  });

  it('3: 1.3 M ext fields in a 15 MB header close the connection with a protocol error', async () => {
    const frames = { JSON: manyExtFieldsFrame(0, 1_300_000, 'JSON'), ROCKETMQ: manyExtFieldsFrame(0, 1_300_000, 'ROCKETMQ') };
    loop.reset();
    const rounds = 3;
    for (const type of ['ROCKETMQ', 'JSON', 'ROCKETMQ', 'JSON', 'ROCKETMQ', 'JSON'] as const) {
      expect(frames[type].length).toBeGreaterThan(12_000_000);
      // Built once, before the attack (the peer shares this event loop). Its opaque matches nothing:
      // the header is refused while it decodes, before any matching.
      const err = await expectPoisoned(frames[type], 10_000);
      expect(String(err.cause)).toMatch(/more than 4096 ext fields/);
    }
    const { p99Ms } = loopFigures('extFields15MB', { rounds, frameBytes: frames.ROCKETMQ.length });
    expect(p99Ms).toBeLessThan(20);
    expect(client.inflightCount).toBe(0);
  });

  it('4 + 8: a 50 000-level route body is refused with a logged typed error; the next refresh still works', async () => {
    let deep = true;
    peer.onRequest = (req, conn) => {
      if (req.code === RequestCode.GET_ROUTEINFO_BY_TOPIC) conn.write(responseWithBody(req.opaque, deep ? deeplyNestedRouteBody(50_000) : plainRouteBody()));
      else conn.write(responseFrame(req.opaque, 0));
    };
    const cfg = parseClientConfig({ namesrvAddr: peer.addr, logger, instanceName: 'hostile-route' });
    const inst = new MQClientInstance({ ...cfg, clientIP: '127.0.0.1' }, buildMQClientId({ ...cfg, clientIP: '127.0.0.1' }));
    try {
      for (let i = 0; i < 5; i++) expect(await inst.updateTopicRouteInfoFromNameServer('TopicHostile')).toBe(false);
      const warned = logger.recent.filter((l) => l.level === 'warn' && l.msg.includes('updateTopicRouteInfoFromNameServer'));
      // Five identical failures: the first is logged, the repeats are condensed by the log deduplicator.
      expect(warned.length).toBeGreaterThanOrEqual(1);
      expect(warned.every((l) => l.fields?.err instanceof RemotingProtocolError)).toBe(true);
      deep = false;
      expect(await inst.updateTopicRouteInfoFromNameServer('TopicHostile')).toBe(true);
      expect(inst.topicRouteTable.get('TopicHostile')?.brokerDatas[0]?.brokerName).toBe('b');
    } finally {
      await inst.shutdown();
    }
    const { p99Ms } = loopFigures('deepRouteBody', { levels: 50_000 });
    expect(p99Ms).toBeLessThan(20);
  });
});
