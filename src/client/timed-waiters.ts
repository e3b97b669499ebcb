/**
 * A FIFO queue of waiters, each with a timeout after which it gives up (resolves false) and leaves
 * the queue. The one mechanism behind TimedLock (Java `tryLock(timeout)`) and the producer's
 * AsyncSemaphore (Java `Semaphore.tryAcquire(n, timeout)`). Timers are unref'd.
 */
interface Waiter<T> {
  readonly data: T;
  grant(): void;
  cancel(): void;
}

export class TimedWaiters<T> {
  private readonly queue: Waiter<T>[] = [];

  get length(): number {
    return this.queue.length;
  }

  /** The longest-waiting entry's data, if any. */
  peek(): T | undefined {
    return this.queue[0]?.data;
  }

  /**
   * Queues a waiter: true when `grantNext()` reaches it, false after `timeoutMs` (then `onTimeout`
   * runs, after the waiter has left the queue) or on `cancelAll()`.
   */
  wait(data: T, timeoutMs: number, onTimeout?: () => void): Promise<boolean> {
    return new Promise<boolean>((resolve) => {
      const waiter: Waiter<T> = {
        data,
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
        const i = this.queue.indexOf(waiter);
        if (i >= 0) this.queue.splice(i, 1);
        resolve(false);
        onTimeout?.();
      }, timeoutMs);
      timer.unref?.();
      this.queue.push(waiter);
    });
  }

  /** Grants the longest-waiting waiter; false when nobody waits. */
  grantNext(): boolean {
    const next = this.queue.shift();
    if (next === undefined) return false;
    next.grant();
    return true;
  }

  /** Every waiter gets false now, its timer cleared. */
  cancelAll(): void {
    for (const w of this.queue.splice(0)) w.cancel();
  }
}
