import { InvalidConfigError } from '../../../src/errors';
import {
  getNamespaceFromResource,
  isAlreadyWithNamespace,
  isSystemResource,
  nameSrvAddrFromEndpoint,
  parseInstanceIdFromEndpoint,
  resolveNamespace,
  validateInstanceEndpoint,
  withoutAnyNamespace,
  withoutNamespace,
  withoutRetryAndDlq,
  wrapNamespace,
  wrapNamespaceAndRetry,
} from '../../../src/message/namespace';

describe('wrapNamespace (NamespaceUtil.wrapNamespace)', () => {
  it.each([
    ['ns', 'Topic', 'ns%Topic'],
    ['ns', '%RETRY%group', '%RETRY%ns%group'],
    ['ns', '%DLQ%group', '%DLQ%ns%group'],
    ['ns', 'ns%Topic', 'ns%Topic'],
    ['ns', '%RETRY%ns%group', '%RETRY%ns%group'],
    ['ns', 'other%Topic', 'ns%other%Topic'],
    ['ns', 'TBW102', 'TBW102'],
    ['ns', 'rmq_sys_x', 'rmq_sys_x'],
    ['ns', 'RMQ_SYS_TRACE_TOPIC', 'RMQ_SYS_TRACE_TOPIC'],
    ['ns', 'CID_RMQ_SYS_TRANS', 'CID_RMQ_SYS_TRANS'],
    ['', 'Topic', 'Topic'],
    [undefined, 'Topic', 'Topic'],
    ['ns', '', ''],
  ])('wrapNamespace(%j, %j) = %j', (ns, res, expected) => {
    expect(wrapNamespace(ns, res)).toBe(expected);
  });

  it('keeps a null resource', () => {
    expect(wrapNamespace('ns', undefined)).toBeUndefined();
    expect(wrapNamespaceAndRetry('ns', 'g')).toBe('%RETRY%ns%g');
    expect(wrapNamespaceAndRetry('ns', '')).toBeUndefined();
  });
});

describe('withoutNamespace', () => {
  it.each([
    ['MQ_INST_XX1%Topic_XXX1', 'MQ_INST_XX1', 'Topic_XXX1'],
    ['MQ_INST_XX2%Topic_XXX2', undefined, 'MQ_INST_XX2%Topic_XXX2'],
    ['%RETRY%MQ_INST_XX1%GID_XXX1', 'MQ_INST_XX1', '%RETRY%GID_XXX1'],
    ['%RETRY%MQ_INST_XX2%GID_XXX2', 'MQ_INST_XX3', '%RETRY%MQ_INST_XX2%GID_XXX2'],
    ['%DLQ%ns%g', 'ns', '%DLQ%g'],
    ['Topic', 'ns', 'Topic'],
  ])('withoutNamespace(%j, %j) = %j (the Java javadoc cases)', (res, ns, expected) => {
    expect(withoutNamespace(res, ns)).toBe(expected);
  });

  it('withoutAnyNamespace strips whatever namespace is there', () => {
    expect(withoutAnyNamespace('MQ_INST_XX%Topic_XXX')).toBe('Topic_XXX');
    expect(withoutAnyNamespace('%RETRY%MQ_INST_XX%GID_XXX')).toBe('%RETRY%GID_XXX');
    expect(withoutAnyNamespace('Topic')).toBe('Topic');
    expect(withoutAnyNamespace('%weird')).toBe('%weird');
    expect(withoutAnyNamespace('TBW102')).toBe('TBW102');
  });

  it('has Java\'s helpers', () => {
    expect(withoutRetryAndDlq('%RETRY%g')).toBe('g');
    expect(withoutRetryAndDlq('%DLQ%g')).toBe('g');
    expect(withoutRetryAndDlq(undefined)).toBe('');
    expect(isAlreadyWithNamespace('%RETRY%ns%g', 'ns')).toBe(true);
    expect(isAlreadyWithNamespace('g', 'ns')).toBe(false);
    expect(getNamespaceFromResource('%DLQ%ns%g')).toBe('ns');
    expect(getNamespaceFromResource('g')).toBe('');
    expect(isSystemResource('SCHEDULE_TOPIC_XXXX')).toBe(true);
    expect(isSystemResource('')).toBe(false);
  });
});

describe('MQ_INST_ endpoints (NameServerAddressUtils)', () => {
  it('recognises instance endpoints with or without a scheme', () => {
    expect(validateInstanceEndpoint('http://MQ_INST_123_abc.mq.example.com:80')).toBe(true);
    expect(validateInstanceEndpoint('MQ_INST_123_abc.mq.example.com:80')).toBe(true);
    expect(validateInstanceEndpoint('MQ_INST_123.mq.example.com:80')).toBe(false);
    expect(validateInstanceEndpoint('127.0.0.1:9876')).toBe(false);
  });

  it('takes the namespace between the last / and the first .', () => {
    expect(parseInstanceIdFromEndpoint('http://MQ_INST_123_abc.mq.example.com:80')).toBe('MQ_INST_123_abc');
    expect(parseInstanceIdFromEndpoint('MQ_INST_1_2.host:9876')).toBe('MQ_INST_1_2');
    expect(parseInstanceIdFromEndpoint('')).toBeUndefined();
    expect(() => parseInstanceIdFromEndpoint('http://MQ_INST_1_2.host/path')).toThrow(InvalidConfigError);
  });

  it('resolves the namespace like ClientConfig.getNamespace', () => {
    expect(resolveNamespace('explicit', 'http://MQ_INST_1_2.host:80')).toBe('explicit');
    expect(resolveNamespace(undefined, 'http://MQ_INST_1_2.host:80')).toBe('MQ_INST_1_2');
    expect(resolveNamespace('', '127.0.0.1:9876')).toBeUndefined();
    expect(resolveNamespace(undefined, undefined)).toBeUndefined();
  });

  it('strips an http:// endpoint to its last path segment (ClientConfig.getNamesrvAddr)', () => {
    expect(nameSrvAddrFromEndpoint('http://MQ_INST_1_2.host:80')).toBe('MQ_INST_1_2.host:80');
    expect(nameSrvAddrFromEndpoint('127.0.0.1:9876;127.0.0.2:9876')).toBe('127.0.0.1:9876;127.0.0.2:9876');
  });
});
