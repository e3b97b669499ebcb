/**
 * Builds remoting frames byte by byte for decoder tests, including malformed ones: every length
 * can be overridden, fields can be cut short, and garbage appended.
 */

export class ByteBuilder {
  private readonly parts: Buffer[] = [];

  int8(v: number): this {
    const b = Buffer.alloc(1);
    b.writeInt8(v);
    return this.bytes(b);
  }

  uint8(v: number): this {
    return this.bytes(Buffer.from([v & 0xff]));
  }

  int16(v: number): this {
    const b = Buffer.alloc(2);
    b.writeInt16BE(v);
    return this.bytes(b);
  }

  int32(v: number): this {
    const b = Buffer.alloc(4);
    b.writeInt32BE(v | 0);
    return this.bytes(b);
  }

  bytes(b: Uint8Array): this {
    this.parts.push(Buffer.from(b));
    return this;
  }

  utf8(s: string): this {
    return this.bytes(Buffer.from(s, 'utf8'));
  }

  hex(h: string): this {
    return this.bytes(Buffer.from(h.replace(/\s+/g, ''), 'hex'));
  }

  get length(): number {
    return this.parts.reduce((n, p) => n + p.length, 0);
  }

  build(): Buffer {
    return Buffer.concat(this.parts);
  }
}

export interface RocketMQHeaderSpec {
  code?: number;
  /** Language byte (signed). */
  language?: number;
  version?: number;
  opaque?: number;
  flag?: number;
  /** Remark bytes: a string is UTF-8 encoded; undefined writes length 0. */
  remark?: string | Buffer;
  /** Overrides the remark length field. */
  remarkLength?: number;
  /** Entries in wire order; a key or value of undefined is written with length 0. */
  ext?: Array<[string | Buffer | undefined, string | Buffer | undefined]>;
  /** Overrides the extFields block length field. */
  extLength?: number;
  /** Raw bytes appended to the extFields block (inside the block length unless extLength says otherwise). */
  extTail?: Buffer;
  /** Bytes appended after the extFields block, still inside the header. */
  trailing?: Buffer;
}

function asBytes(v: string | Buffer | undefined): Buffer {
  if (v === undefined) return Buffer.alloc(0);
  return typeof v === 'string' ? Buffer.from(v, 'utf8') : v;
}

/** The bytes of a ROCKETMQ binary header. */
export function rocketmqHeader(spec: RocketMQHeaderSpec = {}): Buffer {
  const block = new ByteBuilder();
  for (const [k, v] of spec.ext ?? []) {
    const kb = asBytes(k);
    const vb = asBytes(v);
    block.int16(kb.length).bytes(kb).int32(vb.length).bytes(vb);
  }
  if (spec.extTail) block.bytes(spec.extTail);
  const blockBytes = block.build();
  const remark = asBytes(spec.remark);
  const b = new ByteBuilder()
    .int16(spec.code ?? 0)
    .int8(spec.language ?? 0)
    .int16(spec.version ?? 0)
    .int32(spec.opaque ?? 0)
    .int32(spec.flag ?? 0)
    .int32(spec.remarkLength ?? remark.length)
    .bytes(remark)
    .int32(spec.extLength ?? blockBytes.length)
    .bytes(blockBytes);
  if (spec.trailing) b.bytes(spec.trailing);
  return b.build();
}

export interface FrameSpec {
  /** Serialize type byte (0 JSON, 1 ROCKETMQ, anything else to test refusal). */
  type: number;
  header: Buffer | string;
  body?: Buffer;
  /** Overrides the total length prefix. */
  totalLength?: number;
  /** Overrides the 24-bit header length in the header-info word. */
  headerLength?: number;
}

/** A whole frame: length prefix, header-info word, header, body. */
export function frame(spec: FrameSpec): Buffer {
  const header = typeof spec.header === 'string' ? Buffer.from(spec.header, 'utf8') : spec.header;
  const body = spec.body ?? Buffer.alloc(0);
  const headerLength = spec.headerLength ?? header.length;
  return new ByteBuilder()
    .int32(spec.totalLength ?? 4 + header.length + body.length)
    .int32(((spec.type & 0xff) << 24) | (headerLength & 0xffffff))
    .bytes(header)
    .bytes(body)
    .build();
}

/** A JSON frame from a header object (serialized as is) or raw header text. */
export function jsonFrame(header: object | string, body?: Buffer): Buffer {
  return frame({ type: 0, header: typeof header === 'string' ? header : JSON.stringify(header), body });
}

/** A ROCKETMQ frame from a header spec. */
export function rocketmqFrame(spec: RocketMQHeaderSpec, body?: Buffer): Buffer {
  return frame({ type: 1, header: rocketmqHeader(spec), body });
}

/** Whitespace-tolerant hex, as in fixtures. */
export function fromHex(text: string): Buffer {
  return Buffer.from(text.replace(/\s+/g, ''), 'hex');
}
