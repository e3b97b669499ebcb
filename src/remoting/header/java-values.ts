/**
 * Header values as Java writes them (`value.toString()` in `makeCustomHeaderToNet`) and reads them
 * back (`Integer.parseInt`, `Long.parseLong`, `Boolean.parseBoolean`, `Double.parseDouble`).
 * A parser returns undefined where Java throws: the decoder then leaves the field unset, as Java's
 * `decodeCommandCustomHeader` does after logging.
 */

const INT_TEXT = /^[+-]?\d+$/;
const MIN_LONG = -(2n ** 63n);
const MAX_LONG = 2n ** 63n - 1n;

export function isInt32(v: unknown): v is number {
  return typeof v === 'number' && (v | 0) === v;
}

export function isInt64(v: unknown): v is bigint {
  return typeof v === 'bigint' && v >= MIN_LONG && v <= MAX_LONG;
}

/** `Integer.parseInt`: optional sign, ASCII digits, within int32. */
export function parseJavaInt(s: string): number | undefined {
  if (!INT_TEXT.test(s)) return undefined;
  const v = Number(s);
  return v >= -2147483648 && v <= 2147483647 ? v | 0 : undefined;
}

/** `Long.parseLong`: optional sign, ASCII digits, within int64. */
export function parseJavaLong(s: string): bigint | undefined {
  if (!INT_TEXT.test(s)) return undefined;
  const v = BigInt(s);
  return v >= MIN_LONG && v <= MAX_LONG ? v : undefined;
}

/** `Boolean.parseBoolean`: "true" in any case is true; anything else, "yes" and "1" included, is false. */
export function parseJavaBoolean(s: string): boolean {
  return s.length === 4 && s.toLowerCase() === 'true';
}

const DOUBLE_TEXT = /^[+-]?(?:NaN|Infinity|(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)[fFdD]?$/;

/** `Double.parseDouble` for decimal text (Java's hexadecimal form is not accepted: undefined). */
export function parseJavaDouble(s: string): number | undefined {
  // Java's trim(): every char up to U+0020 counts as space.
  let a = 0;
  let b = s.length;
  while (a < b && s.charCodeAt(a) <= 0x20) a++;
  while (b > a && s.charCodeAt(b - 1) <= 0x20) b--;
  const t = s.slice(a, b);
  if (!DOUBLE_TEXT.test(t)) return undefined;
  const last = t.charCodeAt(t.length - 1);
  const digits = last === 0x66 || last === 0x46 || last === 0x64 || last === 0x44 ? t.slice(0, -1) : t;
  return Number(digits);
}

/**
 * `Double.toString`: decimal with at least one fraction digit for 1e-3 <= |d| < 1e7, otherwise
 * computerized scientific notation (`1.0E7`, `1.5E-5`); shortest digits that round-trip.
 */
export function javaDoubleToString(d: number): string {
  if (Number.isNaN(d)) return 'NaN';
  if (d === Infinity) return 'Infinity';
  if (d === -Infinity) return '-Infinity';
  if (d === 0) return Object.is(d, -0) ? '-0.0' : '0.0';
  const abs = Math.abs(d);
  if (abs >= 1e-3 && abs < 1e7) {
    const s = String(d);
    return s.includes('.') ? s : s + '.0';
  }
  const [mantissa, exponent] = d.toExponential().split('e') as [string, string];
  const m = mantissa.includes('.') ? mantissa : mantissa + '.0';
  return m + 'E' + (exponent.startsWith('+') ? exponent.slice(1) : exponent);
}
