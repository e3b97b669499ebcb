import type { MessageQueue } from '../../client/message-queue';
import { MessageConst } from '../../message/message-const';
import type { MessageExt } from '../../message/message-decoder';
import { ConsumeLimiter } from '../consume-limiter';
import {
  isLeftUncommitted,
  type ConsumeConcurrentlyContext,
  type ConsumeConcurrentlyStatus,
  type MessageListenerConcurrently,
} from '../consume-message-concurrently-service';
import { callListener, type ListenerCallHost } from '../consume-message-common';
import { parseReceiptHandle } from './extra-info';
import type { PopProcessQueue } from './pop-process-queue';

/** Java `DefaultMQPushConsumerImpl.popDelayLevel`: seconds of invisibility before the n-th retry of a popped message. */
export const POP_DELAY_LEVEL_S: readonly number[] = [10, 30, 60, 120, 180, 240, 300, 360, 420, 480, 540, 600, 1200, 1800, 3600, 7200];

/** What the pop consume service needs of the push consumer. */
export interface PopConsumeHost extends ListenerCallHost {
  readonly consumeMessageBatchMaxSize: number;
  readonly maxReconsumeTimes: number;
  /** ACK_MESSAGE for a message popped for `wireTopic` (the namespaced topic of the request). */
  ack(msg: MessageExt, wireTopic: string): Promise<void>;
  /** CHANGE_MESSAGE_INVISIBLETIME: the message comes back `ms` from now. */
  changeInvisibleTime(msg: MessageExt, wireTopic: string, ms: number): Promise<void>;
}

/**
 * Java `ConsumeMessagePopConcurrentlyService`: popped messages go to the concurrent listener under the
 * same concurrency limit as pulled ones. Success acks each message on the broker; a failure makes it
 * invisible for the next pop delay level instead of sending it back (the broker revives it). There is no
 * offset to commit: a message whose invisible time ran out before its handler returned belongs to the
 * broker again and is neither acked nor delayed.
 */
export class ConsumeMessagePopService {
  private readonly limiter: ConsumeLimiter;
  /** Acks and invisible-time changes on their way: as in Java they do not hold a handler slot. */
  private readonly answering = new Set<Promise<void>>();

  constructor(
    private readonly host: PopConsumeHost,
    private readonly listener: MessageListenerConcurrently,
    consumeThreadMax: number,
  ) {
    this.limiter = new ConsumeLimiter(consumeThreadMax);
  }

  get activeCount(): number {
    return this.limiter.activeCount;
  }

  submitPopConsumeRequest(msgs: readonly MessageExt[], pq: PopProcessQueue, mq: MessageQueue): void {
    this.limiter.submitInBatches(msgs, this.host.consumeMessageBatchMaxSize, (batch) => this.consume(batch, pq, mq));
  }

  /** Java `ConsumeRequest.run` of the pop service. */
  private async consume(msgs: MessageExt[], pq: PopProcessQueue, mq: MessageQueue): Promise<void> {
    if (pq.dropped) {
      pq.release(msgs.length);
      return;
    }
    const deadline = popDeadline(msgs[0]!);
    if (Date.now() >= deadline) {
      this.host.log.info('the pop message timed out before consumption, left to the broker', { group: this.host.consumerGroup, mq: mq.toString() });
      pq.release(msgs.length);
      return;
    }
    const context: ConsumeConcurrentlyContext = { messageQueue: mq, delayLevelWhenNextConsume: 0, ackIndex: 0x7fffffff };
    const call = await callListener(this.host, mq, msgs, () => this.listener(msgs, context), (s) => s === 'CONSUME_SUCCESS', 'RECONSUME_LATER');
    const status: ConsumeConcurrentlyStatus = call.ok ? 'CONSUME_SUCCESS' : 'RECONSUME_LATER';
    // The iterator face left the loop: no answer, the broker gives the messages out again after their invisible time.
    if (isLeftUncommitted(context)) {
      pq.release(msgs.length);
      return;
    }
    if (pq.dropped || Date.now() >= deadline) {
      this.host.log.warn('the pop queue was dropped or the invisible time ran out; the result is not reported', { mq: mq.toString() });
      pq.release(msgs.length);
      return;
    }
    const answer = this.processConsumeResult(status, context, msgs, pq, mq);
    this.answering.add(answer);
    void answer.finally(() => this.answering.delete(answer));
  }

