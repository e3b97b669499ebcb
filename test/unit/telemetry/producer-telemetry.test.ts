import { SpanKind, SpanStatusCode, TraceFlags } from '@opentelemetry/api';
import type { Histogram } from '@opentelemetry/sdk-metrics';
import { silentLogger } from '../../../src/logger';
import { Message } from '../../../src/message/message';
import { MessageExt } from '../../../src/message/message-decoder';
import { DefaultMQProducer } from '../../../src/producer/default-mq-producer';
import { MessagingTelemetry } from '../../../src/client/telemetry/messaging-telemetry';
import { inMemoryOtel, type InMemoryOtel } from '../../helpers/otel-in-memory';
import { startFakeCluster, until, type FakeBroker } from '../../helpers/fake-rocketmq';

let otel: InMemoryOtel;
beforeEach(() => {
  otel = inMemoryOtel();
});
afterEach(() => otel.shutdown());

/** The user properties of a request as the fake broker received them (properties string `k\x01v\x02`). */
function requestProperties(body: string | undefined): Map<string, string> {
  const out = new Map<string, string>();
  for (const pair of (body ?? '').split('\u0002')) {
    const i = pair.indexOf('\u0001');
    if (i > 0) out.set(pair.slice(0, i), pair.slice(i + 1));
  }
  return out;
}

/** A started producer with telemetry into `otel`, on a fake cluster of `n` brokers routing TopicOtel; closed after `fn`. */
async function withOtelProducer(n: number, group: string, fn: (p: DefaultMQProducer, brokers: FakeBroker[]) => Promise<void>): Promise<void> {
  const { ns, brokers, close } = await startFakeCluster(n);
  ns.setRoute('TopicOtel', brokers);
  const p = new DefaultMQProducer({
    producerGroup: group,
    namesrvAddr: ns.addr,
    logger: silentLogger,
    openTelemetry: { tracerProvider: otel.tracerProvider, meterProvider: otel.meterProvider },
  });
  try {
    await p.start();
    await fn(p, brokers);
  } finally {
    await p.shutdown();
    await close();
  }
}

describe('producer OpenTelemetry', () => {
  test('one PRODUCER span per send with the messaging attributes, traceparent in the request, one histogram sample per send, retries counted', async () => {
    await withOtelProducer(2, 'pg_otel', async (p, brokers) => {
      // The first attempt is refused with a code sync sends retry (14, system busy) on another broker.
      brokers[0]!.script.push({ code: 14, remark: 'busy' });
      brokers[1]!.script.push({ code: 14, remark: 'busy' });
      const r1 = await p.send(new Message('TopicOtel', 'a', { tags: 'TagA', keys: ['k1', 'k2'] }));
      const r2 = await new Promise<string>((resolve, reject) =>
        p.send(new Message('TopicOtel', 'b'), { onSuccess: (r) => resolve(r.msgId), onException: reject }),
      );
      await p.sendOneway(new Message('TopicOtel', 'c'));
      await until(() => brokers.flatMap((b) => b.sends()).length === 5, 'the oneway send at the broker');
      const spans = otel.spans.getFinishedSpans();
      expect(spans).toHaveLength(3);
      const first = spans[0]!;
      expect(first.name).toBe('send TopicOtel');
      expect(first.kind).toBe(SpanKind.PRODUCER);
      expect(first.attributes).toMatchObject({
        'messaging.system': 'rocketmq',
        'messaging.operation.type': 'send',
        'messaging.destination.name': 'TopicOtel',
        'messaging.message.id': r1.msgId,
        'messaging.rocketmq.message.tag': 'TagA',
        'messaging.rocketmq.message.keys': ['k1', 'k2'],
        'messaging.rocketmq.client_group': 'pg_otel',
      });
      expect(spans[1]!.attributes['messaging.message.id']).toBe(r2);
      // Every request carried its span's W3C context.
      const sends = brokers.flatMap((b) => b.sends());
      const parents = sends.map((s) => requestProperties(s.extFields?.i).get('traceparent'));
      for (const span of spans) {
        const sc = span.spanContext();
        expect(parents).toContain(`00-${sc.traceId}-${sc.spanId}-01`);
      }
      await otel.collect();
      const cost = otel.points('rocketmq_send_cost_time');
      expect(cost.reduce((n, pt) => n + (pt.value as Histogram).count, 0)).toBe(3);
      expect(cost[0]!.attributes).toMatchObject({ topic: 'TopicOtel', invocation_status: 'success' });
      expect(otel.points('rocketmq_send_retry_times').reduce((n, pt) => n + (pt.value as number), 0)).toBeGreaterThanOrEqual(1);
      expect(otel.points('rocketmq_send_inflight').reduce((n, pt) => n + (pt.value as number), 0)).toBe(0);
    });
  });

  test('a failed send ends its span with an error status and error.type', async () => {
    await withOtelProducer(1, 'pg_otel_fail', async (p, brokers) => {
      brokers[0]!.onSend = () => ({ code: 13, remark: 'message illegal' });
      await expect(p.send(new Message('TopicOtel', 'x'))).rejects.toThrow();
      const [span] = otel.spans.getFinishedSpans();
      expect(span!.status.code).toBe(SpanStatusCode.ERROR);
      expect(span!.attributes['error.type']).toBe('ERR_BROKER_RESPONSE');
      await otel.collect();
      expect(otel.points('rocketmq_send_cost_time')[0]!.attributes).toMatchObject({ invocation_status: 'failure' });
    });
  });
});

