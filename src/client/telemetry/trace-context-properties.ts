/**
 * W3C trace context (https://www.w3.org/TR/trace-context/) carried in a message's user properties
 * `traceparent` and `tracestate`, so a trace crosses producer -> broker -> consumer whatever propagator the
 * application registered (the official RocketMQ clients carry it the same way).
 */
import type { Context, SpanContext } from '@opentelemetry/api';
import type { Message } from '../../message/message';
import type { OpenTelemetryApi } from './open-telemetry-api';

export const TRACEPARENT = 'traceparent';
export const TRACESTATE = 'tracestate';

const TRACEPARENT_RE = /^00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/;

/** Writes the span's context into the message (replacing what an earlier send of it left). */
export function injectTraceContext(msg: Message, sc: SpanContext): void {
  msg.putUserProperty(TRACEPARENT, `00-${sc.traceId}-${sc.spanId}-${(sc.traceFlags & 0xff).toString(16).padStart(2, '0')}`);
  const state = sc.traceState?.serialize();
  if (state) msg.putUserProperty(TRACESTATE, state);
}

/** The remote span context a message carries, or undefined when it has none (or a malformed one). */
export function extractSpanContext(api: OpenTelemetryApi, msg: Message): SpanContext | undefined {
  const m = TRACEPARENT_RE.exec(msg.getUserProperty(TRACEPARENT) ?? '');
  if (!m) return undefined;
  const state = msg.getUserProperty(TRACESTATE);
  const sc: SpanContext = {
    traceId: m[1]!,
    spanId: m[2]!,
    traceFlags: parseInt(m[3]!, 16),
    isRemote: true,
    ...(state ? { traceState: api.createTraceState(state) } : {}),
  };
  return api.isSpanContextValid(sc) ? sc : undefined;
}

/** `base` with the message's remote span as the active parent, or `base` when it carries none. */
export function contextFromMessage(api: OpenTelemetryApi, msg: Message, base: Context): Context {
  const sc = extractSpanContext(api, msg);
  return sc ? api.trace.setSpanContext(base, sc) : base;
}
