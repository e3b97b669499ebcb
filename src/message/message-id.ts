import { randomBytes } from 'node:crypto';
import { isIPv4, isIPv6 } from 'node:net';
import { networkInterfaces, type NetworkInterfaceInfo } from 'node:os';
import { InvalidArgumentError } from '../errors';
import { MessageConst } from './message-const';
import { boundPeerText } from '../peer-text';
import { latin1 } from '../remoting/protocol/utf8';

/**
 * Message ids (protocol.md 6): the client unique id in property `UNIQ_KEY` (Java
 * `MessageClientIDSetter`) and the broker's offset message id (`MessageDecoder.createMessageId` /
 * `decodeMessageId`). Both are uppercase hex.
 */

export interface UniqIdParts {
  /** 4 bytes (IPv4) or 16 (IPv6). */
  ip: Uint8Array;
  /** Written as its low 16 bits, like Java's `(short) pid`; -1 gives FFFF. */
  pid: number;
  /** Java writes its class loader's identity hash here; we use a random int32 per process. */
  classLoaderHash: number;
  /** Milliseconds since the start of the month; cast to int32 as Java does (see `uniqIdTimeField`). */
  timeIntoMonth: number;
  /** Written as its low 16 bits. */
  counter: number;
}

function hex(b: Uint8Array): string {
  return Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('hex').toUpperCase();
}

/** Uppercase two-char hex of every byte: ids are formatted per message, so no Buffer round trip. */
const HEX_BYTE: readonly string[] = Array.from({ length: 256 }, (_, i) => i.toString(16).toUpperCase().padStart(2, '0'));

function hexInt32(v: number): string {
  return HEX_BYTE[(v >>> 24) & 0xff]! + HEX_BYTE[(v >>> 16) & 0xff]! + HEX_BYTE[(v >>> 8) & 0xff]! + HEX_BYTE[v & 0xff]!;
}

function hexUint16(v: number): string {
  return HEX_BYTE[(v >>> 8) & 0xff]! + HEX_BYTE[v & 0xff]!;
}

/**
 * The time field of a unique id: Java's `(int)(now - monthStart)`, i.e. the low 32 bits. Values in
 * (-1 000 000, 0), which a clock stepped back can give, are written as 0.
 */
export function uniqIdTimeField(timeIntoMonth: number): number {
  if (!Number.isFinite(timeIntoMonth)) throw new InvalidArgumentError(`time into month must be finite, got ${timeIntoMonth}`);
  // ToInt32 truncates and keeps the low 32 bits, exactly Java's (int) cast of the long difference.
  const diff = timeIntoMonth | 0;
  return diff < 0 && diff > -1_000_000 ? 0 : diff;
}

/** The pure layout of a unique id: ip + pid(2) + hash(4) + time(4) + counter(2). */
export function buildUniqId(p: UniqIdParts): string {
  if (p.ip.length !== 4 && p.ip.length !== 16) throw new InvalidArgumentError('unique id ip must be 4 or 16 bytes');
  const tail = Buffer.alloc(12);
  tail.writeUInt16BE(p.pid & 0xffff, 0);
  tail.writeInt32BE(p.classLoaderHash | 0, 2);
  tail.writeInt32BE(uniqIdTimeField(p.timeIntoMonth), 6);
  tail.writeUInt16BE(p.counter & 0xffff, 10);
  return hex(p.ip) + hex(tail);
}

/** Splits a unique id back into its parts (IPv6 when it is 28 bytes long, like Java's helpers). */
export function decodeUniqId(id: string): UniqIdParts {
  const bytes = hexToBytes(id, 'unique id');
  if (bytes.length !== 16 && bytes.length !== 28) throw new InvalidArgumentError(`not a unique id: ${boundPeerText(id)}`);
  const ipLen = bytes.length === 28 ? 16 : 4;
  return {
    ip: bytes.subarray(0, ipLen),
    pid: bytes.readUInt16BE(ipLen),
    classLoaderHash: bytes.readInt32BE(ipLen + 2),
    timeIntoMonth: bytes.readInt32BE(ipLen + 6),
    counter: bytes.readUInt16BE(ipLen + 10),
  };
}

/** Local-time start of the month containing `nowMs`, and of the next one (Java `Calendar` in the default zone). */
export function monthBounds(nowMs: number): { start: number; next: number } {
  const d = new Date(nowMs);
  return {
    start: new Date(d.getFullYear(), d.getMonth(), 1, 0, 0, 0, 0).getTime(),
    next: new Date(d.getFullYear(), d.getMonth() + 1, 1, 0, 0, 0, 0).getTime(),
  };
}

function isInternalIPv4(b: Uint8Array): boolean {
  return b[0] === 10 || b[0] === 127 || (b[0] === 172 && b[1]! >= 16 && b[1]! <= 31) || (b[0] === 192 && b[1] === 168);
}

