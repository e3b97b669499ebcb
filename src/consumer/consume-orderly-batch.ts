import type { MessageQueue } from '../client/message-queue';
import { MessageConst } from '../message/message-const';
import type { MessageExt } from '../message/message-decoder';
import { wrapNamespace } from '../message/namespace';
import { callListener } from './consume-message-common';
import type { ConsumeHost } from './consume-message-concurrently-service';
import type { ProcessQueue } from './process-queue';

/** Java `ConsumeOrderlyStatus` (the deprecated COMMIT / ROLLBACK of manual commit are not offered). */
export const ConsumeOrderlyStatus = { SUCCESS: 'SUCCESS', SUSPEND_CURRENT_QUEUE_A_MOMENT: 'SUSPEND_CURRENT_QUEUE_A_MOMENT' } as const;
export type ConsumeOrderlyStatus = (typeof ConsumeOrderlyStatus)[keyof typeof ConsumeOrderlyStatus];

/** Java `ConsumeOrderlyContext`. */
export interface ConsumeOrderlyContext {
  readonly messageQueue: MessageQueue;
  /** How long this queue waits before the suspended batch comes again, ms; -1: the consumer's `suspendCurrentQueueTimeMs`. */
  suspendCurrentQueueTimeMs: number;
}

/**
 * Java `MessageListenerOrderly`, as an async function: the messages of one queue, in queue order, one
 * batch at a time per queue. A throw or a rejection counts as SUSPEND_CURRENT_QUEUE_A_MOMENT.
 */
export type MessageListenerOrderly = (msgs: MessageExt[], context: ConsumeOrderlyContext) => Promise<ConsumeOrderlyStatus>;

/** Java's clamp of a suspend (`submitConsumeRequestLater`). */
const MIN_SUSPEND_MS = 10;
const MAX_SUSPEND_MS = 30_000;

/** What one orderly batch (the listener call and its result) needs of the push consumer. */
export interface OrderlyBatchHost extends ConsumeHost {
  readonly settings: {
    suspendCurrentQueueTimeMs: number;
    rebalanceLockMaxLiveTimeMs: number;
    /** The effective limit: -1 in the options means unbounded (Java `Integer.MAX_VALUE`). */
    maxReconsumeTimes: number;
  };
}

/** Java `ConsumeRequest.run`'s listener call: a throw or anything but SUCCESS is a SUSPEND. */
export async function callOrderlyListener(host: OrderlyBatchHost, listener: MessageListenerOrderly, msgs: MessageExt[], context: ConsumeOrderlyContext): Promise<ConsumeOrderlyStatus> {
  const mq = context.messageQueue;
  const call = await callListener(host, mq, msgs, () => listener(msgs, context), (s) => s === 'SUCCESS', 'SUSPEND_CURRENT_QUEUE_A_MOMENT');
  if (!call.ok && !call.threw) host.log.warn('consumeMessage orderly returned not OK', { group: host.consumerGroup, mq: mq.toString(), status: call.result });
  return call.ok ? 'SUCCESS' : 'SUSPEND_CURRENT_QUEUE_A_MOMENT';
}

/**
 * Java `processConsumeResult` (auto commit): SUCCESS commits the batch; SUSPEND puts it back in front and
 * waits, unless every message is past the reconsume limit and was sent to the DLQ. Answers how long to
 * suspend the queue, or undefined to go on.
 * The commit of a batch handled under a lock still fresh counts even if the queue was dropped meanwhile:
 * the release persists offsets only after the handler, and the lock is not yet given up.
 */
export async function processOrderlyConsumeResult(
  host: OrderlyBatchHost,
  msgs: MessageExt[],
  status: ConsumeOrderlyStatus,
  context: ConsumeOrderlyContext,
  pq: ProcessQueue,
  mq: MessageQueue,
): Promise<number | undefined> {
  let commitOffset = -1n;
  if (status === 'SUCCESS') {
    commitOffset = pq.commit();
  } else if (await checkReconsumeTimes(host, msgs, mq)) {
    pq.makeMessageToConsumeAgain(msgs);
    const wanted = context.suspendCurrentQueueTimeMs === -1 ? host.settings.suspendCurrentQueueTimeMs : context.suspendCurrentQueueTimeMs;
    return Math.min(MAX_SUSPEND_MS, Math.max(MIN_SUSPEND_MS, wanted));
  } else {
    commitOffset = pq.commit();
  }
  const fresh = host.messageModel === 'BROADCASTING' || pq.isLockValid(host.settings.rebalanceLockMaxLiveTimeMs);
  if (commitOffset >= 0n && (!pq.dropped || fresh)) host.offsetStore.updateOffset(mq, commitOffset, false);
  return undefined;
}

/**
 * Java `checkReconsumeTimes`: true when the batch must be consumed again. A message past the limit goes
 * to the DLQ (it leaves the queue's order); if that fails, it stays and is counted once more.
 */
async function checkReconsumeTimes(host: OrderlyBatchHost, msgs: MessageExt[], mq: MessageQueue): Promise<boolean> {
  let suspend = false;
  for (const m of msgs) {
    if (m.reconsumeTimes >= host.settings.maxReconsumeTimes && host.messageModel === 'CLUSTERING') {
      m.putProperty(MessageConst.PROPERTY_RECONSUME_TIME, String(m.reconsumeTimes));
      if (!(await sendToDlq(host, m, mq))) {
        suspend = true;
        m.reconsumeTimes++;
      }
    } else {
      suspend = true;
      m.reconsumeTimes++;
    }
  }
  return suspend;
}

function sendToDlq(host: OrderlyBatchHost, m: MessageExt, mq: MessageQueue): Promise<boolean> {
  const topic = m.topic;
  // The broker addresses the stored (namespaced) topic; delay level -1 sends straight to %DLQ%.
  m.topic = wrapNamespace(host.namespace, m.topic);
  return host
    .sendMessageBack(m, -1, mq)
    .catch(() => false)
    .finally(() => (m.topic = topic));
}
