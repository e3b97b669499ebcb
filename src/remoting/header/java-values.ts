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

function isDigit(c: number): boolean {
  return c >= 0x30 && c <= 0x39;
}

/** Index after the run of ASCII digits starting at `i`. */
function skipDigits(t: string, i: number): number {
  while (i < t.length && isDigit(t.charCodeAt(i))) i++;
  return i;
}

/**
 * Whether `t` (already trimmed) is Java decimal double text: sign, `NaN` | `Infinity` | digits with
 * an optional point (a digit on at least one side), optional exponent, optional `f`/`d` suffix.
 * One pass, no backtracking (the regex it replaces was quadratic on long digit runs).
 */
export function isJavaDoubleText(t: string): boolean {
  let i = 0;
  const sign = t.charCodeAt(0);
  if (sign === 0x2b || sign === 0x2d) i++;
  let end = t.length;
  const last = t.charCodeAt(end - 1);
  if (last === 0x66 || last === 0x46 || last === 0x64 || last === 0x44) end--;
  const body = t.slice(i, end);
  if (body === 'NaN' || body === 'Infinity') return true;
  const intEnd = skipDigits(t, i);
  let j = intEnd;
  let digits = intEnd - i;
  if (t.charCodeAt(j) === 0x2e) {
    const fracEnd = skipDigits(t, j + 1);
    digits += fracEnd - j - 1;
    j = fracEnd;
  }
  if (digits === 0) return false;
  const e = t.charCodeAt(j);
  if (j < end && (e === 0x65 || e === 0x45)) {
    j++;
    const es = t.charCodeAt(j);
    if (es === 0x2b || es === 0x2d) j++;
    const expEnd = skipDigits(t, j);
    if (expEnd === j) return false;
    j = expEnd;
  }
  return j === end;
}

/** `Double.parseDouble` for decimal text (Java's hexadecimal form is not accepted: undefined). */
export function parseJavaDouble(s: string): number | undefined {
  // Java's trim(): every char up to U+0020 counts as space.
  let a = 0;
  let b = s.length;
  while (a < b && s.charCodeAt(a) <= 0x20) a++;
  while (b > a && s.charCodeAt(b - 1) <= 0x20) b--;
  const t = s.slice(a, b);
  if (!isJavaDoubleText(t)) return undefined;
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
