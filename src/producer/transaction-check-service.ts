import { InvalidArgumentError } from '../errors';
import type { Logger } from '../logger';

/** How long `shutdown()` waits for checks already running. */
const SHUTDOWN_WAIT_MS = 3000;

/**
 * Java's transaction check executor (`checkThreadPoolMaxSize` threads over a queue of
 * `checkRequestHoldMax`): broker checks run here, never on the turn that decoded them. Jobs start
 * on a later macrotask, at most `concurrency` at once; a full queue drops the check with a warning,
 * as Java's rejected task, since the broker asks again at its next check interval.
 */
export class TransactionCheckService {
  private readonly queue: Array<() => Promise<void>> = [];
  private readonly running = new Set<Promise<void>>();
  private pumpScheduled = false;
  private stopped = false;

  constructor(
    private readonly concurrency: number,
    private readonly holdMax: number,
    private readonly log: Logger,
  ) {
    if (!Number.isInteger(concurrency) || concurrency < 1) throw new InvalidArgumentError(`checkConcurrency must be a positive integer, got ${concurrency}`);
    if (!Number.isInteger(holdMax) || holdMax < 1) throw new InvalidArgumentError(`checkRequestHoldMax must be a positive integer, got ${holdMax}`);
  }

  get pending(): number {
    return this.queue.length + this.running.size;
  }

  /** False when the check was dropped (stopped, or the queue is full). */
  submit(job: () => Promise<void>): boolean {
    if (this.stopped) return false;
    if (this.queue.length >= this.holdMax) {
      this.log.warn('transaction check queue full, check dropped (the broker will ask again)', { holdMax: this.holdMax });
      return false;
    }
    this.queue.push(job);
    this.schedulePump();
    return true;
  }

  /** Drops queued checks and waits (bounded) for the running ones. */
  async shutdown(): Promise<void> {
    this.stopped = true;
    this.queue.length = 0;
    if (this.running.size === 0) return;
    let timer: NodeJS.Timeout | undefined;
    const bound = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, SHUTDOWN_WAIT_MS);
      timer.unref();
    });
    await Promise.race([Promise.allSettled([...this.running]), bound]);
    clearTimeout(timer);
  }

  private schedulePump(): void {
    if (this.pumpScheduled) return;
    this.pumpScheduled = true;
    setImmediate(() => {
      this.pumpScheduled = false;
      this.pump();
    });
  }

  private pump(): void {
    while (!this.stopped && this.running.size < this.concurrency && this.queue.length > 0) {
      const job = this.queue.shift()!;
      let p: Promise<void>;
      try {
        p = job();
      } catch (err) {
        p = Promise.reject(err);
      }
      const tracked: Promise<void> = p
        .catch((err: unknown) => this.log.error('transaction check failed', { err }))
        .finally(() => {
          this.running.delete(tracked);
          if (this.queue.length > 0) this.schedulePump();
        });
      this.running.add(tracked);
    }
  }
}
