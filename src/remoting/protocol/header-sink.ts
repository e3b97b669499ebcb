import { markAsUntransferable } from 'node:worker_threads';

/**
 * The byte sink the header encoders write into in one pass, so they need not measure their strings
 * first. It writes straight into a shared slab, from which the frame is then cut with the body
 * copied after the header: no allocation and no header copy per frame. (Node's own Buffer pool
 * does the same with 8 KiB; a bigger slab means fewer ArrayBuffers for the GC.) A header that
 * outgrows the slab moves to a private buffer and the frame is allocated at its exact size.
 * Encoding is synchronous and the sink is released before the frame is returned, so sharing it is
 * safe; a nested encode (a value whose toString encodes a command) gets a private sink.
 */

const QUESTION_MARK = 0x3f;
const HEX = '0123456789ABCDEF';

/** ASCII characters fastjson writes as they are (not controls, DEL, quote or backslash). */
const JSON_PLAIN = new Uint8Array(128);
for (let c = 0x20; c < 0x7f; c++) JSON_PLAIN[c] = c === 0x22 || c === 0x5c ? 0 : 1;
/** fastjson's two-character escapes. */
const JSON_SHORT = new Uint8Array(128);
JSON_SHORT[0x08] = 0x62; // b
JSON_SHORT[0x09] = 0x74; // t
JSON_SHORT[0x0a] = 0x6e; // n
JSON_SHORT[0x0c] = 0x66; // f
JSON_SHORT[0x0d] = 0x72; // r
JSON_SHORT[0x22] = 0x22; // "
JSON_SHORT[0x5c] = 0x5c; // \

/**
 * Strings at least this long are written by one native call (well-formed UTF-8, JSON needing no
 * escapes); shorter ones are faster in the JavaScript loops, which a call into C++ costs more than.
 */
const NATIVE_MIN = 64;
const JSON_NATIVE_MIN = 256;

interface RawBuffer extends Buffer {
  utf8Write(s: string, offset: number, length?: number): number;
}

/** Any character that is not written as itself by fastjson in plain ASCII. */
const NOT_JSON_PLAIN = /[^\x20\x21\x23-\x5b\x5d-\x7e]/;

export class HeaderSink {
  buf: Buffer;
  /** Where the frame starts in `buf`. */
  start = 0;
  pos = 0;
  inUse = false;

  constructor(capacity: number) {
    this.buf = Buffer.allocUnsafe(capacity);
  }

  /**
   * Makes room for `n` more bytes, moving what is written to a private buffer if need be: offsets
   * kept across a call must be relative to `start`.
   */
  ensure(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    const used = this.pos - this.start;
    let cap = Math.max(1024, used * 2);
    while (cap < used + n) cap *= 2;
    const next = Buffer.allocUnsafe(cap);
    this.buf.copy(next, 0, this.start, this.pos);
    this.buf = next;
    this.start = 0;
    this.pos = used;
  }

  int16(v: number): void {
    const b = this.buf;
    b[this.pos] = v >>> 8;
    b[this.pos + 1] = v;
    this.pos += 2;
  }

  int32(v: number): void {
    this.int32At(this.pos, v);
    this.pos += 4;
  }

  int32At(p: number, v: number): void {
    const b = this.buf;
    b[p] = v >>> 24;
    b[p + 1] = v >>> 16;
    b[p + 2] = v >>> 8;
    b[p + 3] = v;
  }

  /** Pre-encoded bytes (the fixed parts of a JSON header). */
  bytes(b: Uint8Array): void {
    const n = b.length;
    if (n > 64) {
      this.buf.set(b, this.pos);
      this.pos += n;
      return;
    }
    // A short copy by hand: TypedArray.prototype.set costs more than it copies at this size.
    const buf = this.buf;
    let p = this.pos;
    for (let i = 0; i < n; i++) buf[p++] = b[i]!;
    this.pos = p;
  }

  /** ASCII text known to need no escaping (JSON punctuation and key names of the header). */
  ascii(s: string): void {
    const b = this.buf;
    let p = this.pos;
    for (let i = 0; i < s.length; i++) b[p++] = s.charCodeAt(i);
    this.pos = p;
  }

  /** An int32 in decimal, as Java's `Integer.toString` (and fastjson) writes it; no string is made. */
  decimal(v: number): void {
    const b = this.buf;
    let p = this.pos;
    let u = v;
    if (v < 0) {
      b[p++] = 0x2d;
      u = -v; // at most 2^31: still exact
    }
    if (u < 10) b[p++] = 0x30 + u;
    else {
      let digits = 1;
      for (let t = u; t >= 10; t = Math.floor(t / 10)) digits++;
      p += digits;
      for (let q = p - 1; q >= p - digits; q--) {
        const t = Math.floor(u / 10);
        b[q] = 0x30 + (u - t * 10);
        u = t;
      }
    }
    this.pos = p;
  }

  /** UTF-8 as Java writes it (a lone surrogate becomes `?`); the caller ensured 3 bytes per unit. */
  utf8(s: string): void {
    const n = s.length;
    if (n >= NATIVE_MIN && (s as unknown as { isWellFormed(): boolean }).isWellFormed()) {
      this.pos += (this.buf as RawBuffer).utf8Write(s, this.pos);
      return;
    }
    const b = this.buf;
    let p = this.pos;
    for (let i = 0; i < n; i++) {
      const c = s.charCodeAt(i);
      if (c < 0x80) b[p++] = c;
      else {
        p = this.wide(s, i, c, p);
        if (c >= 0xd800 && c <= 0xdbff && this.pairAt(s, i)) i++;
      }
    }
    this.pos = p;
  }

