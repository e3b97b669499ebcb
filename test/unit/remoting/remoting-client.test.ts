import * as net from 'node:net';
import {
  ClientStateError,
  InvalidArgumentError,
  InvalidConfigError,
  RemotingClosedError,
  RemotingConnectError,
  RemotingProtocolError,
  RemotingTimeoutError,
  RocketMQError,
} from '../../../src/errors';
import { silentLogger } from '../../../src/logger';
import { RemotingCommand } from '../../../src/remoting/protocol/remoting-command';
import { RemotingClient } from '../../../src/remoting/remoting-client';
import type { RemotingClientOptions } from '../../../src/remoting/remoting-client-options';
import { captureLogger, closedPort, FakeRemotingServer, type FakeRequestContext } from '../../helpers/fake-remoting-server';

let server: FakeRemotingServer;
const clients: RemotingClient[] = [];

function client(options: RemotingClientOptions = {}): RemotingClient {
  const c = new RemotingClient({ logger: silentLogger, ...options });
  clients.push(c);
  return c;
}

function req(code = 105, ext: Record<string, string> = { topic: 'TopicTest' }): RemotingCommand {
  const cmd = RemotingCommand.createRequest(code);
  for (const [k, v] of Object.entries(ext)) cmd.addExtField(k, v);
  return cmd;
}

function int32(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeInt32BE(n);
  return b;
}

/** Waits until `cond` holds, polling each turn of the event loop (bounded). */
async function until(cond: () => boolean, what: string, maxTurns = 2000): Promise<void> {
  for (let i = 0; i < maxTurns; i++) {
    if (cond()) return;
    await new Promise((r) => setTimeout(r, 2));
  }
  throw new Error(`condition never held: ${what}`);
}

beforeEach(async () => {
  server = await FakeRemotingServer.start();
});

afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.shutdown()));
  await server.close();
});

