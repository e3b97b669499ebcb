import * as net from 'node:net';
import { RemotingConnectError } from '../../../src/errors';
import { silentLogger } from '../../../src/logger';
import { RemotingCommand } from '../../../src/remoting/protocol/remoting-command';
import { RemotingClient } from '../../../src/remoting/remoting-client';
import type { SocketTarget } from '../../../src/remoting/remoting-client-options';
import { FakeRemotingServer } from '../../helpers/fake-remoting-server';

// A self-signed test certificate for 127.0.0.1/localhost (test only; it protects nothing).
const TEST_KEY = `-----BEGIN PRIVATE KEY-----
MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQg/9798yf37b6XW2BM
VkiQHiO4C38dSAO0guxQkjmb95OhRANCAARKfot/Uca3TgdKru4nooLKez9C8W91
0WnENCQQ2AH324ahgn+1vjON0sEjO2BkDmBgRx4p+7z92qjIefYy7LQr
-----END PRIVATE KEY-----
`;
const TEST_CERT = `-----BEGIN CERTIFICATE-----
MIIBmzCCAUGgAwIBAgIUaE3FN+RhYdPCVcjkg20zIemabxgwCgYIKoZIzj0EAwIw
FDESMBAGA1UEAwwJbG9jYWxob3N0MCAXDTI2MTEyNDEzNDg1OFoYDzIxMjYxMDMx
MTM0ODU4WjAUMRIwEAYDVQQDDAlsb2NhbGhvc3QwWTATBgcqhkjOPQIBBggqhkjO
PQMBBwNCAARKfot/Uca3TgdKru4nooLKez9C8W910WnENCQQ2AH324ahgn+1vjON
0sEjO2BkDmBgRx4p+7z92qjIefYy7LQro28wbTAdBgNVHQ4EFgQUZAbfPOYDBtRo
/sj6veo1nimxkMswHwYDVR0jBBgwFoAUZAbfPOYDBtRo/sj6veo1nimxkMswDwYD
VR0TAQH/BAUwAwEB/zAaBgNVHREEEzARhwR/AAABgglsb2NhbGhvc3QwCgYIKoZI
zj0EAwIDSAAwRQIhAPERohIut43g42YeNH0Qjumc0+dkpzsT0UXrxZ26BAufAiAh
Az3tXirmPs+CRBV+TwCf5Nbksq5OpAnR/JWK10V6xQ==
-----END CERTIFICATE-----
`;

let server: FakeRemotingServer;
let client: RemotingClient | undefined;

afterEach(async () => {
  await client?.shutdown();
  client = undefined;
  await server.close();
});

/** A socket factory that records every `write` the client makes. */
function spyingFactory(writes: unknown[][]): (t: SocketTarget) => net.Socket {
  return (t) => {
    const socket = net.connect({ host: t.host, port: t.port });
    const write = socket.write.bind(socket) as (...args: unknown[]) => boolean;
    socket.write = ((...args: unknown[]) => {
      writes.push(args);
      return write(...args);
    }) as typeof socket.write;
    return socket;
  };
}