  /** Java `processConsumeResult`: ack up to `ackIndex`, delay the rest (ack when retried long enough). */
  private async processConsumeResult(
    status: ConsumeConcurrentlyStatus,
    context: ConsumeConcurrentlyContext,
    msgs: MessageExt[],
    pq: PopProcessQueue,
    mq: MessageQueue,
  ): Promise<void> {
    const ackIndex = status === 'CONSUME_SUCCESS' ? Math.min(Math.max(context.ackIndex, -1), msgs.length - 1) : -1;
    const work: Array<Promise<void>> = [];
    for (let i = 0; i < msgs.length; i++) {
      const m = msgs[i]!;
      pq.ack();
      if (i <= ackIndex) work.push(this.ack(m, mq));
      else if (m.reconsumeTimes >= this.host.maxReconsumeTimes) work.push(this.ackOrDelayTooManyTimes(m, mq));
      else work.push(this.delay(m, mq, context.delayLevelWhenNextConsume));
    }
    await Promise.all(work);
  }

  /** Java `checkNeedAckOrDelay`: past the last level twice over, give up (ack); else wait for the level its age reached. */
  private ackOrDelayTooManyTimes(m: MessageExt, mq: MessageQueue): Promise<void> {
    const age = Date.now() - Number(m.bornTimestamp);
    const last = POP_DELAY_LEVEL_S.length - 1;
    if (age > POP_DELAY_LEVEL_S[last]! * 1000 * 2) {
      this.host.log.warn('consumed too many times, the message is acked', { msgId: m.msgId });
      return this.ack(m, mq);
    }
    let level = last;
    for (; level >= 0; level--) {
      if (age >= POP_DELAY_LEVEL_S[level]! * 1000) {
        level++;
        break;
      }
    }
    return this.delay(m, mq, level);
  }

  /** Java `changePopInvisibleTime`: level 0 means the message's reconsume times. */
  private delay(m: MessageExt, mq: MessageQueue, delayLevel: number): Promise<void> {
    const level = delayLevel === 0 ? m.reconsumeTimes : Math.max(0, delayLevel);
    const seconds = POP_DELAY_LEVEL_S[Math.min(level, POP_DELAY_LEVEL_S.length - 1)]!;
    return this.host.changeInvisibleTime(m, mq.topic, seconds * 1000).catch((err: unknown) => {
      this.host.log.warn('changeInvisibleTime failed; the message comes back when its invisible time ends', { msgId: m.msgId, err });
    });
  }

  private ack(m: MessageExt, mq: MessageQueue): Promise<void> {
    return this.host.ack(m, mq.topic).catch((err: unknown) => {
      this.host.log.warn('ack failed; the message comes back when its invisible time ends', { msgId: m.msgId, err });
    });
  }

  /** Stops starting handlers and waits up to `awaitMs` for the running ones. */
  async shutdown(awaitMs: number): Promise<boolean> {
    this.limiter.close();
    const started = Date.now();
    const idle = await this.limiter.idle(awaitMs);
    // The answers of the last handlers go out before the connection closes (bounded by what is left of awaitMs).
    const left = Math.max(0, awaitMs - (Date.now() - started));
    let timer: NodeJS.Timeout | undefined;
    const answered = await Promise.race([
      Promise.allSettled([...this.answering]).then(() => true),
      new Promise<boolean>((r) => (timer = setTimeout(() => r(false), left).unref())),
    ]);
    clearTimeout(timer);
    return idle && answered;
  }
}

/** When the broker takes a popped message back: pop time + invisible time of its receipt handle. */
export function popDeadline(m: MessageExt): number {
  const handle = m.getProperty(MessageConst.PROPERTY_POP_CK);
  if (handle === undefined) return 0;
  try {
    const h = parseReceiptHandle(handle);
    return Number(h.popTime) + Number(h.invisibleTime);
  } catch {
    return 0;
  }
}