describe('RemotingClient: request and response', () => {
  test('invoke resolves with the matching response, whatever its code', async () => {
    server.setHandler((ctx) => ctx.respond({ code: 17, remark: 'No topic route info', extFields: { a: '1' } }));
    const c = client();
    const res = await c.invoke(server.addr, req(), 3000);
    expect(res.code).toBe(17);
    expect(res.remark).toBe('No topic route info');
    expect(res.extFields?.a).toBe('1');
    expect(res.isResponse).toBe(true);
    expect(server.received).toHaveLength(1);
    expect(server.received[0]!.extFields?.topic).toBe('TopicTest');
    expect(c.inflightCount).toBe(0);
  });

  test('each physical send gets a fresh opaque from the client', async () => {
    const c = client();
    const cmd = req();
    cmd.opaque = 424242;
    await c.invoke(server.addr, cmd, 3000);
    await c.invoke(server.addr, cmd, 3000);
    const [a, b] = server.received;
    expect(a!.opaque).not.toBe(424242);
    expect(b!.opaque).not.toBe(a!.opaque);
  });

  test('applies language and version to requests that kept the codec defaults; JSON by default', async () => {
    const c = client({ language: 'NODE_JS', version: 400 });
    await c.invoke(server.addr, req(), 3000);
    const explicit = new RemotingCommand({ code: 105, language: 'GO', version: 300 });
    await c.invoke(server.addr, explicit, 3000);
    expect(server.received[0]).toMatchObject({ language: 'NODE_JS', version: 400, serializeType: 'JSON' });
    expect(server.received[1]).toMatchObject({ language: 'GO', version: 300 });
  });

  test('ROCKETMQ serialize type for requests; responses decoded by their own type byte', async () => {
    server.serializeType = 'JSON';
    const c = client({ serializeType: 'ROCKETMQ' });
    const res = await c.invoke(server.addr, req(), 3000);
    expect(server.received[0]!.serializeType).toBe('ROCKETMQ');
    expect(res.serializeType).toBe('JSON');
    server.serializeType = 'ROCKETMQ';
    const res2 = await c.invoke(server.addr, req(), 3000);
    expect(res2.serializeType).toBe('ROCKETMQ');
  });

  test('ROCKETMQ client refuses codes above 32767 before any I/O', async () => {
    const c = client({ serializeType: 'ROCKETMQ' });
    await expect(c.invoke(server.addr, req(200050), 3000)).rejects.toBeInstanceOf(InvalidArgumentError);
    expect(server.acceptedCount).toBe(0);
  });

  test('body goes out after the header and arrives intact', async () => {
    const body = Buffer.alloc(100_000, 7);
    const c = client();
    await c.invoke(server.addr, RemotingCommand.createRequest(10, undefined, body), 3000);
    expect(server.received[0]!.body?.equals(body)).toBe(true);
  });

  test('invokeCallback delivers exactly once, off the read loop, and survives a throwing callback', async () => {
    const log = captureLogger();
    const c = client({ logger: log });
    const seen: Array<[RocketMQError | null, RemotingCommand | undefined]> = [];
    await new Promise<void>((resolve) => {
      c.invokeCallback(server.addr, req(), 3000, (err, res) => {
        seen.push([err, res]);
        resolve();
        throw new TypeError('user bug');
      });
    });
    await c.invoke(server.addr, req(), 3000); // the client still works
    expect(seen).toHaveLength(1);
    expect(seen[0]![0]).toBeNull();
    expect(seen[0]![1]!.code).toBe(0);
    expect(log.lines.some((l) => l.level === 'error' && l.msg.includes('callback threw'))).toBe(true);
  });

  test('callbacks and after-hooks never run inside the read loop', async () => {
    const stacks: string[] = [];
    const probe = () => stacks.push(new Error('probe').stack ?? '');
    const c = client({ rpcHooks: [{ doBeforeRequest() {}, doAfterResponse: probe }] });
    await c.invoke(server.addr, req(), 3000);
    await new Promise<void>((resolve) =>
      c.invokeCallback(server.addr, req(), 3000, () => {
        probe();
        resolve();
      }),
    );
    expect(stacks).toHaveLength(3);
    for (const s of stacks) expect(s).not.toMatch(/onData|FrameDecoder|Socket\.emit/);
  });

  test('captureStack appends the caller\'s stack to a failed call\'s error', async () => {
    server.setHandler(() => {});
    const c = client({ captureStack: true, closeSocketIfTimeout: false });
    async function someCallerFunction() {
      return c.invoke(server.addr, req(), 20);
    }
    const err = (await someCallerFunction().catch((e: unknown) => e)) as Error;
    expect(err).toBeInstanceOf(RemotingTimeoutError);
    expect(err.stack).toMatch(/call started at[\s\S]*someCallerFunction/);
  });

  test('invokeCallback reports bad input through the callback, asynchronously', async () => {
    const c = client();
    let sync = true;
    const err = await new Promise<RocketMQError | null>((resolve) => {
      c.invokeCallback('not-an-address', req(), 3000, (e) => resolve(e));
      sync = false;
    });
    expect(sync).toBe(false);
    expect(err).toBeInstanceOf(InvalidArgumentError);
  });

  test('invokeOneway sets the oneway flag and resolves once written', async () => {
    server.setHandler(() => {});
    const c = client();
    await c.invokeOneway(server.addr, req(), 3000);
    await until(() => server.received.length === 1, 'oneway received');
    expect(server.received[0]!.isOneway).toBe(true);
    expect(c.inflightCount).toBe(0);
  });

  test('a command sent oneway and then with invoke() carries the right flags each time', async () => {
    const c = client();
    const cmd = req();
    await c.invokeOneway(server.addr, cmd, 3000);
    const res = await c.invoke(server.addr, cmd, 3000);
    expect(res.code).toBe(0);
    expect(server.received.map((r) => r.isOneway)).toEqual([true, false]);
  });

  test('bad arguments are refused with typed errors before any I/O', async () => {
    const c = client();
    await expect(c.invoke('nohost', req(), 1000)).rejects.toBeInstanceOf(InvalidArgumentError);
    await expect(c.invoke('127.0.0.1:0', req(), 1000)).rejects.toBeInstanceOf(InvalidArgumentError);
    await expect(c.invoke(server.addr, req(), 0)).rejects.toBeInstanceOf(InvalidArgumentError);
    await expect(c.invoke(server.addr, req(), Number.NaN)).rejects.toBeInstanceOf(InvalidArgumentError);
    await expect(c.invoke(server.addr, req(), 2 ** 40)).rejects.toBeInstanceOf(InvalidArgumentError);
    await expect(c.invoke(server.addr, {} as RemotingCommand, 1000)).rejects.toBeInstanceOf(InvalidArgumentError);
    expect(() => c.invokeCallback(server.addr, req(), 1000, undefined as never)).toThrow(InvalidArgumentError);
    expect(server.acceptedCount).toBe(0);
  });

  test('invalid options are refused in the constructor', () => {
    expect(() => new RemotingClient({ connectTimeoutMs: -1 })).toThrow(InvalidConfigError);
    expect(() => new RemotingClient({ serializeType: 'XML' as never })).toThrow(InvalidConfigError);
    expect(() => new RemotingClient({ bogus: 1 } as never)).toThrow(InvalidConfigError);
    expect(() => new RemotingClient({ namesrvAddrs: ['nope'] })).toThrow(InvalidArgumentError);
  });
});

