import * as net from 'node:net';
import { FrameDecoder } from '../remoting/protocol/frame-decoder';
import { readCommands } from './read-commands';
import { RemotingCommand, RPC_ONEWAY, RPC_TYPE_RESPONSE } from '../remoting/protocol/remoting-command';

/**
 * A remoting server on loopback that misbehaves on purpose: it reads the client's requests like a
 * broker would, and answers with whatever the test scripts — random bytes, oversize frames, invalid
 * JSON headers, responses for opaques nobody asked for, responses to oneway requests, a close in the
 * middle of a frame. It decodes only what the client sends; what it writes back is raw bytes, so the
 * client's decoder is the one under test.
 */

export interface HostileConnection {
  readonly socket: net.Socket;
  readonly id: number;
  /** Requests decoded from this client so far. */
  readonly requests: number;
  /** Writes raw bytes; counts as `frames` frames in the peer's total (default 1). */
  write(bytes: Buffer, frames?: number): void;
  /** Writes a well-formed command. */
  send(cmd: RemotingCommand): void;
  /** FIN after what was written. */
  end(): void;
  /** RST. */
  reset(): void;
  readonly closed: boolean;
}

export type HostileRequestHandler = (req: RemotingCommand, conn: HostileConnection) => void;

export interface HostilePeerOptions {
  /** Called for each request the client sends (decoded). Default: never answer. */
  onRequest?: HostileRequestHandler;
  /** Called when a client connects, before any request. */
  onConnection?: (conn: HostileConnection) => void;
  /** Called for each answer the client writes to a request the peer sent it. */
  onResponse?: HostileRequestHandler;
  port?: number;
}

export class HostilePeer {
  private readonly server: net.Server;
  private readonly sockets = new Set<net.Socket>();
  private nextId = 1;
  private port = 0;
  /** Totals over the peer's life. */
  readonly counts = { connections: 0, requests: 0, framesSent: 0, bytesSent: 0, clientClosed: 0 };
  onRequest: HostileRequestHandler | undefined;
  onConnection: ((conn: HostileConnection) => void) | undefined;
  onResponse: HostileRequestHandler | undefined;

  private constructor(options: HostilePeerOptions) {
    this.onRequest = options.onRequest;
    this.onConnection = options.onConnection;
    this.onResponse = options.onResponse;
    this.server = net.createServer({ noDelay: true }, (s) => this.accept(s));
    this.server.on('error', () => {});
  }

  static async start(options: HostilePeerOptions = {}): Promise<HostilePeer> {
    const peer = new HostilePeer(options);
    await new Promise<void>((resolve, reject) => {
      peer.server.once('error', reject);
      peer.server.listen({ port: options.port ?? 0, host: '127.0.0.1' }, () => {
        peer.server.off('error', reject);
        peer.port = (peer.server.address() as net.AddressInfo).port;
        resolve();
      });
    });
    return peer;
  }

  get addr(): string {
    return `127.0.0.1:${this.port}`;
  }

  get openConnections(): number {
    return this.sockets.size;
  }

  private accept(socket: net.Socket): void {
    this.counts.connections++;
    this.sockets.add(socket);
    const decoder = new FrameDecoder();
    const counts = this.counts;
    let requests = 0;
    let closed = false;
    const conn: HostileConnection = {
      socket,
      id: this.nextId++,
      get requests() {
        return requests;
      },
      get closed() {
        return closed;
      },
      write(bytes: Buffer, frames = 1): void {
        if (closed || !socket.writable) return;
        counts.framesSent += frames;
        counts.bytesSent += bytes.length;
        socket.write(bytes);
      },
      send(cmd: RemotingCommand): void {
        conn.write(cmd.encode());
      },
      end(): void {
        if (!closed) socket.end();
      },
      reset(): void {
        if (!socket.destroyed) socket.resetAndDestroy();
      },
    };
    socket.on('error', () => {});
    socket.on('close', () => {
      closed = true;
      this.counts.clientClosed++;
      this.sockets.delete(socket);
    });
    readCommands(
      socket,
      (req) => {
        requests++;
        this.counts.requests++;
        // The client's own answers to our server-initiated requests are not requests.
        if (req.isResponse) {
          this.onResponse?.(req, conn);
          return;
        }
        this.onRequest?.(req, conn);
      },
      decoder,
    );
    this.onConnection?.(conn);
  }

  /** Drops every client connection (RST). */
  dropAll(): void {
    for (const s of this.sockets) s.resetAndDestroy();
  }

