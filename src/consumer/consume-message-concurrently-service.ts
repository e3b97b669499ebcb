import type { ConsumeMessageDirectlyResult } from '../client/body/consume-message-directly-result';
import type { MessageModel } from '../client/heartbeat-data';
import type { MessageQueue } from '../client/message-queue';
import { MessageConst } from '../message/message-const';
import type { MessageExt } from '../message/message-decoder';
import { wrapNamespace } from '../message/namespace';
import { ConsumeLimiter } from './consume-limiter';
import { callListener, consumeDirectly, type ListenerCallHost } from './consume-message-common';
import type { ProcessQueue } from './process-queue';
import type { OffsetStore } from './store/offset-store';

/** Java `ConsumeConcurrentlyStatus`: what a listener answers (`ConsumeConcurrentlyStatus.CONSUME_SUCCESS` or the string). */
export const ConsumeConcurrentlyStatus = { CONSUME_SUCCESS: 'CONSUME_SUCCESS', RECONSUME_LATER: 'RECONSUME_LATER' } as const;
export type ConsumeConcurrentlyStatus = (typeof ConsumeConcurrentlyStatus)[keyof typeof ConsumeConcurrentlyStatus];

/** Java `ConsumeConcurrentlyContext`: set `ackIndex` / `delayLevelWhenNextConsume` in the handler to steer retries. */
export interface ConsumeConcurrentlyContext {
  readonly messageQueue: MessageQueue;
  /** Delay level of the send-back on RECONSUME_LATER: 0 lets the broker choose (3 + reconsume times), -1 sends straight to the DLQ. */
  delayLevelWhenNextConsume: number;
  /** With CONSUME_SUCCESS: the index of the last message consumed; later ones are sent back. */
  ackIndex: number;
}

/**
 * Java `MessageListenerConcurrently`, as an async function; a throw or a rejection counts as
 * RECONSUME_LATER. (Async only: a `Promise | status` return type would stop TypeScript from keeping
 * the literal type of `return 'CONSUME_SUCCESS'` in an async arrow.)
 */
export type MessageListenerConcurrently = (msgs: MessageExt[], context: ConsumeConcurrentlyContext) => Promise<ConsumeConcurrentlyStatus>;

/** Handler calls whose messages stay held and uncommitted (see `leaveUncommitted`). */
const leftUncommitted = new WeakSet<ConsumeConcurrentlyContext>();

/**
 * For the iterator face when its loop ends: the messages of this handler call are neither acknowledged
 * nor sent back; they stay held in their process queue, so the committed offset does not move past them
 * and the group receives them again from there (after a restart or a rebalance). Only sound when the
 * consumer is shutting down: a running consumer would sweep them after `consumeTimeout`.
 *
 * @internal
 */
export function leaveUncommitted(context: ConsumeConcurrentlyContext): void {
  leftUncommitted.add(context);
}

/** Whether the handler call asked for `leaveUncommitted`. @internal */
export function isLeftUncommitted(context: ConsumeConcurrentlyContext): boolean {
  return leftUncommitted.has(context);
}

/** Java's delay before messages whose send-back failed are consumed again here. */
const RECONSUME_LATER_LOCALLY_MS = 5000;

/** What the service needs of the push consumer. */
export interface ConsumeHost extends ListenerCallHost {
  readonly messageModel: MessageModel;
  readonly consumeMessageBatchMaxSize: number;
  readonly offsetStore: OffsetStore;
  /** CONSUMER_SEND_MSG_BACK, else the fallback produce to %RETRY%; false when both failed. */
  sendMessageBack(msg: MessageExt, delayLevel: number, mq: MessageQueue): Promise<boolean>;
}

/**
 * Java `ConsumeMessageConcurrentlyService`: batches of pulled messages go to the listener under a
 * concurrency limit; the result decides what is acknowledged (offset: the smallest still in flight),
 * what is sent back for a retry, and what is consumed again here when it cannot be sent back.
 */
export class ConsumeMessageConcurrentlyService {
  private readonly limiter: ConsumeLimiter;
  private readonly laterTimers = new Set<NodeJS.Timeout>();
  private stopped = false;

  constructor(
    private readonly host: ConsumeHost,
    private readonly listener: MessageListenerConcurrently,
    consumeThreadMax: number,
  ) {
    this.limiter = new ConsumeLimiter(consumeThreadMax);
  }

  get activeCount(): number {
    return this.limiter.activeCount;
  }

  submitConsumeRequest(msgs: readonly MessageExt[], pq: ProcessQueue, mq: MessageQueue): void {
    this.limiter.submitInBatches(msgs, this.host.consumeMessageBatchMaxSize, (batch) => this.consume(batch, pq, mq));
  }

  private submitConsumeRequestLater(msgs: MessageExt[], pq: ProcessQueue, mq: MessageQueue): void {
    if (this.stopped) return;
    const timer = setTimeout(() => {
      this.laterTimers.delete(timer);
      this.submitConsumeRequest(msgs, pq, mq);
    }, RECONSUME_LATER_LOCALLY_MS);
    timer.unref?.();
    this.laterTimers.add(timer);
  }

