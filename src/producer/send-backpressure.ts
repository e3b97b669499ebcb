import { TimedWaiters } from '../client/timed-waiters';
import { ClientStateError, RemotingTooManyRequestsError } from '../errors';

/**
 * A fair counting semaphore with `tryAcquire(permits, timeoutMs)` (Java `Semaphore(n, true)`): waiters
 * are served in order, a waiter that is not served within its timeout gives up. Timers are unref'd.
 */
export class AsyncSemaphore {
  private available: number;
  private closed = false;
  /** Each waiter's data is the number of permits it asks for. */
  private readonly waiters = new TimedWaiters<number>();

  constructor(readonly permits: number) {
    this.available = permits;
  }

  get availablePermits(): number {
    return this.available;
  }

  get isClosed(): boolean {
    return this.closed;
  }

  tryAcquire(permits: number, timeoutMs: number): Promise<boolean> {
    if (this.closed) return Promise.resolve(false);
    if (this.waiters.length === 0 && this.available >= permits) {
      this.available -= permits;
      return Promise.resolve(true);
    }
    if (timeoutMs <= 0) return Promise.resolve(false);
    // A head waiter that gives up may unblock smaller requests behind it.
    return this.waiters.wait(permits, timeoutMs, () => this.drain());
  }

  /** Shutdown: every waiter gets false now (its timer is cleared) and no one waits from here on. */
  close(): void {
    this.closed = true;
    this.waiters.cancelAll();
  }

  release(permits: number): void {
    this.available += permits;
    this.drain();
  }

  private drain(): void {
    for (let head = this.waiters.peek(); head !== undefined && this.available >= head; head = this.waiters.peek()) {
      this.available -= head;
      this.waiters.grantNext();
    }
  }
}

/** Java's floors: fewer than 10 messages or 1 MiB is raised to that. */
export const MIN_BACKPRESSURE_NUM = 10;
export const MIN_BACKPRESSURE_BYTES = 1024 * 1024;

/** Permits held by one async send; `release()` is idempotent. */
export interface BackpressureTicket {
  release(): void;
}

/**
 * Java `enableBackpressureForAsyncMode`: an async send first takes one permit of the count semaphore
 * and `bodyLength` permits of the size semaphore, each waiting at most the remaining send timeout,
 * and gives them back when its callback fires.
 */
export class AsyncSendBackpressure {
  private readonly num: AsyncSemaphore;
  private readonly size: AsyncSemaphore;

  constructor(maxNum: number, maxBytes: number) {
    this.num = new AsyncSemaphore(Math.max(maxNum, MIN_BACKPRESSURE_NUM));
    this.size = new AsyncSemaphore(Math.max(maxBytes, MIN_BACKPRESSURE_BYTES));
  }

  get availableNum(): number {
    return this.num.availablePermits;
  }

  get availableBytes(): number {
    return this.size.availablePermits;
  }

  /** Producer shutdown: sends waiting for permits fail now with a `ClientStateError`, not at their timeout. */
  close(): void {
    this.num.close();
    this.size.close();
  }

  /**
   * Resolves with a ticket, or rejects: `RemotingTooManyRequestsError` (Java
   * `RemotingTooMuchRequestException`) on timeout, `ClientStateError` once closed.
   */
  async acquire(bodyLength: number, deadline: number, now: () => number = Date.now): Promise<BackpressureTicket> {
    const bytes = bodyLength > 0 ? bodyLength : 1;
    this.throwIfClosed();
    let left = deadline - now();
    if (!(left > 0 && (await this.num.tryAcquire(1, left)))) {
      this.throwIfClosed();
      throw new RemotingTooManyRequestsError(this.num.permits, 'async');
    }
    left = deadline - now();
    if (!(left > 0 && (await this.size.tryAcquire(bytes, left)))) {
      this.num.release(1);
      this.throwIfClosed();
      throw new RemotingTooManyRequestsError(this.size.permits, 'async');
    }
    let released = false;
    return {
      release: () => {
        if (released) return;
        released = true;
        this.size.release(bytes);
        this.num.release(1);
      },
    };
  }

  private throwIfClosed(): void {
    if (this.num.isClosed) {
      throw new ClientStateError('SHUTDOWN_ALREADY', 'The producer service state not OK, SHUTDOWN_ALREADY');
    }
  }
}
