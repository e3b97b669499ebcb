import { InvalidArgumentError } from '../errors';
import { MessageQueue } from '../client/message-queue';
import type { MessageQueueSelector } from './queue-selector';
import type { SendCallback } from './send-result';

/** Per-call options of `send` and `sendOneway`. */
export interface SendOptions {
  /** Budget of the whole send, retries included. Default `sendMsgTimeoutMs` (3000). */
  timeoutMs?: number;
  /** Send to this queue (Java `send(msg, mq)`): one attempt, no retries, no fault strategy. */
  queue?: MessageQueue | { topic: string; brokerName: string; queueId: number };
  /** Let this function pick the queue (Java `send(msg, selector, arg)`): one attempt, no retries. */
  selector?: MessageQueueSelector;
  /** Passed to `selector` (e.g. an order id for `selectMessageQueueByHash`). */
  arg?: unknown;
  /** Aborting fails the send with `RequestAbortedError` (a request already written may still be stored). */
  signal?: AbortSignal;
}

const KEYS: ReadonlySet<string> = new Set(['timeoutMs', 'queue', 'selector', 'arg', 'signal']);

export interface ResolvedSendOptions {
  timeoutMs: number;
  queue?: MessageQueue;
  selector?: MessageQueueSelector;
  arg?: unknown;
  signal?: AbortSignal;
}

/** Validates send options before any I/O: unknown keys, a queue and a selector together, bad types. */
export function resolveSendOptions(options: SendOptions | undefined, defaultTimeoutMs: number): ResolvedSendOptions {
  if (options === undefined) return { timeoutMs: defaultTimeoutMs };
  if (options === null || typeof options !== 'object') throw new InvalidArgumentError('send options must be an object');
  for (const k of Object.keys(options)) {
    if (!KEYS.has(k)) throw new InvalidArgumentError(`Unknown send option "${k}"`);
  }
  const out: ResolvedSendOptions = { timeoutMs: defaultTimeoutMs };
  if (options.timeoutMs !== undefined) {
    const t = options.timeoutMs;
    if (typeof t !== 'number' || !Number.isInteger(t) || t < 1 || t > 0x7fffffff) {
      throw new InvalidArgumentError(`timeoutMs must be a positive integer, got ${String(t)}`);
    }
    out.timeoutMs = t;
  }
  if (options.queue !== undefined) {
    const q = options.queue;
    if (q === null || typeof q !== 'object') throw new InvalidArgumentError('queue must be a MessageQueue');
    out.queue = MessageQueue.from(q);
  }
  if (options.selector !== undefined) {
    if (typeof options.selector !== 'function') throw new InvalidArgumentError('selector must be a function');
    if (out.queue) throw new InvalidArgumentError('send options queue and selector cannot be used together');
    out.selector = options.selector;
    out.arg = options.arg;
  } else if (options.arg !== undefined) {
    throw new InvalidArgumentError('send option arg needs a selector');
  }
  if (options.signal !== undefined) {
    if (!(options.signal instanceof AbortSignal)) throw new InvalidArgumentError('signal must be an AbortSignal');
    out.signal = options.signal;
  }
  return out;
}

/** True when `v` looks like a `SendCallback`, i.e. the async callback form of `send`. */
export function isSendCallback(v: unknown): v is SendCallback {
  return typeof v === 'object' && v !== null && typeof (v as SendCallback).onSuccess === 'function';
}
