/**
 * The consuming half of `npm run demo`: a DefaultMQPushConsumer on the demo topic, started before the producer
 * sends, counting what it receives and how long each message took from the broker's store (storeTimestamp) and
 * from the producer (bornTimestamp) to the handler.
 */
import { DefaultMQPushConsumer, type MessageExt } from '../src/index';

export interface DemoConsumer {
  /** Waits until `expected` distinct messages arrived (or `timeoutMs` passed), then returns the summary line. */
  waitFor(expected: number, timeoutMs: number): Promise<{ ok: boolean; line: string }>;
  shutdown(): Promise<void>;
}

function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

function describeLatencies(name: string, values: number[]): string {
  const s = [...values].sort((a, b) => a - b);
  return `${name} p50 ${percentile(s, 50)} ms, p90 ${percentile(s, 90)} ms, p99 ${percentile(s, 99)} ms, max ${s[s.length - 1] ?? NaN} ms`;
}

export async function startDemoConsumer(namesrvAddr: string, topic: string, group: string): Promise<DemoConsumer> {
  const seen = new Set<string>();
  const fromStore: number[] = [];
  const fromBorn: number[] = [];
  let deliveries = 0;
  const consumer = new DefaultMQPushConsumer({ consumerGroup: group, namesrvAddr, consumeFromWhere: 'CONSUME_FROM_FIRST_OFFSET', pullBatchSize: 32 });
  consumer.subscribe(topic, '*');
  consumer.registerMessageListener(async (msgs: MessageExt[]) => {
    const now = Date.now();
    for (const m of msgs) {
      deliveries++;
      // By position: the members of a batch may share one UNIQ_KEY as stored by the broker.
      const position = `${m.brokerName}:${m.queueId}:${m.queueOffset}`;
      if (seen.has(position)) continue;
      seen.add(position);
      fromStore.push(Math.max(0, now - m.storeTimestamp));
      fromBorn.push(Math.max(0, now - m.bornTimestamp));
    }
    return 'CONSUME_SUCCESS';
  });
  await consumer.start();

  return {
    async waitFor(expected, timeoutMs) {
      const deadline = Date.now() + timeoutMs;
      while (seen.size < expected && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
      const ok = seen.size === expected;
      const line =
        `consumed: ${seen.size} distinct messages of ${expected} sent (${deliveries} deliveries) by a push consumer (group ${group}); ` +
        `${describeLatencies('store->handler', fromStore)}; ${describeLatencies('born->handler', fromBorn)}`;
      return { ok, line };
    },
    shutdown: () => consumer.shutdown(),
  };
}
