import { createHmac } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inspect } from 'node:util';
import goldens from '../../../fixtures/golden/acl-signatures.json';
import {
  AclClientRPCHook,
  aclSignedContent,
  classifyAclDenial,
  hasUserNotFound,
  MAX_EXAMINED_REMARK_CHARS,
} from '../../../src/client/acl-client-rpc-hook';
import { parseJavaProperties, SessionCredentials } from '../../../src/client/session-credentials';
import { AccessDeniedError, BrokerResponseError, InvalidArgumentError, InvalidConfigError } from '../../../src/errors';
import { newExtFields, RemotingCommand } from '../../../src/remoting/protocol/remoting-command';
import { RemotingClient } from '../../../src/remoting/remoting-client';
import { silentLogger } from '../../../src/logger';
import { DefaultMQProducer } from '../../../src/producer/default-mq-producer';
import { Message } from '../../../src/message/message';
import { captureLogger, FakeRemotingServer } from '../../helpers/fake-remoting-server';
import { FakeRocketMQ, RequestCode } from '../../../src/testing';

interface GoldenCase {
  name: string;
  code: number;
  accessKey: string;
  secretKey: string;
  securityToken: string | null;
  extFields: Record<string, string>;
  bodyHex: string | null;
  signedContent: string;
  signature: string;
  extFieldsAfter: Record<string, string>;
}

function commandOf(c: GoldenCase): RemotingCommand {
  const ext = newExtFields();
  Object.assign(ext, c.extFields);
  return RemotingCommand.createRequest(c.code, ext, c.bodyHex ? Buffer.from(c.bodyHex, 'hex') : undefined);
}

function hookOf(c: GoldenCase): AclClientRPCHook {
  return new AclClientRPCHook({
    accessKey: c.accessKey,
    secretKey: c.secretKey,
    ...(c.securityToken !== null ? { securityToken: c.securityToken } : {}),
  });
}

describe('AclClientRPCHook signatures (Java 5.3.3 goldens)', () => {
  test.each((goldens.cases as unknown as GoldenCase[]).map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const request = commandOf(c);
    hookOf(c).doBeforeRequest('127.0.0.1:10911', request);
    expect({ ...request.extFields }).toEqual(c.extFieldsAfter);
    expect(request.extFields!.Signature).toBe(c.signature);
    // The signed text (without the body) is what Java concatenated.
    const content = aclSignedContent(request.extFields!, undefined).toString('utf8');
    expect(content).toBe(c.signedContent);
  });

  test('protocol.md 13.2 worked example', () => {
    const request = RemotingCommand.createRequest(105, Object.assign(newExtFields(), { topic: 'TopicTest' }));
    new AclClientRPCHook({ accessKey: 'RocketMQ', secretKey: '1234567' }).doBeforeRequest('a:1', request);
    expect(request.extFields!.Signature).toBe('hoNiiPSYHCPFyZL2wYRp0igQnpM=');
  });

  test('signing again (a resend) gives the same signature: the old one is not signed', () => {
    const c = (goldens.cases as unknown as GoldenCase[])[1]!;
    const request = commandOf(c);
    const hook = hookOf(c);
    hook.doBeforeRequest('a:1', request);
    hook.doBeforeRequest('a:1', request);
    expect(request.extFields!.Signature).toBe(c.signature);
  });

  test('every field present when the hook runs is signed, in Java String order (uppercase first)', () => {
    const ext = Object.assign(newExtFields(), { b: '2', a: '1', Z: 'z', nsd: 'true', ns: 'space' });
    const request = RemotingCommand.createRequest(10, ext, Buffer.from('BODY'));
    new AclClientRPCHook({ accessKey: 'AK', secretKey: 'sk' }).doBeforeRequest('a:1', request);
    const expected = createHmac('sha1', 'sk').update(Buffer.from('AKz12spacetrueBODY')).digest('base64');
    expect(request.extFields!.Signature).toBe(expected);
  });

  test('a request without ext fields gets them', () => {
    const request = RemotingCommand.createRequest(34, undefined, Buffer.from('{}'));
    new AclClientRPCHook({ accessKey: 'AK', secretKey: 'sk' }).doBeforeRequest('a:1', request);
    expect(request.extFields!.AccessKey).toBe('AK');
    expect(request.extFields!.SecretKey).toBeUndefined();
    expect(request.extFields!.Signature).toBe(createHmac('sha1', 'sk').update('AK{}').digest('base64'));
  });
});

