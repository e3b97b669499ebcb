/**
 * A promise mutex with Java `tryLock(timeout)` semantics: FIFO waiters, and a waiter that is not
 * granted the lock within its timeout gives up (resolves false) instead of queueing forever.
 * `tryLock()` with no timeout never waits. Timers are unref'd.
 */
export class TimedLock {
  private held = false;
  private closed = false;
  private readonly waiters: Array<{ grant: () => void; cancel: () => void }> = [];

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
    return new Promise<boolean>((resolve) => {
      const waiter = {
        grant: () => {
          clearTimeout(timer);
          resolve(true);
        },
        cancel: () => {
          clearTimeout(timer);
          resolve(false);
        },
      };
      const timer = setTimeout(() => {
        const i = this.waiters.indexOf(waiter);
        if (i >= 0) this.waiters.splice(i, 1);
        resolve(false);
      }, timeoutMs);
      timer.unref?.();
      this.waiters.push(waiter);
    });
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
    for (const w of this.waiters.splice(0)) w.cancel();
  }

  unlock(): void {
    const next = this.waiters.shift();
    if (next) next.grant();
    else this.held = false;
  }
}
