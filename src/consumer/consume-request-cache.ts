import type { MessageQueue } from '../client/message-queue';
import type { MessageExt } from '../message/message-decoder';
import type { ProcessQueue } from './process-queue';

/** One pull's messages waiting for `poll()` (Java `DefaultLitePullConsumerImpl.ConsumeRequest`). */
export interface ConsumeRequest {
  readonly messages: MessageExt[];
  readonly mq: MessageQueue;
  readonly processQueue: ProcessQueue;
}

/**
 * The lite pull consumer's buffer (Java `consumeRequestCache`): pull tasks append, `poll()` takes in
 * arrival order. Both sides can wait: a poll for the next request, a flow-controlled pull task for the
 * buffer to shrink. Every wait is bounded and ends at `close()`; timers are unref'd.
 */
export class ConsumeRequestCache {
  private readonly requests: ConsumeRequest[] = [];
  private readonly arrivals = new Set<() => void>();
  private readonly drains = new Set<() => void>();
  private readonly sleepers = new Set<() => void>();
  private messages = 0;
  private closed = false;

  get length(): number {
    return this.requests.length;
  }

  /** Messages in the buffered requests. */
  get messageCount(): number {
    return this.messages;
  }

  put(r: ConsumeRequest): void {
    if (this.closed) return;
    this.requests.push(r);
    this.messages += r.messages.length;
    wakeAll(this.arrivals);
  }

  /** The first request `accept` takes; requests of dropped process queues are discarded on the way. */
  take(accept: (r: ConsumeRequest) => boolean): ConsumeRequest | undefined {
    for (let i = 0; i < this.requests.length; i++) {
      const r = this.requests[i]!;
      if (r.processQueue.dropped) {
        this.removeAt(i--);
        continue;
      }
      if (!accept(r)) continue;
      this.removeAt(i);
      wakeAll(this.drains);
      return r;
    }
    return undefined;
  }

  /** Every buffered request, oldest first (those of dropped process queues are discarded). */
  takeAll(): ConsumeRequest[] {
    const live = this.requests.filter((r) => !r.processQueue.dropped);
    this.requests.length = 0;
    this.messages = 0;
    if (live.length > 0) wakeAll(this.drains);
    return live;
  }

  /** Removes every request of `mq` (seek). */
  removeQueue(mq: MessageQueue): void {
    for (let i = this.requests.length - 1; i >= 0; i--) if (this.requests[i]!.mq.equals(mq)) this.removeAt(i);
    wakeAll(this.drains);
  }

  private removeAt(i: number): void {
    const [r] = this.requests.splice(i, 1);
    this.messages -= r!.messages.length;
  }

  /** Resolves when a request arrives, `ms` pass, `signal` aborts or the cache closes. */
  waitForArrival(ms: number, signal?: AbortSignal): Promise<void> {
    return this.wait(this.arrivals, ms, signal);
  }

  /** Resolves when a poll takes a request, `ms` pass or the cache closes. */
  waitForDrain(ms: number): Promise<void> {
    return this.wait(this.drains, ms);
  }

  /** Resolves after `ms` or when the cache closes. */
  sleep(ms: number): Promise<void> {
    return this.wait(this.sleepers, ms);
  }

  /** Ends the current waits of polls and pull tasks (a queue was resumed: both may go on). */
  wakeAll(): void {
    wakeAll(this.arrivals);
    wakeAll(this.drains);
  }

  /** Ends every wait, now and later; the buffered requests are dropped. */
  close(): void {
    this.closed = true;
    this.requests.length = 0;
    this.messages = 0;
    wakeAll(this.arrivals);
    wakeAll(this.drains);
    wakeAll(this.sleepers);
  }

  private wait(set: Set<() => void>, ms: number, signal?: AbortSignal): Promise<void> {
    if (this.closed || ms <= 0 || signal?.aborted) return Promise.resolve();
    return new Promise<void>((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        set.delete(done);
        signal?.removeEventListener('abort', done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      timer.unref?.();
      set.add(done);
      signal?.addEventListener('abort', done, { once: true });
    });
  }
}

function wakeAll(set: Set<() => void>): void {
  if (set.size === 0) return;
  for (const w of [...set]) w();
}
