/**
 * A rocketmq-ts push consumer in a process of its own, for the rebalance e2e test (which kills it with SIGKILL).
 * Run with `node -r ./scripts/ts-register.cjs test/e2e/helpers/push-consumer-child.ts`; configured by the env
 * variables NAMESRV_ADDR, CHILD_TOPIC, CHILD_GROUP, CHILD_INSTANCE. It prints JSON lines on stdout:
 *   {"type":"ready","clientId":...}                         once started
 *   {"type":"owned","queues":[0,3],"t":...}                 whenever the set of queues it pulls changes
 *   {"type":"msg","msgId":...,"queueId":n,"offset":"n","t":...}   per message, before it is acknowledged
 * A message line is written (synchronously: stdout is a pipe) when the handler gets the message, which then works
 * for CHILD_HANDLER_DELAY_MS (default 0) before it returns CONSUME_SUCCESS: every message this process acknowledged
 * was reported, and a kill can catch messages in the middle of their handling. It exits when its stdin closes (the test went away)
 * or after CHILD_MAX_LIFE_MS (default 5 minutes), whichever comes first.
 */
import { DefaultMQPushConsumer } from '../../../src/index';
import { ownedQueues } from './group-tracker';

const env = (name: string): string => {
  const v = process.env[name];
  if (!v) throw new Error(`push-consumer-child: ${name} is not set`);
  return v;
};

function emit(obj: Record<string, unknown>): void {
  process.stdout.write(`${JSON.stringify(obj)}\n`);
}

async function main(): Promise<void> {
  const topic = env('CHILD_TOPIC');
  const handlerDelayMs = Number(process.env.CHILD_HANDLER_DELAY_MS ?? 0);
  const consumer = new DefaultMQPushConsumer({
    namesrvAddr: env('NAMESRV_ADDR'),
    consumerGroup: env('CHILD_GROUP'),
    instanceName: env('CHILD_INSTANCE'),
    consumeFromWhere: 'CONSUME_FROM_FIRST_OFFSET',
    pollNameServerIntervalMs: 1000,
  });
  consumer.subscribe(topic, '*');
  consumer.registerMessageListener(async (msgs) => {
    for (const m of msgs) emit({ type: 'msg', msgId: m.msgId, queueId: m.queueId, offset: String(m.queueOffset), t: Date.now() });
    if (handlerDelayMs > 0) await new Promise((r) => setTimeout(r, handlerDelayMs));
    return 'CONSUME_SUCCESS';
  });
  await consumer.start();
  emit({ type: 'ready', clientId: consumer.impl.clientInstance.clientId });

  let last = '';
  const watch = setInterval(() => {
    const owned = ownedQueues(consumer, topic);
    const key = owned.join(',');
    if (key !== last) {
      last = key;
      emit({ type: 'owned', queues: owned, t: Date.now() });
    }
  }, 50);

  const stop = async (): Promise<void> => {
    clearInterval(watch);
    await consumer.shutdown().catch(() => undefined);
    process.exit(0);
  };
  process.stdin.on('end', () => void stop());
  process.stdin.resume();
  setTimeout(() => void stop(), Number(process.env.CHILD_MAX_LIFE_MS ?? 5 * 60_000)).unref();
}

main().catch((err: unknown) => {
  process.stderr.write(`push-consumer-child: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
