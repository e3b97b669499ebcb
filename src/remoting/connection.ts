import * as net from 'node:net';
import * as tls from 'node:tls';
import {
  RemotingClosedError,
  RemotingConnectError,
  RemotingProtocolError,
  RemotingSendError,
  RocketMQError,
} from '../errors';
import type { Logger } from '../logger';
import { FrameDecoder } from './protocol/frame-decoder';
import type { HeaderLimits } from './protocol/header-limits';
import { revealTlsOptions } from './tls-secrets';
import { RemotingCommand } from './protocol/remoting-command';
import type { SocketFactory, SocketTarget } from './remoting-client-options';

export type ConnectionState = 'connecting' | 'connected' | 'closed';

export interface ConnectionOptions {
  connectTimeoutMs: number;
  idleTimeoutMs: number;
  maxFrameBytes: number;
  /** Bounds on the ext fields of each decoded header. */
  headerLimits?: Readonly<HeaderLimits>;
  /** Replies to server-initiated requests not yet handed to the kernel; beyond this the peer is not reading. */
  maxReplyBacklogBytes: number;
  logger: Logger;
  socketFactory: SocketFactory | undefined;
  tls: tls.ConnectionOptions | undefined;
}

/** What the owner (the client) does with a connection's events. Called synchronously; must not throw. */
export interface ConnectionHandlers {
  /** A decoded frame. Runs inside the read loop: the handler defers any user code. */
  onCommand(conn: Connection, cmd: RemotingCommand): void;
  onConnect(conn: Connection): void;
  /** Exactly once per connection; `reason` is why it closed (a connect or protocol error, idle, ...). */
  onClose(conn: Connection, reason: RocketMQError, wasConnected: boolean): void;
}

/** Server-initiated requests being handled per connection beyond which reading pauses (a flood waits in the kernel). */
const MAX_INBOUND_REQUESTS = 1024;

/** Bodies at least this large are written as their own buffer rather than copied into the batch. */
const COPY_LIMIT = 16 * 1024;

type WriteDone = (err: Error | null | undefined) => void;

function defaultSocket(target: SocketTarget): net.Socket {
  if (target.tls) {
    const servername = net.isIP(target.host) === 0 ? target.host : undefined;
    return tls.connect({ servername, ...target.tls, host: target.host, port: target.port });
  }
  return net.connect({ host: target.host, port: target.port });
}

/**
 * One TCP (or TLS) connection to one address: the only place that touches `net`/`tls`. It splits the
 * byte stream into frames, decodes them, coalesces writes (one flush per tick: many pipelined
 * requests cost one `writev`), and closes on idle, on a protocol error and on a connect timeout.
 */
export class Connection {
  state: ConnectionState = 'connecting';
  /** Resolves when usable; rejects with a `RemotingConnectError`. Never left unhandled. */
  readonly ready: Promise<void>;
  /** Resolves once the socket is fully closed (shutdown waits for it, so no handle outlives the client). */
  readonly socketClosed: Promise<void>;
  private resolveSocketClosed!: () => void;
  private readonly socket: net.Socket;
  private readonly decoder: FrameDecoder;
  private readonly log: Logger;
  private connectTimer: NodeJS.Timeout | undefined;
  private resolveReady!: () => void;
  private rejectReady!: (err: RocketMQError) => void;
  private socketError: Error | undefined;
  private batch: Buffer[] = [];
  private batchDone: WriteDone[] = [];
  private flushScheduled = false;
  /** Bytes of replies (to server-initiated requests) queued but not yet written out. */
  private replyBacklogBytes = 0;
  private inboundRequests = 0;
  private readPaused = false;

