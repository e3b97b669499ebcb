/**
 * OpenTelemetry against the real broker, with the SDK's in-memory exporters: the send span carries the
 * messaging attributes, the W3C traceparent is stored with the message (read back from the broker), and
 * `rocketmq_send_cost_time` has one sample per send.
 */
import { context, SpanKind, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import type { Histogram } from '@opentelemetry/sdk-metrics';
import { DefaultMQProducer, DefaultMQPushConsumer, Message } from '../../src/index';
import type { MessageExt } from '../../src/message/message-decoder';
import { silentLogger } from '../../src/logger';
import type { SendResult } from '../../src/producer/send-result';
import { MessagingTelemetry } from '../../src/client/telemetry/messaging-telemetry';
import { inMemoryOtel } from '../helpers/otel-in-memory';
import { describeBroker, namesrvAddr, uniqueName } from './helpers/broker';
import { createTopicAndWait, eventually, TopicReader } from './helpers/feature-support';

jest.setTimeout(180_000);

describeBroker('feature: OpenTelemetry against a real broker', () => {
  const topic = uniqueName('rmqts_otel');
  const otel = inMemoryOtel();
  let reader: TopicReader;
  let producer: DefaultMQProducer;

  beforeAll(async () => {
    reader = new TopicReader(namesrvAddr());
    producer = new DefaultMQProducer({
      producerGroup: uniqueName('rmqts_otel_pg'),
      namesrvAddr: namesrvAddr(),
      logger: silentLogger,
      openTelemetry: { tracerProvider: otel.tracerProvider, meterProvider: otel.meterProvider },
    });
    await producer.start();
    await createTopicAndWait(producer, topic, 2);
  });

  afterAll(async () => {
    await producer?.shutdown();
    await reader?.close();
    await otel.shutdown();
  });

  test('span attributes, traceparent stored with the message, one cost sample per send; the consumer side continues the trace', async () => {
    const before = otel.spans.getFinishedSpans().length;
    const sent: SendResult[] = [];
    for (let i = 0; i < 5; i++) sent.push(await producer.send(new Message(topic, `otel ${i}`, { tags: 'TagO', keys: [`otel-key-${i}`] })));
    const spans = otel.spans.getFinishedSpans().slice(before);
    expect(spans).toHaveLength(5);
    spans.forEach((span, i) => {
      expect(span.name).toBe(`send ${topic}`);
      expect(span.kind).toBe(SpanKind.PRODUCER);
      expect(span.attributes).toMatchObject({
        'messaging.system': 'rocketmq',
        'messaging.operation.type': 'send',
        'messaging.destination.name': topic,
        'messaging.message.id': sent[i]!.msgId,
        'messaging.rocketmq.message.tag': 'TagO',
        'messaging.rocketmq.message.keys': [`otel-key-${i}`],
        'messaging.rocketmq.client_group': producer.producerGroup,
      });
    });

    const stored = await eventually(async () => {
      const all = await reader.readAll(topic);
      return all.length >= 5 ? all : undefined;
    }, 'the five messages stored', 60_000);
    for (const [i, span] of spans.entries()) {
      const m = stored.find((s) => s.msgId === sent[i]!.msgId)!;
      const sc = span.spanContext();
      expect(m.getUserProperty('traceparent')).toBe(`00-${sc.traceId}-${sc.spanId}-01`);
      // The consumer-side helper continues the same trace from the stored message.
      const consumer = MessagingTelemetry.create({ tracerProvider: otel.tracerProvider, meterProvider: otel.meterProvider })!;
      const consume = consumer.startConsumeSpan(m, 'rmqts_otel_cg');
      consume.end();
      expect(consume.span.spanContext().traceId).toBe(sc.traceId);
    }

    await otel.collect();
    const samples = otel.points('rocketmq_send_cost_time').filter((p) => p.attributes.topic === topic);
    expect(samples.reduce((n, p) => n + (p.value as Histogram).count, 0)).toBe(5);
    const delivery = otel.points('rocketmq_delivery_latency').filter((p) => p.attributes.topic === topic);
    expect(delivery.reduce((n, p) => n + (p.value as Histogram).count, 0)).toBe(5);
  });

  // A context manager, as an application using OpenTelemetry registers one (the API's default keeps no context).
  const contextManager = new AsyncLocalStorageContextManager();
  beforeAll(() => {
    context.setGlobalContextManager(contextManager.enable());
  });
  afterAll(() => {
    contextManager.disable();
    context.disable();
  });

  test('one trace from the send to the push consumer\'s handler: the CONSUMER span continues it and is active in the handler', async () => {
    const cTopic = uniqueName('rmqts_otel_c');
    await createTopicAndWait(producer, cTopic, 2);
    const before = otel.spans.getFinishedSpans().length;
    const sent = await producer.send(new Message(cTopic, 'traced', { tags: 'TagC' }));
    const sendSpan = otel.spans.getFinishedSpans().slice(before).find((s) => s.name === `send ${cTopic}`)!;
    const seen: Array<{ msg: MessageExt; activeTraceId?: string; activeSpanId?: string }> = [];
    const consumer = new DefaultMQPushConsumer({
      consumerGroup: uniqueName('rmqts_otel_cg'),
      namesrvAddr: namesrvAddr(),
      logger: silentLogger,
      consumeFromWhere: 'CONSUME_FROM_FIRST_OFFSET',
      openTelemetry: { tracerProvider: otel.tracerProvider, meterProvider: otel.meterProvider },
    });
    consumer.subscribe(cTopic, '*');
    consumer.registerMessageListener(async (msgs) => {
      const active = trace.getActiveSpan()?.spanContext();
      for (const msg of msgs) seen.push({ msg, activeTraceId: active?.traceId, activeSpanId: active?.spanId });
      return 'CONSUME_SUCCESS';
    });
    await consumer.start();
    try {
      await eventually(async () => (seen.some((s) => s.msg.msgId === sent.msgId) ? true : undefined), 'the message consumed', 90_000);
    } finally {
      await consumer.shutdown();
    }
    const got = seen.find((s) => s.msg.msgId === sent.msgId)!;
    const processSpan = otel.spans.getFinishedSpans().find((s) => s.name === `process ${cTopic}` && s.attributes['messaging.message.id'] === sent.msgId)!;
    expect(processSpan.kind).toBe(SpanKind.CONSUMER);
    expect(processSpan.spanContext().traceId).toBe(sendSpan.spanContext().traceId);
    expect(processSpan.parentSpanContext?.spanId ?? (processSpan as unknown as { parentSpanId?: string }).parentSpanId).toBe(sendSpan.spanContext().spanId);
    expect({ traceId: got.activeTraceId, spanId: got.activeSpanId }).toEqual({
      traceId: sendSpan.spanContext().traceId,
      spanId: processSpan.spanContext().spanId,
    });
    await otel.collect();
    const processed = otel.points('rocketmq_process_time').filter((p) => p.attributes.topic === cTopic);
    expect(processed.reduce((n, p) => n + (p.value as Histogram).count, 0)).toBe(1);
  });
});
