import { validateInstanceEndpoint, nameSrvAddrFromEndpoint } from '../../../src/message/namespace';
import { parseJavaProperties } from '../../../src/client/session-credentials';
import { isJavaDoubleText, parseJavaDouble } from '../../../src/remoting/header/java-values';

/**
 * The hand-written scans that replaced backtracking regexes: same answers as the regexes on short
 * random and adversarial strings, and linear on long hostile ones (the regexes took a second or
 * more on tens of kilobytes).
 */

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

function randomString(next: () => number, alphabet: readonly string[], maxLen: number): string {
  const n = Math.floor(next() * maxLen);
  let out = '';
  for (let i = 0; i < n; i++) out += alphabet[Math.floor(next() * alphabet.length)];
  return out;
}

/** Milliseconds `fn` takes on `input`, the best of three (scheduling noise only adds). */
function millis(fn: (s: string) => unknown, input: string): number {
  let best = Infinity;
  for (let k = 0; k < 3; k++) {
    const t0 = performance.now();
    fn(input);
    best = Math.min(best, performance.now() - t0);
  }
  return best;
}

// Generous: "a few ms per KB" at worst on a loaded 2-core machine; the regexes took 10-1000x more.
const MS_PER_KB = 8; // generous for a loaded machine; the old regexes took 13-35 ms per KB here

const OLD_DOUBLE = /^[+-]?(?:NaN|Infinity|(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)[fFdD]?$/;
// Java's `.` also refuses U+0085, which the new check follows.
const OLD_INST = /^(\w+:\/\/|)MQ_INST_\w+_\w+\.[^\n\r\u0085\u2028\u2029]*$/;

describe('parseJavaDouble without backtracking', () => {
  test('agrees with the regex it replaces on 20 000 random strings', () => {
    const next = rng(7);
    const alphabet = ['0', '1', '9', '.', 'e', 'E', '+', '-', 'f', 'd', 'D', 'x', 'NaN', 'Infinity', ' '];
    for (let i = 0; i < 20_000; i++) {
      const s = randomString(next, alphabet, 12);
      expect([s, isJavaDoubleText(s)]).toEqual([s, OLD_DOUBLE.test(s)]);
    }
    expect(parseJavaDouble(' 1.5e3d ')).toBe(1500);
    expect(parseJavaDouble('.5')).toBe(0.5);
    expect(parseJavaDouble('5.')).toBe(5);
    expect(parseJavaDouble('.')).toBeUndefined();
    expect(parseJavaDouble('-Infinity')).toBe(-Infinity);
  });

  test.each([
    ['digits then junk', '1'.repeat(40_000) + 'x'],
    ['digits, point, digits, junk', '1'.repeat(20_000) + '.' + '1'.repeat(20_000) + 'e'],
    ['exponent run', '1e' + '1'.repeat(40_000) + '.'],
  ])('linear on 40 KB of %s', (_name, input) => {
    expect(parseJavaDouble(input)).toBeUndefined();
    expect(millis(parseJavaDouble, input)).toBeLessThan(MS_PER_KB * 40);
  });
});

describe('instance endpoint check without backtracking', () => {
  test('agrees with the regex it replaces on 20 000 random strings', () => {
    const next = rng(11);
    const alphabet = ['MQ_INST_', 'a', '_', '.', 'http', '://', ':', '/', '\n', '\u2028', '\u0085', 'x1'];
    for (let i = 0; i < 20_000; i++) {
      const s = randomString(next, alphabet, 10);
      expect([s, validateInstanceEndpoint(s)]).toEqual([s, OLD_INST.test(s)]);
    }
    expect(validateInstanceEndpoint('http://MQ_INST_123_abc.host:80')).toBe(true);
    expect(validateInstanceEndpoint('MQ_INST_1_2.x')).toBe(true);
    expect(validateInstanceEndpoint('MQ_INST__.x')).toBe(false);
    expect(nameSrvAddrFromEndpoint('http://a/b/host:9876')).toBe('host:9876');
    expect(nameSrvAddrFromEndpoint('http://a/\u2028b')).toBe('http://a/\u2028b');
  });

  test.each([
    ['underscores', 'MQ_INST_' + '_'.repeat(40_000)],
    ['scheme of underscores', '_'.repeat(40_000) + '://MQ_INST_' + '_'.repeat(10) + '!'],
    ['word chars then a line break', 'http://MQ_INST_a_b.' + 'x'.repeat(40_000) + '\n'],
  ])('linear on 40 KB of %s', (_name, input) => {
    expect(validateInstanceEndpoint(input)).toBe(false);
    expect(millis(validateInstanceEndpoint, input)).toBeLessThan(MS_PER_KB * 40);
    expect(millis(nameSrvAddrFromEndpoint, input)).toBeLessThan(MS_PER_KB * 40);
  });
});

describe('key-file parser without backtracking', () => {
  test('reads Java properties syntax', () => {
    const props = parseJavaProperties(
      ['# c', '! c', '  AccessKey = ak', 'SecretKey:sk\\', '   more', 'a\\ b\\=c value\\u0041\\t', 'lone', 'x\u2028y=z\u2028w', 'tail\\'].join('\n'),
    );
    expect(props.get('AccessKey')).toBe('ak');
    expect(props.get('SecretKey')).toBe('skmore');
    expect(props.get('a b=c')).toBe('valueA\t');
    expect(props.get('lone')).toBe('');
    expect(props.get('x\u2028y')).toBe('z\u2028w');
    expect(props.get('tail')).toBe('\\'); // as before: a lone trailing backslash stays in the value
  });

  test.each([
    ['a long line ending in U+2028', 'k' + ' '.repeat(2_000) + '=' + ' '.repeat(2_000) + '\u2028'],
    ['escapes ending in U+2028', '\\a'.repeat(20_000) + '\u2028'],
    ['backslash runs', '\\'.repeat(40_001)],
    ['separator runs', 'k' + ' :'.repeat(20_000) + '\u2029'],
  ])('linear on %s', (_name, input) => {
    const kb = Math.max(1, input.length / 1024);
    expect(parseJavaProperties(input).size).toBeLessThanOrEqual(1);
    expect(millis(parseJavaProperties, input)).toBeLessThan(MS_PER_KB * kb + 5);
  });
});