/** Java `UtilAll.isInternalV6IP`: any-local, link-local (fe80::/10), loopback, site-local (fec0::/10). */
function isInternalIPv6(b: Uint8Array): boolean {
  if (b.every((x) => x === 0)) return true;
  if (b.subarray(0, 15).every((x) => x === 0) && b[15] === 1) return true;
  return b[0] === 0xfe && ((b[1]! & 0xc0) === 0x80 || (b[1]! & 0xc0) === 0xc0);
}

/**
 * Java `UtilAll.getIP`: walking every interface and address in order, the first public IPv4 or public
 * IPv6 wins; else the first private IPv4 seen (a 127.x one is replaced by a later private one); else
 * undefined (the caller then uses the "fake IP", the low 32 bits of the clock).
 */
export function selectUniqIdIp(interfaces: NodeJS.Dict<NetworkInterfaceInfo[]> = networkInterfaces()): Buffer | undefined {
  let internal: Buffer | undefined;
  for (const addrs of Object.values(interfaces)) {
    for (const a of addrs ?? []) {
      const family = String(a.family);
      if (family === 'IPv4' || family === '4') {
        const b = ipToBytes(a.address);
        if (b === undefined || b.length !== 4) continue;
        if (!isInternalIPv4(b)) return b;
        if (internal === undefined || internal[0] === 127) internal = b;
      } else if (family === 'IPv6' || family === '6') {
        const b = ipToBytes(a.address);
        if (b !== undefined && b.length === 16 && !isInternalIPv6(b)) return b;
      }
    }
  }
  return internal;
}

/** Java `createFakeIP`: bytes 4..7 of the big-endian epoch millis. */
export function fakeIp(nowMs: number): Buffer {
  const b = Buffer.alloc(8);
  b.writeBigInt64BE(BigInt(Math.trunc(nowMs)));
  return b.subarray(4);
}

interface IdState {
  prefix: string;
  monthStart: number;
  nextMonthStart: number;
  counter: number;
}
let state: IdState | undefined;

function initState(now: number): IdState {
  let ip: Buffer | undefined;
  try {
    ip = selectUniqIdIp();
  } catch {
    ip = undefined;
  }
  ip ??= fakeIp(now);
  const fixed = Buffer.alloc(6);
  fixed.writeUInt16BE(process.pid & 0xffff, 0);
  fixed.writeInt32BE(randomBytes(4).readInt32BE(0), 2);
  const { start, next } = monthBounds(now);
  return { prefix: hex(ip) + hex(fixed), monthStart: start, nextMonthStart: next, counter: 0 };
}

/** A new `UNIQ_KEY` value: 32 hex chars (56 when the host only has a public IPv6). */
export function createUniqId(now: number = Date.now()): string {
  const s = (state ??= initState(now));
  if (now >= s.nextMonthStart) {
    const b = monthBounds(now);
    s.monthStart = b.start;
    s.nextMonthStart = b.next;
  }
  const id = s.prefix + hexInt32(uniqIdTimeField(now - s.monthStart)) + hexUint16(s.counter);
  s.counter = (s.counter + 1) & 0xffff;
  return id;
}

interface PropertyHolder {
  getProperty(name: string): string | undefined;
  putProperty(name: string, value: string): void;
}

/** Gives the message a `UNIQ_KEY` unless it already has one. */
export function setUniqId(msg: PropertyHolder): void {
  if (msg.getProperty(MessageConst.PROPERTY_UNIQ_CLIENT_MESSAGE_ID_KEYIDX) === undefined) {
    msg.putProperty(MessageConst.PROPERTY_UNIQ_CLIENT_MESSAGE_ID_KEYIDX, createUniqId());
  }
}

export function getUniqId(msg: { getProperty(name: string): string | undefined }): string | undefined {
  return msg.getProperty(MessageConst.PROPERTY_UNIQ_CLIENT_MESSAGE_ID_KEYIDX);
}

/** Bytes of a textual IPv4 or IPv6 address (brackets and a `%zone` suffix allowed); undefined if invalid. */
export function ipToBytes(ip: string): Buffer | undefined {
  let s = ip.trim();
  if (s.startsWith('[') && s.endsWith(']')) s = s.slice(1, -1);
  const zone = s.indexOf('%');
  if (zone >= 0) s = s.slice(0, zone);
  if (isIPv4(s)) return Buffer.from(s.split('.').map(Number));
  if (!isIPv6(s)) return undefined;
  const out = Buffer.alloc(16);
  let groups = s;
  let v4: Buffer | undefined;
  const lastColon = s.lastIndexOf(':');
  if (s.indexOf('.', lastColon) >= 0) {
    v4 = Buffer.from(s.slice(lastColon + 1).split('.').map(Number));
    groups = s.slice(0, lastColon + 1) + '0:0';
  }
  const halves = groups.split('::');
  const head = halves[0] ? halves[0].split(':') : [];
  const tail = halves.length > 1 && halves[1] ? halves[1].split(':') : [];
  head.forEach((g, i) => out.writeUInt16BE(parseInt(g, 16), i * 2));
  tail.forEach((g, i) => out.writeUInt16BE(parseInt(g, 16), 16 - (tail.length - i) * 2));
  if (v4) v4.copy(out, 12);
  return out;
}

