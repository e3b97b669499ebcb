/**
 * A promise mutex with Java `tryLock(timeout)` semantics: FIFO waiters, and a waiter that is not
 * granted the lock within its timeout gives up (resolves false) instead of queueing forever.
 * `tryLock()` with no timeout never waits. Timers are unref'd.
 */
import { TimedWaiters } from './timed-waiters';

export class TimedLock {
  private held = false;
  private closed = false;
  private readonly waiters = new TimedWaiters<undefined>();

  get locked(): boolean {
    return this.held;
  }

  /** Resolves true once held (caller must `unlock()`), false if not held within `timeoutMs`. */
  tryLock(timeoutMs = 0): Promise<boolean> {
    if (!this.held) {
      this.held = true;
      return Promise.resolve(true);
    }
    if (timeoutMs <= 0 || this.closed) return Promise.resolve(false);
    return this.waiters.wait(undefined, timeoutMs);
  }

  /** Non-waiting variant for call sites that must skip rather than queue. */
  tryLockNow(): boolean {
    if (this.held) return false;
    this.held = true;
    return true;
  }

  /** Shutdown: every waiter gets false now (its timer is cleared) and no one waits from here on. */
  close(): void {
    this.closed = true;
    this.waiters.cancelAll();
  }

  /** Hands the lock to the longest waiter, or frees it. */
  unlock(): void {
    if (!this.waiters.grantNext()) this.held = false;
  }
}
