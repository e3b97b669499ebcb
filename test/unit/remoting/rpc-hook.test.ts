import { InvalidConfigError, RpcHookError } from '../../../src/errors';
import { silentLogger } from '../../../src/logger';
import { RemotingCommand } from '../../../src/remoting/protocol/remoting-command';
import { RemotingClient } from '../../../src/remoting/remoting-client';
import type { RPCHook } from '../../../src/remoting/rpc-hook';
import { FakeRemotingServer } from '../../helpers/fake-remoting-server';

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

function recordingHook(events: string[]): RPCHook {
  return {
    doBeforeRequest(addr, request) {
      events.push(`before ${addr} ${request.code}`);
      request.addExtField('AccessKey', 'ak'); // hooks may add fields before the encode
    },
    doAfterResponse(addr, request, response) {
      events.push(`after ${addr} ${request.code} -> ${response.code}`);
    },
  };
}

describe('RPC hooks (protocol.md 11.7)', () => {
  test('before runs before each send and its changes reach the wire; after runs on any response code', async () => {
    const events: string[] = [];
    server.setHandler((ctx) => ctx.respond({ code: 17 }));
    client = new RemotingClient({ logger: silentLogger, rpcHooks: [recordingHook(events)] });
    const res = await client.invoke(server.addr, RemotingCommand.createRequest(105), 3000);
    expect(res.code).toBe(17);
    expect(server.received[0]!.extFields?.AccessKey).toBe('ak');
    expect(events).toEqual([`before ${server.addr} 105`, `after ${server.addr} 105 -> 17`]);
  });

  test('oneway runs the before hook only; every resend runs it again', async () => {
    const events: string[] = [];
    server.setHandler(() => {});
    client = new RemotingClient({ logger: silentLogger, rpcHooks: [recordingHook(events)] });
    const cmd = RemotingCommand.createRequest(40);
    await client.invokeOneway(server.addr, cmd, 3000);
    await client.invokeOneway(server.addr, cmd, 3000);
    expect(events).toEqual([`before ${server.addr} 40`, `before ${server.addr} 40`]);
  });

  test('after hooks do not run on transport failure', async () => {
    const events: string[] = [];
    server.setHandler(() => {});
    client = new RemotingClient({ logger: silentLogger, rpcHooks: [recordingHook(events)], closeSocketIfTimeout: false });
    await expect(client.invoke(server.addr, RemotingCommand.createRequest(105), 30)).rejects.toThrow();
    expect(events).toEqual([`before ${server.addr} 105`]);
  });

  test('a throwing before hook fails that call (nothing written), wrapped in RpcHookError; others go on', async () => {
    let fail = true;
    const hook: RPCHook = {
      doBeforeRequest() {
        if (fail) throw new Error('sign failed');
      },
      doAfterResponse() {},
    };
    client = new RemotingClient({ logger: silentLogger, rpcHooks: [hook] });
    const err = (await client
      .invoke(server.addr, RemotingCommand.createRequest(105), 3000)
      .catch((e: unknown) => e)) as RpcHookError;
    expect(err).toBeInstanceOf(RpcHookError);
    expect(err.phase).toBe('doBeforeRequest');
    expect((err.cause as Error).message).toBe('sign failed');
    expect(server.received).toHaveLength(0);
    fail = false;
    expect((await client.invoke(server.addr, RemotingCommand.createRequest(105), 3000)).code).toBe(0);
    expect(client.inflightCount).toBe(0);
  });

  test('a throwing after hook fails that call; a typed error from a hook passes through unchanged', async () => {
    const typed = new InvalidConfigError('no credentials');
    const hook: RPCHook = {
      doBeforeRequest() {},
      doAfterResponse(_a, request) {
        if (request.code === 1) throw typed;
        throw 'plain string';
      },
    };
    client = new RemotingClient({ logger: silentLogger, rpcHooks: [hook] });
    await expect(client.invoke(server.addr, RemotingCommand.createRequest(1), 3000)).rejects.toBe(typed);
    const err = (await client
      .invoke(server.addr, RemotingCommand.createRequest(2), 3000)
      .catch((e: unknown) => e)) as RpcHookError;
    expect(err).toBeInstanceOf(RpcHookError);
    expect(err.phase).toBe('doAfterResponse');
    expect(client.inflightCount).toBe(0);
  });

  test('a throwing after hook in callback form reaches the callback exactly once', async () => {
    const hook: RPCHook = {
      doBeforeRequest() {},
      doAfterResponse() {
        throw new Error('after');
      },
    };
    client = new RemotingClient({ logger: silentLogger, rpcHooks: [hook] });
    const calls: unknown[] = [];
    await new Promise<void>((resolve) =>
      client!.invokeCallback(server.addr, RemotingCommand.createRequest(105), 3000, (err, res) => {
        calls.push([err, res]);
        resolve();
      }),
    );
    await new Promise((r) => setTimeout(r, 20));
    expect(calls).toHaveLength(1);
    expect((calls[0] as unknown[])[0]).toBeInstanceOf(RpcHookError);
    expect((calls[0] as unknown[])[1]).toBeUndefined();
  });
});
