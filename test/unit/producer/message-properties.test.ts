import {
  messageProperties2String,
  string2messageProperties,
  NAME_VALUE_SEPARATOR as NV,
  PROPERTY_SEPARATOR as PS,
} from '../../../src/producer/message-properties';

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
