import { DefaultMQPushConsumer } from '../../../src/consumer/default-mq-push-consumer';
import type { ProcessQueue } from '../../../src/consumer/process-queue';
import type { MessageExt } from '../../../src/message/message-decoder';
import type { Logger } from '../../../src/logger';
import type { PushConsumerOptions } from '../../../src/consumer/consumer-config';

/**
 * One orderly member of scenario c6, the same code in Jest's process and in a child process. Its
 * handler reports every batch twice: `begin` when the listener is called (the delivery, with the key:seq
 * bodies in order and the ownership epoch of the queue) and `end` when it returns SUCCESS.
 *
 * The ownership epoch is the identity of the queue's ProcessQueue: a new one is made each time the
 * rebalance gives the member the queue, so one epoch is one continuous ownership.
 */

export interface BatchBegin {
  kind: 'begin';
  member: string;
  /** The queue (`topic@broker@id`) and this member's ownership epoch of it. */
  queue: string;
  epoch: number;
  /** Epoch ms with sub-ms precision, comparable across processes of one machine. */
  at: number;
  /** `key:seq` bodies in the order the listener got them. */
  bodies: string[];
}

export interface BatchEnd {
  kind: 'end';
  member: string;
  queue: string;
  epoch: number;
  at: number;
}

export type BatchRecord = BatchBegin | BatchEnd;

export interface OrderlyMemberOptions {
  member: string;
  namesrvAddr: string;
  topic: string;
  group: string;
  /** How long the handler holds each batch (so that a SIGKILL lands inside one); a function is asked per batch, after `begin` was emitted. */
  handlerMs: number | (() => number);
  batchMax: number;
  logger?: Logger;
  /** Further consumer settings (e.g. a short `awaitTerminationMsWhenShutdown`). */
  extra?: Partial<PushConsumerOptions>;
  emit(record: BatchRecord): void;
}

export const nowPrecise = (): number => performance.timeOrigin + performance.now();

export function createOrderlyMember(o: OrderlyMemberOptions): DefaultMQPushConsumer {
  const consumer = new DefaultMQPushConsumer({
    consumerGroup: o.group,
    namesrvAddr: o.namesrvAddr,
    instanceName: o.member,
    consumeFromWhere: 'CONSUME_FROM_FIRST_OFFSET',
    consumeMessageBatchMaxSize: o.batchMax,
    pollNameServerIntervalMs: 1000,
    ...(o.logger ? { logger: o.logger } : {}),
    ...o.extra,
  });
  const epochs = new WeakMap<ProcessQueue, number>();
  let nextEpoch = 1;
  const epochOf = (queueKey: string): number => {
    const entry = consumer.impl.rebalanceImpl.processQueueTable.get(queueKey);
    if (!entry) return 0;
    let e = epochs.get(entry.pq);
    if (e === undefined) epochs.set(entry.pq, (e = nextEpoch++));
    return e;
  };
  consumer.subscribe(o.topic, '*');
  consumer.registerMessageListener({
    orderly: async (msgs: MessageExt[], ctx) => {
      const queue = ctx.messageQueue.key();
      const epoch = epochOf(queue);
      o.emit({ kind: 'begin', member: o.member, queue, epoch, at: nowPrecise(), bodies: msgs.map((m) => m.body.toString()) });
      const holdMs = typeof o.handlerMs === 'number' ? o.handlerMs : o.handlerMs();
      await new Promise((r) => setTimeout(r, holdMs));
      o.emit({ kind: 'end', member: o.member, queue, epoch, at: nowPrecise() });
      return 'SUCCESS';
    },
  });
  return consumer;
}
