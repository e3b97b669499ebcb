import { availableParallelism } from 'node:os';
import { deflate, deflateSync, inflateSync } from 'node:zlib';
import { InvalidConfigError, RemotingProtocolError } from '../errors';
import { lz4Compress, lz4Decompress } from './lz4';
import type { CompressionType } from './message-sys-flag';
import { hasNativeZstd, zstdCompress, zstdDecompress } from './zstd';

export type { CompressionType } from './message-sys-flag';

/**
 * Message body compression, Java's `CompressorFactory`: ZLIB is `java.util.zip.Deflater(level)` (a zlib
 * stream, RFC 1950: Node's `deflateSync`, not `deflateRaw`, not gzip); LZ4 is the LZ4 frame format
 * (lz4.ts); ZSTD a zstd frame (zstd.ts). Every type decompresses; compressing with ZSTD needs zstd in
 * `node:zlib` (Node >= 22.15 / 23.8), else it is refused as configuration.
 */

/** Java `compressLevel` default (system property `rocketmq.message.compressLevel`). */
export const DEFAULT_COMPRESS_LEVEL = 5;
/** Refuse to inflate beyond this by default: a few bytes must not become gigabytes. */
export const DEFAULT_MAX_DECOMPRESSED_BYTES = 64 * 1024 * 1024;
/**
 * Refuse to inflate more than this across all the records of one body (a pull returns up to 32
 * messages of at most 4 MiB each): many small bombs in one body add up.
 */
export const DEFAULT_MAX_TOTAL_DECOMPRESSED_BYTES = 128 * 1024 * 1024;

const ALL_TYPES: readonly CompressionType[] = ['ZLIB', 'LZ4', 'ZSTD'];

/** The types this process can compress with (ZSTD only where `node:zlib` has it). */
export function supportedCompressionTypes(): CompressionType[] {
  return ALL_TYPES.filter(isCompressionSupported);
}

export function isCompressionSupported(type: CompressionType): boolean {
  return type === 'ZSTD' ? hasNativeZstd() : ALL_TYPES.includes(type);
}

/** Why `type` cannot be used to compress here, or undefined when it can. */
export function compressionTypeProblem(type: unknown): string | undefined {
  if (type === 'ZLIB' || type === 'LZ4') return undefined;
  if (type === 'ZSTD') {
    return hasNativeZstd()
      ? undefined
      : `ZSTD compression needs zstd in node:zlib (Node >= 22.15 or >= 23.8); this is Node ${process.versions.node}: use ZLIB or LZ4`;
  }
  return `Unsupported compress type name: ${String(type)}`;
}

/** Throws the configuration error for a type this process cannot compress with. */
export function checkCompressionType(type: unknown, path = 'compressType'): asserts type is CompressionType {
  const message = compressionTypeProblem(type);
  if (message !== undefined) throw new InvalidConfigError(message, [{ path, message }]);
}

/** zlib stream (RFC 1950) at `level` 0..9, as `java.util.zip.Deflater(level)` writes it. */
export function zlibCompress(body: Uint8Array, level: number = DEFAULT_COMPRESS_LEVEL): Buffer {
  return deflateSync(body, { level });
}

/**
 * Bodies at least this large are compressed in node:zlib's thread pool: deflating runs at ~50 MB/s
 * here, so a 4 MiB body would hold the event loop ~80 ms; below this a deflate costs under 5 ms and
 * the hop to the pool costs more than it saves.
 */
export const COMPRESS_OFF_LOOP_BYTES = 256 * 1024;

/**
 * Output chunk of an off-loop deflate: half the body, so a body that compresses at least 2:1 comes
 * back to the event loop as one chunk, handed over as it is. With smaller chunks the pieces are joined
 * on the loop (a 4 MiB body deflated to 1.3 MiB in 1 MiB chunks: 3.3 MiB allocated and 1.3 MiB copied
 * there per message, ~1.5 ms more loop CPU than one 2 MiB chunk); a chunk as large as the body would
 * allocate more for nothing (V8 counts every allocated byte towards its next collection).
 */
function offLoopChunkSize(bodyLength: number): number {
  return Math.max(64 * 1024, Math.ceil(bodyLength / 2));
}

/** Largest result copied out of its chunk on the loop (~a few tens of µs). */
const SMALL_RESULT_COPY_BYTES = 256 * 1024;

/**
 * Off-loop deflates running at once: one core is left to the event loop (deflate threads beyond that
 * compete with it and its delay grows); the others wait their turn in call order.
 */
const OFF_LOOP_LANES = Math.max(1, availableParallelism() - 1);
let offLoopRunning = 0;
const offLoopWaiting: (() => void)[] = [];

function releaseLane(): void {
  offLoopRunning--;
  const next = offLoopWaiting.shift();
  if (next !== undefined) next();
}

/**
 * `compress` in the zlib thread pool (the event loop keeps running meanwhile). Only ZLIB goes there;
 * the other types compress in place (their flag must match what the body holds).
 */
export function compressOffLoop(body: Uint8Array, type: CompressionType, level: number = DEFAULT_COMPRESS_LEVEL): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    checkCompressionType(type); // a throw here rejects
    if (type !== 'ZLIB') {
      resolve(compress(body, type, level));
      return;
    }
    const chunkSize = offLoopChunkSize(body.length);
    const start = (): void => {
      offLoopRunning++;
      deflate(body, { level, chunkSize }, (err, out) => {
        releaseLane();
        if (err) reject(err);
        // A small result in a big chunk: copied out (cheap at that size), so the chunk is freed now.
        else resolve(out.length < chunkSize / 4 && out.length <= SMALL_RESULT_COPY_BYTES ? Buffer.from(out) : out);
      });
    };
    if (offLoopRunning < OFF_LOOP_LANES) start();
    else offLoopWaiting.push(start);
  });
}

/** Inflates a zlib stream; a corrupt stream or one larger than `maxOutputBytes` is a protocol error. */
export function zlibDecompress(body: Uint8Array, maxOutputBytes: number = DEFAULT_MAX_DECOMPRESSED_BYTES): Buffer {
  if (maxOutputBytes <= 0) {
    throw new RemotingProtocolError(`zlib body decompresses to more than ${maxOutputBytes} bytes`);
  }
  try {
    return inflateSync(body, { maxOutputLength: maxOutputBytes });
  } catch (e) {
    throw new RemotingProtocolError(`cannot inflate zlib body: ${(e as Error).message}`, { cause: e });
  }
}

/** Compresses with `type` (Java ignores the level for LZ4, and so do we). */
export function compress(body: Uint8Array, type: CompressionType, level: number = DEFAULT_COMPRESS_LEVEL): Buffer {
  checkCompressionType(type);
  switch (type) {
    case 'ZLIB':
      return zlibCompress(body, level);
    case 'LZ4':
      return lz4Compress(body);
    case 'ZSTD':
      return zstdCompress(body, level);
  }
}

/** Decompresses a body compressed with `type`; corrupt input or output over the bound is a RemotingProtocolError. */
export function decompress(
  body: Uint8Array,
  type: CompressionType,
  maxOutputBytes: number = DEFAULT_MAX_DECOMPRESSED_BYTES,
): Buffer {
  switch (type) {
    case 'ZLIB':
      return zlibDecompress(body, maxOutputBytes);
    case 'LZ4':
      return lz4Decompress(body, maxOutputBytes);
    case 'ZSTD':
      return zstdDecompress(body, maxOutputBytes);
  }
}
