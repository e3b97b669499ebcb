import { EventEmitter } from 'node:events';
import {
  ClientStateError,
  InvalidArgumentError,
  RemotingClosedError,
  RemotingConnectError,
  RemotingError,
  RemotingSendError,
  RemotingTimeoutError,
  RequestAbortedError,
  RocketMQError,
} from '../errors';
import type { Logger } from '../logger';
import { createRemotingRequestTraceContext, remotingRequestChannel, remotingRequestTraced } from '../diagnostics';
import { parseAddress } from './address';
import { Connection, type ConnectionHandlers, type ConnectionOptions } from './connection';
import { InflightTable, PendingCall, nextOpaque, type CallKind, type InvokeReceiver } from './inflight-table';
import { NameServerSelector } from './name-server-selector';
import {
  DEFAULT_LANGUAGE,
  DEFAULT_REMOTING_VERSION,
  newExtFields,
  RemotingCommand,
  RPC_ONEWAY,
  RPC_TYPE_RESPONSE,
} from './protocol/remoting-command';
import { ResponseCode } from './protocol/response-code';
import {
  resolveRemotingClientOptions,
  type RemotingClientOptions,
  type ResolvedRemotingClientOptions,
} from './remoting-client-options';
import { RequestProcessorTable, type RequestProcessor } from './request-processor';
import { runAfterHooks, runBeforeHooks } from './rpc-hook';

export interface RemotingClientEvents {
  connected: [addr: string];
  disconnected: [addr: string];
}

export interface InvokeOptions {
  signal?: AbortSignal;
}

export type InvokeCallback = (err: RocketMQError | null, response?: RemotingCommand) => void;

/** Java's rule: keep a timed-out connection when connecting ate nearly all of the budget. */
const MIN_CLOSE_TIMEOUT_MS = 100;
const MAX_TIMER_MS = 0x7fffffff;
/**
 * Unsent replies to server-initiated requests tolerated per connection. Brokers send a handful of
 * such requests at a time (transaction checks, running-info queries); megabytes of unread answers
 * mean the peer stopped reading, and the connection is closed rather than buffering without bound.
 */
const REPLY_BACKLOG_BYTES = 1024 * 1024;

type Completion = (err: RocketMQError | null, response: RemotingCommand | undefined) => void;

/**
 * Java's `NettyRemotingClient`: one connection per address, request/response matching by opaque,
 * oneway sends, name-server selection, server-initiated requests. A call's `timeoutMs` covers
 * connecting and the answer, as Java deducts connect time from the budget.
 *
 * @internal
 */
export class RemotingClient extends EventEmitter<RemotingClientEvents> {
  private readonly opts: ResolvedRemotingClientOptions;
  private readonly log: Logger;
  private readonly connections = new Map<string, Connection>();
  private readonly table: InflightTable;
  private readonly namesrv = new NameServerSelector();
  private readonly processors: RequestProcessorTable;
  private readonly connOptions: ConnectionOptions;
  private readonly handlers: ConnectionHandlers;
  private finishQueue: PendingCall[] = [];
  /** Server-initiated requests waiting for the next turn: connection, command, connection, command... */
  private inbound: Array<Connection | RemotingCommand> = [];
  private inboundScheduled = false;
  private finishScheduled = false;
  private shutdownPromise: Promise<void> | undefined;
  /** Connections that answered GO_AWAY: out of the table, left to finish their calls; closed at shutdown. */
  private readonly draining = new Set<Connection>();
  /** Calls that are already the resend after a GO_AWAY. */
  private readonly goAwayResends = new WeakSet<PendingCall>();

