import { newExtFields, type DecodedHeader, type ExtFields } from './command-fields';
import { ExtFieldsBudget, type HeaderLimits } from './header-limits';
import { languageFromName } from './language-code';

/*
 * A scanner for the JSON header exactly as fastjson writes it: keys in their known order, no
 * whitespace, string values. It reads the text without JSON.parse and without building anything
 * but the result. On anything else it gives up (undefined) and the caller uses JSON.parse, which
 * gives the same result wherever both accept the text (raw control characters inside strings are
 * accepted here, as fastjson's reader accepts them, and refused by JSON.parse).
 */

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const COLON = 0x3a;
const LBRACE = 0x7b;
const RBRACE = 0x7d;

/** Scanner over the decoded header text; every method returns undefined to give up. */
class Scanner {
  pos = 0;
  /** Position of the next backslash at or after the current string (text.length if none). */
  private nextBackslash = -1;

  constructor(readonly text: string) {}

  /**
   * A string literal at `pos`: the text up to the first quote that no backslash escapes. Raw
   * control characters are taken as they are, as fastjson's own reader does.
   */
  string(): string | undefined {
    const text = this.text;
    let from = this.pos + 1;
    // Short strings (keys, numbers, flags): a few character reads beat two indexOf calls.
    const limit = Math.min(from + 16, text.length);
    for (let i = from; i < limit; i++) {
      const c = text.charCodeAt(i);
      if (c === QUOTE) {
        this.pos = i + 1;
        return text.substring(from, i);
      }
      if (c === BACKSLASH) break;
    }
    let close = text.indexOf('"', from);
    if (close < 0) return undefined;
    let bs0 = this.nextBackslash;
    if (bs0 < from) {
      bs0 = text.indexOf('\\', from);
      if (bs0 < 0) bs0 = text.length;
      this.nextBackslash = bs0;
    }
    if (bs0 < close) {
      // Escapes (the \u0001 separators of message properties): the literal, up to its real closing
      // quote, goes to the native JSON.parse, which unescapes exactly as the loop below does.
      let q = close;
      while (q >= 0 && escapedQuote(text, q)) q = text.indexOf('"', q + 1);
      if (q >= 0) {
        const v = parseStringLiteral(text.substring(from - 1, q + 1));
        if (v !== undefined) {
          this.pos = q + 1;
          return v;
        }
      }
      // Not valid JSON (raw control characters, which fastjson accepts): unescape it here.
    }
    let out: string | undefined;
    for (;;) {
      let bs = this.nextBackslash;
      if (bs < from) {
        bs = text.indexOf('\\', from);
        if (bs < 0) bs = text.length;
        this.nextBackslash = bs;
      }
      if (bs > close) {
        this.pos = close + 1;
        const last = text.substring(from, close);
        return out === undefined ? last : out + last;
      }
      // An escape before the closing quote: take the text up to it, then the escaped character.
      out = (out ?? '') + text.substring(from, bs);
      const e = text.charCodeAt(bs + 1);
      if (e === 0x75 /* u */) {
        const unit = parseHex4(text, bs + 2);
        if (unit < 0) return undefined;
        out += String.fromCharCode(unit);
        from = bs + 6;
      } else {
        const unescaped = SIMPLE_UNESCAPES[e];
        if (unescaped === undefined) return undefined;
        out += unescaped;
        from = bs + 2;
      }
      if (close < from) {
        close = text.indexOf('"', from); // the quote found was escaped
        if (close < 0) return undefined;
      }
    }
  }

  /** Whether `literal` is at `pos`; moves past it if so. */
  match(literal: string): boolean {
    const text = this.text;
    const p = this.pos;
    const n = literal.length;
    // One native comparison beats a charCodeAt per character, even with the substring it costs.
    if (p + n > text.length || text.charCodeAt(p + 1) !== literal.charCodeAt(1) || text.substring(p, p + n) !== literal) return false;
    this.pos = p + n;
    return true;
  }

  /** An integer literal (no fraction or exponent) of at most 15 digits, wrapped to int32. */
  int(): number | undefined {
    const text = this.text;
    let i = this.pos;
    let neg = false;
    if (text.charCodeAt(i) === 0x2d) {
      neg = true;
      i++;
    }
    const first = i;
    let v = 0;
    for (;;) {
      const d = text.charCodeAt(i) - 0x30;
      if (!(d >= 0 && d <= 9)) break;
      v = v * 10 + d;
      i++;
    }
    const digits = i - first;
    if (digits === 0 || digits > 15 || (digits > 1 && text.charCodeAt(first) === 0x30)) return undefined;
    const next = text.charCodeAt(i);
    if (next !== COMMA && next !== RBRACE) return undefined;
    this.pos = i;
    return (neg ? -v : v) | 0;
  }

}

/** Whether the quote at `q` is preceded by an odd run of backslashes. */
function escapedQuote(text: string, q: number): boolean {
  let n = 0;
  while (text.charCodeAt(q - 1 - n) === BACKSLASH) n++;
  return (n & 1) === 1;
}

/** A JSON string literal's value; undefined if JSON.parse refuses it. */
function parseStringLiteral(literal: string): string | undefined {
  try {
    const v: unknown = JSON.parse(literal);
    return typeof v === 'string' ? v : undefined;
  } catch {
    return undefined;
  }
}

const SIMPLE_UNESCAPES: Record<number, string> = {
  0x22: '"',
  0x5c: '\\',
  0x2f: '/',
  0x62: '\b',
  0x66: '\f',
  0x6e: '\n',
  0x72: '\r',
  0x74: '\t',
};