/** IPv4 dotted, IPv6 as Java's `getHostAddress` prints it (8 groups, no zero compression). */
export function bytesToIp(b: Uint8Array): string {
  // Every stored record carries two hosts: no array per address.
  if (b.length === 4) return `${b[0]}.${b[1]}.${b[2]}.${b[3]}`;
  const groups: string[] = [];
  for (let i = 0; i < 16; i += 2) groups.push(((b[i]! << 8) | b[i + 1]!).toString(16));
  return groups.join(':');
}

function hexToBytes(s: string, what: string): Buffer {
  if (typeof s !== 'string' || s.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(s)) {
    throw new InvalidArgumentError(`${what} is not an even-length hex string: ${String(s)}`);
  }
  return Buffer.from(s, 'hex');
}

/** The broker's message id: store host ip + port (int32) + commit-log offset (int64), uppercase hex. */
export function createOffsetMessageId(ip: Uint8Array | string, port: number, offset: bigint): string {
  const ipBytes = typeof ip === 'string' ? ipToBytes(ip) : ip;
  if (ipBytes === undefined || (ipBytes.length !== 4 && ipBytes.length !== 16)) {
    throw new InvalidArgumentError(`not an IPv4 or IPv6 address: ${String(ip)}`);
  }
  // An int32 like Java's putInt: the decoder passes whatever the stored record says.
  if (!Number.isInteger(port) || port < -0x80000000 || port > 0x7fffffff) {
    throw new InvalidArgumentError(`port must be an int32, got ${String(port)}`);
  }
  if (typeof offset !== 'bigint' || BigInt.asIntN(64, offset) !== offset) {
    throw new InvalidArgumentError(`offset must be an int64 bigint, got ${String(offset)}`);
  }
  return offsetMessageIdOf(ipBytes, port, Number(BigInt.asIntN(32, offset >> 32n)), Number(BigInt.asUintN(32, offset)));
}

/**
 * `createOffsetMessageId` from parts a decoder has already checked (a 4 or 16 byte ip, an int32 port)
 * and the commit-log offset as its high and low 32 bits: no buffer and no bigint per stored record.
 * The ip is `ip[ipStart, ipEnd)`, so a decoder can pass the record's own bytes.
 */
export function offsetMessageIdOf(
  ip: Uint8Array,
  port: number,
  offsetHigh: number,
  offsetLow: number,
  ipStart = 0,
  ipEnd = ip.length,
): string {
  // Hex digits written into one scratch buffer and read back as one flat string: a string
  // concatenation per byte made a dozen intermediate strings per record.
  const out = ipEnd - ipStart <= 16 ? ID_SCRATCH : Buffer.alloc(2 * (ipEnd - ipStart) + 24);
  let p = 0;
  for (let i = ipStart; i < ipEnd; i++) p = hexByteAt(out, p, ip[i]!);
  p = hexInt32At(out, p, port);
  p = hexInt32At(out, p, offsetHigh);
  p = hexInt32At(out, p, offsetLow);
  return latin1(out, 0, p);
}

/** Room for the longest offset id: a 16-byte ip, then port and offset (24 hex digits). */
const ID_SCRATCH = Buffer.alloc(2 * 16 + 24);
const HEX_DIGIT = Uint8Array.from('0123456789ABCDEF', (c) => c.charCodeAt(0));

function hexByteAt(out: Buffer, p: number, v: number): number {
  out[p] = HEX_DIGIT[v >>> 4]!;
  out[p + 1] = HEX_DIGIT[v & 15]!;
  return p + 2;
}

function hexInt32At(out: Buffer, p: number, v: number): number {
  p = hexByteAt(out, p, (v >>> 24) & 0xff);
  p = hexByteAt(out, p, (v >>> 16) & 0xff);
  p = hexByteAt(out, p, (v >>> 8) & 0xff);
  return hexByteAt(out, p, v & 0xff);
}

export interface OffsetMessageId {
  ip: string;
  port: number;
  offset: bigint;
  /** `ip:port`, with the IPv6 ip in brackets: what the remoting client connects to. */
  addr: string;
}

/** Java `MessageDecoder.decodeMessageId`: 32 hex chars for an IPv4 store host, 56 for IPv6. */
export function decodeOffsetMessageId(id: string): OffsetMessageId {
  const bytes = hexToBytes(id, 'message id');
  if (bytes.length !== 16 && bytes.length !== 28) {
    throw new InvalidArgumentError(`message id must be 32 or 56 hex chars, got ${id.length}: ${boundPeerText(id)}`);
  }
  const ipLen = bytes.length === 16 ? 4 : 16;
  const ip = bytesToIp(bytes.subarray(0, ipLen));
  const port = bytes.readInt32BE(ipLen);
  const offset = bytes.readBigInt64BE(ipLen + 4);
  return { ip, port, offset, addr: ipLen === 4 ? `${ip}:${port}` : `[${ip}]:${port}` };
}
