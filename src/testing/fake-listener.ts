/**
 * One loopback remoting endpoint of the fake (its name server, or one broker): accepts connections,
 * decodes frames, hands requests to a handler, writes responses in the 5.x servers' default encoding
 * (JSON, whatever the request used) and sends its own requests to clients. Every socket and timer is
 * tracked so `close()` leaves nothing behind.
 */
import * as net from 'node:net';
import { RemotingCommand, type ExtFields } from '../remoting/protocol/remoting-command';
import { readCommands } from './read-commands';

/** What a handler answers with. */
export interface FakeResponse {
  code: number;
  remark?: string;
  extFields?: ExtFields;
  body?: Buffer;
}

/** One received request and the connection it came on. */
export interface FakeExchange {
  readonly request: RemotingCommand;
  readonly socket: net.Socket;
  /** `host:port` of the client as the server sees it. */
  readonly clientAddr: string;
}

export type FakeRequestHandler = (exchange: FakeExchange) => void;

/** Java's server version in responses (V5_3_3 ordinal is 479 in our table of the 5.3 line). */
const SERVER_VERSION = 479;

export class FakeListener {
  readonly sockets = new Set<net.Socket>();
  private readonly server: net.Server;
  private readonly timers = new Set<NodeJS.Timeout>();
  private nextOpaque = 1;
  private closed = false;
  private boundPort = 0;

  constructor(private readonly handler: FakeRequestHandler) {
    this.server = net.createServer((s) => this.accept(s));
    this.server.on('error', () => {});
  }

  async listen(port = 0, host = '127.0.0.1'): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      const onError = (e: Error) => reject(e);
      this.server.once('error', onError);
      this.server.listen(port, host, () => {
        this.server.off('error', onError);
        resolve();
      });
    });
    this.boundPort = (this.server.address() as net.AddressInfo).port;
  }

  get port(): number {
    return this.boundPort;
  }

  /** Writes `response` as the answer to `request` on `socket` (a oneway request gets none). */
  respond(exchange: FakeExchange, response: FakeResponse): void {
    if (exchange.request.isOneway) return;
    this.write(exchange.socket, this.responseFrame(exchange.request, response));
  }

  responseFrame(request: RemotingCommand, response: FakeResponse): Buffer {
    return new RemotingCommand({
      code: response.code,
      language: 'JAVA',
      version: SERVER_VERSION,
      opaque: request.opaque,
      flag: 1,
      remark: response.remark,
      extFields: response.extFields,
      body: response.body,
      serializeType: 'JSON',
    }).encode();
  }

  write(socket: net.Socket, frame: Buffer): void {
    if (!socket.destroyed && socket.writable) socket.write(frame);
  }

  /**
   * Sends a request of the server's own: oneway (CHECK_TRANSACTION_STATE, NOTIFY_CONSUMER_IDS_CHANGED)
   * or not (PUSH_REPLY_MESSAGE_TO_CLIENT; the client's answer is read and ignored).
   */
  sendRequest(socket: net.Socket, code: number, extFields: ExtFields, body?: Buffer, oneway = true): void {
    const cmd = new RemotingCommand({
      code,
      language: 'JAVA',
      version: SERVER_VERSION,
      opaque: this.nextOpaque++,
      flag: oneway ? 2 : 0,
      extFields,
      body,
      serializeType: 'JSON',
    });
    this.write(socket, cmd.encode());
  }

  /** A timer that `close()` clears; unref'd so a forgotten fake never holds a process open. */
  later(ms: number, fn: () => void): NodeJS.Timeout {
    const t = setTimeout(() => {
      this.timers.delete(t);
      if (!this.closed) fn();
    }, ms);
    t.unref();
    this.timers.add(t);
    return t;
  }

  cancel(t: NodeJS.Timeout): void {
    clearTimeout(t);
    this.timers.delete(t);
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    const done = new Promise<void>((resolve) => this.server.close(() => resolve()));
    for (const s of this.sockets) s.destroy();
    await done;
  }

  private accept(socket: net.Socket): void {
    if (this.closed) {
      socket.destroy();
      return;
    }
    this.sockets.add(socket);
    socket.setNoDelay(true);
    socket.on('error', () => {});
    socket.on('close', () => this.sockets.delete(socket));
    const clientAddr = `${socket.remoteAddress ?? '127.0.0.1'}:${socket.remotePort ?? 0}`;
    readCommands(socket, (cmd) => {
      // Clients' answers to our oneway requests are not expected; other responses are ignored.
      if (cmd.isResponse) return;
      const exchange = { request: cmd, socket, clientAddr };
      try {
        this.handler(exchange);
      } catch (e) {
        this.respond(exchange, { code: 1, remark: `fake: ${(e as Error).message}` });
      }
    });
  }
}