describe('Connection writes', () => {
  beforeEach(async () => {
    server = await FakeRemotingServer.start();
  });

  test('pipelined requests issued together are coalesced into one socket write', async () => {
    const writes: unknown[][] = [];
    client = new RemotingClient({ logger: silentLogger, socketFactory: spyingFactory(writes) });
    await client.invoke(server.addr, RemotingCommand.createRequest(105), 3000);
    writes.length = 0;
    const calls = Array.from({ length: 200 }, (_, i) =>
      client!.invoke(server.addr, RemotingCommand.createRequest(105).addExtField('i', String(i)), 3000),
    );
    const res = await Promise.all(calls);
    expect(res.every((r) => r.code === 0)).toBe(true);
    expect(writes).toHaveLength(1);
    expect(server.received).toHaveLength(201);
  });

  test('a large body is handed to the socket as is, not copied', async () => {
    const writes: unknown[][] = [];
    client = new RemotingClient({ logger: silentLogger, socketFactory: spyingFactory(writes) });
    await client.invoke(server.addr, RemotingCommand.createRequest(105), 3000);
    writes.length = 0;
    const body = Buffer.alloc(256 * 1024, 1);
    await Promise.all([
      client.invoke(server.addr, RemotingCommand.createRequest(10, undefined, body), 3000),
      client.invoke(server.addr, RemotingCommand.createRequest(105), 3000),
    ]);
    expect(writes.some((args) => args[0] === body)).toBe(true);
    expect(server.received[1]!.body?.equals(body)).toBe(true);
  });

  test('responses split into one-byte chunks are decoded', async () => {
    server.setHandler((ctx) => {
      const frame = server.responseFor(ctx.request, { remark: 'split', body: Buffer.from('xyz') });
      let i = 0;
      const step = () => {
        if (i < frame.length) {
          ctx.writeRaw(frame.subarray(i, i + 1));
          i++;
          setImmediate(step);
        }
      };
      step();
    });
    client = new RemotingClient({ logger: silentLogger });
    const res = await client.invoke(server.addr, RemotingCommand.createRequest(105), 5000);
    expect(res.remark).toBe('split');
    expect(res.body?.toString()).toBe('xyz');
  });

  test('a socket factory may hand over a socket that is connected already', async () => {
    const ready = await new Promise<net.Socket>((resolve) => {
      const [host, port] = server.addr.split(':');
      const s = net.connect({ host, port: Number(port) }, () => resolve(s));
    });
    client = new RemotingClient({ logger: silentLogger, socketFactory: () => ready });
    expect((await client.invoke(server.addr, RemotingCommand.createRequest(105), 3000)).code).toBe(0);
  });

  test('TCP_NODELAY is set on every connection', async () => {
    const noDelay: boolean[] = [];
    client = new RemotingClient({
      logger: silentLogger,
      socketFactory: (t) => {
        const s = net.connect({ host: t.host, port: t.port });
        const orig = s.setNoDelay.bind(s);
        s.setNoDelay = (v?: boolean) => {
          noDelay.push(v ?? true);
          return orig(v);
        };
        return s;
      },
    });
    await client.invoke(server.addr, RemotingCommand.createRequest(105), 3000);
    expect(noDelay).toContain(true);
  });
});

describe('TLS', () => {
  beforeEach(async () => {
    server = await FakeRemotingServer.start({ tls: { key: TEST_KEY, cert: TEST_CERT } });
  });

  test('tls options are passed to tls.connect; requests work over TLS', async () => {
    client = new RemotingClient({ logger: silentLogger, tls: { ca: TEST_CERT } });
    const res = await client.invoke(server.addr, RemotingCommand.createRequest(105), 3000);
    expect(res.code).toBe(0);
  });

  test('a client certificate (key given in the options) reaches the server: mutual TLS works', async () => {
    await server.close();
    server = await FakeRemotingServer.start({
      tls: { key: TEST_KEY, cert: TEST_CERT, ca: TEST_CERT, requestCert: true, rejectUnauthorized: true },
    });
    // The key is kept non-enumerable inside the client; it must still be handed to tls.connect.
    client = new RemotingClient({ logger: silentLogger, tls: { ca: TEST_CERT, key: TEST_KEY, cert: TEST_CERT } });
    expect((await client.invoke(server.addr, RemotingCommand.createRequest(105), 3000)).code).toBe(0);
  });

  test('tls: true verifies certificates: an untrusted one is a connect error caused by the certificate check', async () => {
    client = new RemotingClient({ logger: silentLogger, tls: true });
    const err: unknown = await client.invoke(server.addr, RemotingCommand.createRequest(105), 3000).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(RemotingConnectError);
    // Not any connect failure: the cause chain holds the TLS verification error of the self-signed certificate.
    const codes: unknown[] = [];
    // (Node's own errors come from outside the test realm: no instanceof Error.)
    for (let e = err as { code?: unknown; cause?: unknown } | undefined; e; e = e.cause as typeof e) codes.push(e.code);
    expect(codes).toContain('DEPTH_ZERO_SELF_SIGNED_CERT');
  });
});
