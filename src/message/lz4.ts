import * as lz4js from 'lz4js';
import * as xxh32 from 'lz4js/xxh32.js';
import { RemotingProtocolError } from '../errors';
import { checkedCap, GrowableOutput } from './output-buffer';

/**
 * LZ4 frame format (lz4 spec "LZ4 Frame Format Description" v1.6), what Java's `Lz4Compressor` writes
 * and reads with lz4-java's `LZ4FrameOutputStream` / `LZ4FrameInputStream`: magic, FLG/BD descriptor with
 * a header checksum, then blocks, then an end mark. Java writes independent 4 MiB blocks without
 * checksums or content size. The decoder is ours (bounds-checked, capped output, typed errors); the
 * encoder's block compressor and xxHash32 come from `lz4js` (imported statically so that the ESM build
 * works; its 5 MiB work buffer stays untouched, so unused, until something compresses).
 */

const MAGIC = 0x184d2204;
const FLG_VERSION_MASK = 0xc0;
const FLG_VERSION = 0x40;
const FLG_BLOCK_INDEPENDENCE = 0x20;
const FLG_BLOCK_CHECKSUM = 0x10;
const FLG_CONTENT_SIZE = 0x08;
const FLG_CONTENT_CHECKSUM = 0x04;
const FLG_DICT_ID = 0x01;
const BLOCK_UNCOMPRESSED = 0x80000000;
const MIN_MATCH = 4;
/** Blocks we write: 64 KiB keeps memory small; any reader accepts every block size. */
const WRITE_BLOCK_SIZE = 64 * 1024;
const WRITE_BD = 4 << 4;

function corrupt(what: string): never {
  throw new RemotingProtocolError(`corrupt LZ4 frame: ${what}`);
}

/** Working memory of the encoder, reused across calls (JS runs one compression at a time). */
let work: { table: Uint32Array; scratch: Uint8Array } | undefined;

/** Compresses `src` into one LZ4 frame of independent 64 KiB blocks, readable by lz4-java. */
export function lz4Compress(src: Uint8Array): Buffer {
  const parts: Buffer[] = [];
  const header = Buffer.from([0x04, 0x22, 0x4d, 0x18, FLG_VERSION | FLG_BLOCK_INDEPENDENCE, WRITE_BD, 0]);
  header[6] = (xxh32.hash(0, header, 4, 2) >>> 8) & 0xff;
  parts.push(header);
  const { table, scratch } = (work ??= {
    table: new Uint32Array(1 << 16),
    scratch: new Uint8Array(WRITE_BLOCK_SIZE + (WRITE_BLOCK_SIZE >>> 8) + 16),
  });
  for (let s = 0; s < src.length; s += WRITE_BLOCK_SIZE) {
    const len = Math.min(WRITE_BLOCK_SIZE, src.length - s);
    // Independent blocks: no match may reach before the block, and a stale entry of an earlier call
    // could even point at the current position (offset 0): start every block from an empty table.
    table.fill(0);
    const n = lz4js.compressBlock(src, scratch, s, len, table);
    const size = Buffer.alloc(4);
    if (n === 0 || n >= len) {
      size.writeUInt32LE((BLOCK_UNCOMPRESSED | len) >>> 0, 0);
      parts.push(size, Buffer.from(src.subarray(s, s + len)));
    } else {
      size.writeUInt32LE(n, 0);
      parts.push(size, Buffer.from(scratch.subarray(0, n)));
    }
  }
  parts.push(Buffer.alloc(4)); // end mark
  return Buffer.concat(parts);
}

/**
 * Decompresses one or more concatenated LZ4 frames. Corrupt input, or output beyond `maxOutputBytes`,
 * is a RemotingProtocolError. Checksums present in the frame are verified.
 */
export function lz4Decompress(src: Uint8Array, maxOutputBytes: number): Buffer {
  const out = new GrowableOutput(checkedCap(maxOutputBytes), src.length * 4, 'LZ4');
  let p = 0;
  do {
    p = decodeFrame(src, p, out);
  } while (p < src.length);
  return out.result();
}

function u32(src: Uint8Array, p: number): number {
  if (p + 4 > src.length) corrupt('truncated');
  return (src[p]! | (src[p + 1]! << 8) | (src[p + 2]! << 16) | (src[p + 3]! << 24)) >>> 0;
}

