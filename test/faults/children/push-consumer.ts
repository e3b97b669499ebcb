import { DefaultMQPushConsumer } from '../../../src/consumer/default-mq-push-consumer';
import { MessageConst } from '../../../src/message/message-const';
import type { ConsumerSample } from '../support/consumer-sample';
import { CountingLogger } from '../support/counting-logger';
import { envNumber, envString, event, result } from './report';

/**
 * Consumer scenarios' child: one DefaultMQPushConsumer in its own process, so it can be SIGKILLed (c2)
 * and its memory measured on a clean process (c4, c5). Keys are `<prefix>-<n>`; deliveries are counted
 * in a preallocated array, so the bookkeeping does not grow while the consumer runs.
 *
 * Lines to the parent: `@@s <json>` a sample every PC_SAMPLE_MS (RSS, heap, stats(), deliveries);
 * with PC_REPORT=1, `@@c <queue>/<offset>/<key> ...` once a handler call succeeded (the parent's ledger).
 * PC_STALL_MS: every handler waits until that long after the first delivery (a stalled handler).
 * SIGTERM: shutdown() (commits offsets), then `@@result`.
 */

const namesrvAddr = envString('PC_NAMESRV');
const topic = envString('PC_TOPIC');
const group = envString('PC_GROUP');
const report = process.env.PC_REPORT === '1';
const handlerDelayMs = envNumber('PC_HANDLER_DELAY_MS', 0);
const stallMs = envNumber('PC_STALL_MS', 0);
const sampleMs = envNumber('PC_SAMPLE_MS', 1000);
const maxSeq = envNumber('PC_MAX_SEQ', 1_000_000);
const gc = (globalThis as { gc?: () => void }).gc;

const MiB = (n: number): number => Math.round((n / 1048576) * 10) / 10;

async function main(): Promise<void> {
  const logger = new CountingLogger();
  const seen = new Uint8Array(maxSeq);
  const counts = { deliveries: 0, distinct: 0, duplicates: 0, outOfRange: 0 };
  let stallUntil = 0;
  const consumer = new DefaultMQPushConsumer({
    consumerGroup: group,
    namesrvAddr,
    consumeFromWhere: 'CONSUME_FROM_FIRST_OFFSET',
    consumeMessageBatchMaxSize: envNumber('PC_BATCH', 1),
    pullThresholdForQueue: envNumber('PC_THRESHOLD_COUNT', 1000),
    pullThresholdSizeForQueue: envNumber('PC_THRESHOLD_MIB', 100),
    logger,
  });
  consumer.subscribe(topic);
  consumer.registerMessageListener(async (msgs, ctx) => {
    if (stallMs > 0) {
      if (stallUntil === 0) stallUntil = Date.now() + stallMs;
      const wait = stallUntil - Date.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    }
    if (handlerDelayMs > 0) await new Promise((r) => setTimeout(r, handlerDelayMs));
    const line: string[] = [];
    for (const m of msgs) {
      const key = m.getProperty(MessageConst.PROPERTY_KEYS) ?? '';
      const seq = Number(key.slice(key.lastIndexOf('-') + 1));
      counts.deliveries++;
      if (Number.isInteger(seq) && seq >= 0 && seq < maxSeq) {
        if (seen[seq] === 0) counts.distinct++;
        else counts.duplicates++;
        if (seen[seq]! < 255) seen[seq]!++;
      } else counts.outOfRange++;
      if (report) line.push(`${ctx.messageQueue.brokerName}/${m.queueId}/${m.queueOffset}/${key}`);
    }
    // A pipe write is synchronous on Linux: once the handler returns, the parent has the line.
    if (report) process.stdout.write(`@@c ${line.join(' ')}\n`);
    return 'CONSUME_SUCCESS';
  });
  let t0 = Date.now();
  const sample = (): void => {
    gc?.();
    const m = process.memoryUsage();
    const s = consumer.stats();
    let maxQueueCount = 0;
    let maxQueueBytes = 0;
    for (const q of s.queues) {
      maxQueueCount = Math.max(maxQueueCount, q.cachedMsgCount);
      maxQueueBytes = Math.max(maxQueueBytes, q.cachedMsgBytes);
    }
    const doc: ConsumerSample = {
      t: Date.now() - t0,
      rssMiB: MiB(m.rss),
      heapUsedMiB: MiB(m.heapUsed),
      heapTotalMiB: MiB(m.heapTotal),
      externalMiB: MiB(m.external),
      arrayBuffersMiB: MiB(m.arrayBuffers),
      ownedQueues: s.ownedQueues,
      topicQueues: s.queues.filter((q) => q.topic === topic).length,
      pullRequestsInFlight: s.pullRequestsInFlight,
      activeHandlers: s.activeHandlers,
      cachedMsgCount: s.cachedMsgCount,
      cachedMsgBytes: s.cachedMsgBytes,
      maxQueueCount,
      maxQueueBytes,
      stalled: stallUntil > Date.now() || (stallMs > 0 && stallUntil === 0),
      ...counts,
    };
    process.stdout.write(`@@s ${JSON.stringify(doc)}\n`);
  };
  // The first sample is the process before the consumer started: the baseline of memory growth.
  sample();
  await consumer.start();
  event('started');
  t0 = Date.now();
  const sampler = setInterval(sample, sampleMs);
  await new Promise<void>((resolve) => process.once('SIGTERM', () => resolve()));
  clearInterval(sampler);
  sample();
  await consumer.shutdown();
  event('shutdown');
  result({ counts, logs: logger.byLevel });
}

main().catch((err: unknown) => {
  process.stderr.write(`push-consumer child failed: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exitCode = 1;
});
