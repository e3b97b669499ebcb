import type { NetworkInterfaceInfo } from 'node:os';
import { InvalidArgumentError } from '../../../src/errors';
import { Message } from '../../../src/message/message';
import {
  offsetMessageIdOf,
  buildUniqId,
  bytesToIp,
  createOffsetMessageId,
  createUniqId,
  decodeOffsetMessageId,
  decodeUniqId,
  fakeIp,
  getUniqId,
  ipToBytes,
  monthBounds,
  selectUniqIdIp,
  setUniqId,
  uniqIdTimeField,
} from '../../../src/message/message-id';

const ip4 = (s: string) => ipToBytes(s)!;

function iface(address: string, family: 'IPv4' | 'IPv6'): NetworkInterfaceInfo {
  return { address, family, netmask: '', mac: '00:00:00:00:00:00', internal: false, cidr: null } as NetworkInterfaceInfo;
}

describe('buildUniqId (MessageClientIDSetter layout)', () => {
  it('matches the worked example of protocol.md 6.1', () => {
    const id = buildUniqId({ ip: ip4('192.168.1.10'), pid: 12345, classLoaderHash: 0x1b6d3586, timeIntoMonth: 0x00a1b2c3, counter: 7 });
    expect(id).toBe('C0A8010A30391B6D358600A1B2C30007');
  });

  it('writes (short) pid, the int32 cast of the time and the low 16 bits of the counter', () => {
    const id = buildUniqId({ ip: ip4('10.1.2.3'), pid: 70000, classLoaderHash: -559038737, timeIntoMonth: 2_000_000_000, counter: 65536 });
    // 70000 & 0xffff = 0x1170; -559038737 = 0xDEADBEEF; 2e9 = 0x77359400; 65536 & 0xffff = 0
    expect(id).toBe('0A010203' + '1170' + 'DEADBEEF' + '77359400' + '0000');
    expect(buildUniqId({ ip: ip4('1.2.3.4'), pid: -1, classLoaderHash: 0, timeIntoMonth: 0, counter: 0 }).slice(8, 12)).toBe('FFFF');
  });

  it('wraps the time past ~24.8 days into the month, as Java\'s (int) cast does', () => {
    expect(uniqIdTimeField(2_147_483_647)).toBe(2_147_483_647);
    expect(uniqIdTimeField(2_200_000_000)).toBe(2_200_000_000 - 2 ** 32);
    const id = buildUniqId({ ip: ip4('172.16.5.4'), pid: 1, classLoaderHash: 42, timeIntoMonth: 2_200_000_000, counter: 3 });
    expect(id.slice(20, 28)).toBe((2_200_000_000).toString(16).toUpperCase().padStart(8, '0'));
  });

  it('writes 0 for a slightly negative time (clock stepped back), keeps larger negatives', () => {
    expect(uniqIdTimeField(-1)).toBe(0);
    expect(uniqIdTimeField(-999_999)).toBe(0);
    expect(uniqIdTimeField(-1_000_000)).toBe(-1_000_000);
    // (int) of 2^32 - 5 is -5: inside the window, so 0
    expect(uniqIdTimeField(2 ** 32 - 5)).toBe(0);
  });

  it('is 56 hex chars with an IPv6 address and decodes back', () => {
    const ip = ipToBytes('2001:db8::ff00:42:8329')!;
    const id = buildUniqId({ ip, pid: 999, classLoaderHash: 5, timeIntoMonth: 3_600_000, counter: 4096 });
    expect(id).toHaveLength(56);
    expect(id.slice(0, 32)).toBe('20010DB8000000000000FF0000428329');
    const d = decodeUniqId(id);
    expect(Buffer.from(d.ip)).toEqual(ip);
    expect(d).toMatchObject({ pid: 999, classLoaderHash: 5, timeIntoMonth: 3_600_000, counter: 4096 });
  });

  it('refuses an ip that is neither 4 nor 16 bytes', () => {
    expect(() => buildUniqId({ ip: Buffer.alloc(5), pid: 0, classLoaderHash: 0, timeIntoMonth: 0, counter: 0 })).toThrow(
      InvalidArgumentError,
    );
    expect(() => decodeUniqId('ABC')).toThrow(InvalidArgumentError);
    expect(() => decodeUniqId('00'.repeat(10))).toThrow(InvalidArgumentError);
  });
});