function decodeFrame(src: Uint8Array, start: number, out: GrowableOutput): number {
  let p = start;
  if (u32(src, p) !== MAGIC) corrupt('bad magic number');
  p += 4;
  if (p + 3 > src.length) corrupt('truncated header');
  const flg = src[p]!;
  const bd = src[p + 1]!;
  if ((flg & FLG_VERSION_MASK) !== FLG_VERSION) corrupt(`unsupported version ${(flg >>> 6) & 3}`);
  if ((flg & 0x02) !== 0 || (bd & 0x8f) !== 0) corrupt('reserved bits set');
  const maxBlock = [0, 0, 0, 0, 64 << 10, 256 << 10, 1 << 20, 4 << 20][(bd >>> 4) & 7]!;
  if (maxBlock === 0) corrupt('bad block size');
  let descEnd = p + 2;
  let contentSize: number | undefined;
  if (flg & FLG_CONTENT_SIZE) {
    if (descEnd + 8 > src.length) corrupt('truncated header');
    contentSize = u32(src, descEnd) + u32(src, descEnd + 4) * 2 ** 32;
    descEnd += 8;
  }
  if (flg & FLG_DICT_ID) corrupt('dictionaries are not supported');
  if (descEnd >= src.length) corrupt('truncated header');
  const hc = (lz4Xxh32(src, p, descEnd - p) >>> 8) & 0xff;
  if (hc !== src[descEnd]) corrupt('header checksum mismatch');
  p = descEnd + 1;
  const frameStart = out.length;
  if (contentSize !== undefined) out.reserve(contentSize);
  for (;;) {
    const word = u32(src, p);
    p += 4;
    if (word === 0) break;
    const size = (word & ~BLOCK_UNCOMPRESSED) >>> 0;
    if (size > maxBlock || p + size > src.length) corrupt('block size out of range');
    const blockStart = out.length;
    if (word & BLOCK_UNCOMPRESSED) out.append(src, p, size);
    else decodeBlock(src, p, p + size, out, flg & FLG_BLOCK_INDEPENDENCE ? blockStart : frameStart);
    if (out.length - blockStart > maxBlock) corrupt('block larger than the declared block size');
    p += size;
    if (flg & FLG_BLOCK_CHECKSUM) {
      if (u32(src, p) !== lz4Xxh32(src, p - size, size)) corrupt('block checksum mismatch');
      p += 4;
    }
  }
  if (contentSize !== undefined && out.length - frameStart !== contentSize) corrupt('content size mismatch');
  if (flg & FLG_CONTENT_CHECKSUM) {
    if (u32(src, p) !== out.xxh32(frameStart, lz4Xxh32)) corrupt('content checksum mismatch');
    p += 4;
  }
  return p;
}

function lz4Xxh32(buf: Uint8Array, index: number, length: number): number {
  return xxh32.hash(0, buf, index, length) >>> 0;
}

/** One LZ4 block: sequences of literals and back-references; every length and offset is checked. */
function decodeBlock(src: Uint8Array, s: number, end: number, out: GrowableOutput, historyStart: number): void {
  for (;;) {
    if (s >= end) corrupt('block ends inside a sequence');
    const token = src[s++]!;
    let literals = token >>> 4;
    if (literals === 15) {
      literals += extraLength(src, s, end, 'literal');
      s = lengthEnd;
    }
    if (s + literals > end) corrupt('literals past the end of the block');
    out.append(src, s, literals);
    s += literals;
    if (s === end) return; // the last sequence has literals only
    if (s + 2 > end) corrupt('truncated match offset');
    const offset = src[s]! | (src[s + 1]! << 8);
    s += 2;
    if (offset === 0 || offset > out.length - historyStart) corrupt('match offset out of range');
    let matchLength = token & 15;
    if (matchLength === 15) {
      matchLength += extraLength(src, s, end, 'match');
      s = lengthEnd;
    }
    out.copyMatch(offset, matchLength + MIN_MATCH);
  }
}

/** Where the last `extraLength` stopped reading (avoids allocating a pair per sequence). */
let lengthEnd = 0;

/** The bytes added to a length nibble of 15: each 255 continues, the first smaller byte ends it. */
function extraLength(src: Uint8Array, s: number, end: number, what: string): number {
  let sum = 0;
  let b: number;
  do {
    if (s >= end) corrupt(`truncated ${what} length`);
    b = src[s++]!;
    sum += b;
  } while (b === 255);
  lengthEnd = s;
  return sum;
}
