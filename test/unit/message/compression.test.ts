import { inflateSync } from 'node:zlib';
import { InvalidConfigError, RemotingProtocolError } from '../../../src/errors';
import {
  checkCompressionType,
  compress,
  decompress,
  isCompressionSupported,
  zlibCompress,
  zlibDecompress,
} from '../../../src/message/compression';

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
  it('are refused as configuration with a clear error', () => {
    expect(isCompressionSupported('ZLIB')).toBe(true);
    expect(isCompressionSupported('LZ4')).toBe(false);
    expect(() => checkCompressionType('LZ4')).toThrow(InvalidConfigError);
    expect(() => checkCompressionType('ZSTD')).toThrow(/ZSTD is not supported by rocketmq-ts/);
    expect(() => checkCompressionType('GZIP')).toThrow('Unsupported compress type name: GZIP');
    expect(() => compress(text, 'LZ4')).toThrow(InvalidConfigError);
  });

  it('leave received bodies untouched (decompress gives undefined)', () => {
    expect(decompress(Buffer.from([1, 2, 3]), 'LZ4')).toBeUndefined();
    expect(decompress(Buffer.from([1, 2, 3]), 'ZSTD')).toBeUndefined();
  });
});
