import { InvalidConfigError } from '../../../src/errors';
import { silentLogger } from '../../../src/logger';
import {
  ClientConfigSchema,
  effectiveNamespace,
  effectiveTls,
  parseClientConfig,
  parseConfig,
} from '../../../src/client/client-config';

function configError(input: unknown): InvalidConfigError {
  try {
    parseClientConfig(input);
  } catch (e) {
    expect(e).toBeInstanceOf(InvalidConfigError);
    return e as InvalidConfigError;
  }
  throw new Error('expected InvalidConfigError');
}

describe('ClientConfigSchema', () => {
  const saved = process.env.NAMESRV_ADDR;
  beforeEach(() => {
    delete process.env.NAMESRV_ADDR;
  });
  afterAll(() => {
    if (saved === undefined) delete process.env.NAMESRV_ADDR;
    else process.env.NAMESRV_ADDR = saved;
  });

  it('fills in the Java 5.3.3 defaults', () => {
    expect(parseClientConfig({})).toEqual({
      namesrvAddr: [],
      instanceName: 'DEFAULT',
      unitMode: false,
      pollNameServerIntervalMs: 30000,
      heartbeatBrokerIntervalMs: 30000,
      mqClientApiTimeoutMs: 3000,
      vipChannelEnabled: false,
      useTLS: false,
      enableHeartbeatChannelEventListener: true,
      sendLatencyFaultEnable: false,
      startDetectorEnable: false,
      detectTimeoutMs: 200,
      detectIntervalMs: 2000,
      connectTimeoutMs: 3000,
      maxAsyncInflight: 65535,
      maxOnewayInflight: 65535,
      idleTimeoutMs: 120000,
      closeSocketIfTimeout: true,
      maxFrameBytes: 16 * 1024 * 1024,
      maxExtFields: 4096,
      maxExtFieldsBytes: 4 * 1024 * 1024,
      serializeType: 'JSON',
      language: 'OTHER',
      version: 479,
      logRepeatSummaryIntervalMs: 10_000,
    });
    expect(parseClientConfig(undefined).instanceName).toBe('DEFAULT');
  });

  it('takes name servers as "a;b", as an array, or from NAMESRV_ADDR', () => {
    expect(parseClientConfig({ namesrvAddr: '127.0.0.1:9876; 127.0.0.2:9876;' }).namesrvAddr).toEqual(['127.0.0.1:9876', '127.0.0.2:9876']);
    expect(parseClientConfig({ namesrvAddr: ['h1:1', 'h2:2'] }).namesrvAddr).toEqual(['h1:1', 'h2:2']);
    process.env.NAMESRV_ADDR = 'env-host:9876';
    expect(parseClientConfig({}).namesrvAddr).toEqual(['env-host:9876']);
    expect(parseClientConfig({ namesrvAddr: 'x:1' }).namesrvAddr).toEqual(['x:1']);
    expect(parseClientConfig({ namesrvAddr: 'http://MQ_INST_1_2.mq.example.com:80' }).namesrvAddr).toEqual(['MQ_INST_1_2.mq.example.com:80']);
    expect(parseClientConfig({ namesrvAddr: '[::1]:9876' }).namesrvAddr).toEqual(['[::1]:9876']);
  });

  it('derives the deprecated namespace from an MQ_INST_ endpoint unless one is given', () => {
    expect(effectiveNamespace(parseClientConfig({ namesrvAddr: 'http://MQ_INST_1_2.mq.example.com:80' }))).toBe('MQ_INST_1_2');
    expect(effectiveNamespace(parseClientConfig({ namesrvAddr: 'MQ_INST_1_2.host:80', namespace: 'mine' }))).toBe('mine');
    expect(effectiveNamespace(parseClientConfig({ namesrvAddr: '127.0.0.1:9876' }))).toBeUndefined();
  });

  it('resolves TLS from useTLS and tls', () => {
    expect(effectiveTls(parseClientConfig({}))).toBeUndefined();
    expect(effectiveTls(parseClientConfig({ useTLS: true }))).toEqual({});
    expect(effectiveTls(parseClientConfig({ tls: { rejectUnauthorized: false } }))).toEqual({ rejectUnauthorized: false });
    // Asking for TLS and for plaintext at once is refused, not resolved to plaintext.
    expect(() => parseClientConfig({ useTLS: true, tls: false })).toThrow(InvalidConfigError);
    expect(() => parseClientConfig({ useTLS: true, tls: false })).toThrow(/tls: is false while useTLS is true/);
    expect(() => effectiveTls({ useTLS: true, tls: false })).toThrow(InvalidConfigError);
    expect(effectiveTls(parseClientConfig({ useTLS: false, tls: false }))).toBeUndefined();
    expect(effectiveTls(parseClientConfig({ tls: true }))).toEqual({});
  });

  it('accepts a logger object and any LanguageCode', () => {
    const c = parseClientConfig({ logger: silentLogger, language: 'JAVA' });
    expect(c.logger).toBe(silentLogger);
    expect(c.language).toBe('JAVA');
  });

  it('names every unknown key, with a suggestion for a near miss', () => {
    const e = configError({ pollNameServerInterval: 1, bogus: true });
    expect(e.message).toContain('Unknown option "pollNameServerInterval" (did you mean "pollNameServerIntervalMs"?)');
    expect(e.message).toContain('Unknown option "bogus"');
    expect(e.issues.map((i) => i.path).sort()).toEqual(['bogus', 'pollNameServerInterval']);
  });

  it('names every bad value', () => {
    const e = configError({ mqClientApiTimeoutMs: '3000', namesrvAddr: 'no-port', tls: 5, language: 'KLINGON', maxFrameBytes: 1 });
    expect(e.message).toContain('mqClientApiTimeoutMs: expected number');
    expect(e.message).toContain('namesrvAddr: "no-port" is not host:port');
    expect(e.message).toContain('tls: expected a boolean or a node:tls options object');
    expect(e.message).toContain('language: expected one of');
    expect(e.issues.map((i) => i.path)).toEqual(expect.arrayContaining(['mqClientApiTimeoutMs', 'namesrvAddr', 'tls', 'language', 'maxFrameBytes']));
    expect(configError({ logger: {} }).message).toContain('logger: expected a logger (debug, info, warn, error)');
    expect(configError({ heartbeatBrokerIntervalMs: 0 }).issues[0]!.path).toBe('heartbeatBrokerIntervalMs');
    expect(configError(42).message).toContain('options: expected object');
    expect(configError(null).message).toContain('expected object');
  });

  it('parseConfig works with any strict schema', () => {
    expect(parseConfig(ClientConfigSchema(), { instanceName: 'x' }).instanceName).toBe('x');
    expect(() => parseConfig(ClientConfigSchema(), { instanceName: '' }, 'my options')).toThrow(/^Invalid my options: instanceName:/);
  });
});
