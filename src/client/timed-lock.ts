/**
 * A promise mutex with Java `tryLock(timeout)` semantics: FIFO waiters, and a waiter that is not
 * granted the lock within its timeout gives up (resolves false) instead of queueing forever.
 * `tryLock()` with no timeout never waits. Timers are unref'd.
 */
export class TimedLock {
  private held = false;
  private readonly waiters: Array<{ grant: () => void }> = [];

  get locked(): boolean {
    return this.held;
  }

  /** Resolves true once held (caller must `unlock()`), false if not held within `timeoutMs`. */
  tryLock(timeoutMs = 0): Promise<boolean> {
    if (!this.held) {
      this.held = true;
      return Promise.resolve(true);
    }
    if (timeoutMs <= 0) return Promise.resolve(false);
    return new Promise<boolean>((resolve) => {
      const waiter = {
        grant: () => {
          clearTimeout(timer);
          resolve(true);
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

  unlock(): void {
    const next = this.waiters.shift();
    if (next) next.grant();
    else this.held = false;
  }
}
