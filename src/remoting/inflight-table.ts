import { RemotingTimeoutError, RemotingTooManyRequestsError, RequestAbortedError, type RocketMQError } from '../errors';
import type { RemotingRequestTraceContext } from '../diagnostics';
import type { RemotingCommand } from './protocol/remoting-command';
import type { Connection } from './connection';
import type { Logger } from '../logger';
import { OpaqueIndex } from './opaque-index';
import { SlotList } from './slot-list';

// Java keeps one process-wide AtomicInteger for opaques (protocol.md 1.6); so do we. It wraps
// through int32 overflow to negative values, as Java's does.
let opaqueCounter = 0;

export function nextOpaque(): number {
  const v = opaqueCounter;
  opaqueCounter = (opaqueCounter + 1) | 0;
  return v;
}

/** @internal Test hook: moves the process-wide counter (e.g. next to the int32 wrap). */
export function setNextOpaqueForTest(value: number): void {
  opaqueCounter = value | 0;
}

export type CallKind = 'async' | 'oneway';

/** Runs once per call, from `InflightTable.settle` only. Must not run user code synchronously. */
export type SettleHandler = (call: PendingCall, err: RocketMQError | null, response: RemotingCommand | undefined) => void;

/** A caller that takes the outcome as a method call (one object per call, no closure). */
export interface InvokeReceiver {
  onInvokeDone(err: RocketMQError | null, response: RemotingCommand | undefined): void;
}

/** One call from admission to settlement: connect, hooks, write, wait for the answer. */
export class PendingCall {
  /** Assigned per physical send. */
  opaque: number | undefined = undefined;
  conn: Connection | undefined = undefined;
  /** The address actually used (differs from `addr` for name-server calls). */
  resolvedAddr: string | undefined = undefined;
  /** Epoch ms when the frame was handed to the connection. */
  sentAt: number | undefined = undefined;
  /** Budget left when the frame was written (Java's `left`, used for the close-on-timeout rule). */
  leftAtSend = 0;
  settled = false;
  timer: NodeJS.Timeout | undefined = undefined;
  signal: AbortSignal | undefined = undefined;
  abortListener: (() => void) | undefined = undefined;
  /** Caller's stack when `captureStack` is on. */
  stack: string | undefined = undefined;
  trace: RemotingRequestTraceContext | undefined = undefined;
  /** Java's sync-call rule: close the connection when this call times out after its write. */
  closeOnTimeout = false;
  /** The outcome, kept between settlement and the deferred completion. */
  error: RocketMQError | null = null;
  response: RemotingCommand | undefined = undefined;
  /** Delivers the outcome to the caller (promise or callback); run off the read loop. */
  complete: ((err: RocketMQError | null, response: RemotingCommand | undefined) => void) | undefined = undefined;
  /** Takes the outcome instead of `complete` when set. */
  receiver: InvokeReceiver | undefined = undefined;
  /** Position in the table's list of calls not written yet (-1: not there). */
  slot = -1;

  constructor(
    readonly addr: string | null,
    readonly request: RemotingCommand,
    readonly kind: CallKind,
    /** The whole budget, connect included (as Java deducts connect time). `undefined`: no deadline. */
    readonly timeoutMs: number | undefined,
    readonly createdAt: number,
    readonly onSettle: SettleHandler,
  ) {}
}

function fireTimeout(table: InflightTable, call: PendingCall): void {
  try {
    table.timeOut(call);
  } catch (err) {
    // Settle paths are not meant to throw; if one does, keep it out of the timer (it would crash the
    // process) but never hide it.
    table.log?.error('internal error while timing out a request', { error: err });
  }
}

/**
 * Every call in progress: those not yet written (connecting, or oneway awaiting its write) and
 * those awaiting a response, keyed by opaque. `settle` is the only way out: it clears the timer and
 * the abort listener, removes the entry, releases the in-flight permit and hands the outcome on,
 * exactly once.
 */
export class InflightTable {
  private readonly sent = new OpaqueIndex<PendingCall>();
  private readonly unsent = new SlotList<PendingCall>();
  private asyncCount = 0;
  private onewayCount = 0;