describe('selectUniqIdIp (UtilAll.getIP)', () => {
  it('returns the first public address, IPv4 or IPv6, in walk order', () => {
    expect(bytesToIp(selectUniqIdIp({ lo: [iface('127.0.0.1', 'IPv4')], eth0: [iface('8.8.4.4', 'IPv4')] })!)).toBe('8.8.4.4');
    const v6 = selectUniqIdIp({ eth0: [iface('fe80::1', 'IPv6'), iface('2001:db8::1', 'IPv6'), iface('9.9.9.9', 'IPv4')] })!;
    expect(v6).toHaveLength(16);
    expect(bytesToIp(v6)).toBe('2001:db8:0:0:0:0:0:1');
  });

  it('falls back to the first private IPv4, a 127.x one replaced by a later private one', () => {
    expect(bytesToIp(selectUniqIdIp({ lo: [iface('127.0.0.1', 'IPv4')], a: [iface('10.0.0.2', 'IPv4')], b: [iface('192.168.1.1', 'IPv4')] })!)).toBe(
      '10.0.0.2',
    );
    expect(bytesToIp(selectUniqIdIp({ lo: [iface('127.0.0.1', 'IPv4')] })!)).toBe('127.0.0.1');
    // 172.16/12 is private, 172.32 is not
    expect(bytesToIp(selectUniqIdIp({ a: [iface('172.31.0.1', 'IPv4'), iface('172.32.0.1', 'IPv4')] })!)).toBe('172.32.0.1');
  });

  it('skips internal IPv6 (loopback, link-local, site-local, any) and gives undefined when nothing is left', () => {
    expect(selectUniqIdIp({ a: [iface('::1', 'IPv6'), iface('fe80::1', 'IPv6'), iface('fec0::1', 'IPv6'), iface('::', 'IPv6')] })).toBeUndefined();
    expect(selectUniqIdIp({})).toBeUndefined();
  });

  it('uses the low 32 bits of the clock as the fake ip', () => {
    expect(fakeIp(0x0123456789ab)).toEqual(Buffer.from([0x45, 0x67, 0x89, 0xab]));
  });
});

describe('createUniqId', () => {
  it('keeps a fixed prefix and counts up', () => {
    const now = Date.UTC(2024, 4, 10, 12);
    const a = createUniqId(now);
    const b = createUniqId(now + 5);
    expect(a).toMatch(/^[0-9A-F]{32}([0-9A-F]{24})?$/);
    expect(b.slice(0, -12)).toBe(a.slice(0, -12));
    const da = decodeUniqId(a);
    const db = decodeUniqId(b);
    expect(db.counter).toBe((da.counter + 1) & 0xffff);
    expect(db.timeIntoMonth - da.timeIntoMonth).toBe(5);
    expect(da.pid).toBe(process.pid & 0xffff);
    expect(da.timeIntoMonth).toBe(uniqIdTimeField(now - monthBounds(now).start));
  });

  it('recomputes the month start when a new month begins', () => {
    const { next } = monthBounds(Date.UTC(2024, 4, 10, 12));
    createUniqId(Date.UTC(2024, 4, 10, 12));
    expect(decodeUniqId(createUniqId(next + 42)).timeIntoMonth).toBe(42);
  });

  it('computes month bounds in local time', () => {
    const { start, next } = monthBounds(new Date(2024, 1, 15, 8, 30).getTime());
    expect(start).toBe(new Date(2024, 1, 1).getTime());
    expect(next).toBe(new Date(2024, 2, 1).getTime());
    const dec = monthBounds(new Date(2023, 11, 31, 23, 59).getTime());
    expect(dec.next).toBe(new Date(2024, 0, 1).getTime());
  });

  it('formats time and counter as the Java int32/short bytes, across the counter wrap', () => {
    // Later than the months used above: the month start only ever moves forward.
    const now = Date.UTC(2024, 7, 10, 12);
    const first = decodeUniqId(createUniqId(now)).counter;
    let prev = first;
    for (let i = 1; i <= 70_000; i++) {
      const id = createUniqId(now + i);
      if (i % 9973 !== 0 && i < 69_990) continue;
      const d = decodeUniqId(id);
      expect(d.counter).toBe((first + i) & 0xffff);
      expect(d.timeIntoMonth).toBe(uniqIdTimeField(now + i - monthBounds(now).start));
      const tail = Buffer.alloc(6);
      tail.writeInt32BE(d.timeIntoMonth, 0);
      tail.writeUInt16BE(d.counter, 4);
      expect(id.slice(-12)).toBe(tail.toString('hex').toUpperCase());
      prev = d.counter;
    }
    expect(prev).toBe((first + 70_000) & 0xffff);
  });

  it('uniqIdTimeField matches the int64 -> int32 cast for any finite value', () => {
    const ref = (v: number) => {
      const d = Number(BigInt.asIntN(32, BigInt(Math.trunc(v))));
      return d < 0 && d > -1_000_000 ? 0 : d;
    };
    for (const v of [0, 1, -0.5, 0.9, -1.5, 2 ** 31, 2 ** 32 + 7, -(2 ** 31) - 1, 2 ** 40 + 123.75, -(2 ** 45) - 3, 1e15 + 1, -999_999.9, -1_000_000.2]) {
      expect(uniqIdTimeField(v)).toBe(ref(v));
    }
    expect(() => uniqIdTimeField(Number.NaN)).toThrow(InvalidArgumentError);
  });

  it('setUniqId sets UNIQ_KEY only when absent', () => {
    const m = new Message('T', 'b');
    setUniqId(m);
    const id = getUniqId(m)!;
    expect(id).toMatch(/^[0-9A-F]+$/);
    setUniqId(m);
    expect(getUniqId(m)).toBe(id);
  });
});

