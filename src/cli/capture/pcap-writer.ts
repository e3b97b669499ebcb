import { LinkType } from './packet-parser';

/** Largest TCP payload per synthesized segment (IPv4 total length is 16 bits). */
const MAX_SEGMENT = 65_000;

const FIN = 0x01;
const SYN = 0x02;
const PSH = 0x08;
const ACK = 0x10;

function ipv4Bytes(ip: string): Buffer {
  const m = /^(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(ip.replace(/^::ffff:/, ''));
  return m ? Buffer.from([Number(m[1]), Number(m[2]), Number(m[3]), Number(m[4])]) : Buffer.from([127, 0, 0, 1]);
}

function checksum(parts: Buffer[]): number {
  let sum = 0;
  for (const p of parts) {
    for (let i = 0; i + 1 < p.length; i += 2) sum += p.readUInt16BE(i);
    if (p.length % 2 === 1) sum += p[p.length - 1]! << 8;
  }
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  return ~sum & 0xffff;
}

/** One side of a synthesized connection. */
interface Side {
  ip: Buffer;
  port: number;
  seq: number;
}

/**
 * A classic pcap (microsecond, little-endian, Ethernet) built from proxied byte streams: each
 * connection gets a SYN / SYN-ACK / ACK handshake, its data as TCP segments with running sequence
 * numbers and checksums, and FINs when it closes, so Wireshark and `decode` read it like a capture.
 * IPv6 peers are written as IPv4 127.0.0.1 (the ports still tell the connections apart).
 */
export class PcapWriter {
  constructor(private readonly write: (chunk: Buffer) => void) {
    const h = Buffer.alloc(24);
    h.writeUInt32LE(0xa1b2c3d4, 0);
    h.writeUInt16LE(2, 4);
    h.writeUInt16LE(4, 6);
    h.writeUInt32LE(262144, 16);
    h.writeUInt32LE(LinkType.ETHERNET, 20);
    write(h);
  }

  /** Starts a connection between `client` and `server` (`ip`, `port`); returns its handle. */
  open(clientIp: string, clientPort: number, serverIp: string, serverPort: number, timeMs: number): PcapConnection {
    const client: Side = { ip: ipv4Bytes(clientIp), port: clientPort, seq: 1000 };
    const server: Side = { ip: ipv4Bytes(serverIp), port: serverPort, seq: 5000 };
    const conn = new PcapConnection(this, client, server);
    this.segment(client, server, SYN, Buffer.alloc(0), timeMs);
    client.seq++;
    this.segment(server, client, SYN | ACK, Buffer.alloc(0), timeMs);
    server.seq++;
    this.segment(client, server, ACK, Buffer.alloc(0), timeMs);
    return conn;
  }

  /** @internal */
  segment(from: Side, to: Side, flags: number, payload: Buffer, timeMs: number): void {
    const tcp = Buffer.alloc(20);
    tcp.writeUInt16BE(from.port, 0);
    tcp.writeUInt16BE(to.port, 2);
    tcp.writeUInt32BE(from.seq >>> 0, 4);
    tcp.writeUInt32BE(flags & ACK ? to.seq >>> 0 : 0, 8);
    tcp[12] = 5 << 4;
    tcp[13] = flags;
    tcp.writeUInt16BE(65535, 14);
    const pseudo = Buffer.alloc(12);
    from.ip.copy(pseudo, 0);
    to.ip.copy(pseudo, 4);
    pseudo[9] = 6;
    pseudo.writeUInt16BE(20 + payload.length, 10);
    tcp.writeUInt16BE(checksum([pseudo, tcp, payload]), 16);
    const ip = Buffer.alloc(20);
    ip[0] = 0x45;
    ip.writeUInt16BE(20 + 20 + payload.length, 2);
    ip.writeUInt16BE(0x4000, 6); // don't fragment
    ip[8] = 64;
    ip[9] = 6;
    from.ip.copy(ip, 12);
    to.ip.copy(ip, 16);
    ip.writeUInt16BE(checksum([ip]), 10);
    const eth = Buffer.alloc(14);
    eth.writeUInt16BE(0x0800, 12);
    const len = 14 + 20 + 20 + payload.length;
    const rec = Buffer.alloc(16);
    const sec = Math.floor(timeMs / 1000);
    rec.writeUInt32LE(sec, 0);
    rec.writeUInt32LE(Math.min(999_999, Math.floor((timeMs - sec * 1000) * 1000)), 4);
    rec.writeUInt32LE(len, 8);
    rec.writeUInt32LE(len, 12);
    this.write(Buffer.concat([rec, eth, ip, tcp, payload]));
  }
}

export class PcapConnection {
  private closed = false;

  constructor(
    private readonly writer: PcapWriter,
    private readonly client: Side,
    private readonly server: Side,
  ) {}

  /** Bytes one side sent (as many segments as needed). */
  data(fromClient: boolean, bytes: Buffer, timeMs: number): void {
    const [from, to] = fromClient ? [this.client, this.server] : [this.server, this.client];
    for (let at = 0; at < bytes.length; at += MAX_SEGMENT) {
      const part = bytes.subarray(at, at + MAX_SEGMENT);
      this.writer.segment(from, to, PSH | ACK, part, timeMs);
      from.seq = (from.seq + part.length) >>> 0;
    }
  }

  /** Both sides' FINs (once). */
  close(timeMs: number): void {
    if (this.closed) return;
    this.closed = true;
    this.writer.segment(this.client, this.server, FIN | ACK, Buffer.alloc(0), timeMs);
    this.client.seq++;
    this.writer.segment(this.server, this.client, FIN | ACK, Buffer.alloc(0), timeMs);
    this.server.seq++;
  }
}
