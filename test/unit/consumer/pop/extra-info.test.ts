import { InvalidArgumentError } from '../../../../src/errors';
import {
  buildExtraInfo,
  buildPopRetryTopicV1,
  buildPopRetryTopicV2,
  parseMsgOffsetInfo,
  parseOrderCountInfo,
  parseReceiptHandle,
  parseStartOffsetInfo,
  queueOffsetMapKey,
  realTopicOf,
  retryMarkOf,
} from '../../../../src/consumer/pop/extra-info';

describe('pop receipt handles (Java ExtraInfoUtil)', () => {
  test('eight space-separated fields; the topic is written as its retry mark', () => {
    const fields = { ckQueueOffset: 5n, popTime: 1700000000123n, invisibleTime: 30000n, reviveQid: 3, brokerName: 'broker-a', queueId: 2, msgQueueOffset: 7n };
    expect(buildExtraInfo({ ...fields, topic: 'T' })).toBe('5 1700000000123 30000 3 0 broker-a 2 7');
    expect(buildExtraInfo({ ...fields, topic: '%RETRY%g_T' })).toBe('5 1700000000123 30000 3 1 broker-a 2 7');
    expect(buildExtraInfo({ ...fields, topic: '%RETRY%g+T' })).toBe('5 1700000000123 30000 3 2 broker-a 2 7');
    expect(parseReceiptHandle('5 1700000000123 30000 3 1 broker-a 2 7')).toEqual({ ...fields, retryMark: '1' });
  });

  test('retry topics and the topic an ack names (KeyBuilder, getRealTopic)', () => {
    expect(buildPopRetryTopicV1('T', 'g')).toBe('%RETRY%g_T');
    expect(buildPopRetryTopicV2('T', 'g')).toBe('%RETRY%g+T');
    expect(retryMarkOf('T')).toBe('0');
    expect(retryMarkOf('%RETRY%g')).toBe('1');
    expect(realTopicOf('0', 'T', 'g')).toBe('T');
    expect(realTopicOf('1', 'T', 'g')).toBe('%RETRY%g_T');
    expect(realTopicOf('2', 'T', 'g')).toBe('%RETRY%g+T');
  });

  test.each([
    ['', 'empty'],
    ['5 1 2 3 0 broker-a 2', 'seven fields'],
    ['5 1 2 3 0 broker-a 2 7 9', 'nine fields'],
    ['x 1 2 3 0 broker-a 2 7', 'non-numeric offset'],
    ['5 1 2 3 9 broker-a 2 7', 'unknown retry mark'],
    ['5 1 2 3 0  2 7', 'empty broker name'],
    ['5 1 2 3 0 broker-a 99999999999 7', 'queue id beyond int'],
  ])('a malformed handle is refused before any I/O: %j (%s)', (handle) => {
    expect(() => parseReceiptHandle(handle)).toThrow(InvalidArgumentError);
  });

  test('non-string handles are refused', () => {
    expect(() => parseReceiptHandle(undefined)).toThrow(InvalidArgumentError);
    expect(() => parseReceiptHandle(42)).toThrow(InvalidArgumentError);
  });

  test('response header lists: startOffsetInfo, msgOffsetInfo, orderCountInfo', () => {
    expect(parseStartOffsetInfo(undefined)).toBeUndefined();
    expect(parseStartOffsetInfo('')).toBeUndefined();
    expect(parseStartOffsetInfo('0 1 10;1 0 3')).toEqual(new Map([['0@1', 10n], ['1@0', 3n]]));
    expect(parseMsgOffsetInfo('0 1 10,11,12;1 0 3')).toEqual(new Map([['0@1', [10n, 11n, 12n]], ['1@0', [3n]]]));
    expect(parseOrderCountInfo('0 qo1%10 2;0 1 1')).toEqual(new Map([['0@qo1%10', 2], ['0@1', 1]]));
    expect(queueOffsetMapKey('0', 1, 10n)).toBe('0@qo1%10');
  });

  test('malformed or duplicate list entries are refused as Java refuses them', () => {
    expect(() => parseStartOffsetInfo('0 1')).toThrow(InvalidArgumentError);
    expect(() => parseStartOffsetInfo('0 1 10;0 1 11')).toThrow(/duplicate/);
    expect(() => parseMsgOffsetInfo('0 1 10,x')).toThrow(InvalidArgumentError);
    expect(() => parseOrderCountInfo('0 1 many')).toThrow(InvalidArgumentError);
  });
});
