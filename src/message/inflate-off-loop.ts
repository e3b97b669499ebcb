import { inflate, inflateSync } from 'node:zlib';
import { RemotingProtocolError } from '../errors';
import type { FrameInflateBudget } from './inflate-budget';

/**
 * Inflating message bodies without stalling the event loop. zlib inflates at roughly 1 GB/s here,
 * so a 65 KB bomb that expands to 64 MiB holds the loop near 100 ms when inflated synchronously.
 * Bodies above a compressed-size threshold go to node:zlib's asynchronous API (the libuv thread
 * pool); small ones, which cannot expand much (zlib's ratio is at most about 1000:1), inflate in
 * place. Every inflate draws on a per-frame budget, so many bodies in one frame cannot together
 * expand past it.
 */

/** Compressed bodies at least this large inflate off the event loop (at most ~4 MiB inline). */
export const DEFAULT_OFF_LOOP_THRESHOLD_BYTES = 4 * 1024;

export interface InflateOptions {
  /** Bound on this one body. Default 64 MiB. */
  maxOutputBytes?: number;
  /** The frame's budget; when given the body may also not exceed what is left of it. */
  budget?: FrameInflateBudget;
  /** Compressed size from which inflation leaves the event loop. Default 4 KiB. */
  offLoopThresholdBytes?: number;
}

/** Deflate's best ratio is about 1032:1: the most a compressed body can inflate to. */
const MAX_DEFLATE_RATIO = 1032;

function inflateAsync(body: Uint8Array, maxOutputLength: number): Promise<Buffer> {
  // One output chunk big enough for the whole result: many small chunks would be joined on the
  // event loop (a 64 MiB copy), while one chunk is filled in the thread pool and handed over.
  const chunkSize = Math.max(64 * 1024, Math.min(maxOutputLength + 1, body.length * MAX_DEFLATE_RATIO + 1024));
  return new Promise((resolve, reject) => {
    inflate(body, { maxOutputLength, chunkSize }, (err, out) => {
      if (err) reject(err);
      // A small result in a big chunk: copy it out, so the chunk does not stay allocated.
      else resolve(out.length < chunkSize / 4 && out.length < 1024 * 1024 ? Buffer.from(out) : out);
    });
  });
}

function inflateError(err: unknown, limit: number, budget: FrameInflateBudget | undefined, limitedByBudget: boolean): RemotingProtocolError {
  const tooLarge = (err as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE';
  if (tooLarge && limitedByBudget && budget !== undefined) {
    return new RemotingProtocolError(`message bodies of one frame inflate to more than ${budget.maxBytes} bytes`, { cause: err });
  }
  if (tooLarge) return new RemotingProtocolError(`zlib body inflates to more than ${limit} bytes`, { cause: err });
  return new RemotingProtocolError(`cannot inflate zlib body: ${(err as Error).message}`, { cause: err });
}

/**
 * Inflates a zlib stream (RFC 1950, what Java's `Deflater` writes). Large bodies inflate off the
 * event loop; a corrupt stream, or one larger than the body bound or what is left of the frame's
 * budget, rejects with a `RemotingProtocolError`.
 */
export async function inflateBody(body: Uint8Array, options: InflateOptions = {}): Promise<Buffer> {
  const perBody = options.maxOutputBytes ?? 64 * 1024 * 1024;
  const budget = options.budget;
  const limit = budget === undefined ? perBody : budget.reserve(perBody);
  const limitedByBudget = limit < perBody;
  let out: Buffer;
  try {
    if (limit === 0) throw Object.assign(new RangeError('no inflate budget left in this frame'), { code: 'ERR_BUFFER_TOO_LARGE' });
    const threshold = options.offLoopThresholdBytes ?? DEFAULT_OFF_LOOP_THRESHOLD_BYTES;
    out = body.length >= threshold ? await inflateAsync(body, limit) : inflateSync(body, { maxOutputLength: limit });
  } catch (err) {
    budget?.release(limit);
    throw inflateError(err, limit, budget, limitedByBudget);
  }
  budget?.release(limit - out.length);
  return out;
}