describe('RemotingClient: a misbehaving peer', () => {
  test('late response: the call times out with the facts; the late answer is dropped with a debug log', async () => {
    const log = captureLogger();
    server.setHandler((ctx) => ctx.respondLater(150));
    const c = client({ logger: log, closeSocketIfTimeout: false });
    const before = Date.now();
    const err = (await c.invoke(server.addr, req(105), 50).catch((e: unknown) => e)) as RemotingTimeoutError;
    expect(err).toBeInstanceOf(RemotingTimeoutError);
    expect(err.retriable).toBe(true);
    expect(err).toMatchObject({ requestCode: 105, addr: server.addr, timeoutMs: 50, opaque: server.received[0]!.opaque });
    expect(err.createdAt).toBeGreaterThanOrEqual(before);
    expect(err.sentAt).toBeGreaterThanOrEqual(err.createdAt!);
    await until(() => log.lines.some((l) => l.msg.includes('matches no pending request')), 'late response logged');
    expect(log.lines.find((l) => l.msg.includes('matches no pending request'))!.level).toBe('debug');
    expect(c.inflightCount).toBe(0);
    expect((await c.invoke(server.addr, req(), 3000)).code).toBe(0); // same connection still fine
  });

  test('a timed-out invoke closes its connection (Java clientCloseSocketIfTimeout); the next call reconnects', async () => {
    let n = 0;
    server.setHandler((ctx) => {
      if (n++ !== 1) ctx.respond(); // the second request goes unanswered
    });
    const c = client();
    await c.invoke(server.addr, req(), 3000); // connected: the whole budget of the next call is left at its write
    // More than 100 ms left at the write: Java's rule closes the connection on timeout.
    await expect(c.invoke(server.addr, req(), 150)).rejects.toBeInstanceOf(RemotingTimeoutError);
    await c.invoke(server.addr, req(), 3000);
    expect(server.acceptedCount).toBe(2);
  });

  test('no close when connecting ate the budget (Java: under 100 ms and under a quarter left)', async () => {
    server.setHandler(() => {});
    let connectedAt = 0;
    const c = client({
      socketFactory: (t) => {
        const s = new net.Socket();
        // Connect late on purpose: 90 of the 100 ms budget are gone when the request is written.
        const timer = setTimeout(() => s.connect({ host: t.host, port: t.port }, () => (connectedAt = Date.now())), 90);
        s.once('close', () => clearTimeout(timer));
        return s;
      },
    });
    const closed: string[] = [];
    c.on('disconnected', (a) => closed.push(a));
    const err = (await c.invoke(server.addr, req(), 100).catch((e: unknown) => e)) as RemotingTimeoutError;
    expect(err).toBeInstanceOf(RemotingTimeoutError);
    if (err.sentAt !== undefined) {
      // Written with little time left: the connection is kept.
      await new Promise((r) => setTimeout(r, 20));
      expect(closed).toEqual([]);
      expect(connectedAt).toBeGreaterThan(0);
    }
  });

  test('out-of-order responses reach their own callers', async () => {
    const held: FakeRequestContext[] = [];
    server.setHandler((ctx) => {
      held.push(ctx);
      if (held.length === 3) for (const h of held.reverse()) h.respond({ remark: h.request.extFields!.n });
    });
    const c = client();
    const results = await Promise.all(['0', '1', '2'].map((n) => c.invoke(server.addr, req(105, { n }), 3000)));
    expect(results.map((r) => r.remark)).toEqual(['0', '1', '2']);
  });

  test('a response sent twice settles once; the duplicate is dropped', async () => {
    const log = captureLogger();
    server.setHandler((ctx) => {
      ctx.respond({ remark: 'first' });
      ctx.respond({ remark: 'second' });
    });
    const c = client({ logger: log });
    const res = await c.invoke(server.addr, req(), 3000);
    expect(res.remark).toBe('first');
    await until(() => log.lines.some((l) => l.msg.includes('matches no pending request')), 'duplicate dropped');
    expect(c.inflightCount).toBe(0);
  });

  test('a response for an opaque nobody asked for is dropped', async () => {
    server.setHandler((ctx) => {
      ctx.respond({ opaque: 77777777 });
      ctx.respond();
    });
    const c = client();
    expect((await c.invoke(server.addr, req(), 3000)).opaque).toBe(server.received[0]!.opaque);
  });

  test('never answered: timeout; in-flight table empty afterwards', async () => {
    server.setHandler(() => {});
    const c = client();
    await expect(c.invoke(server.addr, req(), 30)).rejects.toBeInstanceOf(RemotingTimeoutError);
    expect(c.inflightCount).toBe(0);
  });

  test.each([
    ['garbage (negative length)', Buffer.from([0xff, 0xff, 0xff, 0xf0, 1, 2, 3])],
    ['an oversize frame', Buffer.concat([int32(64 * 1024 * 1024), Buffer.alloc(16)])],
    ['an undecodable header', Buffer.concat([int32(7), int32(3), Buffer.from('{no')])],
  ])('%s: protocol error closes the connection, pending calls fail with it as cause, client survives', async (_name, bytes) => {
    let n = 0;
    server.setHandler((ctx) => {
      if (n++ === 0) ctx.writeRaw(bytes);
      else ctx.respond();
    });
    const c = client();
    const disconnected: string[] = [];
    c.on('disconnected', (a) => disconnected.push(a));
    const err = (await c.invoke(server.addr, req(), 3000).catch((e: unknown) => e)) as RemotingClosedError;
    expect(err).toBeInstanceOf(RemotingClosedError);
    expect(err.cause).toBeInstanceOf(RemotingProtocolError);
    expect((await c.invoke(server.addr, req(), 3000)).code).toBe(0);
    expect(server.acceptedCount).toBe(2);
    await until(() => disconnected.length === 1, 'disconnected event');
  });

  test('good frames before a bad length prefix in one chunk are delivered, then the connection closes at once', async () => {
    const held: FakeRequestContext[] = [];
    server.setHandler((ctx) => {
      held.push(ctx);
      if (held.length === 2) {
        const [a, b] = held;
        ctx.writeRaw(Buffer.concat([server.responseFor(a!.request, { remark: 'a' }), int32(-5), server.responseFor(b!.request)]));
      }
    });
    const c = client();
    const [ra, rb] = await Promise.allSettled([c.invoke(server.addr, req(), 5000), c.invoke(server.addr, req(), 5000)]);
    expect(ra.status === 'fulfilled' && ra.value.remark).toBe('a');
    expect(rb.status).toBe('rejected');
    const err = (rb as PromiseRejectedResult).reason as RemotingClosedError;
    expect(err).toBeInstanceOf(RemotingClosedError);
    expect(err.cause).toBeInstanceOf(RemotingProtocolError);
  });

  test('maxFrameBytes is configurable', async () => {
    server.setHandler((ctx) => ctx.respond({ body: Buffer.alloc(2048) }));
    const c = client({ maxFrameBytes: 1024 });
    const err = (await c.invoke(server.addr, req(), 3000).catch((e: unknown) => e)) as RemotingClosedError;
    expect(err.cause).toBeInstanceOf(RemotingProtocolError);
  });

  test('close mid-frame: every pending call fails at once with RemotingClosedError', async () => {
    const held: FakeRequestContext[] = [];
    server.setHandler((ctx) => {
      if (held.length === 5) return ctx.respond();
      held.push(ctx);
      if (held.length === 5) {
        const frame = server.responseFor(ctx.request, { body: Buffer.alloc(500) });
        ctx.writeRaw(frame.subarray(0, 100));
        setTimeout(() => ctx.destroy(), 10);
      }
    });
    const c = client();
    const outcomes = await Promise.allSettled([0, 1, 2, 3, 4].map(() => c.invoke(server.addr, req(), 5000)));
    for (const o of outcomes) {
      expect(o.status).toBe('rejected');
      expect((o as PromiseRejectedResult).reason).toBeInstanceOf(RemotingClosedError);
    }
    expect(c.inflightCount).toBe(0);
    expect((await c.invoke(server.addr, req(), 3000)).code).toBe(0);
  });

  test('peer closes while a oneway waits: nothing hangs', async () => {
    server.setHandler((ctx) => ctx.destroy());
    const c = client();
    await c.invokeOneway(server.addr, req(), 1000).catch(() => undefined);
    expect(c.inflightCount).toBe(0);
  });
});

