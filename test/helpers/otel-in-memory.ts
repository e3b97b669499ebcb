/**
 * OpenTelemetry SDK providers that keep everything in memory, for asserting spans and metrics.
 */
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { MeterProvider, MetricReader, type DataPoint, type Histogram } from '@opentelemetry/sdk-metrics';

class CollectingReader extends MetricReader {
  protected async onShutdown(): Promise<void> {}
  protected async onForceFlush(): Promise<void> {}
}

export interface InMemoryOtel {
  spans: InMemorySpanExporter;
  tracerProvider: BasicTracerProvider;
  meterProvider: MeterProvider;
  /** Data points of the metric `name` collected now. */
  points(name: string): DataPoint<number | Histogram>[];
  collect(): Promise<void>;
  shutdown(): Promise<void>;
}

export function inMemoryOtel(): InMemoryOtel {
  const spans = new InMemorySpanExporter();
  const tracerProvider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(spans)] });
  const reader = new CollectingReader();
  const meterProvider = new MeterProvider({ readers: [reader] });
  let last = new Map<string, DataPoint<number | Histogram>[]>();
  return {
    spans,
    tracerProvider,
    meterProvider,
    async collect() {
      const { resourceMetrics } = await reader.collect();
      last = new Map();
      for (const sm of resourceMetrics.scopeMetrics) for (const m of sm.metrics) last.set(m.descriptor.name, m.dataPoints as DataPoint<number | Histogram>[]);
    },
    points: (name) => last.get(name) ?? [],
    async shutdown() {
      await tracerProvider.shutdown();
      await meterProvider.shutdown();
    },
  };
}