  /** Java `ConsumeRequest.run`. */
  private async consume(msgs: MessageExt[], pq: ProcessQueue, mq: MessageQueue): Promise<void> {
    if (pq.dropped) return;
    const context: ConsumeConcurrentlyContext = { messageQueue: mq, delayLevelWhenNextConsume: 0, ackIndex: 0x7fffffff };
    const call = await callListener(this.host, mq, msgs, () => this.listener(msgs, context), (s) => s === 'CONSUME_SUCCESS', 'RECONSUME_LATER');
    const status: ConsumeConcurrentlyStatus = call.ok ? 'CONSUME_SUCCESS' : 'RECONSUME_LATER';
    if (pq.dropped) {
      this.host.log.warn('processQueue is dropped without process consume result', { mq: mq.toString() });
      return;
    }
    if (isLeftUncommitted(context)) return;
    await this.processConsumeResult(status, context, msgs, pq, mq);
  }

  /** Java `processConsumeResult`. */
  private async processConsumeResult(
    status: ConsumeConcurrentlyStatus,
    context: ConsumeConcurrentlyContext,
    msgs: MessageExt[],
    pq: ProcessQueue,
    mq: MessageQueue,
  ): Promise<void> {
    if (msgs.length === 0) return;
    let ackIndex = context.ackIndex;
    if (status === 'CONSUME_SUCCESS') ackIndex = Math.min(Math.max(ackIndex, -1), msgs.length - 1);
    else ackIndex = -1;
    let done = msgs;
    if (this.host.messageModel === 'BROADCASTING') {
      for (let i = ackIndex + 1; i < msgs.length; i++) this.host.log.warn('BROADCASTING, the message consume failed, drop it', { msgId: msgs[i]!.msgId });
    } else {
      const failed: MessageExt[] = [];
      for (let i = ackIndex + 1; i < msgs.length; i++) {
        const m = msgs[i]!;
        if (!(await this.sendBack(m, context.delayLevelWhenNextConsume, mq))) {
          m.reconsumeTimes++;
          failed.push(m);
        }
      }
      if (failed.length > 0) {
        done = msgs.filter((m) => !failed.includes(m));
        this.submitConsumeRequestLater(failed, pq, mq);
      }
    }
    const offset = pq.removeMessage(done);
    if (offset >= 0n && !pq.dropped) this.host.offsetStore.updateOffset(mq, offset, true);
  }

  private sendBack(m: MessageExt, delayLevel: number, mq: MessageQueue): Promise<boolean> {
    // The broker addresses the original (namespaced) topic.
    m.topic = wrapNamespace(this.host.namespace, m.topic);
    return this.host.sendMessageBack(m, delayLevel, mq).catch(() => false);
  }

  /**
   * Java `cleanExpiredMsg`: messages a handler has held longer than `consumeTimeout` are sent back
   * (delay level 3; in broadcasting only dropped) and acknowledged, so one stuck handler does not pin
   * the queue's offset forever.
   */
  async cleanExpiredMsg(pq: ProcessQueue, mq: MessageQueue): Promise<void> {
    const now = Date.now();
    for (const m of pq.heldMessages(16)) {
      const start = Number(m.getProperty(MessageConst.PROPERTY_CONSUME_START_TIMESTAMP) ?? NaN);
      if (!(now - start > this.host.consumeTimeoutMs)) break;
      if (this.host.messageModel === 'BROADCASTING') {
        // Nobody consumes %RETRY% in broadcasting: the expired message is dropped, as a failed one is.
        this.host.log.warn('BROADCASTING, the message consume timed out, drop it', { msgId: m.msgId, mq: mq.toString() });
      } else {
        this.host.log.info('send expired msg back', { msgId: m.msgId, mq: mq.toString() });
        await this.sendBack(m, 3, mq);
      }
      const offset = pq.removeMessage([m]);
      if (offset >= 0n && !pq.dropped) this.host.offsetStore.updateOffset(mq, offset, true);
    }
  }

  /**
   * Java `consumeMessageDirectly`: the listener on one message an admin sent, outside the process queues:
   * nothing is sent back or committed, the outcome is reported.
   */
  consumeMessageDirectly(msg: MessageExt, mq: MessageQueue): Promise<ConsumeMessageDirectlyResult> {
    const context: ConsumeConcurrentlyContext = { messageQueue: mq, delayLevelWhenNextConsume: 0, ackIndex: 0x7fffffff };
    return consumeDirectly(this.host, msg, () => this.listener([msg], context), { success: 'CONSUME_SUCCESS', later: 'RECONSUME_LATER', order: false });
  }

  /** Stops starting handlers and waits up to `awaitMs` for the running ones. */
  async shutdown(awaitMs: number): Promise<boolean> {
    this.stopped = true;
    for (const t of this.laterTimers) clearTimeout(t);
    this.laterTimers.clear();
    this.limiter.close();
    return this.limiter.idle(awaitMs);
  }
}
