/**
 * A concurrency limit on async work (Java's consume thread pool, `consumeThreadMax` threads): at most
 * `max` tasks run at once, the others wait in order. `close()` discards the waiting ones; `idle()`
 * resolves once nothing runs.
 */
export class ConsumeLimiter {
  private running = 0;
  private readonly waiting: Array<() => Promise<void>> = [];
  private idleWaiters: Array<() => void> = [];
  private closed = false;

  constructor(private readonly max: number) {}

  get activeCount(): number {
    return this.running;
  }

  get queuedCount(): number {
    return this.waiting.length;
  }

  /** Runs `task` when a slot is free; never throws (the task handles its own errors). */
  submit(task: () => Promise<void>): void {
    if (this.closed) return;
    this.waiting.push(task);
    this.pump();
  }

  /** One task per batch of at most `size` messages (Java's `consumeMessageBatchMaxSize` split of a pull). */
  submitInBatches<T>(items: readonly T[], size: number, task: (batch: T[]) => Promise<void>): void {
    for (let i = 0; i < items.length; i += size) {
      const batch = items.slice(i, i + size);
      this.submit(() => task(batch));
    }
  }

  private pump(): void {
    while (this.running < this.max && this.waiting.length > 0 && !this.closed) {
      const task = this.waiting.shift()!;
      this.running++;
      // Out of the caller's frame (the pull callback may sit in the decode loop's promise chain).
      setImmediate(() => {
        void task()
          .catch(() => undefined)
          .finally(() => {
            this.running--;
            if (this.running === 0) this.notifyIdle();
            this.pump();
          });
      });
    }
  }

  private notifyIdle(): void {
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const w of waiters) w();
  }

  /** Resolves when no task runs, or after `timeoutMs` (false then). */
  idle(timeoutMs: number): Promise<boolean> {
    if (this.running === 0) return Promise.resolve(true);
    return new Promise((resolve) => {
      const timer = setTimeout(() => resolve(false), timeoutMs);
      timer.unref?.();
      this.idleWaiters.push(() => {
        clearTimeout(timer);
        resolve(true);
      });
    });
  }

  /** Stops starting tasks; those waiting are dropped (their messages stay uncommitted, so they come again). */
  close(): void {
    this.closed = true;
    this.waiting.length = 0;
  }
}
