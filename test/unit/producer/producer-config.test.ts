import { InvalidConfigError } from '../../../src/errors';
import { hasNativeZstd } from '../../../src/message/zstd';
import { parseProducerOptions, ProducerOptionsSchema } from '../../../src/producer/producer-config';

function configError(input: unknown): InvalidConfigError {
  try {
    parseProducerOptions(input);
  } catch (e) {
    expect(e).toBeInstanceOf(InvalidConfigError);
    return e as InvalidConfigError;
  }
  throw new Error('expected InvalidConfigError');
}

describe('ProducerOptionsSchema', () => {
  it('fills in the DefaultMQProducer 5.3.3 defaults on top of the client ones', () => {
    const c = parseProducerOptions({ producerGroup: 'g', namesrvAddr: '127.0.0.1:9876' });
    expect(c).toMatchObject({
      producerGroup: 'g',
      createTopicKey: 'TBW102',
      defaultTopicQueueNums: 4,
      sendMsgTimeoutMs: 3000,
      sendMsgMaxTimeoutPerRequestMs: -1,
      compressMsgBodyOverBytes: 4096,
      compressLevel: 5,
      compressType: 'ZLIB',
      retryTimesWhenSendFailed: 2,
      retryTimesWhenSendAsyncFailed: 2,
      retryAnotherBrokerWhenNotStoreOK: false,
      maxMessageSize: 4194304,
      enableBackpressureForAsyncMode: false,
      backPressureForAsyncSendNum: 10000,
      backPressureForAsyncSendSizeBytes: 104857600,
      latencyMaxMs: [50, 100, 550, 1800, 3000, 5000, 15000],
      notAvailableDurationMs: [0, 0, 2000, 5000, 6000, 10000, 30000],
      sendLatencyFaultEnable: false,
      heartbeatBrokerIntervalMs: 30000,
      instanceName: 'DEFAULT',
      namesrvAddr: ['127.0.0.1:9876'],
    });
    expect([...c.retryResponseCodes].sort((a, b) => a - b)).toEqual([1, 2, 14, 16, 17, 204, 205, 1500]);
    expect(c.topics).toBeUndefined();
    expect(c.rpcHook).toBeUndefined();
    expect(parseProducerOptions({}).producerGroup).toBe('DEFAULT_PRODUCER');
  });

  it('accepts retry codes as an array or a Set, and an RPC hook', () => {
    const hook = { doBeforeRequest() {}, doAfterResponse() {} };
    const c = parseProducerOptions({ retryResponseCodes: new Set([13]), rpcHook: hook, topics: ['a'] });
    expect([...c.retryResponseCodes]).toEqual([13]);
    expect(c.rpcHook).toBe(hook);
    expect(c.topics).toEqual(['a']);
    expect([...parseProducerOptions({ retryResponseCodes: [1, 1, 2] }).retryResponseCodes]).toEqual([1, 2]);
  });

  it('takes LZ4 always and ZSTD where node:zlib has zstd, refusing it clearly elsewhere', () => {
    expect(parseProducerOptions({ compressType: 'LZ4' }).compressType).toBe('LZ4');
    if (hasNativeZstd()) {
      expect(parseProducerOptions({ compressType: 'ZSTD' }).compressType).toBe('ZSTD');
    } else {
      expect(configError({ compressType: 'ZSTD' }).message).toContain('compressType: ZSTD compression needs zstd in node:zlib');
    }
    expect(configError({ compressType: 'GZIP' }).issues[0]!.path).toBe('compressType');
  });

  it('names unknown and misspelt keys, and bad values', () => {
    expect(configError({ sendTimeoutMs: 1000 }).message).toContain('Unknown option "sendTimeoutMs" (did you mean "sendMsgTimeoutMs"?)');
    expect(configError({ compressMsgBodyOverHowmuch: 1 }).message).toContain('Unknown option "compressMsgBodyOverHowmuch"');
    expect(configError({ sendMsgTimeoutMs: 'fast' }).message).toContain('sendMsgTimeoutMs: expected number');
    expect(configError({ compressLevel: 10 }).issues[0]!.path).toBe('compressLevel');
    expect(configError({ backPressureForAsyncSendNum: 5 }).issues[0]!.path).toBe('backPressureForAsyncSendNum');
    expect(configError({ sendMsgMaxTimeoutPerRequestMs: 0 }).issues[0]!.path).toBe('sendMsgMaxTimeoutPerRequestMs');
    expect(configError({ rpcHook: {} }).message).toContain('rpcHook: expected an RPCHook');
    expect(configError({ retryTimesWhenSendFailed: -1 }).issues[0]!.path).toBe('retryTimesWhenSendFailed');
  });

  it('refuses useTLS: true with tls: false (it used to mean plaintext)', () => {
    expect(() => parseProducerOptions({ producerGroup: 'g', useTLS: true, tls: false })).toThrow(InvalidConfigError);
    expect(parseProducerOptions({ producerGroup: 'g', useTLS: true, tls: {} }).useTLS).toBe(true);
  });

  it('refuses latency tables of different lengths', () => {
    const e = configError({ latencyMaxMs: [1, 2, 3], notAvailableDurationMs: [0, 0] });
    expect(e.issues[0]!.path).toBe('notAvailableDurationMs');
  });

  it('is strict at the top level', () => {
    expect(ProducerOptionsSchema().safeParse({ x: 1 }).success).toBe(false);
  });
});