describe('startConsumeSpan (the consumer-side helper)', () => {
  test('continues the trace of a message carrying traceparent and records the consumer metrics', async () => {
    const telemetry = MessagingTelemetry.create({ tracerProvider: otel.tracerProvider, meterProvider: otel.meterProvider })!;
    const msg = new MessageExt('TopicOtel', 'payload', { tags: 'TagC', keys: 'order-7' });
    const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
    const parentSpanId = '00f067aa0ba902b7';
    msg.putUserProperty('traceparent', `00-${traceId}-${parentSpanId}-01`);
    msg.putUserProperty('tracestate', 'vendor=abc');
    msg.putProperty('UNIQ_KEY', '7F0000010000000000000000000000AA');
    msg.storeTimestamp = Date.now() - 40;
    msg.reconsumeTimes = 2;
    const consume = telemetry.startConsumeSpan(msg, 'cg_orders', { awaitTimeMs: 7, clientId: 'c1' });
    expect(consume.span.spanContext().traceId).toBe(traceId);
    consume.end();
    const [span] = otel.spans.getFinishedSpans();
    expect(span!.name).toBe('process TopicOtel');
    expect(span!.kind).toBe(SpanKind.CONSUMER);
    expect(span!.parentSpanContext?.spanId).toBe(parentSpanId);
    expect(span!.spanContext().traceFlags & TraceFlags.SAMPLED).toBe(TraceFlags.SAMPLED);
    expect(span!.spanContext().traceState?.get('vendor')).toBe('abc');
    expect(span!.attributes).toMatchObject({
      'messaging.system': 'rocketmq',
      'messaging.operation.type': 'process',
      'messaging.destination.name': 'TopicOtel',
      'messaging.message.id': '7F0000010000000000000000000000AA',
      'messaging.rocketmq.message.tag': 'TagC',
      'messaging.rocketmq.message.keys': ['order-7'],
      'messaging.rocketmq.client_group': 'cg_orders',
      'messaging.rocketmq.message.delivery_count': 3,
    });
    await otel.collect();
    const latency = otel.points('rocketmq_delivery_latency')[0]!.value as Histogram;
    expect(latency.count).toBe(1);
    expect(latency.sum).toBeGreaterThanOrEqual(40);
    expect((otel.points('rocketmq_await_time')[0]!.value as Histogram).sum).toBe(7);
    expect((otel.points('rocketmq_process_time')[0]!.value as Histogram).count).toBe(1);
  });

  test('a message without traceparent starts a new trace; a malformed one is ignored', () => {
    const telemetry = MessagingTelemetry.create({ tracerProvider: otel.tracerProvider, meterProvider: otel.meterProvider })!;
    const plain = new MessageExt('T', 'x');
    const bad = new MessageExt('T', 'x');
    bad.putUserProperty('traceparent', '00-zz-11-01');
    for (const m of [plain, bad]) telemetry.startConsumeSpan(m, 'g').end({ error: new Error('handler failed') });
    const spans = otel.spans.getFinishedSpans();
    expect(spans).toHaveLength(2);
    for (const s of spans) {
      expect(s.parentSpanContext).toBeUndefined();
      expect(s.status.code).toBe(SpanStatusCode.ERROR);
    }
  });
});
