/**
 * TLS against a NameServer and Broker of our own (real-broker.md 3.5), one after the other:
 * - permissive (the default server mode, test-mode self-signed certificate): TLS and plaintext both work; a client
 *   that verifies certificates (the default for `useTLS`) refuses the self-signed one; trust-all connects.
 * - enforcing, with real certificates from a throw-away CA (made here with openssl): plaintext is refused; a
 *   client trusting the CA connects (the broker verifies client certificates when presented, so a CA-signed
 *   client certificate passes and one from another CA is refused); without the CA, verification fails.
 * Routes come from the NameServer over TLS and sends go to the Broker over TLS in every passing case; a push
 * consumer with the producer's TLS options consumes every message from the enforcing broker (so over TLS only).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DefaultMQProducer, DefaultMQPushConsumer, Message, RocketMQError, type MessageExt, type ProducerOptions } from '../../src/index';
import { describeBroker, startPrivateRocketMQ, uniqueName, type PrivateRocketMQ } from './helpers/broker';
import { eventually } from './helpers/feature-support';

jest.setTimeout(900_000);

interface Pki {
  dir: string;
  ca: string;
  serverCert: string;
  serverKey: string;
  clientCert: string;
  clientKey: string;
  rogueCert: string;
  rogueKey: string;
}

function openssl(args: string[], cwd: string): void {
  execFileSync('openssl', args, { cwd, stdio: ['ignore', 'ignore', 'pipe'] });
}

/** A CA, a server certificate for 127.0.0.1/localhost, a client certificate, and a client certificate from another CA. PKCS#8 keys (what the broker reads). */
function makePki(): Pki {
  const dir = mkdtempSync(join(tmpdir(), 'rmqts-tls-'));
  const ca = (name: string) => {
    openssl(['genpkey', '-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:2048', '-out', `${name}.key`], dir);
    openssl(['req', '-x509', '-new', '-key', `${name}.key`, '-sha256', '-days', '2', '-subj', `/CN=${name}`, '-out', `${name}.pem`], dir);
  };
  const leaf = (name: string, caName: string, ext: string) => {
    openssl(['genpkey', '-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:2048', '-out', `${name}.key`], dir);
    openssl(['req', '-new', '-key', `${name}.key`, '-subj', `/CN=${name}`, '-out', `${name}.csr`], dir);
    writeFileSync(join(dir, `${name}.ext`), ext);
    openssl(['x509', '-req', '-in', `${name}.csr`, '-CA', `${caName}.pem`, '-CAkey', `${caName}.key`, '-CAcreateserial', '-days', '2', '-sha256', '-extfile', `${name}.ext`, '-out', `${name}.pem`], dir);
  };
  ca('test-ca');
  ca('rogue-ca');
  leaf('server', 'test-ca', 'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth,clientAuth\n');
  leaf('client', 'test-ca', 'extendedKeyUsage=clientAuth\n');
  leaf('rogue', 'rogue-ca', 'extendedKeyUsage=clientAuth\n');
  const p = (f: string) => join(dir, f);
  return {
    dir,
    ca: p('test-ca.pem'),
    serverCert: p('server.pem'),
    serverKey: p('server.key'),
    clientCert: p('client.pem'),
    clientKey: p('client.key'),
    rogueCert: p('rogue.pem'),
    rogueKey: p('rogue.key'),
  };
}

async function startWith(javaOpts: string): Promise<PrivateRocketMQ> {
  const previous = process.env.ROCKETMQ_JAVA_OPTS;
  process.env.ROCKETMQ_JAVA_OPTS = javaOpts;
  try {
    return await startPrivateRocketMQ();
  } finally {
    if (previous === undefined) delete process.env.ROCKETMQ_JAVA_OPTS;
    else process.env.ROCKETMQ_JAVA_OPTS = previous;
  }
}