  constructor(
    readonly addr: string,
    target: SocketTarget,
    private readonly options: ConnectionOptions,
    private readonly handlers: ConnectionHandlers,
  ) {
    this.log = options.logger;
    this.decoder = new FrameDecoder({ maxFrameBytes: options.maxFrameBytes });
    this.ready = new Promise<void>((resolve, reject) => {
      this.resolveReady = resolve;
      this.rejectReady = reject;
    });
    this.ready.catch(() => {});
    this.socketClosed = new Promise<void>((resolve) => {
      this.resolveSocketClosed = resolve;
    });
    let socket: net.Socket | undefined;
    try {
      // The key material is enumerable only in this transient copy (see tls-secrets.ts).
      const connectTarget = target.tls === undefined ? target : { ...target, tls: revealTlsOptions(target.tls) };
      socket = (options.socketFactory ?? defaultSocket)(connectTarget);
      socket.setNoDelay(true);
    } catch (err) {
      // A throwing factory, a synchronous DNS/argument error, or a factory that returned something that
      // is not a socket: a failed connect, reported asynchronously like any other.
      try {
        socket?.destroy?.();
      } catch {
        // not a socket at all: nothing to release
      }
      this.socket = new net.Socket();
      this.resolveSocketClosed();
      queueMicrotask(() => this.close(new RemotingConnectError(addr, `connect to ${addr} failed`, { cause: err })));
      return;
    }
    this.socket = socket;
    const readyEvent = socket instanceof tls.TLSSocket ? 'secureConnect' : 'connect';
    socket.once(readyEvent, () => this.onConnected());
    // An injected socket may arrive connected already: its 'connect' has been and gone.
    if (readyEvent === 'connect' && !socket.connecting && !socket.destroyed && socket.remoteAddress !== undefined) {
      queueMicrotask(() => this.onConnected());
    }
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('error', (err) => {
      this.socketError ??= err;
    });
    socket.on('close', () => {
      this.resolveSocketClosed();
      this.onSocketClose();
    });
    socket.on('timeout', () => {
      this.close(new RemotingClosedError(addr, `connection to ${addr} idle for ${options.idleTimeoutMs} ms, closed`));
    });
    this.connectTimer = setTimeout(() => {
      this.close(new RemotingConnectError(addr, `connect to ${addr} timed out after ${options.connectTimeoutMs} ms`));
    }, options.connectTimeoutMs);
    this.connectTimer.unref();
  }

  private onConnected(): void {
    if (this.state !== 'connecting') return;
    this.state = 'connected';
    clearTimeout(this.connectTimer);
    this.connectTimer = undefined;
    if (this.options.idleTimeoutMs > 0) this.socket.setTimeout(this.options.idleTimeoutMs);
    this.log.debug('connected', { addr: this.addr });
    this.resolveReady();
    this.handlers.onConnect(this);
  }

  private onData(chunk: Buffer): void {
    if (this.state === 'closed') return;
    let frames: Buffer[];
    try {
      frames = this.decoder.push(chunk);
    } catch (err) {
      this.close(asProtocolError(err));
      return;
    }
    for (let i = 0; i < frames.length; i++) {
      let cmd: RemotingCommand;
      try {
        cmd = RemotingCommand.decode(frames[i]!, this.options.headerLimits);
      } catch (err) {
        this.close(asProtocolError(err));
        return;
      }
      try {
        this.handlers.onCommand(this, cmd);
      } catch (err) {
        // Our own dispatch failing is a bug, never the peer's protocol error: log it and go on.
        this.log.error('frame dispatch failed', { addr: this.addr, error: err });
      }
      if ((this.state as ConnectionState) === 'closed') return; // a handler may have closed us
    }
    // Like Netty, frames completed before a bad length prefix were delivered above; now the
    // poisoned connection goes, rather than waiting for a next chunk that may never come.
    const failure = this.decoder.error;
    if (failure !== undefined) this.close(failure);
  }

  /**
   * Queues one frame: its header, then its body as a separate buffer (no copy of large bodies).
   * Returns false when the connection is not usable. `done` runs once the bytes left for the kernel.
   */
  write(header: Buffer, body: Buffer | undefined, done?: WriteDone): boolean {
    if (this.state !== 'connected') return false;
    this.batch.push(header);
    if (body !== undefined && body.length > 0) this.batch.push(body);
    if (done !== undefined) this.batchDone.push(done);
    if (!this.flushScheduled) {
      this.flushScheduled = true;
      // After the current microtasks: every request issued in this turn goes out in one writev.
      process.nextTick(flushConnection, this);
    }
    return true;
  }

  /**
   * The owner took on one server-initiated request from this connection. Past a limit, reading
   * pauses until the owner catches up, so a peer flooding requests cannot grow our memory: its
   * frames wait in kernel buffers (and our own responses wait with them, delayed, not lost).
   */
  beginInbound(): void {
    this.inboundRequests++;
    if (this.inboundRequests >= MAX_INBOUND_REQUESTS && !this.readPaused && this.state === 'connected') {
      this.readPaused = true;
      this.socket.pause();
      this.log.debug('too many server-initiated requests in progress: reading paused', { addr: this.addr });
    }
  }

  endInbound(): void {
    this.inboundRequests--;
    if (this.readPaused && this.inboundRequests <= MAX_INBOUND_REQUESTS / 2 && this.state === 'connected') {
      this.readPaused = false;
      this.socket.resume();
    }
  }