describe('RemotingClient: connecting', () => {
  test('connection refused gives RemotingConnectError; a later call tries again', async () => {
    const port = await closedPort();
    const c = client();
    const err = (await c.invoke(`127.0.0.1:${port}`, req(), 3000).catch((e: unknown) => e)) as RemotingConnectError;
    expect(err).toBeInstanceOf(RemotingConnectError);
    expect(err.addr).toBe(`127.0.0.1:${port}`);
    expect(err.retriable).toBe(true);
    await expect(c.invoke(`127.0.0.1:${port}`, req(), 3000)).rejects.toBeInstanceOf(RemotingConnectError);
    expect(c.inflightCount).toBe(0);
  });

  test('connect timeout gives RemotingConnectError (socket that never connects)', async () => {
    let made = 0;
    const c = client({
      connectTimeoutMs: 40,
      socketFactory: () => {
        made++;
        return new net.Socket();
      },
    });
    const err = (await c.invoke('127.0.0.1:9876', req(), 3000).catch((e: unknown) => e)) as RemotingConnectError;
    expect(err).toBeInstanceOf(RemotingConnectError);
    expect(err.message).toMatch(/timed out after 40 ms/);
    expect(made).toBe(1);
  });

  test('the call budget covers connecting (Java deducts connect time): timeout while connecting', async () => {
    const c = client({ connectTimeoutMs: 3000, socketFactory: () => new net.Socket() });
    const err = (await c.invoke('127.0.0.1:9876', req(), 30).catch((e: unknown) => e)) as RemotingTimeoutError;
    expect(err).toBeInstanceOf(RemotingTimeoutError);
    expect(err.sentAt).toBeUndefined();
    expect(err.opaque).toBeUndefined();
  });

  test('a throwing socket factory is a connect error, not a crash', async () => {
    const c = client({
      socketFactory: () => {
        throw new Error('no sockets today');
      },
    });
    await expect(c.invoke(server.addr, req(), 1000)).rejects.toBeInstanceOf(RemotingConnectError);
  });

  test('concurrent callers share one connect attempt', async () => {
    let made = 0;
    const c = client({
      socketFactory: (t) => {
        made++;
        return net.connect({ host: t.host, port: t.port });
      },
    });
    const connected: string[] = [];
    c.on('connected', (a) => connected.push(a));
    const res = await Promise.all(Array.from({ length: 20 }, () => c.invoke(server.addr, req(), 3000)));
    expect(res).toHaveLength(20);
    expect(made).toBe(1);
    expect(server.acceptedCount).toBe(1);
    await until(() => connected.length === 1, 'connected event');
    expect(connected).toEqual([server.addr]);
  });

  test('idle connections are closed', async () => {
    const c = client({ idleTimeoutMs: 50 });
    const gone: string[] = [];
    c.on('disconnected', (a) => gone.push(a));
    // Oneway calls: nothing waits for an answer that a slow machine could let the idle timer beat.
    await c.invokeOneway(server.addr, req(), 3000);
    await until(() => gone.length === 1, 'idle close');
    expect(gone).toEqual([server.addr]);
    await c.invokeOneway(server.addr, req(), 3000);
    await until(() => server.acceptedCount === 2, 'reconnected');
    await until(() => gone.length === 2, 'idle close again');
  });

  test('closeConnection fails that connection\'s pending calls', async () => {
    server.setHandler(() => {});
    const c = client();
    const p = c.invoke(server.addr, req(), 5000);
    await until(() => server.received.length === 1, 'request arrived');
    c.closeConnection(server.addr);
    await expect(p).rejects.toBeInstanceOf(RemotingClosedError);
  });

  test('a throwing event listener does not break the client', async () => {
    const log = captureLogger();
    const c = client({ logger: log });
    c.on('connected', () => {
      throw new Error('listener bug');
    });
    await c.invoke(server.addr, req(), 3000);
    await until(() => log.lines.some((l) => l.msg.includes('listener threw')), 'listener error logged');
    expect((await c.invoke(server.addr, req(), 3000)).code).toBe(0);
  });
});

