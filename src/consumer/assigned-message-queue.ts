import type { MessageQueue } from '../client/message-queue';
import { ProcessQueue } from './process-queue';

/** One assigned queue of the lite pull consumer (Java `AssignedMessageQueue.MessageQueueState`); offsets -1n when unset. */
export interface MessageQueueState {
  readonly mq: MessageQueue;
  readonly processQueue: ProcessQueue;
  paused: boolean;
  /** The offset of the next pull. */
  pullOffset: bigint;
  /** The offset to commit: everything below it was returned by `poll()`. */
  consumeOffset: bigint;
  /** Set by `seek()`, taken by the next pull. */
  seekOffset: bigint;
}

/**
 * Java `AssignedMessageQueue`: the queues the lite pull consumer reads (given by `assign()` or by the
 * rebalance of `subscribe()`), each with its process queue (what is buffered for `poll()`), pause flag
 * and offsets. A queue that leaves the set has its process queue marked dropped.
 */
export class AssignedMessageQueue {
  private readonly states = new Map<string, MessageQueueState>();

  /** The process queue a rebalance created for a queue, when it did (subscribe mode). */
  processQueueOf: (mq: MessageQueue) => ProcessQueue | undefined = () => undefined;

  get(mq: MessageQueue): MessageQueueState | undefined {
    return this.states.get(mq.key());
  }

  /** Unknown queues count as paused (nothing pulls them), as in Java. */
  isPaused(mq: MessageQueue): boolean {
    return this.get(mq)?.paused ?? true;
  }

  pause(mqs: Iterable<MessageQueue>): void {
    for (const mq of mqs) {
      const s = this.get(mq);
      if (s) s.paused = true;
    }
  }

  resume(mqs: Iterable<MessageQueue>): void {
    for (const mq of mqs) {
      const s = this.get(mq);
      if (s) s.paused = false;
    }
  }

  /** Ignored when the queue was re-assigned meanwhile (another process queue). */
  updatePullOffset(mq: MessageQueue, offset: bigint, pq: ProcessQueue): void {
    const s = this.get(mq);
    if (s && s.processQueue === pq) s.pullOffset = offset;
  }

  getConsumerOffset(mq: MessageQueue): bigint {
    return this.get(mq)?.consumeOffset ?? -1n;
  }

  updateConsumeOffset(mq: MessageQueue, offset: bigint): void {
    const s = this.get(mq);
    if (s) s.consumeOffset = offset;
  }

  /**
   * The assigned queues of `topic` (every topic when undefined) become `assigned`: the others are
   * dropped, new ones added with the rebalance's process queue or a new one.
   */
  update(assigned: Iterable<MessageQueue>, topic?: string): void {
    const wanted = new Map([...assigned].map((mq) => [mq.key(), mq]));
    for (const [key, s] of [...this.states]) {
      if (topic !== undefined && s.mq.topic !== topic) continue;
      if (wanted.has(key)) continue;
      s.processQueue.dropped = true;
      this.states.delete(key);
    }
    for (const [key, mq] of wanted) {
      if (this.states.has(key)) continue;
      const processQueue = this.processQueueOf(mq) ?? new ProcessQueue();
      this.states.set(key, { mq, processQueue, paused: false, pullOffset: -1n, consumeOffset: -1n, seekOffset: -1n });
    }
  }

  queues(): MessageQueue[] {
    return [...this.states.values()].map((s) => s.mq);
  }

  has(mq: MessageQueue): boolean {
    return this.states.has(mq.key());
  }
}