  /** A JSON string literal escaped exactly as fastjson escapes it, then UTF-8 encoded. */
  jsonString(s: string): void {
    const n = s.length;
    const b = this.buf;
    if (n >= JSON_NATIVE_MIN && !NOT_JSON_PLAIN.test(s)) {
      // A long string with nothing to escape: one native call beats the loop below.
      b[this.pos++] = 0x22;
      this.pos += (b as RawBuffer).utf8Write(s, this.pos);
      b[this.pos++] = 0x22;
      return;
    }
    let p = this.pos;
    b[p++] = 0x22;
    for (let i = 0; i < n; i++) {
      const c = s.charCodeAt(i);
      if (c < 0x80) {
        if (JSON_PLAIN[c] === 1) b[p++] = c;
        else if (JSON_SHORT[c] !== 0) {
          b[p++] = 0x5c;
          b[p++] = JSON_SHORT[c]!;
        } else p = writeUnicodeEscape(b, p, c);
      } else if (c < 0xa0 || c === 0x2028 || c === 0x2029) {
        p = writeUnicodeEscape(b, p, c);
      } else {
        p = this.wide(s, i, c, p);
        if (c >= 0xd800 && c <= 0xdbff && this.pairAt(s, i)) i++;
      }
    }
    b[p++] = 0x22;
    this.pos = p;
  }

  private pairAt(s: string, i: number): boolean {
    return i + 1 < s.length && (s.charCodeAt(i + 1) & 0xfc00) === 0xdc00;
  }

  /** Writes the non-ASCII unit `c` at `s[i]` (with its low surrogate, if paired); returns the new offset. */
  private wide(s: string, i: number, c: number, p: number): number {
    const b = this.buf;
    if (c < 0x800) {
      b[p++] = 0xc0 | (c >> 6);
      b[p++] = 0x80 | (c & 0x3f);
    } else if (c >= 0xd800 && c <= 0xdfff) {
      if (c <= 0xdbff && this.pairAt(s, i)) {
        const cp = 0x10000 + ((c - 0xd800) << 10) + (s.charCodeAt(i + 1) - 0xdc00);
        b[p++] = 0xf0 | (cp >> 18);
        b[p++] = 0x80 | ((cp >> 12) & 0x3f);
        b[p++] = 0x80 | ((cp >> 6) & 0x3f);
        b[p++] = 0x80 | (cp & 0x3f);
      } else {
        b[p++] = QUESTION_MARK;
      }
    } else {
      b[p++] = 0xe0 | (c >> 12);
      b[p++] = 0x80 | ((c >> 6) & 0x3f);
      b[p++] = 0x80 | (c & 0x3f);
    }
    return p;
  }
}

function writeUnicodeEscape(b: Buffer, p: number, c: number): number {
  b[p++] = 0x5c;
  b[p++] = 0x75;
  b[p++] = HEX.charCodeAt((c >> 12) & 15);
  b[p++] = HEX.charCodeAt((c >> 8) & 15);
  b[p++] = HEX.charCodeAt((c >> 4) & 15);
  b[p++] = HEX.charCodeAt(c & 15);
  return p;
}

/** Slab size; frames with bodies over a quarter of it are allocated on their own. */
const SLAB_BYTES = 64 * 1024;
const SLAB_MAX_BODY = SLAB_BYTES / 4;

function newSlab(): Buffer {
  const slab = Buffer.allocUnsafeSlow(SLAB_BYTES);
  // Frames share the slab's memory: transferring one to a worker would detach all of them.
  markAsUntransferable(slab.buffer);
  return slab;
}

let slab = newSlab();
let slabUsed = 0;
const shared = new HeaderSink(0);
shared.buf = slab;

/**
 * The sink for a frame whose body will take `bodyLen` bytes, positioned at the frame's start.
 * The caller writes from `start + 8` and fills in the two leading words last.
 */
export function acquireSink(bodyLen: number): HeaderSink {
  if (shared.inUse) {
    const own = new HeaderSink(1024 + bodyLen);
    own.inUse = true;
    return own;
  }
  if (bodyLen <= SLAB_MAX_BODY && SLAB_BYTES - slabUsed < bodyLen + 1024) {
    slab = newSlab();
    slabUsed = 0;
  }
  shared.inUse = true;
  shared.buf = slab;
  shared.start = slabUsed;
  shared.pos = slabUsed;
  return shared;
}

/** The frame: the sink's bytes, then `body` (when given). */
export function finishFrame(sink: HeaderSink, body: Buffer | undefined): Buffer {
  const bodyLen = body ? body.length : 0;
  const end = sink.pos + bodyLen;
  if (sink.buf === slab && end <= slab.length) {
    if (body && bodyLen > 0) slab.set(body, sink.pos);
    slabUsed = (end + 7) & ~7;
    return slab.subarray(sink.start, end);
  }
  const headerBytes = sink.pos - sink.start;
  const out = Buffer.allocUnsafe(headerBytes + bodyLen);
  out.set(new Uint8Array(sink.buf.buffer, sink.buf.byteOffset + sink.start, headerBytes));
  if (body && bodyLen > 0) out.set(body, headerBytes);
  return out;
}

export function releaseSink(sink: HeaderSink): void {
  sink.inUse = false;
  if (sink === shared) shared.buf = slab; // drop a private buffer the sink may have grown into
}
