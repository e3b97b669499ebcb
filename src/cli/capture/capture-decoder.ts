import { FrameDecoder, RemotingCommand } from '../../wire';
import { usageError } from '../cli-error';
import { ConnectionFrames, type FrameRecord } from '../frame-describer';
import { SUPPORTED_LINK_TYPES, parseTcpSegment } from './packet-parser';
import type { PcapCapture } from './pcap-reader';
import { TcpStream } from './tcp-reassembler';

export interface CaptureDecodeOptions {
  /** Ports that are servers (name server, broker): decides direction even without SYN or requests. */
  serverPorts?: ReadonlySet<number>;
}

/** A frame of the capture, with its command for callers that want the raw body. */
export interface CapturedFrame {
  record: FrameRecord;
  command: RemotingCommand;
}

interface Half {
  tcp: TcpStream;
  decoder: FrameDecoder;
  failed: boolean;
}

interface Connection {
  halves: Map<string, Half>;
  /** The endpoint that opened the connection (sent SYN or the first request). */
  client: string | undefined;
  frames: ConnectionFrames | undefined;
}

function portOf(endpoint: string): number {
  return Number(endpoint.slice(endpoint.lastIndexOf(':') + 1));
}

/**
 * Decodes every remoting frame of a capture: TCP streams reassembled per direction, then split into
 * frames and described. The client of a connection is the side that sent the SYN, else the side
 * whose port is not one of `serverPorts`, else the sender of the first request seen. Problems (a
 * stream that stops decoding, bytes behind a gap) are returned, one line each.
 */
export function decodeCapture(cap: PcapCapture, options: CaptureDecodeOptions, emit: (f: CapturedFrame) => void): string[] {
  if (!SUPPORTED_LINK_TYPES.has(cap.linkType)) {
    throw usageError(`unsupported pcap link type ${cap.linkType} (supported: Ethernet, Linux SLL/SLL2, null/loopback, raw IP)`);
  }
  const problems: string[] = [];
  const conns = new Map<string, Connection>();
  const serverPorts = options.serverPorts ?? new Set<number>();
  for (const packet of cap.packets) {
    const seg = parseTcpSegment(cap.linkType, packet.data);
    if (!seg) continue;
    const key = seg.src < seg.dst ? `${seg.src} ${seg.dst}` : `${seg.dst} ${seg.src}`;
    let conn = conns.get(key);
    if (!conn || (seg.syn && !seg.ack && conn.client !== undefined && conn.frames !== undefined)) {
      // A new connection (or the same ports reused after a close).
      conn = { halves: new Map(), client: undefined, frames: undefined };
      conns.set(key, conn);
    }
    if (conn.client === undefined) {
      if (seg.syn) conn.client = seg.ack ? seg.dst : seg.src;
      else if (serverPorts.has(portOf(seg.dst)) && !serverPorts.has(portOf(seg.src))) conn.client = seg.src;
      else if (serverPorts.has(portOf(seg.src)) && !serverPorts.has(portOf(seg.dst))) conn.client = seg.dst;
    }
    let half = conn.halves.get(seg.src);
    if (!half) {
      half = { tcp: new TcpStream(), decoder: new FrameDecoder(), failed: false };
      conn.halves.set(seg.src, half);
    }
    const chunks = half.tcp.push(seg.seq, seg.syn, seg.payload);
    if (half.failed) continue;
    for (const chunk of chunks) {
      let payloads: Buffer[];
      try {
        payloads = half.decoder.push(chunk);
      } catch (e) {
        half.failed = true;
        problems.push(`${seg.src} -> ${seg.dst}: stream not decodable from here on: ${(e as Error).message}`);
        break;
      }
      for (const payload of payloads) {
        let cmd: RemotingCommand;
        try {
          cmd = RemotingCommand.decode(payload);
        } catch (e) {
          problems.push(`${seg.src} -> ${seg.dst}: bad frame of ${payload.length + 4} bytes: ${(e as Error).message}`);
          continue;
        }
        if (conn.client === undefined) conn.client = cmd.isResponse ? seg.dst : seg.src;
        const server = conn.client === seg.src ? seg.dst : seg.src;
        conn.frames ??= new ConnectionFrames(`${conn.client}-${server}`);
        const dir = seg.src === conn.client ? 'client->server' : 'server->client';
        emit({ record: conn.frames.describe(cmd, dir, packet.timeMs), command: cmd });
      }
      if (half.decoder.error) {
        half.failed = true;
        problems.push(`${seg.src} -> ${seg.dst}: stream not decodable from here on: ${half.decoder.error.message}`);
        break;
      }
    }
  }
  for (const [key, conn] of conns) {
    for (const [src, half] of conn.halves) {
      const held = half.tcp.heldBytes;
      if (held > 0) problems.push(`${key.replace(' ', ' <-> ')}: ${held} bytes from ${src} lie behind a gap in the capture and were not decoded`);
    }
  }
  return problems;
}
