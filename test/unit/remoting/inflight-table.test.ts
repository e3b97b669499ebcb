import * as net from 'node:net';
import diagnosticsChannel from 'node:diagnostics_channel';
import {
  RemotingClosedError,
  RemotingTimeoutError,
  RemotingTooManyRequestsError,
  RequestAbortedError,
} from '../../../src/errors';
import { CHANNEL_REMOTING_REQUEST, type RemotingRequestTraceContext } from '../../../src/diagnostics';
import { silentLogger } from '../../../src/logger';
import type { Connection } from '../../../src/remoting/connection';
import { InflightTable, PendingCall, nextOpaque, setNextOpaqueForTest } from '../../../src/remoting/inflight-table';
import { RemotingCommand } from '../../../src/remoting/protocol/remoting-command';
import { RemotingClient } from '../../../src/remoting/remoting-client';
import { FakeRemotingServer } from '../../helpers/fake-remoting-server';

const req = () => RemotingCommand.createRequest(105);

describe('InflightTable', () => {
  const fakeConn = {} as Connection;

  test('settle runs the handler exactly once and empties the table', () => {
    const outcomes: unknown[] = [];
    const table = new InflightTable(10, 10, () => {});
    const call = new PendingCall('a:1', req(), 'async', 10_000, Date.now(), (_c, err, res) => outcomes.push([err, res]));
    expect(table.admit(call, undefined)).toBeUndefined();
    expect(call.timer).toBeDefined();
    table.markSent(call, 7, fakeConn);
    expect(table.match(7, fakeConn)).toBe(call);
    expect(table.match(7, {} as Connection)).toBeUndefined(); // same opaque, other connection: no match
    const res = RemotingCommand.createResponse(0, undefined, 7);
    expect(table.settle(call, null, res)).toBe(true);
    expect(table.settle(call, new RemotingClosedError('a:1', 'x'), undefined)).toBe(false);
    expect(outcomes).toEqual([[null, res]]);
    expect(call.timer).toBeUndefined();
    expect(table.size).toBe(0);
    expect(table.match(7, fakeConn)).toBeUndefined();
  });

  test('the deadline settles with a RemotingTimeoutError carrying the call facts', async () => {
    const errors: unknown[] = [];
    const timedOut: PendingCall[] = [];
    const table = new InflightTable(10, 10, (c) => timedOut.push(c));
    const call = new PendingCall('a:1', req(), 'async', 5, Date.now(), (_c, err) => errors.push(err));
    table.admit(call, undefined);
    table.markSent(call, 3, fakeConn);
    call.sentAt = Date.now();
    await new Promise((r) => setTimeout(r, 30));
    expect(errors).toHaveLength(1);
    expect(errors[0]).toBeInstanceOf(RemotingTimeoutError);
    expect(errors[0]).toMatchObject({ opaque: 3, requestCode: 105, addr: 'a:1', timeoutMs: 5 });
    expect(timedOut).toEqual([call]);
    expect(table.size).toBe(0);
  });

  test('limits refuse at once, per kind, and a settled call frees its permit', () => {
    const table = new InflightTable(2, 1, () => {});
    const mk = (kind: 'async' | 'oneway') => new PendingCall('a:1', req(), kind, undefined, Date.now(), () => {});
    const a1 = mk('async');
    expect(table.admit(a1, undefined)).toBeUndefined();
    expect(table.admit(mk('async'), undefined)).toBeUndefined();
    const refused = table.admit(mk('async'), undefined);
    expect(refused).toBeInstanceOf(RemotingTooManyRequestsError);
    expect(refused!.limit).toBe(2);
    expect(table.admit(mk('oneway'), undefined)).toBeUndefined();
    expect(table.admit(mk('oneway'), undefined)).toBeInstanceOf(RemotingTooManyRequestsError);
    table.settle(a1, new RemotingClosedError('a:1', 'x'), undefined);
    expect(table.admit(mk('async'), undefined)).toBeUndefined();
  });

  test('the opaque counter is a wrapping int32', () => {
    setNextOpaqueForTest(2147483646);
    expect([nextOpaque(), nextOpaque(), nextOpaque(), nextOpaque()]).toEqual([2147483646, 2147483647, -2147483648, -2147483647]);
  });
});

