import { InvalidArgumentError, type RocketMQError } from '../errors';
import type { Logger } from '../logger';
import type { TopicPublishInfo } from '../client/route/topic-publish-info';
import type { InvokeReceiver } from '../remoting/inflight-table';
import type { RemotingCommand } from '../remoting/protocol/remoting-command';
import type { InflightSends, Pending } from './inflight-sends';
import type { SendBudget } from './send-error-classifier';
import type { OutgoingMessage } from './send-request-builder';
import type { SendCallback, SendResult } from './send-result';

/** What every async send of one producer shares (one object per producer, not per send). */
export interface AsyncSendShared {
  readonly inflight: InflightSends;
  readonly log: Logger;
  /** The error a send still pending when shutdown gives up on it fails with. */
  outcomeUnknown(out: OutgoingMessage): Error;
  /** The broker answered, or the transport failed: the next step of `send`. */
  answered(send: AsyncSend, err: RocketMQError | null, response: RemotingCommand | undefined): void;
}

/**
 * One async send in flight on the callback path: its own record is the remoting receiver, the shutdown
 * tracker's entry and the retry state (Java `sendMessageAsync`'s locals), so a pending send costs this
 * object, its request and the remoting call, and no promise or closure.
 */
export class AsyncSend implements InvokeReceiver, Pending {
  /** Epoch ms when the current request went to the remoting client (latency of the fault item). */
  begin = 0;
  retries = 0;
  /** Owned by the producer's list of pending sends. */
  slot = -1;
  private settled = false;

  constructor(
    private readonly shared: AsyncSendShared,
    readonly out: OutgoingMessage,
    readonly info: TopicPublishInfo,
    readonly budget: SendBudget,
    readonly callback: SendCallback,
    public addr: string,
    public brokerName: string,
    public timeoutMs: number,
    public request: RemotingCommand | undefined,
  ) {}

  onInvokeDone(err: RocketMQError | null, response: RemotingCommand | undefined): void {
    this.shared.answered(this, err, response);
  }

  /** Shutdown gave up on this send. */
  reject(err: unknown): void {
    this.deliver(err, undefined);
  }

  abandonedError(): Error {
    return this.shared.outcomeUnknown(this.out);
  }

  /** The send's outcome, once; dropped when shutdown abandoned it first. */
  done(err: unknown, result: SendResult | undefined): void {
    if (!this.shared.inflight.remove(this)) return;
    this.deliver(err, result);
  }

  private deliver(err: unknown, result: SendResult | undefined): void {
    if (this.settled) return;
    this.settled = true;
    this.request = undefined;
    deliverOutcome(this.callback, err, result, this.shared.log);
  }
}

/** Runs the user's callback with the outcome; what it throws is logged, never propagated. */
export function deliverOutcome(callback: SendCallback, err: unknown, result: SendResult | undefined, log: Logger): void {
  try {
    if (result !== undefined) callback.onSuccess(result);
    else callback.onException(err instanceof Error ? err : new InvalidArgumentError(String(err)));
  } catch (cbErr) {
    log.warn('SendCallback threw', { err: cbErr });
  }
}
