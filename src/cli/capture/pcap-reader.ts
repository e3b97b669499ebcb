import { usageError } from '../cli-error';

/** One captured packet: its time (epoch ms, sub-ms fraction kept) and the bytes captured of it. */
export interface PcapPacket {
  timeMs: number;
  data: Buffer;
}

export interface PcapCapture {
  linkType: number;
  packets: PcapPacket[];
}

const MAGIC_MICRO = 0xa1b2c3d4;
const MAGIC_NANO = 0xa1b23c4d;
const PCAPNG = 0x0a0d0d0a;

/** Whether `buf` starts like a classic pcap file (either byte order, micro- or nanosecond times). */
export function isPcap(buf: Buffer): boolean {
  if (buf.length < 4) return false;
  const be = buf.readUInt32BE(0);
  const le = buf.readUInt32LE(0);
  return be === MAGIC_MICRO || be === MAGIC_NANO || le === MAGIC_MICRO || le === MAGIC_NANO;
}

/**
 * Reads a classic libpcap file (not pcapng) whole. The file is checked before anything is returned:
 * a bad magic, a truncated header or record, or an implausible record length is one clear error.
 */
export function readPcap(buf: Buffer): PcapCapture {
  if (buf.length >= 4 && buf.readUInt32BE(0) === PCAPNG) {
    throw usageError('pcapng files are not supported: save the capture as classic pcap (e.g. editcap -F pcap)');
  }
  if (!isPcap(buf)) throw usageError('not a pcap file (unknown magic number)');
  if (buf.length < 24) throw usageError(`truncated pcap: the file header needs 24 bytes, the file has ${buf.length}`);
  const little = buf.readUInt32LE(0) === MAGIC_MICRO || buf.readUInt32LE(0) === MAGIC_NANO;
  const u32 = (at: number): number => (little ? buf.readUInt32LE(at) : buf.readUInt32BE(at));
  const nano = u32(0) === MAGIC_NANO;
  const snapLen = u32(16);
  // The upper bits of the link-type word may carry FCS information (pcap-linktype(7)).
  const linkType = u32(20) & 0x0fffffff;
  const packets: PcapPacket[] = [];
  let pos = 24;
  let n = 0;
  while (pos < buf.length) {
    n++;
    if (buf.length - pos < 16) throw usageError(`truncated pcap: record ${n} header at byte ${pos} is cut short`);
    const sec = u32(pos);
    const frac = u32(pos + 4);
    const inclLen = u32(pos + 8);
    if (inclLen > Math.max(snapLen, 262144)) {
      throw usageError(`corrupt pcap: record ${n} at byte ${pos} claims ${inclLen} bytes (snap length ${snapLen})`);
    }
    if (buf.length - pos - 16 < inclLen) {
      throw usageError(`truncated pcap: record ${n} at byte ${pos} needs ${inclLen} bytes, ${buf.length - pos - 16} remain`);
    }
    const timeMs = sec * 1000 + (nano ? frac / 1e6 : frac / 1e3);
    packets.push({ timeMs, data: buf.subarray(pos + 16, pos + 16 + inclLen) });
    pos += 16 + inclLen;
  }
  return { linkType, packets };
}