describe('SessionCredentials', () => {
  test('bad input is refused', () => {
    expect(() => new SessionCredentials({ accessKey: '', secretKey: 'x' })).toThrow(InvalidArgumentError);
    expect(() => new SessionCredentials({ accessKey: 'a', secretKey: '' })).toThrow(InvalidArgumentError);
    expect(() => new SessionCredentials(null as never)).toThrow(InvalidArgumentError);
  });

  test('the secret never shows in JSON, toString, inspect, or through the hook', () => {
    const secret = 'top-secret-value-42';
    const creds = new SessionCredentials({ accessKey: 'alice', secretKey: secret, securityToken: 'tok-secret' });
    const hook = new AclClientRPCHook(creds);
    for (const text of [
      JSON.stringify(creds),
      String(creds),
      inspect(creds),
      JSON.stringify(hook),
      inspect(hook, { depth: 10, showHidden: true }),
      JSON.stringify({ options: { rpcHook: hook } }),
    ]) {
      expect(text).not.toContain(secret);
      expect(text).not.toContain('tok-secret');
    }
    expect(JSON.stringify(creds)).toContain('alice');
  });

  test('fromKeyFile reads Java properties (trimmed) and names only what is missing', () => {
    const dir = mkdtempSync(join(tmpdir(), 'acl-key-'));
    try {
      const file = join(dir, 'key');
      writeFileSync(file, '# comment\nAccessKey = alice  \nSecretKey:s3cr\\\n  et\nSecurityToken tok\n');
      const creds = SessionCredentials.fromKeyFile(file);
      expect(creds.accessKey).toBe('alice');
      expect(creds.securityToken).toBe('tok');
      expect(creds.sign(Buffer.from('x'))).toBe(createHmac('sha1', 's3cret').update('x').digest('base64'));

      writeFileSync(file, 'SecretKey=never-print-me\n');
      let err: unknown;
      try {
        SessionCredentials.fromKeyFile(file);
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(InvalidConfigError);
      expect((err as Error).message).toContain('AccessKey');
      expect((err as Error).message).not.toContain('never-print-me');
      expect(() => SessionCredentials.fromKeyFile(join(dir, 'absent'))).toThrow(InvalidConfigError);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('parseJavaProperties: separators, escapes, comments', () => {
    const p = parseJavaProperties('! c\na=1\nb: 2\nc 3\nd\\ e=\\u0041\\t\n\n');
    expect([...p]).toEqual([
      ['a', '1'],
      ['b', '2'],
      ['c', '3'],
      ['d e', 'A\t'],
    ]);
  });
});

describe('ACL denials become AccessDeniedError', () => {
  test('classification of broker 5.3.3 remarks', () => {
    expect(classifyAclDenial('check signature failed.')).toBe('AUTHENTICATION');
    expect(classifyAclDenial('User:bob is not found.')).toBe('AUTHENTICATION');
    expect(classifyAclDenial('User:bob is disabled.')).toBe('AUTHENTICATION');
    expect(classifyAclDenial('User:bob has no permission to access Topic:T from 127.0.0.1, ...')).toBe('AUTHORIZATION');
    expect(classifyAclDenial('User:bob not found.')).toBe('AUTHORIZATION');
    expect(classifyAclDenial('the topic[T] sending message is forbidden')).toBeUndefined();
    expect(classifyAclDenial(undefined)).toBeUndefined();
  });

  test('the user-not-found check agrees with the regex it replaces, on tricky remarks', () => {
    const regex = /User:\S* not found\./;
    const cases = [
      'User:bob not found.',
      'User: not found.',
      'xUser:a not found.',
      'User:aUser:b not found.',
      'User:a User:b not found.',
      'User:a\tnot found.',
      'User:a  not found.',
      'User:a not found',
      'User:\u2028 not found.',
      'User:a\u00a0not found. User:c not found.',
      'UserUser: not found.',
      '',
    ];
    for (const c of cases) expect([c, hasUserNotFound(c)]).toEqual([c, regex.test(c)]);
  });

  test('a hostile 1 MB remark is classified in linear time, and only its head is examined', () => {
    const hostile = 'User:'.repeat(200_000); // the old regex was quadratic in this
    const t0 = performance.now();
    expect(classifyAclDenial(hostile)).toBeUndefined();
    expect(hasUserNotFound(hostile)).toBe(false);
    // Generous bound, far above a loaded CI machine's noise: the old pattern took ~87 s on this input.
    expect(performance.now() - t0).toBeLessThan(5000);
    // An ACL sentence past the examined head does not count.
    expect(classifyAclDenial(' '.repeat(MAX_EXAMINED_REMARK_CHARS) + 'User:bob not found.')).toBeUndefined();
    expect(classifyAclDenial(' '.repeat(MAX_EXAMINED_REMARK_CHARS - 30) + 'User:bob not found.')).toBe('AUTHORIZATION');
  });

  test('a huge remark is cut in the error message, kept whole on the error', () => {
    const remark = 'User:bob not found.' + 'x'.repeat(200_000);
    const err = new AccessDeniedError('AUTHORIZATION', 'ak', remark, '127.0.0.1:1');
    expect(err.remark).toBe(remark);
    expect(err.message.length).toBeLessThan(1000);
    expect(err.message).toContain(`truncated, ${remark.length} chars`);
    const plain = new BrokerResponseError(1, remark, undefined);
    expect(plain.message.length).toBeLessThan(1000);
    expect(plain.remark).toBe(remark);
  });

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

  test('the broker can verify what went on the wire; a denial names the access key and cause, never the secret', async () => {
    const secret = 'pa55-word-never-logged';
    const log = captureLogger();
    let verified = false;
    server.setHandler((ctx) => {
      const ext = ctx.request.extFields!;
      const expected = createHmac('sha1', secret).update(aclSignedContent(ext, ctx.request.body)).digest('base64');
      verified = ext.Signature === expected;
      if (ctx.request.code === 310) ctx.respond({ code: 16, remark: 'check signature failed.' });
      else if (ctx.request.code === 311) ctx.respond({ code: 16, remark: 'the topic[T] sending message is forbidden' });
      else ctx.respond();
    });
    client = new RemotingClient({ logger: log, rpcHooks: [new AclClientRPCHook({ accessKey: 'alice', secretKey: secret })] });
    const ok = await client.invoke(server.addr, RemotingCommand.createRequest(105, Object.assign(newExtFields(), { topic: 'T' })), 3000);
    expect(ok.code).toBe(0);
    expect(verified).toBe(true);

    const err = await client
      .invoke(server.addr, RemotingCommand.createRequest(310, newExtFields(), Buffer.from('body')), 3000)
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AccessDeniedError);
    expect(err).toBeInstanceOf(BrokerResponseError);
    const denied = err as AccessDeniedError;
    expect(denied.code).toBe('ERR_ACCESS_DENIED');
    expect(denied.reason).toBe('AUTHENTICATION');
    expect(denied.responseCode).toBe(16);
    expect(denied.message).toContain('alice');
    expect(denied.message).toContain('check signature failed');
    expect(denied.message).not.toContain(secret);

    // A NO_PERMISSION that is not the ACL's stays an ordinary response.
    const other = await client.invoke(server.addr, RemotingCommand.createRequest(311), 3000);
    expect(other.code).toBe(16);
    expect(JSON.stringify(log.lines)).not.toContain(secret);
  });
});

describe('a producer signing with AclClientRPCHook', () => {
  test('an ACL denial is not retried: the send rejects with the AccessDeniedError after one attempt', async () => {
    const fake = await FakeRocketMQ.start({ brokers: ['broker-a', 'broker-b'], topics: { TopicAcl: {} } });
    fake.script(RequestCode.SEND_MESSAGE_V2, { action: { type: 'respond', code: 16, remark: 'User:bob has no permission to access Topic:TopicAcl from 127.0.0.1, ...' } });
    const sends = () => fake.requests(RequestCode.SEND_MESSAGE_V2).map((r) => r.request);
    const p = new DefaultMQProducer({
      producerGroup: 'pg_acl',
      namesrvAddr: fake.namesrvAddr,
      logger: silentLogger,
      rpcHook: new AclClientRPCHook({ accessKey: 'bob', secretKey: 'bobs-secret' }),
    });
    try {
      await p.start();
      const err = await p.send(new Message('TopicAcl', 'x')).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(AccessDeniedError);
      expect((err as AccessDeniedError).reason).toBe('AUTHORIZATION');
      expect(sends().length).toBe(1);
      expect(sends()[0]!.extFields!.AccessKey).toBe('bob');
    } finally {
      await p.shutdown();
      await fake.close();
    }
  });
});