describe('RemotingClient: shutdown', () => {
  test('rejects pending calls with RemotingClosedError, is idempotent, refuses later calls', async () => {
    server.setHandler(() => {});
    const c = client({
      // 127.0.0.2 never connects: a call stuck in the connect phase
      socketFactory: (t) => (t.host === '127.0.0.2' ? new net.Socket() : net.connect({ host: t.host, port: t.port })),
    });
    const calls = [
      c.invoke(server.addr, req(), 10_000),
      c.invoke(server.addr, req(), 10_000),
      c.invoke('127.0.0.2:1', req(), 10_000),
      c.invokeOneway('127.0.0.2:1', req(), 10_000),
    ];
    const outcomes = Promise.allSettled(calls);
    await until(() => server.received.length === 2, 'requests arrived');
    const s1 = c.shutdown();
    const s2 = c.shutdown();
    expect(s2).toBe(s1);
    await s1;
    for (const o of await outcomes) {
      expect(o.status).toBe('rejected');
      expect((o as PromiseRejectedResult).reason).toBeInstanceOf(RemotingClosedError);
    }
    expect(c.inflightCount).toBe(0);
    await expect(c.invoke(server.addr, req(), 1000)).rejects.toBeInstanceOf(ClientStateError);
    await c.shutdown();
  });
});
