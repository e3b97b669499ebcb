import * as zlib from 'node:zlib';
import { Decompress } from 'fzstd';
import { InvalidConfigError, RemotingProtocolError } from '../errors';
import { checkedCap, GrowableOutput } from './output-buffer';

/**
 * Zstandard frames, what Java's `ZstdCompressor` writes and reads with zstd-jni's `ZstdOutputStream` /
 * `ZstdInputStream` (a streaming frame: no content size in the header). Node 22.15 / 23.8 and later
 * have zstd in `node:zlib`, used when present, both ways. On older Node (20) bodies are decoded by
 * `fzstd` (pure JS); compressing needs `node:zlib`'s zstd, so there it is refused with a clear error.
 */

type ZstdSync = (buf: Uint8Array, options?: { maxOutputLength?: number; params?: Record<number, number> }) => Buffer;
const nodeZstd = zlib as unknown as {
  zstdCompressSync?: ZstdSync;
  zstdDecompressSync?: ZstdSync;
  constants: Record<string, number>;
};

/** Whether this Node has zstd in `node:zlib` (compression works only then). */
export function hasNativeZstd(): boolean {
  return typeof nodeZstd.zstdCompressSync === 'function' && typeof nodeZstd.zstdDecompressSync === 'function';
}

export function zstdCompress(src: Uint8Array, level = 5): Buffer {
  if (!hasNativeZstd()) {
    const message = `ZSTD compression needs zstd in node:zlib (Node >= 22.15 or >= 23.8); this is Node ${process.versions.node}`;
    throw new InvalidConfigError(message, [{ path: 'compressType', message }]);
  }
  const levelKey = nodeZstd.constants['ZSTD_c_compressionLevel'];
  return nodeZstd.zstdCompressSync!(src, levelKey === undefined ? {} : { params: { [levelKey]: level } });
}

/** Decompresses zstd frames; corrupt input or output beyond `maxOutputBytes` is a RemotingProtocolError. */
export function zstdDecompress(src: Uint8Array, maxOutputBytes: number, useNative = hasNativeZstd()): Buffer {
  const cap = checkedCap(maxOutputBytes);
  if (useNative) {
    try {
      return nodeZstd.zstdDecompressSync!(src, { maxOutputLength: Math.max(1, cap) });
    } catch (e) {
      throw new RemotingProtocolError(`cannot decompress zstd body: ${(e as Error).message}`, { cause: e });
    }
  }
  return fzstdDecompress(src, cap);
}

function fzstdDecompress(src: Uint8Array, cap: number): Buffer {
  const out = new GrowableOutput(cap, src.length * 4, 'ZSTD');
  // Streaming, so that the cap stops a bomb before it is fully inflated.
  const stream = new Decompress((chunk) => out.append(chunk, 0, chunk.length));
  try {
    stream.push(src, true);
  } catch (e) {
    if (e instanceof RemotingProtocolError) throw e;
    throw new RemotingProtocolError(`cannot decompress zstd body: ${(e as Error).message}`, { cause: e });
  }
  return out.result();
}