function parseHex4(text: string, at: number): number {
  let v = 0;
  for (let k = 0; k < 4; k++) {
    const c = text.charCodeAt(at + k);
    let d: number;
    if (c >= 0x30 && c <= 0x39) d = c - 0x30;
    else if (c >= 0x41 && c <= 0x46) d = c - 0x37;
    else if (c >= 0x61 && c <= 0x66) d = c - 0x57;
    else return -1;
    v = v * 16 + d;
  }
  return v;
}

/** The extFields object at pos: string values, null values skipped; anything else gives up. */
function scanExtFields(sc: Scanner, limits: Readonly<HeaderLimits>): ExtFields | undefined {
  const text = sc.text;
  const ext = newExtFields();
  const budget = new ExtFieldsBudget(limits);
  sc.pos++; // {
  if (text.charCodeAt(sc.pos) === RBRACE) {
    sc.pos++;
    return ext;
  }
  for (;;) {
    if (text.charCodeAt(sc.pos) !== QUOTE) return undefined;
    const key = sc.string();
    if (key === undefined || text.charCodeAt(sc.pos) !== COLON) return undefined;
    sc.pos++;
    const c = text.charCodeAt(sc.pos);
    if (c === QUOTE) {
      const value = sc.string();
      if (value === undefined) return undefined;
      budget.add(key.length + value.length);
      ext[key] = value;
    } else if (c === 0x6e /* n */ && sc.match('null')) {
      delete ext[key]; // a later null for a repeated key: JSON.parse keeps null, which we then skip
    } else return undefined;
    const sep = text.charCodeAt(sc.pos++);
    if (sep === RBRACE) return ext;
    if (sep !== COMMA) return undefined;
  }
}

type TopKey = 'code' | 'extFields' | 'flag' | 'language' | 'opaque' | 'remark' | 'serializeTypeCurrentRPC' | 'version';

/** fastjson's field order for RemotingCommand, with each key as it appears on the wire. */
const CANONICAL_KEYS: readonly TopKey[] = [
  'code',
  'extFields',
  'flag',
  'language',
  'opaque',
  'remark',
  'serializeTypeCurrentRPC',
  'version',
];
/** Flat string literals (a template would make cons strings, slower to read char by char). */
const CANONICAL_PREFIXES: readonly string[] = [
  '"code":',
  '"extFields":',
  '"flag":',
  '"language":',
  '"opaque":',
  '"remark":',
  '"serializeTypeCurrentRPC":',
  '"version":',
];

/** A JSON null for a known field: what JSON.parse plus the general path would leave. */
function setNull(h: DecodedHeader, key: string): void {
  if (key === 'remark') h.remark = undefined;
  else if (key === 'extFields') h.extFields = undefined;
  else if (key === 'language') h.language = undefined;
  else if (key === 'code') h.code = 0;
  else if (key === 'flag') h.flag = 0;
  else if (key === 'opaque') h.opaque = 0;
  else if (key === 'version') h.version = 0;
}

/** Decodes fastjson's own output without JSON.parse; undefined for anything unusual. */
export function scanCanonicalJson(text: string, h: DecodedHeader, limits: Readonly<HeaderLimits>): DecodedHeader | undefined {
  if (text.length < 2 || text.charCodeAt(0) !== LBRACE) return undefined;
  const sc = new Scanner(text);
  h.code = 0;
  h.language = 'JAVA';
  h.version = 0;
  h.opaque = 0;
  h.flag = 0;
  h.remark = undefined;
  h.extFields = undefined;
  sc.pos = 1;
  let expected = 0; // index of the next key in fastjson's order
  if (text.charCodeAt(1) === RBRACE) sc.pos = 2;
  else {
    for (;;) {
      let key: string | undefined;
      // Keys come in a known order: match them in place before falling back to reading a string.
      while (expected < CANONICAL_KEYS.length && !sc.match(CANONICAL_PREFIXES[expected]!)) expected++;
      if (expected < CANONICAL_KEYS.length) {
        key = CANONICAL_KEYS[expected]!;
        expected++;
      } else {
        if (text.charCodeAt(sc.pos) !== QUOTE) return undefined;
        key = sc.string();
        if (key === undefined || text.charCodeAt(sc.pos) !== COLON) return undefined;
        sc.pos++;
      }
      const c = text.charCodeAt(sc.pos);
      if (c === 0x6e /* n */) {
        if (!sc.match('null')) return undefined;
        setNull(h, key);
      } else if (key === 'code' || key === 'flag' || key === 'opaque' || key === 'version') {
        const v = sc.int();
        if (v === undefined) return undefined;
        if (key === 'code') h.code = v;
        else if (key === 'flag') h.flag = v;
        else if (key === 'opaque') h.opaque = v;
        else h.version = v;
      } else if (key === 'extFields') {
        if (c !== LBRACE) return undefined;
        const ext = scanExtFields(sc, limits);
        if (ext === undefined) return undefined;
        h.extFields = ext;
      } else if (c === QUOTE) {
        const v = sc.string();
        if (v === undefined) return undefined;
        if (key === 'remark') h.remark = v;
        else if (key === 'language') h.language = languageFromName(v);
      } else if (key === 'remark' || key === 'language') {
        return undefined; // numbers, booleans: rare, left to the general path
      } else if (!(sc.match('true') || sc.match('false') || sc.int() !== undefined)) {
        return undefined;
      }
      const sep = text.charCodeAt(sc.pos++);
      if (sep === RBRACE) break;
      if (sep !== COMMA) return undefined;
    }
  }
  return sc.pos === text.length ? h : undefined;
}
