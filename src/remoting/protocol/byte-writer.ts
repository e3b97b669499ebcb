import ByteBuffer from 'bytebuffer';

/**
 * Growable big-endian writer. `bytebuffer` provides the growth and the primitive writes; 64-bit
 * values are taken as `bigint` and never pass through a lossy `number`.
 */
export class ByteWriter {
  private readonly bb: ByteBuffer;

  constructor(initialCapacity = 256) {
    this.bb = ByteBuffer.allocate(initialCapacity, ByteBuffer.BIG_ENDIAN, ByteBuffer.DEFAULT_NOASSERT);
  }

  get length(): number {
    return this.bb.offset;
  }

  int8(v: number): this {
    this.bb.writeInt8(v);
    return this;
  }

  int16(v: number): this {
    this.bb.writeInt16(v);
    return this;
  }

  int32(v: number): this {
    this.bb.writeInt32(v);
    return this;
  }

  int64(v: bigint): this {
    this.bb.ensureCapacity(this.bb.offset + 8);
    (this.bb.buffer as Buffer).writeBigInt64BE(BigInt.asIntN(64, v), this.bb.offset);
    this.bb.offset += 8;
    return this;
  }

  bytes(b: Uint8Array): this {
    this.bb.ensureCapacity(this.bb.offset + b.length);
    (this.bb.buffer as Buffer).set(b, this.bb.offset);
    this.bb.offset += b.length;
    return this;
  }

  /** Writes `int32 value` at an earlier position (length fields filled in afterwards). */
  int32At(position: number, v: number): this {
    this.bb.writeInt32(v, position);
    return this;
  }

  /** A copy of what was written, sized exactly. */
  toBuffer(): Buffer {
    return Buffer.from((this.bb.buffer as Buffer).subarray(0, this.bb.offset));
  }
}
