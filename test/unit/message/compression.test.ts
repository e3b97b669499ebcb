import { inflateSync } from 'node:zlib';
import { InvalidConfigError, RemotingProtocolError } from '../../../src/errors';
import {
  checkCompressionType,
  compress,
  decompress,
  isCompressionSupported,
  supportedCompressionTypes,
  zlibCompress,
  zlibDecompress,
} from '../../../src/message/compression';
import { hasNativeZstd } from '../../../src/message/zstd';

const text = Buffer.from(Array.from({ length: 400 }, (_, i) => `RocketMQ message body line ${i} -- repeated text compresses well\n`).join(''));

describe('zlib compression', () => {
  it('writes a zlib stream (RFC 1950) with the level-5 header Java\'s Deflater(5) writes', () => {
    const c = zlibCompress(text);
    expect(c.subarray(0, 2).toString('hex')).toBe('785e');
    expect(inflateSync(c)).toEqual(text);
    expect(c.length).toBeLessThan(text.length / 4);
  });

  it('is byte-identical to java.util.zip.Deflater for small inputs', () => {
    // From Java 17: new DeflaterOutputStream(out, new Deflater(5)) over "hello" and over nothing.
    expect(zlibCompress(Buffer.from('hello'), 5).toString('hex')).toBe('785ecb48cdc9c90700062c0215');
    expect(zlibCompress(Buffer.alloc(0), 5).toString('hex')).toBe('785e030000000001');
  });

  it('honours the level', () => {
    expect(zlibCompress(text, 1).subarray(0, 2).toString('hex')).toBe('7801');
    expect(zlibCompress(text, 9).subarray(0, 2).toString('hex')).toBe('78da');
  });

  it('round-trips', () => {
    const data = Buffer.from('héllo 世界 🚀 '.repeat(50));
    expect(zlibDecompress(zlibCompress(data))).toEqual(data);
    expect(decompress(compress(data, 'ZLIB', 5), 'ZLIB')).toEqual(data);
  });

  it('gives a protocol error for corrupt input and for output over the bound', () => {
    expect(() => zlibDecompress(Buffer.from('not zlib at all'))).toThrow(RemotingProtocolError);
    const bomb = zlibCompress(Buffer.alloc(1024 * 1024));
    expect(() => zlibDecompress(bomb, 1024)).toThrow(RemotingProtocolError);
  });
});

describe('LZ4 and ZSTD', () => {
  it('compress with LZ4 always, with ZSTD only where node:zlib has it (else a configuration error)', () => {
    expect(isCompressionSupported('ZLIB')).toBe(true);
    expect(isCompressionSupported('LZ4')).toBe(true);
    expect(isCompressionSupported('ZSTD')).toBe(hasNativeZstd());
    expect(supportedCompressionTypes()).toEqual(hasNativeZstd() ? ['ZLIB', 'LZ4', 'ZSTD'] : ['ZLIB', 'LZ4']);
    expect(() => checkCompressionType('LZ4')).not.toThrow();
    expect(() => checkCompressionType('GZIP')).toThrow('Unsupported compress type name: GZIP');
    expect(() => checkCompressionType('GZIP')).toThrow(InvalidConfigError);
    const lz4 = compress(text, 'LZ4');
    expect(lz4.readUInt32LE(0)).toBe(0x184d2204);
    expect(decompress(lz4, 'LZ4')).toEqual(text);
    if (hasNativeZstd()) {
      expect(decompress(compress(text, 'ZSTD'), 'ZSTD')).toEqual(text);
    } else {
      expect(() => checkCompressionType('ZSTD')).toThrow(/ZSTD compression needs zstd in node:zlib/);
      expect(() => compress(text, 'ZSTD')).toThrow(InvalidConfigError);
    }
  });

  it('decompress every type; corrupt input and output over the bound are protocol errors', () => {
    expect(() => decompress(Buffer.from([1, 2, 3]), 'LZ4')).toThrow(RemotingProtocolError);
    expect(() => decompress(Buffer.from([1, 2, 3]), 'ZSTD')).toThrow(RemotingProtocolError);
    expect(() => decompress(compress(text, 'LZ4'), 'LZ4', 100)).toThrow(RemotingProtocolError);
    expect(() => decompress(compress(text, 'ZLIB'), 'ZLIB', 0)).toThrow(RemotingProtocolError);
  });
});
