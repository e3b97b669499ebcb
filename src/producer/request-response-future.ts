import { RequestTimeoutError } from '../errors';
import { getDefaultLogger, type Logger } from '../logger';
import type { MessageExt } from '../message/message-decoder';

/** Java `RequestCallback`: exactly one of the two runs, once. */
export interface RequestCallback {
  onSuccess(reply: MessageExt): void;
  onException(error: Error): void;
}

/** Java `RequestFutureHolder`'s scan period (first scan after 3 s in Java; here every second). */
const SCAN_INTERVAL_MS = 1000;

/**
 * Java `RequestResponseFuture`: one request waiting for its reply, keyed by `CORRELATION_ID`.
 * Settles once: with the reply, or with the send failure, or with a `RequestTimeoutError`.
 */
export class RequestResponseFuture {
  readonly beginTimestamp = Date.now();
  sendRequestOk = true;
  cause: unknown = undefined;
  responseMsg: MessageExt | undefined = undefined;
  private done = false;
  private waiters: Array<(reply: MessageExt | undefined) => void> = [];

  constructor(
    readonly correlationId: string,
    readonly timeoutMs: number,
    /** The requesting producer's logger: the shared holder logs this request's expiry there. */
    readonly log?: Logger,
  ) {}

  get isDone(): boolean {
    return this.done;
  }

  isTimeout(now = Date.now()): boolean {
    return now - this.beginTimestamp > this.timeoutMs;
  }

  /** The reply, or undefined when the wait ended (timeout, or a failed send) without one. */
  waitResponseMessage(timeoutMs: number): Promise<MessageExt | undefined> {
    if (this.done || timeoutMs <= 0) return Promise.resolve(this.responseMsg);
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== waiter);
        resolve(this.responseMsg);
      }, timeoutMs);
      timer.unref();
      const waiter = (reply: MessageExt | undefined): void => {
        clearTimeout(timer);
        resolve(reply);
      };
      this.waiters.push(waiter);
    });
  }

  /** Java `putResponseMessage`: the reply (or undefined for a failed send) releases every waiter. */
  putResponseMessage(reply: MessageExt | undefined): void {
    if (this.done) return;
    this.done = true;
    this.responseMsg = reply;
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w(reply);
  }
}

/**
 * Java `RequestFutureHolder`: the process-wide table of requests waiting for replies, and the scan
 * that expires them. Replies reach it through PUSH_REPLY_MESSAGE_TO_CLIENT on any client instance,
 * as in Java. The scan timer runs only while the table is not empty, unref'd.
 */
export class RequestFutureHolder {
  private static readonly instance = new RequestFutureHolder();
  readonly requestFutureTable = new Map<string, RequestResponseFuture>();
  private timer: NodeJS.Timeout | undefined;
  /** For futures without their own logger; each request normally brings its producer's. */
  private readonly log: Logger = getDefaultLogger().child('request');

  static getInstance(): RequestFutureHolder {
    return RequestFutureHolder.instance;
  }

  put(future: RequestResponseFuture): void {
    this.requestFutureTable.set(future.correlationId, future);
    if (this.timer === undefined) {
      this.timer = setInterval(() => this.scanExpiredRequest(), SCAN_INTERVAL_MS);
      this.timer.unref();
    }
  }

  get(correlationId: string): RequestResponseFuture | undefined {
    return this.requestFutureTable.get(correlationId);
  }

  remove(correlationId: string): RequestResponseFuture | undefined {
    const f = this.requestFutureTable.get(correlationId);
    if (f !== undefined) this.requestFutureTable.delete(correlationId);
    this.stopIfIdle();
    return f;
  }

  /** Java `scanExpiredRequest`: expired futures leave the table; their waiters get a timeout. */
  scanExpiredRequest(now = Date.now()): void {
    const expired: RequestResponseFuture[] = [];
    for (const [id, f] of this.requestFutureTable) {
      if (f.isTimeout(now)) {
        this.requestFutureTable.delete(id);
        expired.push(f);
      }
    }
    this.stopIfIdle();
    for (const f of expired) {
      const log = f.log ?? this.log;
      log.warn('remove timeout request', { correlationId: f.correlationId });
      try {
        f.cause = new RequestTimeoutError(f.correlationId, f.timeoutMs, 'request timeout, no reply message.');
        f.putResponseMessage(undefined);
      } catch (err) {
        log.warn('request waiter threw on timeout', { err });
      }
    }
  }

  private stopIfIdle(): void {
    if (this.requestFutureTable.size === 0 && this.timer !== undefined) {
      clearInterval(this.timer);
      this.timer = undefined;
    }
  }
}
