import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { decodeCapture } from '../../../src/cli/capture/capture-decoder';
import { parseTcpSegment } from '../../../src/cli/capture/packet-parser';
import { readPcap, type PcapCapture, type PcapPacket } from '../../../src/cli/capture/pcap-reader';
import { PcapWriter } from '../../../src/cli/capture/pcap-writer';
import { TcpStream } from '../../../src/cli/capture/tcp-reassembler';
import { CliError } from '../../../src/cli/cli-error';
import type { FrameRecord } from '../../../src/cli/frame-describer';
import { RemotingCommand } from '../../../src/wire';

const FIXTURE = readPcap(readFileSync(path.join(__dirname, '..', '..', '..', 'fixtures', 'pcap', 'producer-broker.pcap')));

function decodeAll(cap: PcapCapture, serverPorts?: number[]): { records: Omit<FrameRecord, 'time' | 'latencyMs'>[]; problems: string[] } {
  const records: Omit<FrameRecord, 'time' | 'latencyMs'>[] = [];
  const problems = decodeCapture(cap, { serverPorts: serverPorts ? new Set(serverPorts) : undefined }, ({ record }) => {
    const { time: _t, latencyMs: _l, ...rest } = record;
    records.push(rest);
  });
  return { records, problems };
}

const baseline = decodeAll(FIXTURE);

/** The fixture's packets re-framed: IPv4 payload (the bytes after the 14-byte Ethernet header). */
const ipPackets: PcapPacket[] = FIXTURE.packets.map((p) => ({ timeMs: p.timeMs, data: p.data.subarray(14) }));

/** Writes a classic pcap in a chosen byte order and time resolution. */
function writePcap(linkType: number, packets: PcapPacket[], opts: { bigEndian?: boolean; nano?: boolean } = {}): Buffer {
  const parts: Buffer[] = [];
  const h = Buffer.alloc(24);
  const w32 = (b: Buffer, v: number, at: number): number => (opts.bigEndian ? b.writeUInt32BE(v, at) : b.writeUInt32LE(v, at));
  const w16 = (b: Buffer, v: number, at: number): number => (opts.bigEndian ? b.writeUInt16BE(v, at) : b.writeUInt16LE(v, at));
  w32(h, opts.nano ? 0xa1b23c4d : 0xa1b2c3d4, 0);
  w16(h, 2, 4);
  w16(h, 4, 6);
  w32(h, 65535, 16);
  w32(h, linkType, 20);
  parts.push(h);
  for (const p of packets) {
    const r = Buffer.alloc(16);
    const sec = Math.floor(p.timeMs / 1000);
    w32(r, sec, 0);
    w32(r, Math.round((p.timeMs - sec * 1000) * (opts.nano ? 1e6 : 1e3)), 4);
    w32(r, p.data.length, 8);
    w32(r, p.data.length, 12);
    parts.push(r, p.data);
  }
  return Buffer.concat(parts);
}

function withLinkHeader(header: Buffer): PcapPacket[] {
  return ipPackets.map((p) => ({ timeMs: p.timeMs, data: Buffer.concat([header, p.data]) }));
}

/** IPv4 -> IPv6 (both ends ::1), TCP unchanged. */
function toIpv6(p: PcapPacket): PcapPacket {
  const ihl = (p.data[0]! & 0x0f) * 4;
  const tcp = p.data.subarray(ihl, p.data.readUInt16BE(2));
  const h = Buffer.alloc(40);
  h[0] = 0x60;
  h.writeUInt16BE(tcp.length, 4);
  h[6] = 6;
  h[7] = 64;
  h[23] = 1;
  h[39] = 1;
  return { timeMs: p.timeMs, data: Buffer.concat([h, tcp]) };
}