  constructor(
    private readonly maxAsync: number,
    private readonly maxOneway: number,
    /** Called after a call that had been written timed out (the client may close the connection). */
    private readonly afterTimeout: (call: PendingCall) => void,
    readonly log?: Logger,
  ) {}

  /** Calls not settled yet. */
  get size(): number {
    return this.sent.size + this.unsent.size;
  }

  hasOpaque(opaque: number): boolean {
    return this.sent.has(opaque);
  }

  /** Takes a permit and starts the deadline; refuses at once when the limit is reached. */
  admit(call: PendingCall, signal: AbortSignal | undefined): RemotingTooManyRequestsError | undefined {
    if (call.kind === 'async') {
      if (this.asyncCount >= this.maxAsync) return new RemotingTooManyRequestsError(this.maxAsync, 'async');
      this.asyncCount++;
    } else {
      if (this.onewayCount >= this.maxOneway) return new RemotingTooManyRequestsError(this.maxOneway, 'oneway');
      this.onewayCount++;
    }
    this.unsent.add(call);
    if (call.timeoutMs !== undefined) {
      call.timer = setTimeout(fireTimeout, call.timeoutMs, this, call);
      call.timer.unref();
    }
    if (signal) {
      call.signal = signal;
      call.abortListener = () => {
        this.settle(call, new RequestAbortedError('request aborted', { cause: signal.reason }), undefined);
      };
      signal.addEventListener('abort', call.abortListener, { once: true });
    }
    return undefined;
  }

  /** The frame of an async call was written under `opaque` on `conn`: responses can now match it. */
  markSent(call: PendingCall, opaque: number, conn: Connection): void {
    call.opaque = opaque;
    call.conn = conn;
    if (call.kind === 'async') {
      this.unsent.delete(call);
      this.sent.set(opaque, call);
    }
  }

  /** The call waiting for this opaque on this connection, if any (a response from elsewhere never matches). */
  match(opaque: number, conn: Connection): PendingCall | undefined {
    const call = this.sent.get(opaque);
    return call !== undefined && call.conn === conn ? call : undefined;
  }

  settle(call: PendingCall, err: RocketMQError | null, response: RemotingCommand | undefined): boolean {
    if (call.settled) return false;
    call.settled = true;
    if (call.timer !== undefined) {
      clearTimeout(call.timer);
      call.timer = undefined;
    }
    if (call.abortListener !== undefined) {
      call.signal!.removeEventListener('abort', call.abortListener);
      call.abortListener = undefined;
    }
    if (call.opaque !== undefined && this.sent.get(call.opaque) === call) this.sent.delete(call.opaque);
    else this.unsent.delete(call);
    if (call.kind === 'async') this.asyncCount--;
    else this.onewayCount--;
    call.onSettle(call, err, response);
    return true;
  }

  /** Deadline reached: settle with a timeout error carrying the call's facts. */
  timeOut(call: PendingCall): void {
    if (call.settled) return;
    const addr = call.resolvedAddr ?? call.addr ?? '<name server>';
    const err = new RemotingTimeoutError(
      {
        opaque: call.opaque,
        requestCode: call.request.code,
        addr,
        timeoutMs: call.timeoutMs ?? 0,
        createdAt: call.createdAt,
        sentAt: call.sentAt,
      },
      call.sentAt === undefined
        ? `request ${call.request.code} to ${addr} timed out after ${call.timeoutMs} ms before it was written (connecting)`
        : undefined,
    );
    this.settle(call, err, undefined);
    if (call.sentAt !== undefined) this.afterTimeout(call);
  }

  /** Settles every call bound to `conn` (sent, or oneway awaiting its write). */
  rejectConnection(conn: Connection, makeError: (call: PendingCall) => RocketMQError): void {
    const victims: PendingCall[] = [];
    for (const call of this.sent.toArray()) if (call.conn === conn) victims.push(call);
    for (const call of this.unsent.toArray()) if (call.conn === conn) victims.push(call);
    for (const call of victims) this.settle(call, makeError(call), undefined);
  }

  rejectAll(makeError: (call: PendingCall) => RocketMQError): void {
    const victims = [...this.sent.toArray(), ...this.unsent.toArray()];
    for (const call of victims) this.settle(call, makeError(call), undefined);
  }
}
