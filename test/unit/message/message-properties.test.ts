import {
  messageProperties2String,
  string2messageProperties,
  NAME_VALUE_SEPARATOR as NV,
  PROPERTY_SEPARATOR as PS,
} from '../../../src/message/message-properties';
import { javaHashMapOrder } from '../../../src/remoting/protocol/java-hash';

/** The straightforward form: non-null entries, sorted into Java HashMap order each time. */
function reference(props: Map<string, string | null>, initialCapacity = 16): string {
  const kept = [...props].filter(([, v]) => v != null) as [string, string][];
  const values = new Map(kept);
  return javaHashMapOrder(kept.map(([k]) => k), initialCapacity)
    .map((k) => k + NV + values.get(k)! + PS)
    .join('');
}

describe('messageProperties2String', () => {
  it('writes name \\u0001 value \\u0002 for every entry, the last one included', () => {
    expect(messageProperties2String(new Map([['TAGS', 'TagA']]))).toBe(`TAGS${NV}TagA${PS}`);
  });

  it('gives an empty string for null, undefined and empty maps', () => {
    expect(messageProperties2String(null)).toBe('');
    expect(messageProperties2String(undefined)).toBe('');
    expect(messageProperties2String(new Map())).toBe('');
    expect(messageProperties2String({})).toBe('');
  });

  it('skips entries whose value is null or undefined, keeps empty strings', () => {
    const s = messageProperties2String({ a: 'x', b: null, c: undefined, d: '' });
    expect(string2messageProperties(s)).toEqual(new Map([['a', 'x']]));
    expect(s).toContain(`d${NV}${PS}`);
    expect(s).not.toContain('b');
  });

  it('orders entries like a Java HashMap (bucket of the hash, then insertion)', () => {
    // Java: new HashMap<>() with WAIT, TAGS, KEYS put in that order iterates KEYS, WAIT, TAGS
    // ("KEYS" spreads to bucket 7, "WAIT" to 13, "TAGS" to 14 of 16).
    const s = messageProperties2String(new Map([['WAIT', 'true'], ['TAGS', 'TagA'], ['KEYS', 'k']]));
    expect(s).toBe(`KEYS${NV}k${PS}WAIT${NV}true${PS}TAGS${NV}TagA${PS}`);
  });

  it('accepts a plain record as well as a Map', () => {
    const m = messageProperties2String(new Map([['k1', 'v1'], ['k2', 'v2']]));
    expect(messageProperties2String({ k1: 'v1', k2: 'v2' })).toBe(m);
  });
});

describe('messageProperties2String order cache', () => {
  it('matches the uncached order for many key lists, repeated, past the cache bound', () => {
    const lists: Map<string, string | null>[] = [];
    for (let n = 0; n < 600; n++) {
      const m = new Map<string, string | null>();
      const size = 1 + (n % 23);
      for (let i = 0; i < size; i++) m.set(`K${(n * 7 + i * 13) % 97}_${i % 3}`, i % 5 === 4 ? null : `v${n}.${i}`);
      m.set('UNIQ_KEY', `ID${n}`);
      lists.push(m);
    }
    for (let round = 0; round < 2; round++) {
      for (const m of lists) {
        expect(messageProperties2String(m)).toBe(reference(m));
        expect(messageProperties2String(Object.fromEntries(m))).toBe(reference(m));
        expect(messageProperties2String(m, 4)).toBe(reference(m, 4));
      }
    }
  });

  it('uses the new values when the same key list repeats', () => {
    const a = messageProperties2String(new Map([['TAGS', 'v1'], ['KEYS', 'k1'], ['UNIQ_KEY', 'x1']]));
    const b = messageProperties2String(new Map([['TAGS', 'v2'], ['KEYS', 'k2'], ['UNIQ_KEY', 'x2']]));
    expect(b).toBe(a.replace('v1', 'v2').replace('k1', 'k2').replace('x1', 'x2'));
    expect(string2messageProperties(b)).toEqual(new Map([['TAGS', 'v2'], ['KEYS', 'k2'], ['UNIQ_KEY', 'x2']]));
  });
});

describe('string2messageProperties', () => {
  const cases: Array<[string, Record<string, string>]> = [
    ['', {}],
    [`a${NV}b`, { a: 'b' }],
    [`a${NV}b${PS}`, { a: 'b' }],
    // empty values are dropped
    [`a${NV}${PS}c${NV}d${PS}`, { c: 'd' }],
    // empty names are dropped
    [`${NV}x${PS}k${NV}v${PS}`, { k: 'v' }],
    // a segment without a separator is dropped
    [`ab${PS}k${NV}v${PS}`, { k: 'v' }],
    // a later duplicate wins
    [`k${NV}v${PS}k${NV}w${PS}`, { k: 'w' }],
    // only the first \u0001 splits
    [`k${NV}v${NV}w${PS}`, { k: `v${NV}w` }],
    // short segments and a missing final separator
    [`x${PS}${PS}k${NV}v`, { k: 'v' }],
  ];
  it.each(cases)('parses %j as Java does', (input, expected) => {
    expect(Object.fromEntries(string2messageProperties(input))).toEqual(expected);
  });

  it('round-trips unicode and punctuation', () => {
    const props = new Map([
      ['unicode', 'héllo 世界 🚀'],
      ['zz', '=:;,\t"\'\\'],
      ['KEYS', 'k1 k2'],
    ]);
    expect(string2messageProperties(messageProperties2String(props))).toEqual(props);
  });

  it('returns an empty map for null and undefined', () => {
    expect(string2messageProperties(null).size).toBe(0);
    expect(string2messageProperties(undefined).size).toBe(0);
  });
});
