import { lazy, zod } from '../../lazy-zod';
import { javaHashSetOrder } from '../../remoting/protocol/java-hash';
import { MessageQueue } from '../message-queue';
import { parseJsonBody } from './parse-json-body';

/**
 * Java `LockBatchRequestBody` / `UnlockBatchRequestBody` (LOCK_BATCH_MQ 41 / UNLOCK_BATCH_MQ 42) and
 * `LockBatchResponseBody`. fastjson writes bean fields alphabetically and `mqSet` (a HashSet of
 * MessageQueue) in HashMap order of `MessageQueue.hashCode`, which this encoder reproduces.
 */
export interface LockBatchRequestBody {
  consumerGroup: string;
  clientId: string;
  /** Lock only on the broker the request goes to (the Java client always sets it). */
  onlyThisBroker?: boolean;
  mqSet: Iterable<MessageQueue>;
}

export function encodeLockBatchRequestBody(body: LockBatchRequestBody): Buffer {
  const unique = new Map<string, MessageQueue>();
  for (const mq of body.mqSet) if (!unique.has(mq.key())) unique.set(mq.key(), mq);
  const mqSet = javaHashSetOrder([...unique.values()], (mq) => mq.hashCode()).map((mq) => ({
    brokerName: mq.brokerName,
    queueId: mq.queueId,
    topic: mq.topic,
  }));
  return Buffer.from(
    JSON.stringify({ clientId: body.clientId, consumerGroup: body.consumerGroup, mqSet, onlyThisBroker: body.onlyThisBroker ?? false }),
    'utf8',
  );
}

/** UNLOCK_BATCH_MQ has the same body. */
export const encodeUnlockBatchRequestBody = encodeLockBatchRequestBody;

export const LockBatchResponseBodySchema = lazy(() => {
  const z = zod();
  const MessageQueueSchema = z.looseObject({ topic: z.string(), brokerName: z.string(), queueId: z.number().int() });
  return z.looseObject({ lockOKMQSet: z.array(MessageQueueSchema).nullish() });
});

/** The queues the broker locked for us. */
export function parseLockBatchResponseBody(body: Uint8Array | undefined): MessageQueue[] {
  const parsed = parseJsonBody(LockBatchResponseBodySchema(), body, 'LOCK_BATCH_MQ');
  return (parsed.lockOKMQSet ?? []).map((q) => new MessageQueue(q.topic, q.brokerName, q.queueId));
}