  constructor(options: RemotingClientOptions = {}) {
    super();
    this.opts = resolveRemotingClientOptions(options);
    this.log = this.opts.logger;
    this.namesrv.update(this.opts.namesrvAddrs);
    this.table = new InflightTable(
      this.opts.maxAsyncInflight,
      this.opts.maxOnewayInflight,
      (call) => this.afterTimeout(call),
      this.log,
    );
    this.processors = new RequestProcessorTable(this.opts.rpcHooks, this.log);
    this.connOptions = {
      connectTimeoutMs: this.opts.connectTimeoutMs,
      idleTimeoutMs: this.opts.idleTimeoutMs,
      maxFrameBytes: this.opts.maxFrameBytes,
      headerLimits: this.opts.headerLimits,
      maxReplyBacklogBytes: REPLY_BACKLOG_BYTES,
      logger: this.log,
      socketFactory: this.opts.socketFactory,
      tls: this.opts.tls,
    };
    this.handlers = {
      onCommand: (conn, cmd) => this.onCommand(conn, cmd),
      onConnect: (conn) => this.emitLater('connected', conn.addr),
      onClose: (conn, reason, wasConnected) => this.onConnectionClosed(conn, reason, wasConnected),
    };
  }

  /** Calls not settled yet (connecting, awaiting a write, awaiting a response). */
  get inflightCount(): number {
    return this.table.size;
  }

  /** Sends `request` and resolves with the response, whatever its code. `addr` null means a name server. */
  invoke(addr: string | null, request: RemotingCommand, timeoutMs: number, opts?: InvokeOptions): Promise<RemotingCommand> {
    return new Promise<RemotingCommand>((resolve, reject) => {
      this.start(addr, request, timeoutMs, 'async', opts?.signal, true, (err, response) => {
        if (err) reject(err);
        else resolve(response!);
      });
    });
  }

  /**
   * A request to the name servers that does not wait out a hung one (Java does, for the whole timeout):
   * sent to the chosen name server; when that has not answered within its share of the time left
   * (`left / name servers not tried yet`), or failed at the transport, a fresh copy (`build()`) goes to
   * the next one as well. The first answer wins (its name server becomes the chosen one, the others
   * are aborted); all failing, the last error is raised.
   */
  invokeNameServer(build: () => RemotingCommand, timeoutMs: number): Promise<RemotingCommand> {
    const chosen = this.namesrv.chosen;
    const conn = chosen === undefined ? undefined : this.connections.get(chosen);
    const order = this.namesrv.candidates(conn !== undefined && conn.state !== 'closed');
    if (order.length <= 1 || this.shutdownPromise) return this.invoke(null, build(), timeoutMs);
    return new Promise<RemotingCommand>((resolve, reject) => {
      const deadline = Date.now() + timeoutMs;
      const aborts: AbortController[] = [];
      let next = 0;
      let pending = 0;
      let done = false;
      let hedge: NodeJS.Timeout | undefined;
      const finish = (err: unknown, response?: RemotingCommand): void => {
        done = true;
        clearTimeout(hedge);
        for (const a of aborts) a.abort();
        if (response !== undefined) resolve(response);
        else reject(err);
      };
      const launch = (): void => {
        clearTimeout(hedge);
        const left = deadline - Date.now();
        if (done || next >= order.length || left <= 0) return;
        const addr = order[next++]!;
        const notTried = order.length - next;
        if (notTried > 0) {
          hedge = setTimeout(launch, Math.max(1, Math.floor(left / (notTried + 1))));
          hedge.unref();
        }
        const abort = new AbortController();
        aborts.push(abort);
        pending++;
        this.invoke(addr, build(), left, { signal: abort.signal }).then(
          (response) => {
            if (done) return;
            this.namesrv.choose(addr);
            finish(undefined, response);
          },
          (err: unknown) => {
            pending--;
            if (done) return;
            const moveOn = err instanceof RemotingError && next < order.length && deadline > Date.now();
            if (moveOn) {
              this.log.info('name server did not answer, trying the next one', { addr, error: (err as Error).message });
              launch();
            } else if (pending === 0) finish(err);
          },
        );
      };
      launch();
    });
  }