  async close(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

// ---- canned hostile frames ---------------------------------------------------------------------------

/** Wraps a header (and optional body) in a frame with the given type byte. */
export function rawFrame(header: Buffer, body: Buffer = Buffer.alloc(0), typeByte = 0): Buffer {
  const out = Buffer.allocUnsafe(8 + header.length + body.length);
  out.writeInt32BE(4 + header.length + body.length, 0);
  out.writeInt32BE(((typeByte & 0xff) << 24) | (header.length & 0xffffff), 4);
  header.copy(out, 8);
  body.copy(out, 8 + header.length);
  return out;
}

/** A response frame for `opaque` (JSON header). */
export function responseFrame(opaque: number, code = 0, extra: { remark?: string; body?: Buffer; flag?: number } = {}): Buffer {
  return new RemotingCommand({
    code,
    opaque,
    flag: extra.flag ?? RPC_TYPE_RESPONSE,
    remark: extra.remark,
    body: extra.body,
    language: 'JAVA',
  }).encode();
}

/** A response flagged both response and oneway: what a confused server sends back to a oneway request. */
export function onewayResponseFrame(opaque: number): Buffer {
  return responseFrame(opaque, 0, { flag: RPC_TYPE_RESPONSE | RPC_ONEWAY });
}

/** Only the length prefix (plus a few bytes) of a frame far larger than any limit. */
export function oversizeFramePrefix(totalLen = 0x7ffffff0): Buffer {
  const b = Buffer.alloc(12);
  b.writeInt32BE(totalLen, 0);
  return b;
}

export function negativeLengthPrefix(): Buffer {
  const b = Buffer.alloc(8);
  b.writeInt32BE(-5, 0);
  return b;
}

/** A well-framed JSON header that is not JSON. */
export function invalidJsonHeaderFrame(text = '{"code":0,"flag":1,"opaque":'): Buffer {
  return rawFrame(Buffer.from(text, 'utf8'));
}

/** A frame whose header-info word claims a header longer than the frame. */
export function headerOverrunFrame(): Buffer {
  const b = Buffer.alloc(12);
  b.writeInt32BE(8, 0);
  b.writeInt32BE(0x00fffff0, 4);
  return b;
}

/** A frame with serialize-type byte 7 (neither JSON nor ROCKETMQ). */
export function unknownSerializeTypeFrame(): Buffer {
  return rawFrame(Buffer.from('{}'), Buffer.alloc(0), 7);
}

/** A frame cut in the middle: write it, then end() the connection. */
export function truncatedFrame(opaque: number): Buffer {
  const f = responseFrame(opaque, 0, { body: Buffer.alloc(64, 1) });
  return f.subarray(0, f.length - 20);
}

/** Deterministic PRNG (mulberry32), so a failing fuzz run can be replayed from its seed. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function randomBytes(rnd: () => number, n: number): Buffer {
  const b = Buffer.allocUnsafe(n);
  for (let i = 0; i < n; i++) b[i] = (rnd() * 256) | 0;
  return b;
}

/**
 * A response whose header carries `count` distinct ext fields (`k<i>` = `v`): a few million make a
 * 15 MB frame that once took seconds and hundreds of MiB to decode.
 */
export function manyExtFieldsFrame(opaque: number, count: number, type: 'JSON' | 'ROCKETMQ'): Buffer {
  if (type === 'JSON') {
    const entries: string[] = new Array<string>(count);
    for (let i = 0; i < count; i++) entries[i] = `"k${i.toString(36)}":"v"`;
    const text = `{"code":0,"extFields":{${entries.join(',')}},"flag":${RPC_TYPE_RESPONSE},"language":"JAVA","opaque":${opaque},"serializeTypeCurrentRPC":"JSON","version":0}`;
    return rawFrame(Buffer.from(text, 'latin1'), Buffer.alloc(0), 0);
  }
  let size = 0;
  const keys: string[] = new Array<string>(count);
  for (let i = 0; i < count; i++) {
    keys[i] = `k${i.toString(36)}`;
    size += 2 + keys[i]!.length + 4 + 1;
  }
  const header = Buffer.allocUnsafe(21 + size);
  header.writeInt16BE(0, 0);
  header.writeInt8(0, 2);
  header.writeInt16BE(0, 3);
  header.writeInt32BE(opaque, 5);
  header.writeInt32BE(RPC_TYPE_RESPONSE, 9);
  header.writeInt32BE(0, 13);
  header.writeInt32BE(size, 17);
  let p = 21;
  for (const k of keys) {
    header.writeInt16BE(k.length, p);
    p += 2 + header.write(k, p + 2, 'latin1');
    header.writeInt32BE(1, p);
    header[p + 4] = 0x76; // 'v'
    p += 5;
  }
  return rawFrame(header, Buffer.alloc(0), 1);
}

/** A JSON response whose body is `body` (e.g. a route body of the peer's choosing). */
export function responseWithBody(opaque: number, body: Buffer | string, code = 0): Buffer {
  return responseFrame(opaque, code, { body: typeof body === 'string' ? Buffer.from(body, 'utf8') : body });
}

/** A topic route body whose `topicQueueMappingByBroker` nests `levels` arrays deep (100 KB at 50 000). */
export function deeplyNestedRouteBody(levels: number): string {
  const route = '{"brokerDatas":[{"brokerAddrs":{"0":"127.0.0.1:10911"},"brokerName":"b","cluster":"c"}],"filterServerTable":{},' +
    '"queueDatas":[{"brokerName":"b","perm":6,"readQueueNums":4,"writeQueueNums":4,"topicSysFlag":0}]';
  return `${route},"topicQueueMappingByBroker":{"b":${'['.repeat(levels)}${']'.repeat(levels)}}}`;
}

/** The same route, well formed. */
export function plainRouteBody(): string {
  return deeplyNestedRouteBody(0).replace('"topicQueueMappingByBroker":{"b":}', '"topicQueueMappingByBroker":{}');
}

/** A ROCKETMQ-header response built once, then stamped with each request's opaque (a copy). */
export function prebuiltResponse(code: number, remark: string): (opaque: number) => Buffer {
  const frame = new RemotingCommand({ code, flag: RPC_TYPE_RESPONSE, remark, language: 'JAVA', serializeType: 'ROCKETMQ' }).encode();
  return (opaque) => {
    const copy = Buffer.from(frame);
    copy.writeInt32BE(opaque, 13); // length prefix 4, header-info 4, code 2, language 1, version 2
    return copy;
  };
}
