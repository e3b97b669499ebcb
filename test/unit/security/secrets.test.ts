import { inspect } from 'node:util';
import { AclClientRPCHook } from '../../../src/client/acl-client-rpc-hook';
import { SessionCredentials } from '../../../src/client/session-credentials';
import { silentLogger } from '../../../src/logger';
import { DefaultMQProducer } from '../../../src/producer/default-mq-producer';
import { RemotingCommand } from '../../../src/remoting/protocol/remoting-command';
import { RemotingClient } from '../../../src/remoting/remoting-client';
import type { SocketTarget } from '../../../src/remoting/remoting-client-options';
import { protectTlsOptions, revealTlsOptions } from '../../../src/remoting/tls-secrets';
import { FakeRemotingServer } from '../../helpers/fake-remoting-server';
import * as net from 'node:net';

const SECRETS = ['KEY-MATERIAL-1', 'PASSPHRASE-2', 'PFX-MATERIAL-3', 'SECRET-KEY-4', 'SECURITY-TOKEN-5'];

/** JSON.stringify that survives cycles (every object once), as a log serializer would. */
function stringifyAll(v: unknown): string {
  const seen = new WeakSet<object>();
  return JSON.stringify(v, (_k, x: unknown) => {
    if (typeof x === 'bigint') return x.toString();
    if (typeof x === 'object' && x !== null) {
      if (seen.has(x)) return '[seen]';
      seen.add(x);
    }
    return x;
  });
}

/** Every way an object commonly reaches a log: JSON, inspect (deep), spread. */
function printed(v: object): string {
  return [stringifyAll(v), inspect(v, { depth: Infinity }), inspect({ ...v }, { depth: Infinity }), stringifyAll({ ...v })].join('\n');
}

function expectNoSecret(text: string): void {
  for (const s of SECRETS) expect(text).not.toContain(s);
  // Buffers print as bytes: the pfx bytes must not show that way either.
  expect(text).not.toContain(Buffer.from('PFX-MATERIAL-3').toString('hex').slice(0, 12));
}

const tlsOptions = () => ({
  key: 'KEY-MATERIAL-1',
  passphrase: 'PASSPHRASE-2',
  pfx: Buffer.from('PFX-MATERIAL-3'),
  rejectUnauthorized: false,
  servername: 'broker.example',
});

const credentials = () => new SessionCredentials({ accessKey: 'AK-visible', secretKey: 'SECRET-KEY-4', securityToken: 'SECURITY-TOKEN-5' });

describe('secrets stay out of enumerable state, JSON and inspect output', () => {
  test('credentials: spread, entries, JSON and inspect show the access key only', () => {
    const c = credentials();
    const text = printed(c) + JSON.stringify(Object.entries(c)) + String(c);
    expectNoSecret(text);
    expect(text).toContain('AK-visible');
    expect(c.securityToken).toBe('SECURITY-TOKEN-5');
  });

  test('the ACL hook holding them prints no secret, and still signs with the token', () => {
    const hook = new AclClientRPCHook(credentials());
    expectNoSecret(printed(hook));
    expect(hook.sessionCredentials.securityToken).toBe('SECURITY-TOKEN-5');
  });

  test('protected TLS options hide key, passphrase and pfx; the connect copy has them', () => {
    const p = protectTlsOptions(tlsOptions());
    expectNoSecret(printed(p) + inspect(p, { showHidden: true }));
    expect(p.rejectUnauthorized).toBe(false);
    expect(protectTlsOptions(p)).toBe(p);
    const revealed = { ...revealTlsOptions(p) };
    expect(revealed.key).toBe('KEY-MATERIAL-1');
    expect(revealed.passphrase).toBe('PASSPHRASE-2');
    expect(Buffer.from(revealed.pfx as Buffer).toString()).toBe('PFX-MATERIAL-3');
    expect(revealed.servername).toBe('broker.example');
  });

  test('a producer with TLS options and an ACL hook prints no secret, before and after start', async () => {
    const producer = new DefaultMQProducer({
      producerGroup: 'g',
      namesrvAddr: '127.0.0.1:9',
      useTLS: true,
      tls: tlsOptions(),
      rpcHook: new AclClientRPCHook(credentials()),
      logger: silentLogger,
    });
    expectNoSecret(printed(producer));
    await producer.start();
    try {
      // The started producer reaches its client instance and remoting client.
      const text = printed(producer);
      expect(text).toContain('MQClientInstance');
      expectNoSecret(text);
    } finally {
      await producer.shutdown();
    }
  });

  test('the socket factory still gets the key material to connect with', async () => {
    const server = await FakeRemotingServer.start();
    const seen: SocketTarget[] = [];
    const client = new RemotingClient({
      logger: silentLogger,
      tls: tlsOptions(),
      socketFactory: (t) => {
        seen.push({ ...t, tls: t.tls && { ...t.tls } });
        return net.connect({ host: t.host, port: t.port });
      },
    });
    try {
      expectNoSecret(printed(client));
      await client.invokeOneway(server.addr, RemotingCommand.createRequest(30), 1000).catch(() => {});
      expect(seen[0]?.tls?.key).toBe('KEY-MATERIAL-1');
      expect(seen[0]?.tls?.passphrase).toBe('PASSPHRASE-2');
    } finally {
      await client.shutdown();
      await server.close();
    }
  });
});