  /**
   * Queues a reply to a server-initiated request. Replies are the one thing a peer can make us write
   * without limit (in-flight limits bound requests), so a peer that keeps asking without reading the
   * answers is disconnected once `maxReplyBacklogBytes` are waiting.
   */
  writeReply(header: Buffer, body: Buffer | undefined): boolean {
    if (this.state !== 'connected') return false;
    const size = header.length + (body?.length ?? 0);
    // One reply of any size may always go out; it is a growing queue of them that is refused.
    if (this.replyBacklogBytes > 0 && this.replyBacklogBytes + size > this.options.maxReplyBacklogBytes) {
      this.close(
        new RemotingClosedError(
          this.addr,
          `peer ${this.addr} is not reading: ${this.replyBacklogBytes} bytes of replies unsent, connection closed`,
        ),
      );
      return false;
    }
    this.replyBacklogBytes += size;
    return this.write(header, body, () => {
      this.replyBacklogBytes -= size;
    });
  }

  /** @internal */
  flush(): void {
    this.flushScheduled = false;
    const chunks = this.batch;
    const done = this.batchDone;
    if (chunks.length === 0) return;
    this.batch = [];
    this.batchDone = [];
    if (this.state !== 'connected') {
      failAll(done, new RemotingSendError(this.addr, `connection to ${this.addr} closed before the write`));
      return;
    }
    const cb: WriteDone | undefined = done.length === 0 ? undefined : (err) => failOrFinish(done, err, this.addr);
    if (chunks.length === 1) {
      this.socket.write(chunks[0]!, cb);
      return;
    }
    // Small buffers are gathered into one; large bodies go out as they are. One writev for all.
    const out: Buffer[] = [];
    let run: Buffer[] = [];
    let runBytes = 0;
    for (const c of chunks) {
      if (c.length >= COPY_LIMIT) {
        if (run.length > 0) out.push(run.length === 1 ? run[0]! : Buffer.concat(run, runBytes));
        run = [];
        runBytes = 0;
        out.push(c);
      } else {
        run.push(c);
        runBytes += c.length;
      }
    }
    if (run.length > 0) out.push(run.length === 1 ? run[0]! : Buffer.concat(run, runBytes));
    if (out.length === 1) {
      this.socket.write(out[0]!, cb);
      return;
    }
    this.socket.cork();
    for (let i = 0; i < out.length - 1; i++) this.socket.write(out[i]!);
    this.socket.write(out[out.length - 1]!, cb);
    this.socket.uncork();
  }

  /** Idempotent. Destroys the socket and reports `reason` to the owner once. */
  close(reason?: RocketMQError): void {
    if (this.state === 'closed') return;
    const wasConnected = this.state === 'connected';
    this.state = 'closed';
    if (this.connectTimer !== undefined) {
      clearTimeout(this.connectTimer);
      this.connectTimer = undefined;
    }
    const why =
      reason ??
      (wasConnected
        ? new RemotingClosedError(this.addr, `connection to ${this.addr} closed`, { cause: this.socketError })
        : new RemotingConnectError(this.addr, `connect to ${this.addr} failed`, { cause: this.socketError }));
    this.decoder.reset();
    const pending = this.batchDone;
    this.batch = [];
    this.batchDone = [];
    this.socket.destroy();
    if (!wasConnected) this.rejectReady(why instanceof RemotingConnectError ? why : connectErrorFrom(this.addr, why));
    failAll(pending, new RemotingSendError(this.addr, `connection to ${this.addr} closed before the write`, { cause: why }));
    this.log.debug('connection closed', { addr: this.addr, reason: why.message });
    this.handlers.onClose(this, why, wasConnected);
  }

  private onSocketClose(): void {
    if (this.state === 'closed') return;
    this.close();
  }
}

function flushConnection(conn: Connection): void {
  try {
    conn.flush();
  } catch (err) {
    conn.close(new RemotingSendError(conn.addr, `write to ${conn.addr} failed`, { cause: err }));
  }
}

function failAll(done: WriteDone[], err: Error): void {
  for (const d of done) d(err);
}

function failOrFinish(done: WriteDone[], err: Error | null | undefined, addr: string): void {
  const e = err ? new RemotingSendError(addr, `write to ${addr} failed`, { cause: err }) : undefined;
  for (const d of done) d(e);
}

function connectErrorFrom(addr: string, cause: RocketMQError): RemotingConnectError {
  return new RemotingConnectError(addr, `connect to ${addr} failed: ${cause.message}`, { cause });
}

function asProtocolError(err: unknown): RemotingProtocolError {
  if (err instanceof RemotingProtocolError) return err;
  return new RemotingProtocolError(`undecodable frame: ${err instanceof Error ? err.message : String(err)}`, {
    cause: err,
  });
}
