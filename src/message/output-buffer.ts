import { InvalidArgumentError, RemotingProtocolError } from '../errors';

/** Validates a decompression cap: a positive safe integer. */
export function checkedCap(maxOutputBytes: number): number {
  if (!Number.isSafeInteger(maxOutputBytes) || maxOutputBytes < 0) {
    throw new InvalidArgumentError(`maxOutputBytes must be a non-negative integer, got ${String(maxOutputBytes)}`);
  }
  return maxOutputBytes;
}

/**
 * Output of a decompressor that grows by doubling up to a hard cap: a few bytes of input must not
 * allocate gigabytes, and exceeding the cap is an error rather than a silent truncation.
 */
export class GrowableOutput {
  private buf: Buffer;
  private len = 0;

  constructor(
    private readonly cap: number,
    initialGuess: number,
    private readonly codec: string,
  ) {
    this.buf = Buffer.allocUnsafe(Math.max(64, Math.min(cap, initialGuess)));
  }

  get length(): number {
    return this.len;
  }

  /** Makes room for `n` more bytes (the cap is checked here). */
  reserve(n: number): void {
    const need = this.len + n;
    if (need > this.cap) {
      throw new RemotingProtocolError(`${this.codec} body decompresses to more than ${this.cap} bytes`);
    }
    if (need <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < need) size *= 2;
    const next = Buffer.allocUnsafe(Math.min(size, this.cap));
    this.buf.copy(next, 0, 0, this.len);
    this.buf = next;
  }

  append(src: Uint8Array, start: number, n: number): void {
    if (n === 0) return;
    this.reserve(n);
    this.buf.set(src.subarray(start, start + n), this.len);
    this.len += n;
  }

  /** Copies `n` bytes from `offset` back (LZ77 match; the ranges may overlap). */
  copyMatch(offset: number, n: number): void {
    this.reserve(n);
    const b = this.buf;
    let from = this.len - offset;
    if (offset >= n) {
      b.copyWithin(this.len, from, from + n);
      this.len += n;
      return;
    }
    const end = this.len + n;
    for (let o = this.len; o < end; o++) b[o] = b[from++]!;
    this.len = end;
  }

  xxh32(from: number, hash: (buf: Uint8Array, index: number, length: number) => number): number {
    return hash(this.buf, from, this.len - from);
  }

  /** The bytes written, without a copy when the buffer is exactly full. */
  result(): Buffer {
    return this.len === this.buf.length ? this.buf : Buffer.from(this.buf.subarray(0, this.len));
  }
}
