/**
 * A reusable byte sink the header encoders write into in one pass, so they need not measure their
 * strings first; the frame is then allocated at its exact size and the header copied into it.
 * Encoding is synchronous and the sink is released before the frame is returned, so sharing one
 * sink is safe; a nested encode (a value whose toString encodes a command) gets a private one.
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

/** Strings at least this long are written by native calls where those give the right bytes. */
const NATIVE_MIN = 24;

interface RawBuffer extends Buffer {
  utf8Write(s: string, offset: number, length?: number): number;
}

/** Any character that is not written as itself by fastjson in plain ASCII. */
const NOT_JSON_PLAIN = /[^\x20\x21\x23-\x5b\x5d-\x7e]/;
/**
 * Characters JSON.stringify escapes otherwise than fastjson: lower-case hex for \u000B, \u000E,
 * \u000F, \u001A..\u001F; DEL, C1 controls and U+2028/2029 left raw; surrogates (Java writes a
 * lone one as '?', JSON.stringify as an escape). Without them both give the same text.
 */
const STRINGIFY_DIFFERS = /[\x0b\x0e\x0f\x1a-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff]/;

export class HeaderSink {
  buf: Buffer;
  pos = 0;
  inUse = false;

  constructor(capacity: number) {
    this.buf = Buffer.allocUnsafe(capacity);
  }

  /** Makes room for `n` more bytes. */
  ensure(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    let cap = this.buf.length * 2;
    while (cap < this.pos + n) cap *= 2;
    const next = Buffer.allocUnsafe(cap);
    this.buf.copy(next, 0, 0, this.pos);
    this.buf = next;
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

  /** ASCII text known to need no escaping (JSON punctuation and key names of the header). */
  ascii(s: string): void {
    const b = this.buf;
    let p = this.pos;
    for (let i = 0; i < s.length; i++) b[p++] = s.charCodeAt(i);
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
    if (n >= NATIVE_MIN) {
      // Long strings go through native code when it gives fastjson's bytes: as they are, or
      // escaped by JSON.stringify (message properties with \u0001 and \u0002 take this way).
      if (!NOT_JSON_PLAIN.test(s)) {
        b[this.pos++] = 0x22;
        this.pos += (b as RawBuffer).utf8Write(s, this.pos);
        b[this.pos++] = 0x22;
        return;
      }
      if (!STRINGIFY_DIFFERS.test(s)) {
        this.pos += (b as RawBuffer).utf8Write(JSON.stringify(s), this.pos);
        return;
      }
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

const shared = new HeaderSink(16 * 1024);

/** The shared sink, or a fresh one if it is busy (a nested encode). Reset to position 0. */
export function acquireSink(): HeaderSink {
  const sink = shared.inUse ? new HeaderSink(1024) : shared;
  sink.inUse = true;
  sink.pos = 0;
  return sink;
}

export function releaseSink(sink: HeaderSink): void {
  sink.inUse = false;
}
