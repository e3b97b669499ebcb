import { KEY_SEPARATOR, MessageConst, STRING_HASH_SET } from '../../../src/message/message-const';

describe('MessageConst', () => {
  it('uses the Java wire keys', () => {
    expect(MessageConst.PROPERTY_KEYS).toBe('KEYS');
    expect(MessageConst.PROPERTY_WAIT_STORE_MSG_OK).toBe('WAIT');
    expect(MessageConst.PROPERTY_DELAY_TIME_LEVEL).toBe('DELAY');
    expect(MessageConst.PROPERTY_UNIQ_CLIENT_MESSAGE_ID_KEYIDX).toBe('UNIQ_KEY');
    expect(MessageConst.PROPERTY_TRANSACTION_ID).toBe('__transactionId__');
    expect(MessageConst.PROPERTY_FIRST_POP_TIME).toBe('1ST_POP_TIME');
    expect(MessageConst.PROPERTY_CRC32).toBe('__CRC32#');
    expect(MessageConst.PROPERTY_TRANSIENT_TOPIC_CONFIG).toBe('__RMQ.TRANSIENT.TOPIC_SYS_FLAG');
    expect(KEY_SEPARATOR).toBe(' ');
  });

  it('reserves the 51 names of Java\'s STRING_HASH_SET, not the others', () => {
    expect(STRING_HASH_SET.size).toBe(51);
    for (const k of ['TAGS', 'KEYS', 'WAIT', 'DELAY', 'UNIQ_KEY', 'TIMER_DELAY_MS', 'TIMER_DELIVER_MS', 'INSTANCE_ID', '__CRC32#', 'TRACE_ON']) {
      expect(STRING_HASH_SET.has(k)).toBe(true);
    }
    for (const k of ['__transactionId__', 'INNER_NUM', 'INNER_BASE', 'TRACE_CONTEXT', '__SHARDINGKEY', 'INNER_MULTI_DISPATCH', 'REDIRECT']) {
      expect(STRING_HASH_SET.has(k)).toBe(false);
    }
  });
});
