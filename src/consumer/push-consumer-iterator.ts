import type { z } from 'zod';
import { parseConfig } from '../client/client-config';
import type { MessageQueue } from '../client/message-queue';
import { InvalidArgumentError } from '../errors';
import { lazy, zod } from '../lazy-zod';
import type { Logger } from '../logger';
import type { MessageExt } from '../message/message-decoder';
import {
  leaveUncommitted,
  type ConsumeConcurrentlyContext,
  type ConsumeConcurrentlyStatus,
  type MessageListenerConcurrently,
} from './consume-message-concurrently-service';

/**
 * One handler call's worth of messages (up to `consumeMessageBatchMaxSize`, all from one queue), handed out
 * by `consumer.messages()`. Settle it with `ack()` or `reconsumeLater()`; the first call wins, later ones
 * are ignored. Iterating a batch iterates its messages.
 */
export interface MessageBatch extends Iterable<MessageExt> {
  readonly messages: readonly MessageExt[];
  readonly messageQueue: MessageQueue;
  /** `'ACKED'`, `'RECONSUME_LATER'`, or undefined while the batch is not settled. */
  readonly settled: 'ACKED' | 'RECONSUME_LATER' | undefined;
  /** Every message was handled: the queue's offset may move past them (CONSUME_SUCCESS). */
  ack(): void;
  /**
   * Deliver the batch again later (RECONSUME_LATER): it goes to `%RETRY%<group>` with `delayLevel`
   * (0, the default, lets the broker choose 3 + reconsumeTimes; -1 sends it straight to the DLQ).
   * In broadcasting mode the batch is dropped, as Java does.
   */
  reconsumeLater(delayLevel?: number): void;
}

/** Options of `consumer.messages()`; strict like every other options object. */
export const MessagesOptionsSchema = lazy(() =>
  zod().strictObject({
    /** Aborting ends the iteration and shuts the consumer down, as `break` does. */
    signal: zod()
      .custom<AbortSignal>((v) => v instanceof AbortSignal, { error: 'expected an AbortSignal' })
      .optional(),
  }),
);
export type MessagesOptions = z.input<ReturnType<typeof MessagesOptionsSchema>>;

export function parseMessagesOptions(input: unknown): z.output<ReturnType<typeof MessagesOptionsSchema>> {
  return parseConfig(MessagesOptionsSchema(), input, 'messages() options');
}

type Outcome = { kind: 'ACK' } | { kind: 'LATER'; delayLevel: number } | { kind: 'LEAVE' };

/** A batch the listener is waiting on, until the loop settles it (or the iteration ends). */
class PendingBatch implements MessageBatch {
  settled: 'ACKED' | 'RECONSUME_LATER' | undefined;
  private resolve!: (o: Outcome) => void;
  private open = true;
  readonly outcome = new Promise<Outcome>((r) => (this.resolve = r));

  constructor(
    readonly messages: readonly MessageExt[],
    readonly messageQueue: MessageQueue,
  ) {}

  [Symbol.iterator](): Iterator<MessageExt> {
    return this.messages[Symbol.iterator]();
  }

  ack(): void {
    if (this.finish({ kind: 'ACK' })) this.settled = 'ACKED';
  }

  reconsumeLater(delayLevel = 0): void {
    if (!Number.isInteger(delayLevel) || delayLevel < -1) {
      throw new InvalidArgumentError(`delayLevel must be an integer >= -1, got ${String(delayLevel)}`);
    }
    if (this.finish({ kind: 'LATER', delayLevel })) this.settled = 'RECONSUME_LATER';
  }

  /** The iteration ended before the loop settled it: neither acknowledged nor sent back. */
  leave(): void {
    this.finish({ kind: 'LEAVE' });
  }

  get isOpen(): boolean {
    return this.open;
  }

  private finish(o: Outcome): boolean {
    if (!this.open) return false;
    this.open = false;
    this.resolve(o);
    return true;
  }
}

export interface PushConsumerIteratorHost {
  /** Starts the consumer when it is not started yet (on the first `next()`); false when it is not running. */
  start(): Promise<boolean>;
  /** Shuts the consumer down (on `break`, `return`, a throw in the loop, or an abort). */
  shutdown(): Promise<void>;
  readonly log: Logger;
}