describeBroker('feature: TLS to the NameServer and the Broker', () => {
  const producers: DefaultMQProducer[] = [];
  let rmq: PrivateRocketMQ | undefined;
  let pki: Pki | undefined;

  async function sendWith(options: Partial<ProducerOptions>): Promise<string> {
    const p = new DefaultMQProducer({
      producerGroup: uniqueName('rmqts_tlsg'),
      namesrvAddr: rmq!.namesrvAddr,
      sendMsgTimeoutMs: 20_000,
      retryTimesWhenSendFailed: 0,
      // A cold JVM's first TLS handshakes are slow on a loaded machine.
      connectTimeoutMs: 15_000,
      mqClientApiTimeoutMs: 15_000,
      ...options,
    });
    producers.push(p);
    try {
      await p.start();
      const topic = uniqueName('rmqts_tls');
      const r = await p.send(new Message(topic, 'over tls'));
      return r.sendStatus;
    } finally {
      await p.shutdown();
    }
  }

  /** Every message along an error's cause chain (and a SendRetriesExhaustedError's attempts). */
  function chainText(err: unknown, depth = 0): string {
    if (!(err instanceof Error) || depth > 8) return String(err);
    const inner = [(err as { cause?: unknown }).cause, ...((err as { errors?: unknown[] }).errors ?? [])].filter((e) => e !== undefined);
    return [`${err.name}: ${err.message} ${(err as { code?: string }).code ?? ''}`, ...inner.map((e) => chainText(e, depth + 1))].join(' <- ');
  }

  async function refused(options: Partial<ProducerOptions>): Promise<RocketMQError> {
    const err = await sendWith(options).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(RocketMQError);
    return err as RocketMQError;
  }

  afterEach(async () => {
    await Promise.all(producers.splice(0).map((p) => p.shutdown().catch(() => undefined)));
  });

  afterAll(async () => {
    try {
      await rmq?.stop();
    } finally {
      if (pki) rmSync(pki.dir, { recursive: true, force: true });
    }
  });

  test('permissive (test mode): TLS with trust-all and plaintext both work; default verification refuses the self-signed cert', async () => {
    rmq = await startWith('-Dtls.server.mode=permissive');
    try {
      expect(await sendWith({ tls: { rejectUnauthorized: false } })).toBe('SEND_OK');
      expect(await sendWith({})).toBe('SEND_OK');
      const err = await refused({ useTLS: true });
      expect(chainText(err)).toMatch(/certificate/i);
    } finally {
      const r = rmq;
      rmq = undefined;
      await r.stop();
    }
  });

  test('enforcing with real certificates: CA-verified TLS with a client certificate works; plaintext, unknown CA and a rogue client certificate are refused', async () => {
    pki = makePki();
    const opts = [
      '-Dtls.server.mode=enforcing',
      '-Dtls.enable=true',
      '-Dtls.test.mode.enable=false',
      `-Dtls.server.certPath=${pki.serverCert}`,
      `-Dtls.server.keyPath=${pki.serverKey}`,
      '-Dtls.server.need.client.auth=optional',
      '-Dtls.server.authClient=true',
      `-Dtls.server.trustCertPath=${pki.ca}`,
      `-Dtls.client.certPath=${pki.clientCert}`,
      `-Dtls.client.keyPath=${pki.clientKey}`,
      '-Dtls.client.authServer=true',
      `-Dtls.client.trustCertPath=${pki.ca}`,
    ];
    rmq = await startWith(opts.join(' '));
    const ca = readFileSync(pki.ca);
    // Verified against our CA (hostname check on 127.0.0.1 included), presenting a CA-signed client certificate.
    expect(await sendWith({ tls: { ca, cert: readFileSync(pki.clientCert), key: readFileSync(pki.clientKey) } })).toBe('SEND_OK');
    // Trust-all test mode, no client certificate (client auth is optional on this broker).
    expect(await sendWith({ tls: { rejectUnauthorized: false } })).toBe('SEND_OK');
    // Plaintext is refused by an enforcing server.
    await refused({});
    // Verification without the CA fails.
    const unknownCa = await refused({ useTLS: true });
    expect(chainText(unknownCa)).toMatch(/certificate/i);
    // A client certificate from another CA is refused by the server.
    await refused({ tls: { ca, cert: readFileSync(pki.rogueCert), key: readFileSync(pki.rogueKey) } });
  });

  test('enforcing: a push consumer with the CA-verified TLS options of the producer consumes every message sent over TLS', async () => {
    // The broker of the previous test (enforcing, real certificates) is still up.
    expect(rmq).toBeDefined();
    const tlsOptions = { ca: readFileSync(pki!.ca), cert: readFileSync(pki!.clientCert), key: readFileSync(pki!.clientKey) };
    const common = { namesrvAddr: rmq!.namesrvAddr, tls: tlsOptions, connectTimeoutMs: 15_000, mqClientApiTimeoutMs: 15_000 };
    const topic = uniqueName('rmqts_tlsc');
    const p = new DefaultMQProducer({ producerGroup: uniqueName('rmqts_tlscpg'), sendMsgTimeoutMs: 20_000, ...common });
    producers.push(p);
    await p.start();
    const sent: string[] = [];
    for (let i = 0; i < 8; i++) sent.push((await p.send(new Message(topic, `tls-${i}`))).msgId);

    const got: MessageExt[] = [];
    const c = new DefaultMQPushConsumer({ consumerGroup: uniqueName('rmqts_tlscg'), consumeFromWhere: 'CONSUME_FROM_FIRST_OFFSET', pollNameServerIntervalMs: 1000, ...common });
    try {
      c.subscribe(topic, '*');
      c.registerMessageListener(async (msgs) => {
        got.push(...msgs);
        return 'CONSUME_SUCCESS';
      });
      await c.start();
      await eventually(async () => (sent.every((id) => got.some((m) => m.msgId === id)) ? true : undefined), 'every message at the TLS push consumer', 90_000);
      expect(got.map((m) => m.msgId).sort()).toEqual([...sent].sort());
      expect(got.map((m) => m.body.toString()).sort()).toEqual(sent.map((_id, i) => `tls-${i}`).sort());
    } finally {
      await c.shutdown();
    }
  });
});
