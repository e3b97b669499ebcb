/** A TCP segment lifted out of a captured packet. */
export interface TcpSegment {
  src: string;
  dst: string;
  seq: number;
  syn: boolean;
  ack: boolean;
  fin: boolean;
  rst: boolean;
  payload: Buffer;
}

/** Link types this reader understands (pcap-linktype(7)). */
export const LinkType = { NULL: 0, ETHERNET: 1, LOOP: 108, RAW: 101, LINUX_SLL: 113, IPV4: 228, IPV6: 229, LINUX_SLL2: 276 } as const;

export const SUPPORTED_LINK_TYPES: ReadonlySet<number> = new Set(Object.values(LinkType));

const ETHERTYPE_IPV4 = 0x0800;
const ETHERTYPE_IPV6 = 0x86dd;
const ETHERTYPE_VLAN = [0x8100, 0x88a8, 0x9100];
const IPPROTO_TCP = 6;

function ipv4Text(b: Buffer, at: number): string {
  return `${b[at]}.${b[at + 1]}.${b[at + 2]}.${b[at + 3]}`;
}

function ipv6Text(b: Buffer, at: number): string {
  const groups: string[] = [];
  for (let i = 0; i < 8; i++) groups.push(b.readUInt16BE(at + i * 2).toString(16));
  // The longest run of zero groups becomes `::`.
  let best = -1;
  let bestLen = 0;
  for (let i = 0; i < 8; ) {
    let j = i;
    while (j < 8 && groups[j] === '0') j++;
    if (j - i > bestLen && j - i > 1) {
      best = i;
      bestLen = j - i;
    }
    i = j === i ? i + 1 : j;
  }
  if (best < 0) return groups.join(':');
  return `${groups.slice(0, best).join(':')}::${groups.slice(best + bestLen).join(':')}`;
}

function endpoint(ip: string, port: number): string {
  return ip.includes(':') ? `[${ip}]:${port}` : `${ip}:${port}`;
}

/** The network-layer bytes of a link-layer frame and their ethertype-like protocol, or undefined. */
function networkLayer(linkType: number, d: Buffer): { proto: number; at: number } | undefined {
  switch (linkType) {
    case LinkType.ETHERNET: {
      let at = 12;
      if (d.length < 14) return undefined;
      let type = d.readUInt16BE(at);
      while (ETHERTYPE_VLAN.includes(type) && d.length >= at + 6) {
        at += 4;
        type = d.readUInt16BE(at);
      }
      return { proto: type, at: at + 2 };
    }
    case LinkType.LINUX_SLL:
      return d.length < 16 ? undefined : { proto: d.readUInt16BE(14), at: 16 };
    case LinkType.LINUX_SLL2:
      return d.length < 20 ? undefined : { proto: d.readUInt16BE(0), at: 20 };
    case LinkType.NULL:
    case LinkType.LOOP: {
      if (d.length < 4) return undefined;
      // The address family is in the capturing host's byte order (NULL) or network order (LOOP).
      const family = d.readUInt32LE(0) < 0x10000 ? d.readUInt32LE(0) : d.readUInt32BE(0);
      if (family === 2) return { proto: ETHERTYPE_IPV4, at: 4 };
      if (family === 10 || family === 24 || family === 28 || family === 30) return { proto: ETHERTYPE_IPV6, at: 4 };
      return undefined;
    }
    case LinkType.RAW:
      if (d.length < 1) return undefined;
      return { proto: d[0]! >> 4 === 6 ? ETHERTYPE_IPV6 : ETHERTYPE_IPV4, at: 0 };
    case LinkType.IPV4:
      return { proto: ETHERTYPE_IPV4, at: 0 };
    case LinkType.IPV6:
      return { proto: ETHERTYPE_IPV6, at: 0 };
    default:
      return undefined;
  }
}

/** IPv6 extension headers skipped on the way to TCP. */
const IPV6_EXTENSIONS = new Set([0, 43, 60]);

/** The TCP segment of a captured packet, or undefined for anything else (ARP, UDP, fragments, cut packets). */
export function parseTcpSegment(linkType: number, d: Buffer): TcpSegment | undefined {
  const net = networkLayer(linkType, d);
  if (!net) return undefined;
  let at = net.at;
  let src: string;
  let dst: string;
  let end: number;
  if (net.proto === ETHERTYPE_IPV4) {
    if (d.length < at + 20 || d[at]! >> 4 !== 4) return undefined;
    const ihl = (d[at]! & 0x0f) * 4;
    const total = d.readUInt16BE(at + 2);
    const frag = d.readUInt16BE(at + 6);
    if (d[at + 9] !== IPPROTO_TCP || (frag & 0x3fff) !== 0) return undefined; // not TCP, or a fragment
    src = ipv4Text(d, at + 12);
    dst = ipv4Text(d, at + 16);
    // The IP length, not the link frame, bounds the segment (Ethernet pads short frames). TSO captures
    // may carry 0 here: then the frame's end is the end.
    end = total === 0 ? d.length : Math.min(d.length, at + total);
    at += ihl;
  } else if (net.proto === ETHERTYPE_IPV6) {
    if (d.length < at + 40 || d[at]! >> 4 !== 6) return undefined;
    let next = d[at + 6]!;
    src = ipv6Text(d, at + 8);
    dst = ipv6Text(d, at + 24);
    end = Math.min(d.length, at + 40 + d.readUInt16BE(at + 4));
    at += 40;
    while (IPV6_EXTENSIONS.has(next) && at + 8 <= end) {
      next = d[at]!;
      at += (d[at + 1]! + 1) * 8;
    }
    if (next !== IPPROTO_TCP) return undefined;
  } else {
    return undefined;
  }
  if (end < at + 20) return undefined;
  const srcPort = d.readUInt16BE(at);
  const dstPort = d.readUInt16BE(at + 2);
  const seq = d.readUInt32BE(at + 4);
  const dataOffset = (d[at + 12]! >> 4) * 4;
  const flags = d[at + 13]!;
  if (dataOffset < 20 || at + dataOffset > end) return undefined;
  return {
    src: endpoint(src, srcPort),
    dst: endpoint(dst, dstPort),
    seq,
    fin: (flags & 0x01) !== 0,
    syn: (flags & 0x02) !== 0,
    rst: (flags & 0x04) !== 0,
    ack: (flags & 0x10) !== 0,
    payload: d.subarray(at + dataOffset, end),
  };
}