describe('pcap capture decoding', () => {
  it('the fixture decodes without problems', () => {
    expect(baseline.problems).toEqual([]);
    expect(baseline.records.length).toBeGreaterThanOrEqual(10);
  });

  const sll = Buffer.alloc(16);
  sll.writeUInt16BE(0x0800, 14);
  const sll2 = Buffer.alloc(20);
  sll2.writeUInt16BE(0x0800, 0);
  const nullLe = Buffer.from([2, 0, 0, 0]);
  const nullBe = Buffer.from([0, 0, 0, 2]);
  const cases: [string, number, PcapPacket[], { bigEndian?: boolean; nano?: boolean }][] = [
    ['Linux SLL, big-endian, nanoseconds', 113, withLinkHeader(sll), { bigEndian: true, nano: true }],
    ['Linux SLL2, little-endian, nanoseconds', 276, withLinkHeader(sll2), { nano: true }],
    ['null/loopback, host order LE', 0, withLinkHeader(nullLe), {}],
    ['null/loopback, BE', 0, withLinkHeader(nullBe), { bigEndian: true }],
    ['raw IP', 101, ipPackets, {}],
  ];
  it.each(cases)('%s gives the same frames', (_n, linkType, packets, opts) => {
    const got = decodeAll(readPcap(writePcap(linkType, packets, opts)));
    expect(got.problems).toEqual([]);
    expect(got.records).toEqual(baseline.records);
  });

  it('IPv6 gives the same frames (addresses aside)', () => {
    const got = decodeAll(readPcap(writePcap(101, ipPackets.map(toIpv6))));
    expect(got.problems).toEqual([]);
    expect(got.records.map((r) => [r.dir, r.name, r.opaque, r.body])).toEqual(baseline.records.map((r) => [r.dir, r.name, r.opaque, r.body]));
    expect(got.records[0]!.conn).toMatch(/^\[::1\]:\d+-\[::1\]:35011$/);
  });

  it('reassembles segments that arrive out of order, duplicated and re-split', () => {
    // Split every data segment in two, swap the halves, and retransmit a copy of the whole afterwards.
    const shuffled: PcapPacket[] = [];
    for (const p of ipPackets) {
      const ihl = (p.data[0]! & 0x0f) * 4;
      const tcpLen = p.data.readUInt16BE(2) - ihl;
      const off = (p.data[ihl + 12]! >> 4) * 4;
      const payload = p.data.subarray(ihl + off, ihl + tcpLen);
      if (payload.length < 2) {
        shuffled.push(p);
        continue;
      }
      const seq = p.data.readUInt32BE(ihl + 4);
      const part = (from: number, to: number): PcapPacket => {
        const head = Buffer.from(p.data.subarray(0, ihl + off));
        head.writeUInt16BE(ihl + off + (to - from), 2);
        head.writeUInt32BE((seq + from) >>> 0, ihl + 4);
        return { timeMs: p.timeMs, data: Buffer.concat([head, payload.subarray(from, to)]) };
      };
      const mid = payload.length >> 1;
      shuffled.push(part(mid, payload.length), part(0, mid), p);
    }
    const got = decodeAll(readPcap(writePcap(101, shuffled)));
    expect(got.problems).toEqual([]);
    expect(got.records).toEqual(baseline.records);
  });

  it('TcpStream trims overlaps, drops old bytes and holds early ones', () => {
    const s = new TcpStream();
    expect(s.push(99, true, Buffer.alloc(0))).toEqual([]);
    expect(s.push(104, false, Buffer.from('efg'))).toEqual([]);
    expect(s.heldBytes).toBe(3);
    expect(Buffer.concat(s.push(100, false, Buffer.from('abcde'))).toString()).toBe('abcdefg');
    expect(s.push(101, false, Buffer.from('bc'))).toEqual([]);
    expect(Buffer.concat(s.push(105, false, Buffer.from('fghi'))).toString()).toBe('hi');
  });

  it('TcpStream wraps sequence numbers around 2^32', () => {
    const s = new TcpStream();
    s.push(0xfffffffe, true, Buffer.alloc(0));
    expect(Buffer.concat(s.push(0xffffffff, false, Buffer.from('ab'))).toString()).toBe('ab');
    expect(Buffer.concat(s.push(1, false, Buffer.from('cd'))).toString()).toBe('cd');
  });

  it('decides direction by --server-port when the handshake is missing', () => {
    const noSyn = ipPackets.filter((p) => (p.data[20 + 13]! & 0x02) === 0);
    const got = decodeAll(readPcap(writePcap(101, noSyn)), [35011]);
    expect(got.records.map((r) => r.dir)).toEqual(baseline.records.map((r) => r.dir));
  });

  it('reports bytes behind a gap that never fills, and decodes the rest', () => {
    const firstClientData = ipPackets.findIndex((p) => {
      const seg = parseTcpSegment(101, p.data)!;
      return seg.payload.length > 0 && seg.dst.endsWith(':35011');
    });
    const got = decodeAll(readPcap(writePcap(101, ipPackets.filter((_p, i) => i !== firstClientData))));
    expect(got.problems).toHaveLength(1);
    expect(got.problems[0]).toMatch(/\d+ bytes from 127\.0\.0\.1:\d+ lie behind a gap in the capture and were not decoded/);
    // The broker's side and the other connection still decode.
    expect(got.records.some((r) => r.dir === 'server->client' && r.name === 'SUCCESS')).toBe(true);
    expect(got.records.some((r) => r.name === 'PULL_MESSAGE')).toBe(true);
  });

  it('refuses unsupported link types and bad magic with a usage error', () => {
    expect(() => decodeAll(readPcap(writePcap(147, ipPackets)))).toThrow(/unsupported pcap link type 147/);
    expect(() => readPcap(Buffer.from('hello world, not pcap at all'))).toThrow(CliError);
  });

  it('PcapWriter output is read back with the data it was given', () => {
    const chunks: Buffer[] = [];
    const w = new PcapWriter((c) => chunks.push(c));
    const c = w.open('10.1.2.3', 5555, '10.1.2.4', 9876, 1_700_000_000_123.456);
    const frame = RemotingCommand.createRequest(105, { topic: 'T' }).encode();
    c.data(true, frame, 1_700_000_000_124);
    c.close(1_700_000_000_125);
    const cap = readPcap(Buffer.concat(chunks));
    expect(cap.packets).toHaveLength(6);
    expect(cap.packets[0]!.timeMs).toBeCloseTo(1_700_000_000_123.456, 3);
    const got = decodeAll(cap);
    expect(got.records).toHaveLength(1);
    expect(got.records[0]).toMatchObject({ conn: '10.1.2.3:5555-10.1.2.4:9876', dir: 'client->server', name: 'GET_ROUTEINFO_BY_TOPIC' });
  });
});
