import diagnosticsChannel from 'node:diagnostics_channel';
import { CHANNEL_PRODUCER_SEND } from '../diagnostics';
import type { Message } from '../message/message';
import type { CommunicationMode } from './send-hooks';
import type { SendResult } from './send-result';

/**
 * One producer send (all its attempts), as a `TracingChannel` on `rocketmq:producer:send`:
 * `start`/`end` bracket the call, `asyncStart`/`asyncEnd` (and `error` on failure) its outcome, with
 * `result` or `error` set on the same context object.
 */
export interface ProducerSendTraceContext {
  producerGroup: string;
  /** The topic as the caller gave it (without the client-side namespace). */
  topic: string;
  mode: CommunicationMode;
  message: Message | readonly Message[];
  result?: SendResult;
  error?: unknown;
}

export const producerSendChannel = diagnosticsChannel.tracingChannel<object, ProducerSendTraceContext>(CHANNEL_PRODUCER_SEND);

/** True when anything listens; publishers skip building the context otherwise. */
export function producerSendTraced(): boolean {
  const tc = producerSendChannel;
  return tc.start.hasSubscribers || tc.end.hasSubscribers || tc.asyncStart.hasSubscribers || tc.asyncEnd.hasSubscribers || tc.error.hasSubscribers;
}

/** Runs `fn` inside the send trace when someone listens, else just runs it. */
export function traceSend<T>(ctx: () => ProducerSendTraceContext, fn: () => Promise<T>): Promise<T> {
  if (!producerSendTraced()) return fn();
  return producerSendChannel.tracePromise(fn, ctx() as ProducerSendTraceContext & object);
}
