import {
  AccessDeniedError,
  BrokerResponseError,
  InvalidArgumentError,
  RemotingError,
  RemotingTimeoutError,
  RemotingTooManyRequestsError,
  RequestAbortedError,
  RocketMQError,
  RpcHookError,
} from '../errors';
import type { CommunicationMode } from './send-hooks';

/**
 * Every retry and fault-item decision of the send path, in one place (protocol.md 12.2, 12.5):
 * Java `DefaultMQProducerImpl.sendDefaultImpl` for an attempt, `MQClientAPIImpl.onExceptionImpl` for
 * an async send that failed after it was handed to the connection. (A GO_AWAY answer is resent once
 * by the remoting client before any of this sees it.)
 */

/**
 * Where the error came from: `attempt` = one try of `sendDefaultImpl` (sync, oneway, and an async
 * send until it is handed over); `async-transport` = an async send's request failed in flight;
 * `async-response` = an async send's answer was an error code or malformed.
 */
export type SendErrorStage = 'attempt' | 'async-transport' | 'async-response';

export interface SendRetryPolicy {
  /** `retryResponseCodes`: broker codes a sync send retries on another broker. */
  readonly retryResponseCodes: ReadonlySet<number>;
  /** `startDetectorEnable`: a transport failure then leaves the broker reachable for the detector to judge. */
  readonly startDetectorEnable: boolean;
}

export interface SendErrorDecision {
  /** Another attempt (sync: next broker; async: transport retry) when attempts and time are left. */
  readonly retry: boolean;
  /** When not retried: a result of an earlier attempt (stored, not SEND_OK) is returned instead (Java's MQBrokerException branch). */
  readonly keepEarlierResult: boolean;
  /** The fault item update of the failed broker (`updateFaultItem(broker, latency, isolation, reachable)`). */
  readonly isolation: boolean;
  readonly reachable: boolean;
}

/** The fault item update after a send the broker answered with success. */
export const SEND_SUCCEEDED: SendErrorDecision = { retry: false, keepEarlierResult: false, isolation: false, reachable: true };

const decide = (retry: boolean, isolation: boolean, reachable: boolean, keepEarlierResult = false): SendErrorDecision => ({
  retry,
  keepEarlierResult,
  isolation,
  reachable,
});

/**
 * Java `sendDefaultImpl`: 1 + `retryTimesWhenSendFailed` attempts for sync; async and oneway make one
 * attempt there (an async send retries transport failures later, `retryTimesWhenSendAsyncFailed`).
 */
export function maxSendAttempts(mode: CommunicationMode, retryTimesWhenSendFailed: number): number {
  return mode === 'SYNC' ? 1 + retryTimesWhenSendFailed : 1;
}

/** A hook failing after the response means the broker already has the message: never resent. */
function afterResponseHookFailed(err: unknown): boolean {
  return err instanceof RpcHookError && err.phase === 'doAfterResponse';
}

/**
 * `sendDefaultImpl`'s catch blocks, in Java's order. `retry` means "go on to the next attempt": with
 * none left (always so for async and oneway) the send ends with `SendRetriesExhaustedError`.
 */
function classifyAttempt(err: unknown, policy: SendRetryPolicy): SendErrorDecision {
  if (err instanceof RequestAbortedError) return decide(false, false, true);
  if (err instanceof BrokerResponseError) {
    // An ACL denial would refuse the same credentials again: surfaced as is.
    if (err instanceof AccessDeniedError) return decide(false, true, false);
    if (policy.retryResponseCodes.has(err.responseCode)) return decide(true, true, false);
    return decide(false, true, false, true);
  }
  if (err instanceof RemotingError) return decide(true, true, !policy.startDetectorEnable);
  if (afterResponseHookFailed(err)) return decide(false, false, true);
  // Java's MQClientException branch (broker unknown, a check-forbidden veto): retried. An invalid
  // argument would fail the same way again, so it is not.
  if (err instanceof InvalidArgumentError || !(err instanceof RocketMQError || err instanceof Error)) return decide(false, false, true);
  return decide(true, false, true);
}

/** `onExceptionImpl`: every in-flight failure isolates; throttling, an abort and an after-response hook failure end the send. */
function classifyAsyncTransport(err: unknown): SendErrorDecision {
  const retry = !(err instanceof RemotingTooManyRequestsError) && !(err instanceof RequestAbortedError) && !afterResponseHookFailed(err);
  return decide(retry, true, true);
}

export function classifySendError(err: unknown, stage: SendErrorStage, policy: SendRetryPolicy): SendErrorDecision {
  switch (stage) {
    case 'attempt':
      return classifyAttempt(err, policy);
    case 'async-transport':
      return classifyAsyncTransport(err);
    default:
      // A broker answer is never retried.
      return decide(false, true, true);
  }
}

/**
 * The total time budget of one send call (`sendMsgTimeoutMs` or the call's `timeoutMs`): every stage
 * draws on it, the route lookup included, and nothing is sent once it is spent. Java bounds only the
 * attempts with it (its route lookup takes `mqClientApiTimeout` on top).
 */
export class SendBudget {
  readonly deadline: number;

  constructor(
    readonly timeoutMs: number,
    readonly begin: number = Date.now(),
  ) {
    this.deadline = begin + timeoutMs;
  }

  /** Milliseconds left (<= 0 when spent). */
  left(now: number = Date.now()): number {
    return this.deadline - now;
  }

  spent(now: number = Date.now()): boolean {
    return this.left(now) <= 0;
  }

  /** The error a call that ran out of budget fails with: its `timeoutMs` is the whole budget. */
  timeoutError(what: string, addr = '', cause?: unknown): RemotingTimeoutError {
    return new RemotingTimeoutError(
      { addr, timeoutMs: this.timeoutMs, createdAt: this.begin },
      `${what} call timeout: the send budget of ${this.timeoutMs} ms is spent`,
      cause === undefined ? {} : { cause },
    );
  }

  /** Throws the budget's timeout error when it is spent. */
  check(what: string, addr = ''): void {
    if (this.spent()) throw this.timeoutError(what, addr);
  }

  /**
   * Waits for `work` no longer than the budget: past the deadline the call fails with the budget's
   * timeout error (the work itself is bounded by the same deadline where it takes a timeout). An error of
   * `work` once the budget is spent is reported as the budget's timeout, with that error as the cause.
   */
  async race<T>(what: string, work: Promise<T>): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const expiry = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(this.timeoutError(what)), Math.max(0, this.left()));
      timer.unref();
    });
    try {
      return await Promise.race([work, expiry]);
    } catch (err) {
      if (err instanceof RemotingTimeoutError && err.timeoutMs === this.timeoutMs && err.createdAt === this.begin) throw err;
      if (this.spent()) throw this.timeoutError(what, '', err);
      throw err;
    } finally {
      clearTimeout(timer);
      // The losing side of the race must not surface as an unhandled rejection.
      work.catch(() => {});
    }
  }
}
