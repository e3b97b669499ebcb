import { RemotingProtocolError } from '../errors';

/**
 * The `sysFlag` int of a send request and of a stored message (Java `MessageSysFlag`, 5.3.3).
 *
 * | bits | meaning |
 * |---|---|
 * | 0 | body compressed |
 * | 1 | multi tags (set by the broker) |
 * | 2-3 | transaction type: not / prepared / commit / rollback |
 * | 4, 5 | born host, store host is IPv6 |
 * | 6, 7 | need unwrap, inner batch (broker) |
 * | 8-10 | compression type: 0 or 3 ZLIB, 1 LZ4, 2 ZSTD |
 */
export const MessageSysFlag = {
  COMPRESSED_FLAG: 0x1,
  MULTI_TAGS_FLAG: 0x1 << 1,
  TRANSACTION_NOT_TYPE: 0,
  TRANSACTION_PREPARED_TYPE: 0x1 << 2,
  TRANSACTION_COMMIT_TYPE: 0x2 << 2,
  TRANSACTION_ROLLBACK_TYPE: 0x3 << 2,
  BORNHOST_V6_FLAG: 0x1 << 4,
  STOREHOSTADDRESS_V6_FLAG: 0x1 << 5,
  NEED_UNWRAP_FLAG: 0x1 << 6,
  INNER_BATCH_FLAG: 0x1 << 7,
  COMPRESSION_LZ4_TYPE: 0x1 << 8,
  COMPRESSION_ZSTD_TYPE: 0x2 << 8,
  COMPRESSION_ZLIB_TYPE: 0x3 << 8,
  COMPRESSION_TYPE_COMPARATOR: 0x7 << 8,
} as const;

/** Java `CompressionType`. Only ZLIB is implemented by this client (see compression.ts). */
export type CompressionType = 'LZ4' | 'ZSTD' | 'ZLIB';

/** The transaction bits (2-3) of a flag. */
export function getTransactionValue(flag: number): number {
  return flag & MessageSysFlag.TRANSACTION_ROLLBACK_TYPE;
}

/** `flag` with its transaction bits replaced by `type`. */
export function resetTransactionValue(flag: number, type: number): number {
  return (flag & ~MessageSysFlag.TRANSACTION_ROLLBACK_TYPE) | type;
}

export function clearCompressedFlag(flag: number): number {
  return flag & ~MessageSysFlag.COMPRESSED_FLAG;
}

/** True when any bit of `expected` is set in `flag` (Java `check`). */
export function hasSysFlag(flag: number, expected: number): boolean {
  return (flag & expected) !== 0;
}

/**
 * The compression type encoded in bits 8-10. Value 0 means ZLIB: clients older than typed
 * compression only set bit 0, and they only knew zlib.
 */
export function getCompressionType(flag: number): CompressionType {
  const v = (flag & MessageSysFlag.COMPRESSION_TYPE_COMPARATOR) >> 8;
  switch (v) {
    case 1:
      return 'LZ4';
    case 2:
      return 'ZSTD';
    case 0:
    case 3:
      return 'ZLIB';
    default:
      throw new RemotingProtocolError(`Unknown compress type value: ${v} (sysFlag ${flag})`);
  }
}

/** The bits a producer ORs into sysFlag (with COMPRESSED_FLAG) for a body compressed with `type`. */
export function compressionFlagOf(type: CompressionType): number {
  switch (type) {
    case 'LZ4':
      return MessageSysFlag.COMPRESSION_LZ4_TYPE;
    case 'ZSTD':
      return MessageSysFlag.COMPRESSION_ZSTD_TYPE;
    case 'ZLIB':
      return MessageSysFlag.COMPRESSION_ZLIB_TYPE;
  }
}