const DONE: IteratorReturnResult<undefined> = { done: true, value: undefined };

/**
 * The pull-based face of the push consumer. Each handler call of the concurrent consume service
 * becomes a `PendingBatch` that waits here until the loop takes and settles it, so the handlers'
 * concurrency limit (`consumeThreadMax`) bounds what waits, and messages that wait stay in their
 * process queue, where pull flow control counts them. Only one batch is handed out per `next()`.
 */
export class PushConsumerIterator implements AsyncIterableIterator<MessageBatch> {
  private readonly ready: PendingBatch[] = [];
  private readonly takers: Array<(b: PendingBatch | undefined) => void> = [];
  private current: PendingBatch | undefined;
  private started = false;
  private closed = false;
  private unsettledWarned = false;
  private readonly onAbort = (): void => {
    void this.return().catch((err: unknown) => this.host.log.warn('shutdown after abort failed', { err }));
  };

  constructor(
    private readonly host: PushConsumerIteratorHost,
    private readonly signal?: AbortSignal,
  ) {
    signal?.addEventListener('abort', this.onAbort, { once: true });
  }

  /** The listener the consumer runs: it parks each batch until the loop settles it. */
  readonly listener: MessageListenerConcurrently = async (msgs, context) => {
    const pending = new PendingBatch(msgs, context.messageQueue);
    if (this.closed) pending.leave();
    else {
      const taker = this.takers.shift();
      if (taker) taker(pending);
      else this.ready.push(pending);
    }
    return toStatus(await pending.outcome, context);
  };

  [Symbol.asyncIterator](): this {
    return this;
  }

  async next(): Promise<IteratorResult<MessageBatch, undefined>> {
    this.settleAbandoned();
    if (!this.started) {
      this.started = true;
      if (this.signal?.aborted) this.close(true);
      else {
        try {
          if (!(await this.host.start())) this.close(true);
        } catch (err) {
          this.close(true);
          throw err;
        }
      }
    }
    if (this.closed) {
      // Ended: done once the consumer is down. (An abort during start asked for a shutdown that found nothing
      // running yet: this one completes it.)
      await this.host.shutdown();
      return DONE;
    }
    const next = this.ready.shift() ?? (await new Promise<PendingBatch | undefined>((r) => this.takers.push(r)));
    if (!next) return DONE;
    this.current = next;
    return { done: false, value: next };
  }

  /** `break`, `return` or a throw in the loop: what is not settled stays uncommitted; the consumer shuts down. */
  async return(): Promise<IteratorResult<MessageBatch, undefined>> {
    this.close(true);
    await this.host.shutdown();
    return DONE;
  }

  async throw(err?: unknown): Promise<IteratorResult<MessageBatch, undefined>> {
    await this.return();
    throw err;
  }

  /**
   * Ends the iteration: waiting `next()` calls get done, batches not handed out are left uncommitted
   * (their handler calls end at once, so shutdown does not wait for them). `includingCurrent` leaves the
   * batch in the loop body too; a consumer shutdown keeps it, to wait for its settlement as for any handler.
   */
  close(includingCurrent: boolean): void {
    if (!this.closed) {
      this.closed = true;
      this.signal?.removeEventListener('abort', this.onAbort);
      for (const b of this.ready.splice(0)) b.leave();
      for (const t of this.takers.splice(0)) t(undefined);
    }
    if (includingCurrent) this.current?.leave();
  }

  /** The loop moved on without settling the previous batch: it is delivered again later. */
  private settleAbandoned(): void {
    const prev = this.current;
    this.current = undefined;
    if (!prev?.isOpen) return;
    if (this.closed) return prev.leave();
    if (!this.unsettledWarned) {
      this.unsettledWarned = true;
      this.host.log.warn('a batch was left without ack() or reconsumeLater(): it is delivered again later (warned once)', {
        mq: prev.messageQueue.toString(),
      });
    }
    prev.reconsumeLater();
  }
}

function toStatus(o: Outcome, context: ConsumeConcurrentlyContext): ConsumeConcurrentlyStatus {
  if (o.kind === 'ACK') return 'CONSUME_SUCCESS';
  if (o.kind === 'LATER') context.delayLevelWhenNextConsume = o.delayLevel;
  else leaveUncommitted(context);
  return 'RECONSUME_LATER';
}
