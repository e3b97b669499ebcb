import { RemotingProtocolError } from '../../../src/errors';
import {
  MessageSysFlag,
  clearCompressedFlag,
  compressionFlagOf,
  getCompressionType,
  getTransactionValue,
  hasSysFlag,
  resetTransactionValue,
} from '../../../src/message/message-sys-flag';

describe('MessageSysFlag', () => {
  it('has Java\'s bit values', () => {
    expect(MessageSysFlag).toMatchObject({
      COMPRESSED_FLAG: 0x1,
      MULTI_TAGS_FLAG: 0x2,
      TRANSACTION_NOT_TYPE: 0,
      TRANSACTION_PREPARED_TYPE: 0x4,
      TRANSACTION_COMMIT_TYPE: 0x8,
      TRANSACTION_ROLLBACK_TYPE: 0xc,
      BORNHOST_V6_FLAG: 0x10,
      STOREHOSTADDRESS_V6_FLAG: 0x20,
      NEED_UNWRAP_FLAG: 0x40,
      INNER_BATCH_FLAG: 0x80,
      COMPRESSION_LZ4_TYPE: 0x100,
      COMPRESSION_ZSTD_TYPE: 0x200,
      COMPRESSION_ZLIB_TYPE: 0x300,
      COMPRESSION_TYPE_COMPARATOR: 0x700,
    });
  });

  it('reads and replaces the transaction bits', () => {
    expect(getTransactionValue(0x301 | 0x4)).toBe(0x4);
    expect(resetTransactionValue(0x4 | 0x301, 0x8)).toBe(0x8 | 0x301);
    expect(resetTransactionValue(0xc, 0)).toBe(0);
  });

  it('maps the compression type bits, 0 being ZLIB for old clients', () => {
    expect(getCompressionType(0x1)).toBe('ZLIB');
    expect(getCompressionType(0x301)).toBe('ZLIB');
    expect(getCompressionType(0x101)).toBe('LZ4');
    expect(getCompressionType(0x201)).toBe('ZSTD');
    expect(() => getCompressionType(0x401)).toThrow(RemotingProtocolError);
    expect(0x1 | compressionFlagOf('ZLIB')).toBe(0x301);
    expect(compressionFlagOf('LZ4')).toBe(0x100);
    expect(compressionFlagOf('ZSTD')).toBe(0x200);
    expect(clearCompressedFlag(0x301)).toBe(0x300);
    expect(hasSysFlag(0x30, MessageSysFlag.BORNHOST_V6_FLAG)).toBe(true);
    expect(hasSysFlag(0x20, MessageSysFlag.BORNHOST_V6_FLAG)).toBe(false);
  });
});
