/**
 * An in-process remoting peer on 127.0.0.1:<ephemeral> that speaks our codec and is scripted per
 * request: answer, answer late, out of order, twice, never, with garbage, with an oversize frame,
 * close mid-frame, or send its own request to the client. It records everything it received.
 */
import * as net from 'node:net';
import * as tls from 'node:tls';
import { readCommands } from '../../src/testing/read-commands';
import { RemotingCommand, type ExtFields } from '../../src/remoting/protocol/remoting-command';
import type { SerializeTypeName } from '../../src/remoting/protocol/serialize-type';
import type { LogFields, Logger } from '../../src/logger';

export interface FakeResponseInit {
  code?: number;
  remark?: string;
  extFields?: ExtFields;
  body?: Buffer;
  serializeType?: SerializeTypeName;
  /** Defaults to the request's opaque. */
  opaque?: number;
}

export interface FakeRequestContext {
  readonly request: RemotingCommand;
  readonly socket: net.Socket;
  readonly server: FakeRemotingServer;
  /** Writes a response (default code 0) to this request. */
  respond(init?: FakeResponseInit): void;
  /** Responds after `ms` (the timer is cleared when the server closes). */
  respondLater(ms: number, init?: FakeResponseInit): void;
  /** Writes raw bytes to this connection. */
  writeRaw(bytes: Buffer): void;
  /** Closes this connection at once. */
  destroy(): void;
}

export type FakeHandler = (ctx: FakeRequestContext) => void;

export interface FakeServerOptions {
  handler?: FakeHandler;
  /** Encoding of the server's own frames (a broker answers in its own default type). */
  serializeType?: SerializeTypeName;
  /** Serve TLS with these options (key and cert) instead of plain TCP. */
  tls?: tls.TlsOptions;
}

export const answerSuccess: FakeHandler = (ctx) => ctx.respond();

export class FakeRemotingServer {
  /** Requests received from clients, in arrival order. */
  readonly received: RemotingCommand[] = [];
  /** Responses received from clients (to server-initiated requests). */
  readonly receivedResponses: RemotingCommand[] = [];
  readonly sockets = new Set<net.Socket>();
  /** Connections accepted since start. */
  acceptedCount = 0;
  handler: FakeHandler;
  serializeType: SerializeTypeName;
  private readonly server: net.Server;
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly waiting = new Map<number, (cmd: RemotingCommand) => void>();
  private nextOpaque = 1_000_000;
  private lastSocket: net.Socket | undefined;
  private port = 0;

  private constructor(options: FakeServerOptions) {
    this.handler = options.handler ?? answerSuccess;
    this.serializeType = options.serializeType ?? 'JSON';
    const onSocket = (socket: net.Socket) => this.accept(socket);
    this.server = options.tls ? tls.createServer(options.tls, onSocket) : net.createServer(onSocket);
  }

  static async start(options: FakeServerOptions = {}): Promise<FakeRemotingServer> {
    const s = new FakeRemotingServer(options);
    await new Promise<void>((resolve, reject) => {
      s.server.once('error', reject);
      s.server.listen(0, '127.0.0.1', () => resolve());
    });
    s.port = (s.server.address() as net.AddressInfo).port;
    return s;
  }

  get addr(): string {
    return `127.0.0.1:${this.port}`;
  }

  setHandler(handler: FakeHandler): void {
    this.handler = handler;
  }

  /** Builds a response frame for `request` in the server's encoding. */
  responseFor(request: RemotingCommand, init: FakeResponseInit = {}): Buffer {
    const cmd = new RemotingCommand({
      code: init.code ?? 0,
      language: 'JAVA',
      version: 479,
      opaque: init.opaque ?? request.opaque,
      flag: 1,
      remark: init.remark,
      extFields: init.extFields,
      body: init.body,
      serializeType: init.serializeType ?? this.serializeType,
    });
    return cmd.encode();
  }

  /**
   * Sends a server-initiated request on the newest (or given) connection. Resolves with the
   * client's response, or with undefined right after the write for a oneway request.
   */
  sendRequest(cmd: RemotingCommand, socket = this.lastSocket): Promise<RemotingCommand | undefined> {
    if (!socket) return Promise.reject(new Error('no client connected'));
    if (cmd.opaque === 0) cmd.opaque = this.nextOpaque++;
    cmd.serializeType = this.serializeType;
    const frame = cmd.encode();
    if (cmd.isOneway) {
      return new Promise((resolve) => socket.write(frame, () => resolve(undefined)));
    }
    return new Promise((resolve) => {
      this.waiting.set(cmd.opaque, resolve);
      socket.write(frame);
    });
  }

  /** Destroys every client connection (the server keeps listening). */
  dropConnections(): void {
    for (const s of this.sockets) s.destroy();
  }

  async close(): Promise<void> {
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    this.dropConnections();
    await closed;
  }

  private accept(socket: net.Socket): void {
    this.acceptedCount++;
    this.sockets.add(socket);
    this.lastSocket = socket;
    socket.setNoDelay(true);
    socket.on('error', () => {});
    socket.on('close', () => {
      this.sockets.delete(socket);
      if (this.lastSocket === socket) this.lastSocket = undefined;
    });
    readCommands(socket, (cmd) => {
      if (cmd.isResponse) {
        this.receivedResponses.push(cmd);
        const waiter = this.waiting.get(cmd.opaque);
        if (waiter) {
          this.waiting.delete(cmd.opaque);
          waiter(cmd);
        }
        return;
      }
      this.received.push(cmd);
      this.handler(this.context(cmd, socket));
    });
  }

  private context(request: RemotingCommand, socket: net.Socket): FakeRequestContext {
    const write = (bytes: Buffer) => {
      if (!socket.destroyed) socket.write(bytes);
    };
    return {
      request,
      socket,
      server: this,
      respond: (init) => write(this.responseFor(request, init)),
      respondLater: (ms, init) => {
        const t = setTimeout(() => {
          this.timers.delete(t);
          write(this.responseFor(request, init));
        }, ms);
        this.timers.add(t);
      },
      writeRaw: write,
      destroy: () => socket.destroy(),
    };
  }
}

/** A loopback port with nothing listening (bound, read, released). */
export async function closedPort(): Promise<number> {
  const srv = net.createServer();
  await new Promise<void>((resolve) => srv.listen(0, '127.0.0.1', () => resolve()));
  const port = (srv.address() as net.AddressInfo).port;
  await new Promise<void>((resolve) => srv.close(() => resolve()));
  return port;
}

export interface CapturedLog {
  level: 'debug' | 'info' | 'warn' | 'error';
  msg: string;
  fields?: LogFields;
}

/** A Logger that records every line, for assertions on what the client logged. */
export function captureLogger(): Logger & { lines: CapturedLog[] } {
  const lines: CapturedLog[] = [];
  const make = (): Logger => ({
    debug: (msg, fields) => void lines.push({ level: 'debug', msg, fields }),
    info: (msg, fields) => void lines.push({ level: 'info', msg, fields }),
    warn: (msg, fields) => void lines.push({ level: 'warn', msg, fields }),
    error: (msg, fields) => void lines.push({ level: 'error', msg, fields }),
    child: () => make(),
  });
  return Object.assign(make(), { lines });
}
