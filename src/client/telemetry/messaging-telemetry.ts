/**
 * OpenTelemetry for RocketMQ clients, opt-in: spans named and attributed after the OpenTelemetry messaging
 * semantic conventions (`send <topic>` PRODUCER, `process <topic>` CONSUMER), the W3C trace context in the
 * message's user properties, and the metrics of the official RocketMQ clients (`rocketmq_send_cost_time`,
 * `rocketmq_delivery_latency`, `rocketmq_await_time`, `rocketmq_process_time`) plus send retries and sends
 * in flight. Nothing of `@opentelemetry/api` is loaded unless telemetry is asked for.
 */
import diagnosticsChannel from 'node:diagnostics_channel';
import type { Attributes, Context, Counter, Histogram, Meter, Span, Tracer, UpDownCounter } from '@opentelemetry/api';
import { CHANNEL_PRODUCER_SEND_RETRY, type ProducerSendRetryMessage } from '../../diagnostics';
import { InvalidConfigError } from '../../errors';
import type { Message } from '../../message/message';
import type { MessageExt } from '../../message/message-decoder';
import { loadOpenTelemetryApi, type OpenTelemetryApi } from './open-telemetry-api';
import { contextFromMessage, injectTraceContext } from './trace-context-properties';

import type { MeterProviderLike, OpenTelemetryOption, TracerProviderLike } from './telemetry-options';

export type { MeterProviderLike, OpenTelemetryOption, TracerProviderLike };

const INSTRUMENTATION = 'rocketmq-ts';
/** The buckets of the official clients' latency histograms (ms). */
const LATENCY_BUCKETS_MS = [1, 5, 10, 20, 50, 200, 500, 1000, 5000];
const SYSTEM = 'rocketmq';

export interface SendTarget {
  /** The topic as the caller gave it. */
  readonly topic: string;
  readonly producerGroup: string;
  readonly clientId: string;
}

/** One send in progress: `end` exactly once. */
export interface SendInstrument {
  readonly span: Span;
  end(outcome: { msgId?: string; error?: unknown }): void;
}

export interface ConsumeSpanOptions {
  clientId?: string;
  /** How long the message waited in the client before processing (`rocketmq_await_time`). */
  awaitTimeMs?: number;
}

/** One message's processing: run the handler in `context`, then `end` exactly once. */
export interface ConsumeInstrument {
  readonly span: Span;
  /** The active context with this span: `context.with(instrument.context, handler)`. */
  readonly context: Context;
  end(outcome?: { error?: unknown }): void;
}

function messageAttributes(msg: Message): Attributes {
  const attrs: Attributes = {};
  if (msg.tags) attrs['messaging.rocketmq.message.tag'] = msg.tags;
  const keys = msg.keyList;
  if (keys.length > 0) attrs['messaging.rocketmq.message.keys'] = keys;
  return attrs;
}

function errorType(err: unknown): string {
  const code = (err as { code?: unknown } | undefined)?.code;
  if (typeof code === 'string') return code;
  return err instanceof Error ? err.name : '_OTHER';
}

export class MessagingTelemetry {
  private readonly tracer: Tracer;
  private readonly sendCost: Histogram;
  private readonly sendRetries: Counter;
  private readonly sendInflight: UpDownCounter;
  private readonly deliveryLatency: Histogram;
  private readonly awaitTime: Histogram;
  private readonly processTime: Histogram;
  private retryListener: ((message: unknown) => void) | undefined;

  /**
   * Telemetry for `option`, or undefined when it is off. Asking for it without `@opentelemetry/api`
   * installed is a configuration error, raised before any I/O.
   */
  static create(option: OpenTelemetryOption | undefined): MessagingTelemetry | undefined {
    if (!option) return undefined;
    const api = loadOpenTelemetryApi();
    if (!api) {
      const message = 'openTelemetry needs the optional peer dependency @opentelemetry/api (npm install @opentelemetry/api)';
      throw new InvalidConfigError(message, [{ path: 'openTelemetry', message }]);
    }
    const given = typeof option === 'object' ? option : {};
    const tracerProvider = given.tracerProvider ?? api.trace.getTracerProvider();
    const meterProvider = given.meterProvider ?? api.metrics.getMeterProvider();
    return new MessagingTelemetry(api, tracerProvider.getTracer(INSTRUMENTATION) as Tracer, meterProvider.getMeter(INSTRUMENTATION) as Meter);
  }

  private constructor(
    private readonly api: OpenTelemetryApi,
    tracer: Tracer,
    meter: Meter,
  ) {
    this.tracer = tracer;
    const ms = (description: string) => ({ unit: 'ms', description, advice: { explicitBucketBoundaries: LATENCY_BUCKETS_MS } });
    this.sendCost = meter.createHistogram('rocketmq_send_cost_time', ms('Time a send took, retries included'));
    this.sendRetries = meter.createCounter('rocketmq_send_retry_times', { description: 'Send attempts after the first (another broker, or an async transport retry)' });
    this.sendInflight = meter.createUpDownCounter('rocketmq_send_inflight', { description: 'Sends started and not settled yet' });
    this.deliveryLatency = meter.createHistogram('rocketmq_delivery_latency', ms('From the broker storing a message to the consumer starting to process it'));
    this.awaitTime = meter.createHistogram('rocketmq_await_time', ms('Time a message waited in the consumer before processing'));
    this.processTime = meter.createHistogram('rocketmq_process_time', ms('Time the message listener took'));
  }