describe('RemotingClient in-flight behaviour', () => {
  let server: FakeRemotingServer;
  let client: RemotingClient | undefined;

  beforeEach(async () => {
    server = await FakeRemotingServer.start();
  });

  afterEach(async () => {
    await client?.shutdown();
    client = undefined;
    await server.close();
  });

  test('opaques wrap through int32 overflow and responses still match', async () => {
    client = new RemotingClient({ logger: silentLogger });
    await client.invoke(server.addr, req(), 3000); // connected first
    setNextOpaqueForTest(2147483646);
    const results = await Promise.all([0, 1, 2].map((i) => client!.invoke(server.addr, RemotingCommand.createRequest(100 + i), 3000)));
    expect(server.received.slice(1).map((r) => r.opaque)).toEqual([2147483646, 2147483647, -2147483648]);
    expect(results.map((r) => r.opaque)).toEqual([2147483646, 2147483647, -2147483648]);
  });

  test('async limit: refused immediately with RemotingTooManyRequestsError, no queue', async () => {
    server.setHandler(() => {});
    client = new RemotingClient({ logger: silentLogger, maxAsyncInflight: 3, closeSocketIfTimeout: false });
    const held = [0, 1, 2].map(() => client!.invoke(server.addr, req(), 10_000));
    const settled = Promise.allSettled(held);
    await expect(client.invoke(server.addr, req(), 10_000)).rejects.toBeInstanceOf(RemotingTooManyRequestsError);
    const cbErr = await new Promise((resolve) => client!.invokeCallback(server.addr, req(), 10_000, (e) => resolve(e)));
    expect(cbErr).toBeInstanceOf(RemotingTooManyRequestsError);
    expect(client.inflightCount).toBe(3);
    client.closeConnection(server.addr);
    await settled;
    expect(client.inflightCount).toBe(0);
    server.setHandler((ctx) => ctx.respond());
    expect((await client.invoke(server.addr, req(), 3000)).code).toBe(0);
  });

  test('oneway limit counts writes not yet done', async () => {
    client = new RemotingClient({ logger: silentLogger, maxOnewayInflight: 1, socketFactory: () => new net.Socket() });
    const first = client.invokeOneway('127.0.0.1:1', req(), 10_000).catch((e: unknown) => e);
    await expect(client.invokeOneway('127.0.0.1:1', req(), 10_000)).rejects.toBeInstanceOf(RemotingTooManyRequestsError);
    await client.shutdown();
    expect(await first).toBeInstanceOf(RemotingClosedError);
  });

  test('abort after the write: RequestAbortedError with the reason; the late answer is dropped', async () => {
    const held: Array<() => void> = [];
    server.setHandler((ctx) => (held.length === 0 ? held.push(() => ctx.respond()) : ctx.respond()));
    client = new RemotingClient({ logger: silentLogger });
    const ac = new AbortController();
    const p = client.invoke(server.addr, req(), 10_000, { signal: ac.signal });
    for (let i = 0; i < 100 && held.length === 0; i++) await new Promise((r) => setTimeout(r, 2));
    ac.abort(new Error('user gave up'));
    const err = (await p.catch((e: unknown) => e)) as RequestAbortedError;
    expect(err).toBeInstanceOf(RequestAbortedError);
    expect((err.cause as Error).message).toBe('user gave up');
    expect(client.inflightCount).toBe(0);
    held[0]!();
    expect((await client.invoke(server.addr, req(), 3000)).code).toBe(0);
  });

  test('abort while connecting, and an already-aborted signal, both refuse without a write', async () => {
    client = new RemotingClient({ logger: silentLogger, socketFactory: () => new net.Socket() });
    const ac = new AbortController();
    const p = client.invoke('127.0.0.1:1', req(), 10_000, { signal: ac.signal });
    ac.abort();
    await expect(p).rejects.toBeInstanceOf(RequestAbortedError);
    await expect(client.invoke('127.0.0.1:1', req(), 1000, { signal: AbortSignal.abort() })).rejects.toBeInstanceOf(
      RequestAbortedError,
    );
    expect(client.inflightCount).toBe(0);
  });

  test('the abort listener is removed once the call settles', async () => {
    client = new RemotingClient({ logger: silentLogger });
    const ac = new AbortController();
    await client.invoke(server.addr, req(), 3000, { signal: ac.signal });
    ac.abort(); // must not throw or touch anything
    expect(client.inflightCount).toBe(0);
  });

  test('diagnostics channel: start/end then asyncStart/asyncEnd with the response, error on failure', async () => {
    const events: string[] = [];
    const contexts: RemotingRequestTraceContext[] = [];
    const subscribers = {
      start: (m: RemotingRequestTraceContext) => {
        events.push('start');
        contexts.push(m);
      },
      end: () => void events.push('end'),
      asyncStart: () => void events.push('asyncStart'),
      asyncEnd: () => void events.push('asyncEnd'),
      error: () => void events.push('error'),
    };
    const tc = diagnosticsChannel.tracingChannel<object, RemotingRequestTraceContext>(CHANNEL_REMOTING_REQUEST);
    tc.subscribe(subscribers);
    try {
      client = new RemotingClient({ logger: silentLogger });
      await client.invoke(server.addr, req(), 3000);
      expect(events).toEqual(['start', 'end', 'asyncStart', 'asyncEnd']);
      expect(contexts[0]!.response?.code).toBe(0);
      expect(contexts[0]!.addr).toBe(server.addr);
      events.length = 0;
      await client.invoke('bad', req(), 3000).catch(() => undefined);
      expect(events).toEqual(['start', 'end', 'error', 'asyncStart', 'asyncEnd']);
    } finally {
      tc.unsubscribe(subscribers);
    }
  });
});
