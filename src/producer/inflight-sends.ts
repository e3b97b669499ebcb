import { SlotList, type Slotted } from '../remoting/slot-list';

/**
 * The sends a producer accepted and that have not settled yet. `shutdown()` stops accepting sends,
 * waits here for these to settle (`drain`, bounded), and fails the ones still pending at the bound
 * (`abandon`) instead of letting the closing client fail them with transport errors.
 */
export interface Pending extends Slotted {
  readonly reject: (err: unknown) => void;
  readonly abandonedError: () => Error;
}

export class InflightSends {
  private readonly pending = new SlotList<Pending>();
  private idleWaiters: Array<() => void> = [];

  get size(): number {
    return this.pending.size;
  }

  /**
   * `work`'s outcome, unless the send is abandoned first: then the error `abandonedError()` builds
   * (and `work`'s late outcome is dropped).
   */
  track<T>(work: Promise<T>, abandonedError: () => Error): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const entry: Pending = { reject, abandonedError, slot: -1 };
      this.pending.add(entry);
      work.then(
        (value) => {
          if (this.pending.delete(entry)) resolve(value);
          this.checkIdle();
        },
        (err: unknown) => {
          if (this.pending.delete(entry)) reject(err);
          this.checkIdle();
        },
      );
    });
  }

  /** A send settled through a callback rather than a promise: `remove` it when it settles. */
  add(entry: Pending): void {
    this.pending.add(entry);
  }

  /** False when the send was abandoned already (its outcome then goes nowhere). */
  remove(entry: Pending): boolean {
    const was = this.pending.delete(entry);
    if (was) this.checkIdle();
    return was;
  }

  /** Resolves true once nothing is pending, false when `timeoutMs` passes first. */
  drain(timeoutMs: number): Promise<boolean> {
    if (this.pending.size === 0) return Promise.resolve(true);
    return new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => {
        this.idleWaiters = this.idleWaiters.filter((w) => w !== done);
        resolve(false);
      }, timeoutMs);
      timer.unref();
      const done = (): void => {
        clearTimeout(timer);
        resolve(true);
      };
      this.idleWaiters.push(done);
    });
  }

  /** Fails every pending send with its abandoned error; returns how many. */
  abandon(): number {
    const victims = this.pending.clear();
    for (const p of victims) p.reject(p.abandonedError());
    this.checkIdle();
    return victims.length;
  }

  private checkIdle(): void {
    if (this.pending.size > 0 || this.idleWaiters.length === 0) return;
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const w of waiters) w();
  }
}
