/**
 * LZ4 and ZSTD bodies against fixtures/golden/compression.json: bytes produced by Java's Lz4Compressor
 * (lz4-java LZ4FrameOutputStream) and ZstdCompressor (zstd-jni ZstdOutputStream) at level 5.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { RemotingProtocolError } from '../../../src/errors';
import { lz4Compress, lz4Decompress } from '../../../src/message/lz4';
import { hasNativeZstd, zstdCompress, zstdDecompress } from '../../../src/message/zstd';

interface Case {
  name: string;
  inputBase64: string;
  lz4Base64: string;
  zstdBase64: string;
  zlibBase64: string;
}
const golden = JSON.parse(readFileSync(join(__dirname, '../../../fixtures/golden/compression.json'), 'utf8')) as {
  compressionFlags: Record<string, number>;
  cases: Case[];
};
const cases = golden.cases.map((c) => ({
  name: c.name,
  input: Buffer.from(c.inputBase64, 'base64'),
  lz4: Buffer.from(c.lz4Base64, 'base64'),
  zstd: Buffer.from(c.zstdBase64, 'base64'),
}));
const MB = 1024 * 1024;

describe('golden file', () => {
  it('covers empty, tiny, incompressible, multi-block inputs and the three Java flags', () => {
    expect(cases.length).toBeGreaterThanOrEqual(8);
    expect(cases.some((c) => c.input.length > 128 * 1024)).toBe(true);
    expect(golden.compressionFlags).toEqual({ LZ4: 256, ZSTD: 512, ZLIB: 768 });
  });
});

const { hash: xxh32 } = require('lz4js/xxh32.js') as { hash(seed: number, b: Uint8Array, i: number, n: number): number };

/** An LZ4 frame around one compressed block, header checksum computed. */
function frameWith(block: Buffer): Buffer {
  const desc = Buffer.from([0x60, 0x40]);
  const size = Buffer.alloc(4);
  size.writeUInt32LE(block.length);
  return Buffer.concat([Buffer.from([0x04, 0x22, 0x4d, 0x18]), desc, Buffer.from([(xxh32(0, desc, 0, 2) >>> 8) & 0xff]), size, block, Buffer.alloc(4)]);
}

