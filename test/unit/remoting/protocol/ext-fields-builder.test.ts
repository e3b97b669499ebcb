/** ExtFieldsBuilder gives the map that key-by-key assignment gives, whether or not a key list has its own function. */
import { newExtFields, type ExtFields } from '../../../../src/remoting/protocol/command-fields';
import { ExtFieldsBuilder } from '../../../../src/remoting/protocol/ext-fields-builder';
import { HeaderSink } from '../../../../src/remoting/protocol/header-sink';

type Op = [key: string, value: string | null];

function keyByKey(ops: readonly Op[]): ExtFields {
  const ext = newExtFields();
  for (const [k, v] of ops) {
    if (v === null) delete ext[k];
    else ext[k] = v;
  }
  return ext;
}

function built(b: ExtFieldsBuilder, ops: readonly Op[]): ExtFields {
  b.reset();
  for (const [k, v] of ops) {
    if (v === null) b.remove(k);
    else b.put(k, v);
  }
  return b.build();
}

function expectSame(actual: ExtFields, expected: ExtFields): void {
  expect(Object.getPrototypeOf(actual)).toBe(Object.getPrototypeOf(expected));
  expect(Object.keys(actual)).toEqual(Object.keys(expected));
  for (const k of Object.keys(expected)) expect(actual[k]).toBe(expected[k]);
}

const lists: Op[][] = [
  [['a', 'x'], ['b', 'y'], ['c', '4']],
  [['queueId', '3'], ['msgId', 'ABC'], ['queueOffset', '17']],
  [['a', '1'], ['a', '2'], ['b', '3']], // a repeated key: the last value, first position
  [['a', '1'], ['b', null], ['b', '2']], // removed, then set again
  [['a', '1'], ['b', '2'], ['a', null]], // removed for good
  [['__proto__', 'p'], ['constructor', 'c'], ['7', 'n'], ['"quoted"\\', 'q'], ['\u2028', 'ls']],
  [],
];

describe('ExtFieldsBuilder', () => {
  it.each(lists.map((ops, i) => [i, ops] as const))('list %i: same map on first, second and later sightings', (_i, ops) => {
    const b = new ExtFieldsBuilder();
    for (let round = 0; round < 4; round++) expectSame(built(b, ops), keyByKey(ops));
  });

  it('a wire key __proto__ is an own property, never the prototype', () => {
    const b = new ExtFieldsBuilder();
    for (let round = 0; round < 3; round++) {
      const ext = built(b, [['__proto__', 'x']]);
      expect(Object.hasOwn(ext, '__proto__')).toBe(true);
      expect(Object.getPrototypeOf(Object.getPrototypeOf(ext))).toBeNull();
    }
  });

  it('alternating and many different key lists still give the same maps', () => {
    const b = new ExtFieldsBuilder();
    for (let round = 0; round < 3; round++) {
      for (let n = 0; n < 40; n++) {
        const ops: Op[] = Array.from({ length: (n % 5) + 1 }, (_, i) => [`k${n}-${i}`, `v${round}-${i}`]);
        expectSame(built(b, ops), keyByKey(ops));
        expectSame(built(b, lists[0]!), keyByKey(lists[0]!));
      }
    }
  });

  it('a long key list is assigned key by key', () => {
    const b = new ExtFieldsBuilder();
    const ops: Op[] = Array.from({ length: 100 }, (_, i) => [`key${i}`, `${i}`]);
    for (let round = 0; round < 3; round++) expectSame(built(b, ops), keyByKey(ops));
  });
});

describe('HeaderSink.decimal', () => {
  it.each([0, 7, 9, 10, 99, 100, 310, 479, 65535, 1e9, 2147483647, -1, -10, -479, -2147483648])('%d as Java writes it', (v) => {
    const sink = new HeaderSink(16);
    sink.decimal(v);
    expect(sink.buf.toString('latin1', 0, sink.pos)).toBe(String(v));
  });
});
