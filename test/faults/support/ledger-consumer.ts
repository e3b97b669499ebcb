import { DefaultMQPushConsumer } from '../../../src/consumer/default-mq-push-consumer';
import type { PushConsumerOptions } from '../../../src/consumer/consumer-config';
import { MessageConst } from '../../../src/message/message-const';
import type { ConsumeLedger } from './consume-ledger';
import { eventually } from './process-watch';

/**
 * An in-process push consumer for the consumer fault scenarios: reads `topic` from its first offset and
 * records every delivery (by the message's KEYS) in `ledger`, then acknowledges it. Started, and
 * resolved once it owns `queues` queues of the topic (false if that took longer than a minute).
 */
export async function startLedgerConsumer(
  o: { topic: string; queues: number; ledger: ConsumeLedger; label?: string } & Omit<PushConsumerOptions, 'consumeFromWhere'>,
): Promise<{ consumer: DefaultMQPushConsumer; owned: boolean }> {
  const { topic, queues, ledger, label, ...options } = o;
  const consumer = new DefaultMQPushConsumer({ ...options, consumeFromWhere: 'CONSUME_FROM_FIRST_OFFSET' });
  consumer.subscribe(topic);
  consumer.registerMessageListener(async (msgs, ctx) => {
    const at = Date.now();
    for (const m of msgs) {
      const key = m.getProperty(MessageConst.PROPERTY_KEYS) ?? '';
      ledger.record({ key, by: label ?? 'c', queue: `${ctx.messageQueue.brokerName}/${m.queueId}`, offset: Number(m.queueOffset), at });
    }
    return 'CONSUME_SUCCESS';
  });
  await consumer.start();
  const owned = await eventually(() => topicQueuesOwned(consumer, topic) === queues, 60_000);
  return { consumer, owned };
}

export function topicQueuesOwned(consumer: DefaultMQPushConsumer, topic: string): number {
  return consumer.stats().queues.filter((q) => q.topic === topic).length;
}
