import { silentLogger } from '../../../src/logger';
import { RemotingCommand } from '../../../src/remoting/protocol/remoting-command';
import { ResponseCode } from '../../../src/remoting/protocol/response-code';
import { RemotingClient } from '../../../src/remoting/remoting-client';
import type { RPCHook } from '../../../src/remoting/rpc-hook';
import { FakeRemotingServer } from '../../helpers/fake-remoting-server';

let server: FakeRemotingServer;
let client: RemotingClient;

async function connected(c: RemotingClient): Promise<void> {
  await c.invoke(server.addr, RemotingCommand.createRequest(34), 3000);
}

async function settle(): Promise<void> {
  for (let i = 0; i < 5; i++) await new Promise((r) => setTimeout(r, 5));
}

beforeEach(async () => {
  server = await FakeRemotingServer.start();
  client = new RemotingClient({ logger: silentLogger });
});

afterEach(async () => {
  await client.shutdown();
  await server.close();
});

describe('server-initiated requests (protocol.md 11.8)', () => {
  test('dispatched to the registered processor; answer carries the opaque and the response flag', async () => {
    const seen: Array<[number, string]> = [];
    client.registerProcessor(307, (request, ctx) => {
      seen.push([request.code, ctx.addr]);
      const res = RemotingCommand.createResponse(0, 'ok');
      res.body = Buffer.from('{"running":true}');
      return res;
    });
    await connected(client);
    const res = await server.sendRequest(new RemotingCommand({ code: 307, opaque: 9001, language: 'JAVA' }));
    expect(seen).toEqual([[307, server.addr]]);
    expect(res).toMatchObject({ code: 0, remark: 'ok', opaque: 9001, isResponse: true, serializeType: 'JSON' });
    expect(res!.body?.toString()).toBe('{"running":true}');
  });

  test('async processors work; the answer is written in the client serialize type', async () => {
    await client.shutdown();
    client = new RemotingClient({ logger: silentLogger, serializeType: 'ROCKETMQ' });
    client.registerProcessor(326, async () => {
      await new Promise((r) => setTimeout(r, 5));
      return RemotingCommand.createResponse(0);
    });
    await connected(client);
    const res = await server.sendRequest(new RemotingCommand({ code: 326, language: 'JAVA' }));
    expect(res).toMatchObject({ code: 0, serializeType: 'ROCKETMQ' });
  });

  test('unknown code: REQUEST_CODE_NOT_SUPPORTED with the Java remark', async () => {
    await connected(client);
    const res = await server.sendRequest(new RemotingCommand({ code: 999, opaque: 5, language: 'JAVA' }));
    expect(res).toMatchObject({
      code: ResponseCode.REQUEST_CODE_NOT_SUPPORTED,
      remark: ' request type 999 not supported',
      opaque: 5,
    });
  });

  test('a throwing processor gives SYSTEM_ERROR with a short description; the client goes on', async () => {
    client.registerProcessor(39, () => {
      throw new TypeError('broken checker');
    });
    client.registerProcessor(40, () => Promise.reject(new RangeError('async broken')));
    await connected(client);
    const r1 = await server.sendRequest(new RemotingCommand({ code: 39, language: 'JAVA' }));
    expect(r1!.code).toBe(ResponseCode.SYSTEM_ERROR);
    expect(r1!.remark).toMatch(/^TypeError: broken checker/);
    const r2 = await server.sendRequest(new RemotingCommand({ code: 40, language: 'JAVA' }));
    expect(r2!.remark).toMatch(/^RangeError: async broken/);
    expect((await client.invoke(server.addr, RemotingCommand.createRequest(34), 3000)).code).toBe(0);
  });

  test('null answer or oneway request: nothing is written (even for unknown codes and throws)', async () => {
    const ran: number[] = [];
    client.registerProcessor(40, (r) => {
      ran.push(r.code);
      return null;
    });
    client.registerProcessor(39, (r) => {
      ran.push(r.code);
      throw new Error('oneway throw');
    });
    client.registerProcessor(41, (r) => {
      ran.push(r.code);
      return RemotingCommand.createResponse(0);
    });
    await connected(client);
    void server.sendRequest(new RemotingCommand({ code: 40, language: 'JAVA' })); // a null answer: never resolves
    await server.sendRequest(new RemotingCommand({ code: 39, language: 'JAVA' }).markOneway());
    await server.sendRequest(new RemotingCommand({ code: 41, language: 'JAVA' }).markOneway());
    await server.sendRequest(new RemotingCommand({ code: 777, language: 'JAVA' }).markOneway());
    await settle();
    expect(ran.sort()).toEqual([39, 40, 41]);
    expect(server.receivedResponses).toHaveLength(0);
  });

  test('hooks run on incoming requests too; a throwing hook gives SYSTEM_ERROR', async () => {
    await client.shutdown();
    const events: string[] = [];
    const hook: RPCHook = {
      doBeforeRequest: (_a, r) => {
        events.push(`before ${r.code}`);
        if (r.code === 308) throw new Error('hook says no');
      },
      doAfterResponse: (_a, r, res) => void events.push(`after ${r.code} ${res.code}`),
    };
    client = new RemotingClient({ logger: silentLogger, rpcHooks: [hook] });
    client.registerProcessor(307, () => RemotingCommand.createResponse(0));
    client.registerProcessor(308, () => RemotingCommand.createResponse(0));
    await connected(client);
    events.length = 0;
    await server.sendRequest(new RemotingCommand({ code: 307, language: 'JAVA' }));
    const res = await server.sendRequest(new RemotingCommand({ code: 308, language: 'JAVA' }));
    expect(res!.code).toBe(ResponseCode.SYSTEM_ERROR);
    expect(events).toEqual(['before 307', 'after 307 0', 'before 308']);
  });

  test('processors never run inside the read loop', async () => {
    const stacks: string[] = [];
    client.registerProcessor(307, () => {
      stacks.push(new Error('probe').stack ?? '');
      return RemotingCommand.createResponse(0);
    });
    await connected(client);
    const a = new RemotingCommand({ code: 307, opaque: 1, language: 'JAVA' }).encode();
    const b = new RemotingCommand({ code: 307, opaque: 2, language: 'JAVA' }).encode();
    [...server.sockets][0]!.write(Buffer.concat([a, b])); // two frames in one chunk
    for (let i = 0; i < 100 && server.receivedResponses.length < 2; i++) await new Promise((r) => setTimeout(r, 5));
    expect(server.receivedResponses).toHaveLength(2);
    expect(stacks).toHaveLength(2);
    for (const s of stacks) expect(s).not.toMatch(/onData|FrameDecoder/);
  });

  test('a peer that keeps asking without reading the answers is disconnected (bounded reply backlog)', async () => {
    const gone: string[] = [];
    client.on('disconnected', (a) => gone.push(a));
    await connected(client);
    const sock = [...server.sockets][0]!;
    sock.pause(); // the peer stops reading our replies
    const one = new RemotingCommand({ code: 31000, opaque: 1, language: 'JAVA' }).encode();
    sock.write(Buffer.concat(Array.from({ length: 200_000 }, () => one)));
    for (let i = 0; i < 1000 && gone.length === 0; i++) await new Promise((r) => setTimeout(r, 10));
    expect(gone).toEqual([server.addr]);
  });

  test('too many server-initiated requests in progress pause reading until they finish', async () => {
    let started = 0;
    const release: Array<() => void> = [];
    client.registerProcessor(500, () => {
      started++;
      return new Promise((resolve) => release.push(() => resolve(null)));
    });
    await connected(client);
    const one = new RemotingCommand({ code: 500, opaque: 1, language: 'JAVA' }).markOneway().encode();
    [...server.sockets][0]!.write(Buffer.concat(Array.from({ length: 5000 }, () => one)));
    for (let i = 0; i < 200 && started < 1024; i++) await new Promise((r) => setTimeout(r, 5));
    await new Promise((r) => setTimeout(r, 50));
    expect(started).toBeGreaterThanOrEqual(1024);
    expect(started).toBeLessThan(5000); // paused: the rest waits in buffers
    for (let i = 0; i < 400 && started < 5000; i++) {
      release.splice(0).forEach((f) => f());
      await new Promise((r) => setTimeout(r, 5));
    }
    release.splice(0).forEach((f) => f());
    expect(started).toBe(5000);
    expect((await client.invoke(server.addr, RemotingCommand.createRequest(34), 3000)).code).toBe(0);
  });
});