  /**
   * Starts the PRODUCER span of one send (a batch is one span) and writes its context into every message
   * (`traceparent`, `tracestate`). The span is ended, and `rocketmq_send_cost_time` recorded, by `end`.
   */
  startSend(msg: Message | readonly Message[], target: SendTarget): SendInstrument {
    const api = this.api;
    const messages: readonly Message[] = Array.isArray(msg) ? msg : [msg as Message];
    const attributes: Attributes = {
      'messaging.system': SYSTEM,
      'messaging.operation.type': 'send',
      'messaging.operation.name': 'send',
      'messaging.destination.name': target.topic,
      'messaging.rocketmq.client_group': target.producerGroup,
      'messaging.client.id': target.clientId,
      ...(messages.length === 1 ? messageAttributes(messages[0]!) : { 'messaging.batch.message_count': messages.length }),
    };
    const span = this.tracer.startSpan(`send ${target.topic}`, { kind: api.SpanKind.PRODUCER, attributes });
    const sc = span.spanContext();
    if (api.isSpanContextValid(sc)) for (const m of messages) injectTraceContext(m, sc);
    const begin = performance.now();
    const metricAttrs = { topic: target.topic, client_id: target.clientId };
    this.sendInflight.add(1, metricAttrs);
    let ended = false;
    return {
      span,
      end: ({ msgId, error }) => {
        if (ended) return;
        ended = true;
        this.sendInflight.add(-1, metricAttrs);
        this.sendCost.record(performance.now() - begin, { ...metricAttrs, invocation_status: error === undefined ? 'success' : 'failure' });
        if (msgId) span.setAttribute('messaging.message.id', msgId);
        if (error !== undefined) {
          span.setAttribute('error.type', errorType(error));
          if (error instanceof Error) span.recordException(error);
          span.setStatus({ code: api.SpanStatusCode.ERROR, message: error instanceof Error ? error.message : String(error) });
        }
        span.end();
      },
    };
  }

  /**
   * Counts the retries the send path of this producer announces on `rocketmq:producer:send:retry`
   * (`rocketmq_send_retry_times`). Returns the function that stops counting.
   */
  watchRetries(producerGroup: string, clientId: string): () => void {
    this.unwatchRetries();
    const listener = (m: unknown): void => {
      const r = m as ProducerSendRetryMessage;
      if (r.producerGroup === producerGroup && r.clientId === clientId) this.sendRetries.add(1, { topic: r.topic, client_id: clientId });
    };
    diagnosticsChannel.subscribe(CHANNEL_PRODUCER_SEND_RETRY, listener);
    this.retryListener = listener;
    return () => this.unwatchRetries();
  }

  private unwatchRetries(): void {
    if (this.retryListener) diagnosticsChannel.unsubscribe(CHANNEL_PRODUCER_SEND_RETRY, this.retryListener);
    this.retryListener = undefined;
  }

  /**
   * For the consumer: the CONSUMER span of one message's processing, a child of the producer's span when
   * the message carries `traceparent` (one trace from the send to the handler). Records
   * `rocketmq_delivery_latency` (now - store time) and `rocketmq_await_time` now, `rocketmq_process_time`
   * at `end`.
   */
  /** Runs `fn` with `instrument`'s span active, so spans the handler starts are its children. */
  runInSpan<T>(instrument: ConsumeInstrument, fn: () => T): T {
    return this.api.context.with(instrument.context, fn);
  }

  startConsumeSpan(msg: MessageExt, consumerGroup: string, options: ConsumeSpanOptions = {}): ConsumeInstrument {
    const api = this.api;
    const parent = contextFromMessage(api, msg, api.context.active());
    const attributes: Attributes = {
      'messaging.system': SYSTEM,
      'messaging.operation.type': 'process',
      'messaging.operation.name': 'process',
      'messaging.destination.name': msg.topic,
      'messaging.message.id': msg.msgId,
      'messaging.rocketmq.client_group': consumerGroup,
      'messaging.rocketmq.message.delivery_count': msg.reconsumeTimes + 1,
      'messaging.message.body.size': msg.body.length,
      ...messageAttributes(msg),
      ...(options.clientId ? { 'messaging.client.id': options.clientId } : {}),
    };
    const span = this.tracer.startSpan(`process ${msg.topic}`, { kind: api.SpanKind.CONSUMER, attributes }, parent);
    const metricAttrs = { topic: msg.topic, consumer_group: consumerGroup, ...(options.clientId ? { client_id: options.clientId } : {}) };
    if (msg.storeTimestamp > 0) this.deliveryLatency.record(Math.max(0, Date.now() - msg.storeTimestamp), metricAttrs);
    if (options.awaitTimeMs !== undefined) this.awaitTime.record(Math.max(0, options.awaitTimeMs), metricAttrs);
    const begin = performance.now();
    let ended = false;
    return {
      span,
      context: api.trace.setSpan(parent, span),
      end: (outcome = {}) => {
        if (ended) return;
        ended = true;
        const failed = outcome.error !== undefined;
        this.processTime.record(performance.now() - begin, { ...metricAttrs, invocation_status: failed ? 'failure' : 'success' });
        if (failed) {
          span.setAttribute('error.type', errorType(outcome.error));
          if (outcome.error instanceof Error) span.recordException(outcome.error);
          span.setStatus({ code: api.SpanStatusCode.ERROR });
        }
        span.end();
      },
    };
  }
}
