/** ByteReader's int64 readers give what Buffer's own bigint reader gives, at every boundary of their fast paths. */
import { RemotingProtocolError } from '../../../../src/errors';
import { ByteReader } from '../../../../src/remoting/protocol/byte-reader';

const values = [
  0n,
  1n,
  -1n,
  4294967295n,
  4294967296n,
  -4294967296n,
  1_700_000_000_000n,
  2n ** 53n - 1n,
  2n ** 53n,
  2n ** 53n + 1n,
  -(2n ** 53n),
  -(2n ** 53n) - 1n,
  2n ** 63n - 1n,
  -(2n ** 63n),
  0x1fffffn << 32n,
  (0x1fffffn << 32n) + 0xffffffffn,
  0x200000n << 32n,
  -(0x200000n << 32n),
  -(0x200000n << 32n) - 1n,
];

function bytesOf(v: bigint): Buffer {
  const b = Buffer.alloc(10);
  b.writeBigInt64BE(v, 1);
  return b;
}

describe('ByteReader int64', () => {
  it.each(values.map((v) => [v.toString(), v] as const))('%s as a bigint', (_s, v) => {
    const r = new ByteReader(bytesOf(v), 1);
    expect(r.int64()).toBe(v);
    expect(r.offset).toBe(9);
  });

  it.each(values.map((v) => [v.toString(), v] as const))('%s as a number, as Number(bigint) rounds it', (_s, v) => {
    const r = new ByteReader(bytesOf(v), 1);
    expect(r.int64Number()).toBe(Number(v));
  });

  it('refuses to read past the end', () => {
    expect(() => new ByteReader(Buffer.alloc(7)).int64('X')).toThrow(RemotingProtocolError);
    expect(() => new ByteReader(Buffer.alloc(7)).int64Number('X')).toThrow(RemotingProtocolError);
  });
});

describe('ByteReader copy and skip', () => {
  it('copy gives the bytes in memory of their own', () => {
    const src = Buffer.from([1, 2, 3, 4, 5]);
    const r = new ByteReader(src, 1);
    const c = r.copy(3);
    expect([...c]).toEqual([2, 3, 4]);
    src[2] = 99;
    expect(c[1]).toBe(3);
    expect(r.offset).toBe(4);
    expect(() => r.copy(2)).toThrow(RemotingProtocolError);
  });

  it('skip returns where the skipped bytes start', () => {
    const r = new ByteReader(Buffer.alloc(8), 2);
    expect(r.skip(4)).toBe(2);
    expect(r.offset).toBe(6);
    expect(() => r.skip(3)).toThrow(RemotingProtocolError);
  });
});