describe('offset message ids (MessageDecoder.createMessageId / decodeMessageId)', () => {
  it('encodes ip + port + offset as uppercase hex', () => {
    expect(createOffsetMessageId('127.0.0.1', 10911, 1024n)).toBe('7F000001' + '00002A9F' + '0000000000000400');
    expect(createOffsetMessageId(Buffer.from([10, 0, 0, 255]), 65535, 2n ** 63n - 1n)).toBe(
      '0A0000FF' + '0000FFFF' + '7FFFFFFFFFFFFFFF',
    );
    expect(createOffsetMessageId('::1', 10911, 4096n)).toHaveLength(56);
  });

  it('decodes both lengths, giving Java getHostAddress text for IPv6', () => {
    expect(decodeOffsetMessageId('7F00000100002A9F0000000000000400')).toEqual({
      ip: '127.0.0.1',
      port: 10911,
      offset: 1024n,
      addr: '127.0.0.1:10911',
    });
    const v6 = decodeOffsetMessageId(createOffsetMessageId('[::1]', 10911, 4096n));
    expect(v6).toEqual({ ip: '0:0:0:0:0:0:0:1', port: 10911, offset: 4096n, addr: '[0:0:0:0:0:0:0:1]:10911' });
    expect(decodeOffsetMessageId('7f00000100002a9f0000000000000400').offset).toBe(1024n);
  });

  it('refuses malformed ids and arguments', () => {
    for (const bad of ['', 'XYZ', '7F000001', '7F00000100002A9F00000000000004', 'G'.repeat(32), '0'.repeat(40)]) {
      expect(() => decodeOffsetMessageId(bad)).toThrow(InvalidArgumentError);
    }
    expect(() => createOffsetMessageId('not-an-ip', 1, 0n)).toThrow(InvalidArgumentError);
    expect(() => createOffsetMessageId('1.2.3.4', 1.5, 0n)).toThrow(InvalidArgumentError);
    expect(() => createOffsetMessageId('1.2.3.4', 1, 2n ** 63n)).toThrow(InvalidArgumentError);
    expect(() => createOffsetMessageId('1.2.3.4', 1, 5 as never)).toThrow(InvalidArgumentError);
  });

  it('parses IPv6 text with compression, embedded IPv4 and zones', () => {
    expect(ipToBytes('::ffff:1.2.3.4')!.toString('hex')).toBe('00000000000000000000ffff01020304');
    expect(ipToBytes('fe80::1%eth0')!.toString('hex')).toBe('fe800000000000000000000000000001');
    expect(ipToBytes('1::')!.toString('hex')).toBe('00010000000000000000000000000000');
    expect(ipToBytes('1:2:3:4:5:6:7:8')!.toString('hex')).toBe('00010002000300040005000600070008');
    expect(ipToBytes('300.1.1.1')).toBeUndefined();
  });
});

describe('offsetMessageIdOf (the decoder path)', () => {
  it('reads the ip from a range of a larger buffer, IPv4 and IPv6', () => {
    const record = Buffer.from([9, 9, 127, 0, 0, 1, 9, ...Array.from({ length: 16 }, (_, i) => 0xf0 + (i % 16)), 9]);
    expect(offsetMessageIdOf(record, 10911, 0, 5_000_000, 2, 6)).toBe(createOffsetMessageId('127.0.0.1', 10911, 5_000_000n));
    expect(offsetMessageIdOf(record, -1, -1, 0xffffffff, 7, 23)).toBe(
      createOffsetMessageId(record.subarray(7, 23), -1, -1n),
    );
  });

  it('gives the same id for an ip longer than any address (no scratch overrun)', () => {
    const ip = Uint8Array.from({ length: 20 }, (_, i) => i * 13);
    const expected = Buffer.from(ip).toString('hex').toUpperCase() + '0000002A' + '00000001' + '00000002';
    expect(offsetMessageIdOf(ip, 42, 1, 2)).toBe(expected);
  });
});