describe('LZ4 frames', () => {
  it.each(cases.map((c) => [c.name, c] as const))('decodes what Java wrote: %s', (_n, c) => {
    expect(lz4Decompress(c.lz4, 64 * MB)).toEqual(c.input);
  });

  it.each(cases.map((c) => [c.name, c] as const))('round-trips and writes the frame header Java reads: %s', (_n, c) => {
    const ours = lz4Compress(c.input);
    expect(ours.readUInt32LE(0)).toBe(0x184d2204);
    expect(ours[4]).toBe(0x60); // version 1, independent blocks (lz4-java refuses dependent ones)
    expect(lz4Decompress(ours, 64 * MB)).toEqual(c.input);
    if (c.name === 'zeros-140000' || c.name === 'text-over-4k') expect(ours.length).toBeLessThan(c.input.length / 4);
  });

  it('keeps no state between calls (the encoder reuses its working memory)', () => {
    const inputs = [200_000, 5, 900, 70_000, 12, 5000, 64 * 1024, 64 * 1024 + 1].map((n, k) =>
      Buffer.from(Array.from({ length: n }, (_, i) => 'xyzab'.charCodeAt((i * (k + 1)) % 5) ^ (i % 7 === 0 ? k : 0))),
    );
    for (let round = 0; round < 2; round++) {
      for (const input of inputs) {
        // twice in a row: a stale table would offer each position itself as a match
        expect(lz4Decompress(lz4Compress(input), 64 * MB)).toEqual(input);
        expect(lz4Decompress(lz4Compress(input), 64 * MB)).toEqual(input);
      }
    }
  });

  it('refuses output beyond the cap, before inflating it', () => {
    const zeros = cases.find((c) => c.name === 'zeros-140000')!;
    expect(() => lz4Decompress(zeros.lz4, 100_000)).toThrow(RemotingProtocolError);
    expect(lz4Decompress(zeros.lz4, 140_000)).toHaveLength(140_000);
  });

  it('refuses corrupt frames with a typed error, never garbage', () => {
    const text = cases.find((c) => c.name === 'text-over-4k')!.lz4;
    const bad = (b: Buffer): (() => Buffer) => () => lz4Decompress(b, MB);
    expect(bad(Buffer.from('not lz4'))).toThrow(/magic/);
    const hc = Buffer.from(text);
    hc[6] ^= 1;
    expect(bad(hc)).toThrow(/header checksum/);
    expect(bad(text.subarray(0, text.length - 10))).toThrow(RemotingProtocolError);
    // one literal 'a', then a match 2 bytes back: before the start of the output
    expect(bad(frameWith(Buffer.from([0x10, 0x61, 0x02, 0x00, 0x00])))).toThrow(/match offset/);
    expect(bad(frameWith(Buffer.from([0x10, 0x61, 0x00, 0x00, 0x00])))).toThrow(/match offset/);
    expect(bad(frameWith(Buffer.from([0xf0, 0xff])))).toThrow(/literal length/);
    expect(bad(frameWith(Buffer.from([0x50, 0x61])))).toThrow(/literals past/);
    // a valid block: 'a' then a 5-byte overlapping match at offset 1, then 'b'
    expect(lz4Decompress(frameWith(Buffer.from([0x11, 0x61, 0x01, 0x00, 0x10, 0x62])), MB).toString()).toBe('aaaaaab');
    for (let i = 7; i < text.length; i += 97) {
      const flipped = Buffer.from(text);
      flipped[i] ^= 0xa5;
      try {
        lz4Decompress(flipped, MB);
      } catch (e) {
        expect(e).toBeInstanceOf(RemotingProtocolError);
      }
    }
  });

  it('verifies block and content checksums and content size when a writer sets them', () => {
    // A frame written by hand: FLG = version | independent | block checksum | content size | content checksum.
    const data = Buffer.from('hello hello hello hello');
    const hash = xxh32;
    const desc = Buffer.alloc(10);
    desc[0] = 0x40 | 0x20 | 0x10 | 0x08 | 0x04;
    desc[1] = 0x40;
    desc.writeUInt32LE(data.length, 2);
    const head = Buffer.concat([Buffer.from([0x04, 0x22, 0x4d, 0x18]), desc, Buffer.from([(hash(0, desc, 0, 10) >>> 8) & 0xff])]);
    const blockSize = Buffer.alloc(4);
    blockSize.writeUInt32LE((0x80000000 | data.length) >>> 0);
    const blockSum = Buffer.alloc(4);
    blockSum.writeUInt32LE(hash(0, data, 0, data.length) >>> 0);
    const contentSum = Buffer.alloc(4);
    contentSum.writeUInt32LE(hash(0, data, 0, data.length) >>> 0);
    const frame = Buffer.concat([head, blockSize, data, blockSum, Buffer.alloc(4), contentSum]);
    expect(lz4Decompress(frame, MB).toString()).toBe(data.toString());
    const badSum = Buffer.from(frame);
    badSum[badSum.length - 1] ^= 1;
    expect(() => lz4Decompress(badSum, MB)).toThrow(/content checksum/);
    // two frames back to back decode as one body
    expect(lz4Decompress(Buffer.concat([frame, frame]), MB).toString()).toBe(data.toString().repeat(2));
  });
});

describe('ZSTD frames', () => {
  const modes = hasNativeZstd() ? [false, true] : [false];
  describe.each(modes.map((m) => [m ? 'node:zlib' : 'fzstd', m] as const))('decoder %s', (_n, native) => {
    it.each(cases.map((c) => [c.name, c] as const))('decodes what Java wrote: %s', (_m, c) => {
      expect(zstdDecompress(c.zstd, 64 * MB, native)).toEqual(c.input);
    });

    it('refuses output beyond the cap and corrupt frames with a typed error', () => {
      const zeros = cases.find((c) => c.name === 'zeros-140000')!;
      expect(() => zstdDecompress(zeros.zstd, 100_000, native)).toThrow(RemotingProtocolError);
      expect(() => zstdDecompress(Buffer.from('not zstd at all'), MB, native)).toThrow(RemotingProtocolError);
      const text = cases.find((c) => c.name === 'json-lines-70k')!.zstd;
      expect(() => zstdDecompress(text.subarray(0, text.length >> 1), MB, native)).toThrow(RemotingProtocolError);
    });
  });

  if (hasNativeZstd()) {
    it('compresses with node:zlib into frames both decoders read', () => {
      for (const c of cases) {
        const z = zstdCompress(c.input, 5);
        expect(zstdDecompress(z, 64 * MB, false)).toEqual(c.input);
      }
    });
  } else {
    it('refuses to compress without zstd in node:zlib, with a configuration error', () => {
      expect(() => zstdCompress(Buffer.from('x'))).toThrow(/node:zlib/);
    });
  }
});
