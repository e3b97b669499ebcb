import type * as net from 'node:net';
import { RemotingSendError, RemotingTimeoutError } from '../../../src/errors';
import { silentLogger } from '../../../src/logger';
import { newExtFields, RemotingCommand } from '../../../src/remoting/protocol/remoting-command';
import { ResponseCode } from '../../../src/remoting/protocol/response-code';
import { RemotingClient } from '../../../src/remoting/remoting-client';
import type { RPCHook } from '../../../src/remoting/rpc-hook';
import { FakeRemotingServer, type FakeRequestContext } from '../../helpers/fake-remoting-server';

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

function request(code = 310): RemotingCommand {
  const ext = newExtFields();
  ext.topic = 'T';
  ext.b = 'x';
  return RemotingCommand.createRequest(code, ext, Buffer.from('payload'));
}

/** GO_AWAY on the first connection the server accepted, `then` on the others. */
function goAwayOnFirstConnection(then: (ctx: FakeRequestContext) => void = (ctx) => ctx.respond()): { first: () => net.Socket | undefined } {
  let first: net.Socket | undefined;
  server.setHandler((ctx) => {
    first ??= ctx.socket;
    if (ctx.socket === first) ctx.respond({ code: ResponseCode.GO_AWAY, remark: 'go away' });
    else then(ctx);
  });
  return { first: () => first };
}

describe('GO_AWAY (protocol.md 11.6)', () => {
  test('reconnects and resends once: same code, fields and body, fresh opaque, new connection', async () => {
    goAwayOnFirstConnection((ctx) => ctx.respond({ remark: 'second' }));
    client = new RemotingClient({ logger: silentLogger });
    const res = await client.invoke(server.addr, request(), 3000);
    expect(res.code).toBe(ResponseCode.SUCCESS);
    expect(res.remark).toBe('second');
    expect(server.acceptedCount).toBe(2);
    const [a, b] = server.received;
    expect(server.received).toHaveLength(2);
    expect(b!.opaque).not.toBe(a!.opaque);
    expect(b!.code).toBe(a!.code);
    expect({ ...b!.extFields }).toEqual({ ...a!.extFields });
    expect(b!.body!.toString()).toBe('payload');
    // Later calls use the new connection.
    await client.invoke(server.addr, request(105), 3000);
    expect(server.acceptedCount).toBe(2);
  });

  test('the resend keeps the language and version the caller set on the command', async () => {
    goAwayOnFirstConnection();
    client = new RemotingClient({ logger: silentLogger });
    const req = request();
    req.language = 'JAVA';
    req.version = 401;
    await client.invoke(server.addr, req, 3000);
    const [a, b] = server.received;
    expect(a!.language).toBe('JAVA');
    expect(b!.language).toBe('JAVA');
    expect(b!.version).toBe(401);
  });

  test('a second GO_AWAY fails the call with RemotingSendError', async () => {
    server.setHandler((ctx) => ctx.respond({ code: ResponseCode.GO_AWAY }));
    client = new RemotingClient({ logger: silentLogger });
    const err = await client.invoke(server.addr, request(), 3000).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RemotingSendError);
    expect((err as Error).message).toMatch(/GO_AWAY twice/);
    expect(server.received).toHaveLength(2);
    expect(server.acceptedCount).toBe(2);
  });

  test('the resend gets only the time left', async () => {
    let first: net.Socket | undefined;
    server.setHandler((ctx) => {
      first ??= ctx.socket;
      if (ctx.socket === first) ctx.respondLater(150, { code: ResponseCode.GO_AWAY });
      // the new connection never answers
    });
    client = new RemotingClient({ logger: silentLogger });
    const err = await client.invoke(server.addr, request(), 600).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RemotingTimeoutError);
    expect((err as RemotingTimeoutError).timeoutMs).toBeLessThanOrEqual(450);
    expect(server.received).toHaveLength(2);
  });

  test('calls pending on the old connection still complete there', async () => {
    let first: net.Socket | undefined;
    server.setHandler((ctx) => {
      first ??= ctx.socket;
      if (ctx.socket !== first || ctx.request.code === 105) return ctx.respond({ remark: 'new' });
      if (ctx.request.code === 1) ctx.respondLater(100, { code: ResponseCode.GO_AWAY });
      else ctx.respondLater(200, { remark: 'old' });
    });
    client = new RemotingClient({ logger: silentLogger });
    await client.invoke(server.addr, request(105), 3000); // opens the first connection
    const [a, b] = await Promise.all([client.invoke(server.addr, request(1), 3000), client.invoke(server.addr, request(2), 3000)]);
    expect(a.remark).toBe('new');
    expect(b.remark).toBe('old');
  });

  test('the callback form resends too; hooks run before each send and after the final answer only', async () => {
    goAwayOnFirstConnection();
    const events: string[] = [];
    const hook: RPCHook = {
      doBeforeRequest: (_addr, req) => void events.push(`before ${req.code}`),
      doAfterResponse: (_addr, _req, res) => void events.push(`after ${res.code}`),
    };
    client = new RemotingClient({ logger: silentLogger, rpcHooks: [hook] });
    const res = await new Promise<RemotingCommand>((resolve, reject) =>
      client!.invokeCallback(server.addr, request(), 3000, (err, r) => (err ? reject(err) : resolve(r!))),
    );
    expect(res.code).toBe(0);
    expect(events).toEqual(['before 310', 'before 310', 'after 0']);
  });

  test('name-server calls resend to the same name server', async () => {
    goAwayOnFirstConnection();
    client = new RemotingClient({ logger: silentLogger, namesrvAddrs: [server.addr] });
    const res = await client.invoke(null, request(105), 3000);
    expect(res.code).toBe(0);
    expect(server.acceptedCount).toBe(2);
  });

  test('shutdown closes the connection that went away', async () => {
    const state = goAwayOnFirstConnection();
    client = new RemotingClient({ logger: silentLogger });
    await client.invoke(server.addr, request(), 3000);
    expect(state.first()!.destroyed).toBe(false);
    await client.shutdown();
    client = undefined;
    for (let i = 0; i < 100 && server.sockets.size > 0; i++) await new Promise((r) => setTimeout(r, 10));
    expect(server.sockets.size).toBe(0);
  });
});
