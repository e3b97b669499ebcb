import { RemotingProtocolError } from '../../errors';

/**
 * Bounds on the ext fields of one decoded header. A broker sends a few dozen short fields; a peer
 * sending a million of them (a 15 MB frame decoded in seconds into hundreds of MiB) is hostile, and
 * the connection is closed with a `RemotingProtocolError` once a bound is passed.
 */
export interface HeaderLimits {
  /** Ext fields in one header. */
  maxExtFields: number;
  /** Key plus value lengths of all ext fields of one header (bytes for ROCKETMQ, characters for JSON). */
  maxExtFieldsBytes: number;
}

/** Far above anything a broker or name server sends (tens of fields, a few KB). */
export const DEFAULT_HEADER_LIMITS: Readonly<HeaderLimits> = Object.freeze({
  maxExtFields: 4096,
  maxExtFieldsBytes: 4 * 1024 * 1024,
});

/** Counts ext fields while a header decodes; throws once a limit is passed. */
export class ExtFieldsBudget {
  private fields = 0;
  private bytes = 0;

  constructor(private readonly limits: Readonly<HeaderLimits>) {}

  /** One more field of `size` bytes (or characters). */
  add(size: number): void {
    if (++this.fields > this.limits.maxExtFields) {
      throw new RemotingProtocolError(`header has more than ${this.limits.maxExtFields} ext fields`);
    }
    this.bytes += size;
    if (this.bytes > this.limits.maxExtFieldsBytes) {
      throw new RemotingProtocolError(`header ext fields exceed ${this.limits.maxExtFieldsBytes} bytes`);
    }
  }
}

/** Headers at least this large are checked against the limits before being turned into text. */
export const PRECHECK_HEADER_BYTES = 64 * 1024;

/**
 * The quote count of `checkJsonHeaderText`, on the UTF-8 bytes (a quote byte never occurs inside a
 * multi-byte sequence): a hostile header is refused before its megabytes become a string.
 */
export function checkJsonHeaderBytes(buf: Buffer, start: number, end: number, limits: Readonly<HeaderLimits>): void {
  const maxQuotes = 4 * limits.maxExtFields + 64;
  let quotes = 0;
  let at = buf.indexOf(0x22, start);
  while (at >= 0 && at < end) {
    let backslashes = 0;
    while (at - 1 - backslashes >= start && buf[at - 1 - backslashes] === 0x5c) backslashes++;
    if ((backslashes & 1) === 0 && ++quotes > maxQuotes) {
      throw new RemotingProtocolError(`JSON header has more than ${limits.maxExtFields} ext fields`);
    }
    at = buf.indexOf(0x22, at + 1);
  }
}

/**
 * Walks the entry lengths of a ROCKETMQ ext-fields block in `buf[p, extEnd)` against the limits,
 * reading no key or value: a hostile header is refused before its megabytes become a string.
 * Malformed lengths are left to the decoder, which reports them.
 */
export function checkRocketMQExtFields(buf: Buffer, p: number, extEnd: number, limits: Readonly<HeaderLimits>): void {
  const budget = new ExtFieldsBudget(limits);
  while (extEnd - p >= 6) {
    const kl = buf.readInt16BE(p);
    if (kl < 0 || kl > extEnd - p - 6) return;
    const vl = buf.readInt32BE(p + 2 + kl);
    if (vl < 0 || vl > extEnd - p - 6 - kl) return;
    budget.add(kl + vl);
    p += 6 + kl + vl;
  }
}

/**
 * Before JSON.parse of a header text: every key is a string literal (two unescaped quotes), so
 * their count bounds the number of entries. Refuses text that cannot be within the limits, so a
 * hostile header is never parsed whole. Linear: each backslash run is looked at once.
 */
export function checkJsonHeaderText(text: string, limits: Readonly<HeaderLimits>): void {
  // Each ext entry needs at least 2 quotes (its key); a dozen top-level keys need 2 to 4 each.
  const maxQuotes = 4 * limits.maxExtFields + 64;
  let quotes = 0;
  let at = text.indexOf('"');
  while (at >= 0) {
    let backslashes = 0;
    while (text.charCodeAt(at - 1 - backslashes) === 0x5c) backslashes++;
    if ((backslashes & 1) === 0 && ++quotes > maxQuotes) {
      throw new RemotingProtocolError(`JSON header has more than ${limits.maxExtFields} ext fields`);
    }
    at = text.indexOf('"', at + 1);
  }
}