  /** Callback form (Java's `invokeAsync`): `cb` runs exactly once, off the read loop; its exceptions are logged. */
  invokeCallback(addr: string | null, request: RemotingCommand, timeoutMs: number, cb: InvokeCallback): void {
    if (typeof cb !== 'function') throw new InvalidArgumentError('invokeCallback needs a callback function');
    this.start(addr, request, timeoutMs, 'async', undefined, false, cb);
  }

  /** Like `invokeCallback`, the outcome going to `receiver.onInvokeDone` (exactly once, off the read loop). */
  invokeReceiver(addr: string, request: RemotingCommand, timeoutMs: number, receiver: InvokeReceiver): void {
    this.start(addr, request, timeoutMs, 'async', undefined, true, undefined, receiver);
  }

  /** Sends a oneway request (flag 0x2); resolves once written. `timeoutMs` bounds connect plus write. */
  invokeOneway(addr: string | null, request: RemotingCommand, timeoutMs?: number): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.start(addr, request, timeoutMs, 'oneway', undefined, false, (err) => {
        if (err) reject(err);
        else resolve();
      });
    });
  }

  /** Handles server-initiated requests with this code (protocol.md 11.8). */
  registerProcessor(code: number, processor: RequestProcessor): void {
    this.processors.register(code, processor);
  }

  updateNameServerAddressList(addrs: string[]): void {
    const { changed, dropped } = this.namesrv.update(addrs);
    if (changed) this.log.info('name server list updated', { addrs: this.namesrv.addresses });
    if (dropped !== undefined) this.closeConnection(dropped);
  }

  getNameServerAddressList(): string[] {
    return this.namesrv.addresses;
  }

  /** Closes the connection to `addr`; its pending calls fail with `RemotingClosedError`. */
  closeConnection(addr: string): void {
    const conn = this.connections.get(addr);
    if (conn) conn.close(new RemotingClosedError(addr, `connection to ${addr} closed by the client`));
  }

  /** Idempotent. Fails every pending call with `RemotingClosedError`, closes every socket. */
  shutdown(): Promise<void> {
    this.shutdownPromise ??= this.doShutdown();
    return this.shutdownPromise;
  }

  private async doShutdown(): Promise<void> {
    this.table.rejectAll(
      (call) => new RemotingClosedError(call.resolvedAddr ?? call.addr ?? '<name server>', 'remoting client shut down'),
    );
    const closing: Promise<void>[] = [];
    for (const conn of [...this.connections.values(), ...this.draining]) {
      conn.close(new RemotingClosedError(conn.addr, 'remoting client shut down'));
      closing.push(conn.socketClosed);
    }
    this.connections.clear();
    this.draining.clear();
    await Promise.all(closing);
    // Let the deferred completions (rejections above) run before reporting shutdown done.
    await new Promise<void>((resolve) => setImmediate(resolve));
  }

  // ---- the call path ----

  private start(
    addr: string | null,
    request: RemotingCommand,
    timeoutMs: number | undefined,
    kind: CallKind,
    signal: AbortSignal | undefined,
    closeOnTimeout: boolean,
    complete: Completion | undefined,
    receiver?: InvokeReceiver,
  ): void {
    const call = new PendingCall(addr, request, kind, timeoutMs, Date.now(), this.onSettled);
    call.complete = complete;
    call.receiver = receiver;
    call.closeOnTimeout = closeOnTimeout;
    if (this.opts.captureStack) {
      const holder: { stack?: string } = {};
      Error.captureStackTrace(holder, this.start);
      call.stack = holder.stack;
    }
    if (remotingRequestTraced()) {
      call.trace = createRemotingRequestTraceContext(addr, request, kind === 'oneway', timeoutMs);
      remotingRequestChannel.start.publish(call.trace);
    }
    const refused = this.check(addr, request, timeoutMs, kind, signal) ?? this.table.admit(call, signal);
    if (refused) {
      call.settled = true;
      this.onSettled(call, refused, undefined);
    } else if (addr === null) {
      this.toNameServer(call);
    } else {
      this.toAddress(call, addr);
    }
    if (call.trace) remotingRequestChannel.end.publish(call.trace);
  }

  /** Bad input is refused before any I/O. */
  private check(
    addr: string | null,
    request: RemotingCommand,
    timeoutMs: number | undefined,
    kind: CallKind,
    signal: AbortSignal | undefined,
  ): RocketMQError | undefined {
    if (this.shutdownPromise) return new ClientStateError('SHUTDOWN', 'remoting client is shut down');
    if (!(request instanceof RemotingCommand)) return new InvalidArgumentError('request must be a RemotingCommand');
    if (timeoutMs !== undefined || kind === 'async') {
      if (typeof timeoutMs !== 'number' || !(timeoutMs > 0) || timeoutMs > MAX_TIMER_MS) {
        return new InvalidArgumentError(`timeoutMs must be a number in (0, ${MAX_TIMER_MS}], got ${timeoutMs}`);
      }
    }
    // An address with a connection in the table was parsed when that connection was made.
    if (addr !== null && !this.connections.has(addr)) {
      try {
        parseAddress(addr);
      } catch (err) {
        return err as RocketMQError;
      }
    }
    if (this.opts.serializeType === 'ROCKETMQ' && (request.code > 32767 || request.code < -32768)) {
      return new InvalidArgumentError(
        `request code ${request.code} does not fit the ROCKETMQ header; use serializeType JSON for this client`,
      );
    }
    if (signal !== undefined) {
      if (typeof signal !== 'object' || signal === null || typeof signal.addEventListener !== 'function') {
        return new InvalidArgumentError('signal must be an AbortSignal');
      }
      if (signal.aborted) return new RequestAbortedError('request aborted before it started', { cause: signal.reason });
    }
    return undefined;
  }

  private connectionFor(addr: string): Connection {
    const existing = this.connections.get(addr);
    if (existing !== undefined && existing.state !== 'closed') return existing;
    const { host, port } = parseAddress(addr);
    const conn = new Connection(addr, { host, port, addr, tls: this.opts.tls }, this.connOptions, this.handlers);
    this.connections.set(addr, conn);
    return conn;
  }

  /**
   * protocol.md 11.2: reuse the chosen name server while its connection lives, else the next one.
   * Unlike Java, a name server that cannot be connected to is skipped within the same call while the
   * budget lasts (nothing was written to it), so one dead entry in the list never fails a lookup.
   */
  private toNameServer(call: PendingCall, tried = 0): void {
    let addr = this.namesrv.chosen;
    const current = addr !== undefined ? this.connections.get(addr) : undefined;
    if (current === undefined || current.state === 'closed') {
      addr = this.namesrv.next();
      if (addr === undefined) {
        this.table.settle(
          call,
          new RemotingConnectError('<name server>', 'no name server address configured', { retriable: false }),
          undefined,
        );
        return;
      }
      this.log.info('name server chosen', { addr });
    }
    if (call.trace) call.trace.resolvedAddr = addr;
    this.sendWhenReady(call, addr!, (err) => {
      if (err instanceof RemotingConnectError && tried + 1 < this.namesrv.addresses.length) {
        this.log.warn('name server unreachable, trying the next one', { addr, error: err.message });
        this.toNameServer(call, tried + 1);
        return true;
      }
      return false;
    });
  }

  private toAddress(call: PendingCall, addr: string): void {
    const conn = this.connections.get(addr);
    if (conn === undefined || conn.state !== 'connected') {
      this.sendWhenReady(call, addr, () => false);
      return;
    }
    // The common case, written at once (no closures): what `sendWhenReady` does for a live connection.
    call.resolvedAddr = addr;
    try {
      this.transmit(call, conn);
    } catch (err) {
      this.sendFailed(call, addr, err);
    }
  }

  /** An unexpected throw on the send path settles the call with a typed error (never an unhandled rejection). */
  private sendFailed(call: PendingCall, addr: string, err: unknown): void {
    this.log.error('internal error while sending a request', { addr, code: call.request.code, error: err });
    if (!call.settled) {
      this.table.settle(call, new RemotingSendError(addr, `request to ${addr} could not be sent`, { cause: err }), undefined);
    }
  }

  /**
   * Writes the call once its connection is up. `onConnectFail` may take over a failed connect (name-server
   * failover) by returning true. These run from promise callbacks and microtasks: any unexpected throw
   * settles the call with a typed error instead of escaping as an unhandled rejection.
   */
  private sendWhenReady(call: PendingCall, addr: string, onConnectFail: (err: RocketMQError) => boolean): void {
    const guarded = (fn: () => void): void => {
      try {
        fn();
      } catch (err) {
        this.sendFailed(call, addr, err);
      }
    };
    guarded(() => {
      call.resolvedAddr = addr;
      const conn = this.connectionFor(addr);
      if (conn.state === 'connected') {
        this.transmit(call, conn);
        return;
      }
      conn.ready.then(
        () => guarded(() => this.transmit(call, conn)),
        (err: RocketMQError) =>
          guarded(() => {
            if (call.settled || onConnectFail(err)) return;
            this.table.settle(call, err, undefined);
          }),
      );
    });
  }

  /** One physical send: hooks, a fresh opaque, encode, write. */
  private transmit(call: PendingCall, conn: Connection): void {
    if (call.settled) return;
    const addr = conn.addr;
    if (conn.state !== 'connected') {
      this.table.settle(call, new RemotingSendError(addr, `connection to ${addr} closed before the write`), undefined);
      return;
    }
    const request = call.request;
    const hookErr = runBeforeHooks(this.opts.rpcHooks, addr, request);
    if (hookErr) {
      this.table.settle(call, hookErr, undefined);
      return;
    }
    if (call.settled) return; // a hook may have aborted the call
    this.applyDefaults(request);
    let opaque = nextOpaque();
    while (this.table.hasOpaque(opaque)) opaque = nextOpaque();
    request.opaque = opaque;
    // The flags say what this send is, whatever an earlier send of the same command left there.
    const flag = request.flag & ~RPC_TYPE_RESPONSE;
    request.flag = call.kind === 'oneway' ? flag | RPC_ONEWAY : flag & ~RPC_ONEWAY;
    let header: Buffer;
    try {
      header = request.encodeHeader();
    } catch (err) {
      const e = err instanceof RocketMQError ? err : new InvalidArgumentError('request cannot be encoded', undefined, { cause: err });
      this.table.settle(call, e, undefined);
      return;
    }
    call.sentAt = Date.now();
    if (call.timeoutMs !== undefined) call.leftAtSend = call.timeoutMs - (call.sentAt - call.createdAt);
    this.table.markSent(call, opaque, conn);
    const written =
      call.kind === 'oneway'
        ? conn.write(header, request.body, (err) => this.table.settle(call, (err as RocketMQError) ?? null, undefined))
        : conn.write(header, request.body);
    if (!written) this.table.settle(call, new RemotingSendError(addr, `connection to ${addr} is not writable`), undefined);
  }

  /** Client-wide language/version/serialize type, for commands still carrying the codec defaults. */
  private applyDefaults(cmd: RemotingCommand): void {
    if (cmd.language === DEFAULT_LANGUAGE) cmd.language = this.opts.language;
    if (cmd.version === DEFAULT_REMOTING_VERSION) cmd.version = this.opts.version;
    cmd.serializeType = this.opts.serializeType;
  }

  // ---- settlement (always leaves the read loop before user code runs) ----

  private readonly onSettled = (call: PendingCall, err: RocketMQError | null, response: RemotingCommand | undefined) => {
    call.error = err;
    call.response = response;
    this.finishQueue.push(call);
    if (!this.finishScheduled) {
      this.finishScheduled = true;
      queueMicrotask(this.drainFinished);
    }
  };

  private readonly drainFinished = () => {
    this.finishScheduled = false;
    const queue = this.finishQueue;
    this.finishQueue = [];
    for (let i = 0; i < queue.length; i++) this.finish(queue[i]!);
  };

  private finish(call: PendingCall): void {
    let err = call.error;
    const response = call.response;
    call.response = undefined;
    call.error = null;
    if (err === null && response !== undefined && response.code === ResponseCode.GO_AWAY) {
      err = this.resendAfterGoAway(call) ?? null;
      if (err === null) return; // the resend now owns the completion
    }
    if (err === null && response !== undefined) {
      err = runAfterHooks(this.opts.rpcHooks, call.resolvedAddr!, call.request, response) ?? null;
    }
    if (err !== null && call.stack !== undefined && err.stack !== undefined) {
      err.stack += '\n    --- call started at ---' + call.stack.slice(call.stack.indexOf('\n'));
    }
    const trace = call.trace;
    if (trace) {
      if (err) {
        trace.error = err;
        remotingRequestChannel.error.publish(trace);
      } else trace.response = response;
      remotingRequestChannel.asyncStart.publish(trace);
      remotingRequestChannel.asyncEnd.publish(trace);
    }
    const complete = call.complete;
    const receiver = call.receiver;
    call.complete = undefined;
    call.receiver = undefined;
    try {
      if (receiver !== undefined) receiver.onInvokeDone(err, err === null ? response : undefined);
      else complete!(err, err === null ? response : undefined);
    } catch (cbErr) {
      this.log.error('invoke callback threw', { code: call.request.code, error: cbErr });
    }
  }

  /**
   * protocol.md 11.6 (Java `enableReconnectForGoAway`, on by default): a peer that is going away
   * answered GO_AWAY. Its connection leaves the table (new calls connect afresh; calls still pending
   * on it finish there) and the request is sent once more, as a new command with a fresh opaque and
   * the time left, to the same address. Returns the error when it cannot be resent: a second
   * GO_AWAY, or no time left.
   */
  private resendAfterGoAway(call: PendingCall): RocketMQError | undefined {
    const conn = call.conn;
    const addr = call.resolvedAddr ?? conn?.addr ?? '<name server>';
    if (this.goAwayResends.has(call)) {
      return new RemotingSendError(addr, `received GO_AWAY twice for request ${call.request.code} to ${addr}`);
    }
    if (conn !== undefined && this.connections.get(conn.addr) === conn) {
      this.connections.delete(conn.addr);
      if (conn.state !== 'closed') this.draining.add(conn);
    }
    if (call.signal?.aborted) return new RequestAbortedError('request aborted', { cause: call.signal.reason });
    const left = call.timeoutMs === undefined ? undefined : call.timeoutMs - (Date.now() - call.createdAt);
    if (left !== undefined && left <= 0) {
      return new RemotingTimeoutError(
        { addr, timeoutMs: call.timeoutMs!, requestCode: call.request.code, createdAt: call.createdAt, sentAt: call.sentAt },
        `request ${call.request.code} to ${addr} got GO_AWAY with no time left to resend`,
      );
    }
    this.log.info('GO_AWAY received, reconnecting and resending once', { addr, code: call.request.code });
    const old = call.request;
    const extFields = old.extFields === undefined ? undefined : Object.assign(newExtFields(), old.extFields);
    const request = new RemotingCommand({
      code: old.code,
      language: old.language,
      version: old.version,
      serializeType: old.serializeType,
      remark: old.remark,
      extFields,
      body: old.body,
      fastHeaderKeys: old.fastHeaderKeys,
    });
    const resend = new PendingCall(addr, request, 'async', left, Date.now(), this.onSettled);
    resend.complete = call.complete;
    resend.receiver = call.receiver;
    resend.closeOnTimeout = call.closeOnTimeout;
    resend.stack = call.stack;
    resend.trace = call.trace; // one logical call for diagnostics subscribers
    this.goAwayResends.add(resend);
    call.complete = undefined;
    call.receiver = undefined;
    const refused = this.shutdownPromise
      ? new RemotingClosedError(addr, 'remoting client shut down')
      : this.table.admit(resend, call.signal);
    if (refused) {
      call.complete = resend.complete;
      call.receiver = resend.receiver;
      return refused;
    }
    this.toAddress(resend, addr);
    return undefined;
  }

  private afterTimeout(call: PendingCall): void {
    if (!call.closeOnTimeout || !this.opts.closeSocketIfTimeout) return;
    const conn = call.conn;
    if (conn === undefined || this.connections.get(conn.addr) !== conn) return;
    const left = call.leftAtSend;
    if (left > MIN_CLOSE_TIMEOUT_MS || left > (call.timeoutMs ?? 0) / 4) {
      this.log.warn('request timed out, closing its connection', { addr: conn.addr, code: call.request.code });
      conn.close(
        new RemotingClosedError(conn.addr, `connection to ${conn.addr} closed after request ${call.request.code} timed out`),
      );
    }
  }

  // ---- inbound ----

  /** Runs inside the read loop: match or queue, nothing else. */
  private onCommand(conn: Connection, cmd: RemotingCommand): void {
    if (cmd.isResponse) {
      const call = this.table.match(cmd.opaque, conn);
      if (call === undefined) {
        this.log.debug('response matches no pending request (late or unknown), dropped', {
          addr: conn.addr,
          opaque: cmd.opaque,
          code: cmd.code,
        });
        return;
      }
      this.table.settle(call, null, cmd);
      return;
    }
    conn.beginInbound();
    this.inbound.push(conn, cmd);
    if (!this.inboundScheduled) {
      this.inboundScheduled = true;
      setImmediate(this.drainInbound);
    }
  }

  /** Server-initiated requests, handled after the read loop (a macrotask later, like Java's executor hop). */
  private readonly drainInbound = () => {
    this.inboundScheduled = false;
    const queue = this.inbound;
    this.inbound = [];
    for (let i = 0; i < queue.length; i += 2) {
      const conn = queue[i] as Connection;
      const request = queue[i + 1] as RemotingCommand;
      this.processors.process(request, conn.addr, (response) => {
        try {
          if (response !== undefined) this.writeReply(conn, response);
        } catch (err) {
          this.log.error('writing the reply to a server-initiated request failed', { addr: conn.addr, error: err });
        } finally {
          conn.endInbound();
        }
      });
    }
  };

  private writeReply(conn: Connection, response: RemotingCommand): void {
    this.applyDefaults(response);
    const header = response.encodeHeader();
    if (!conn.writeReply(header, response.body)) {
      this.log.debug('connection gone before the response was written', { addr: conn.addr, opaque: response.opaque });
    }
  }

  private onConnectionClosed(conn: Connection, reason: RocketMQError, wasConnected: boolean): void {
    if (this.connections.get(conn.addr) === conn) this.connections.delete(conn.addr);
    this.draining.delete(conn);
    this.table.rejectConnection(
      conn,
      (call) =>
        new RemotingClosedError(
          conn.addr,
          `connection to ${conn.addr} closed while request ${call.request.code} (opaque ${call.opaque}) was pending: ${reason.message}`,
          { cause: reason },
        ),
    );
    if (wasConnected) this.emitLater('disconnected', conn.addr);
  }

  /** Listeners are user code: never inside the read loop, never able to break the client. */
  private emitLater(event: keyof RemotingClientEvents, addr: string): void {
    setImmediate(() => {
      try {
        this.emit(event, addr);
      } catch (err) {
        this.log.error(`'${event}' listener threw`, { addr, error: err });
      }
    });
  }
}
