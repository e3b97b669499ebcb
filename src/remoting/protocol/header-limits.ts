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
