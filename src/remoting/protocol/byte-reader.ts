import { RemotingProtocolError } from '../../errors';

/** The big-endian int32 at `p`, which the caller has bounds-checked. */
function int32At(b: Buffer, p: number): number {
  return (b[p]! << 24) | (b[p + 1]! << 16) | (b[p + 2]! << 8) | b[p + 3]!;
}

/** Bounds-checked big-endian reader over one buffer; every overrun is a typed protocol error. */
export class ByteReader {
  private pos: number;

  constructor(
    private readonly buf: Buffer,
    start = 0,
    private readonly end = buf.length,
  ) {
    this.pos = start;
  }

  get offset(): number {
    return this.pos;
  }

  get remaining(): number {
    return this.end - this.pos;
  }

  private need(n: number, what: string): void {
    if (n < 0 || this.pos + n > this.end) {
      throw new RemotingProtocolError(`truncated ${what}: need ${n} bytes at ${this.pos}, have ${this.end - this.pos}`);
    }
  }

  int8(what = 'int8'): number {
    this.need(1, what);
    return this.buf.readInt8(this.pos++);
  }

  uint8(what = 'uint8'): number {
    this.need(1, what);
    return this.buf[this.pos++]!;
  }

  int16(what = 'int16'): number {
    this.need(2, what);
    const v = this.buf.readInt16BE(this.pos);
    this.pos += 2;
    return v;
  }

  int32(what = 'int32'): number {
    this.need(4, what);
    const v = this.buf.readInt32BE(this.pos);
    this.pos += 4;
    return v;
  }

  int64(what = 'int64'): bigint {
    this.need(8, what);
    const hi = int32At(this.buf, this.pos);
    const lo = int32At(this.buf, this.pos + 4) >>> 0;
    this.pos += 8;
    // Offsets and timestamps are far below 2^53: one exact double makes one bigint (readBigInt64BE makes four).
    if (hi >= -0x200000 && hi < 0x200000) return BigInt(hi * 4294967296 + lo);
    return (BigInt(hi) << 32n) + BigInt(lo);
  }

  /** An int64 as a number (Java's millisecond timestamps): exact below 2^53, rounded as `Number(bigint)` rounds above. */
  int64Number(what = 'int64'): number {
    this.need(8, what);
    const v = int32At(this.buf, this.pos) * 4294967296 + (int32At(this.buf, this.pos + 4) >>> 0);
    this.pos += 8;
    return v;
  }

  /** Moves past the next `n` bytes; returns where they start (read them from the buffer itself). */
  skip(n: number, what = 'bytes'): number {
    this.need(n, what);
    const at = this.pos;
    this.pos += n;
    return at;
  }

  /** A view (no copy) of the next `n` bytes. */
  bytes(n: number, what = 'bytes'): Buffer {
    this.need(n, what);
    const v = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return v;
  }

  /** A copy of the next `n` bytes, in memory of its own (the source may be reused or released). */
  copy(n: number, what = 'bytes'): Buffer {
    this.need(n, what);
    const v = Buffer.allocUnsafe(n);
    this.buf.copy(v, 0, this.pos, this.pos + n);
    this.pos += n;
    return v;
  }

  utf8(n: number, what = 'string'): string {
    this.need(n, what);
    const v = this.buf.toString('utf8', this.pos, this.pos + n);
    this.pos += n;
    return v;
  }
}
