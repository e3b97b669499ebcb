import { BrokerResponseError } from '../../errors';
import type { Logger } from '../../logger';
import type { MessageQueue } from '../../client/message-queue';
import type { SubscriptionData } from '../../client/subscription-data';
import type { MessageExt } from '../../message/message-decoder';
import type { RemotingClient } from '../../remoting/remoting-client';
import { ResponseCode } from '../../remoting/protocol/response-code';
import { popMessage } from './pop-api';
import type { PopResult } from './pop-response';
import type { PopProcessQueue } from './pop-process-queue';

/** Java's delays of the pop loop (`DefaultMQPushConsumerImpl`). */
const DELAY_WHEN_CACHE_FLOW_CONTROL_MS = 50;
const DELAY_WHEN_SUSPENDED_MS = 1000;
const DELAY_WHEN_BROKER_FLOW_CONTROL_MS = 20;

/** Java `PopRequest`: one pop loop, bound to one assigned (queue, process queue); queueId -1 pops any queue of the broker. */
export interface PopRequest {
  consumerGroup: string;
  messageQueue: MessageQueue;
  processQueue: PopProcessQueue;
  initMode: number;
}

/** The push consumer's options the pop loops read. */
export interface PopLoopSettings {
  popBatchNums: number;
  popInvisibleTimeMs: number;
  popThresholdForQueue: number;
  pullIntervalMs: number;
  brokerSuspendMaxTimeMs: number;
  pullTimeDelayMsWhenException: number;
}

/** What the pop loops need of the push consumer. */
export interface PopLoopHost {
  readonly log: Logger;
  readonly remoting: RemotingClient;
  readonly namespace: string | undefined;
  readonly settings: PopLoopSettings & { maxReconsumeTimes: number };
  isRunning(): boolean;
  isPaused(): boolean;
  subscriptionOf(topic: string): SubscriptionData | undefined;
  /** The master address of a broker (route refreshed when unknown); rejects when it does not exist. */
  brokerAddr(brokerName: string, topic: string): Promise<string>;
  submit(msgs: MessageExt[], pq: PopProcessQueue, mq: MessageQueue): void;
  /** Acks a popped message the client will not hand over (tag mismatch, retried too often). */
  ackFiltered(msg: MessageExt, wireTopic: string): void;
}

/**
 * Java `DefaultMQPushConsumerImpl.popMessage` as loops: one POP_MESSAGE at a time per assigned queue,
 * the next one issued when the answer was handled; paused by the count of messages awaiting their ack,
 * by suspend(), and after errors. A loop ends when its queue is dropped or the consumer stops.
 */
export class PopPullService {
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly closing = new AbortController();
  private stopped = false;

  constructor(private readonly host: PopLoopHost) {}

  executePopRequestImmediately(req: PopRequest): void {
    if (this.stopped) return;
    setImmediate(() => void this.popMessage(req));
  }

  executePopRequestLater(req: PopRequest, delayMs: number): void {
    if (this.stopped) return;
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      void this.popMessage(req);
    }, delayMs);
    timer.unref?.();
    this.timers.add(timer);
  }

  /** Stops every loop and aborts the pops held by the brokers. */
  shutdown(): void {
    this.stopped = true;
    this.closing.abort();
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
  }

  private async popMessage(req: PopRequest): Promise<void> {
    const pq = req.processQueue;
    if (pq.dropped || this.stopped) return;
    pq.lastPopTimestamp = Date.now();
    const s = this.host.settings;
    if (!this.host.isRunning()) return this.executePopRequestLater(req, s.pullTimeDelayMsWhenException);
    if (this.host.isPaused()) return this.executePopRequestLater(req, DELAY_WHEN_SUSPENDED_MS);
    if (pq.waitAckCount > s.popThresholdForQueue) return this.executePopRequestLater(req, DELAY_WHEN_CACHE_FLOW_CONTROL_MS);
    const mq = req.messageQueue;
    const sd = this.host.subscriptionOf(mq.topic);
    if (!sd) {
      this.host.log.warn('find the consumer subscription failed', { mq: mq.toString() });
      return this.executePopRequestLater(req, s.pullTimeDelayMsWhenException);
    }
    let result: PopResult;
    try {
      const brokerAddr = await this.host.brokerAddr(mq.brokerName, mq.topic);
      result = await popMessage(
        this.host.remoting,
        {
          brokerName: mq.brokerName,
          brokerAddr,
          consumerGroup: req.consumerGroup,
          topic: mq.topic,
          queueId: mq.queueId,
          maxMsgNums: s.popBatchNums,
          invisibleTimeMs: s.popInvisibleTimeMs,
          pollTimeMs: s.brokerSuspendMaxTimeMs,
          initMode: req.initMode,
          expType: sd.expressionType,
          exp: sd.subString,
          namespace: this.host.namespace,
        },
        this.closing.signal,
      );
    } catch (err) {
      if (this.stopped || pq.dropped) return;
      this.host.log.warn('pop failed', { mq: mq.toString(), err });
      const flowControl = err instanceof BrokerResponseError && err.responseCode === ResponseCode.FLOW_CONTROL;
      return this.executePopRequestLater(req, flowControl ? DELAY_WHEN_BROKER_FLOW_CONTROL_MS : s.pullTimeDelayMsWhenException);
    }
    this.onPopResult(req, result, sd);
  }

  private onPopResult(req: PopRequest, result: PopResult, sd: SubscriptionData): void {
    const s = this.host.settings;
    switch (result.status) {
      case 'FOUND': {
        const msgs = this.filterAgain(result.messages, sd, req.messageQueue.topic);
        if (msgs.length > 0) {
          req.processQueue.incFoundMsg(msgs.length);
          this.host.submit(msgs, req.processQueue, req.messageQueue);
        }
        if (msgs.length > 0 && s.pullIntervalMs > 0) this.executePopRequestLater(req, s.pullIntervalMs);
        else this.executePopRequestImmediately(req);
        return;
      }
      case 'NO_NEW_MSG':
      case 'POLLING_NOT_FOUND':
        return this.executePopRequestImmediately(req);
      default:
        return this.executePopRequestLater(req, s.pullTimeDelayMsWhenException);
    }
  }

  /** Java `processPopResult`: tags re-checked (the broker filters by hash code), over-retried messages dropped; both acked. */
  private filterAgain(found: readonly MessageExt[], sd: SubscriptionData, wireTopic: string): MessageExt[] {
    const tags = sd.expressionType === 'TAG' && sd.tagsSet.length > 0 && !sd.classFilterMode ? new Set(sd.tagsSet) : undefined;
    const kept: MessageExt[] = [];
    for (const m of found) {
      const tagOk = !tags || (m.tags !== undefined && tags.has(m.tags));
      if (tagOk && m.reconsumeTimes <= this.host.settings.maxReconsumeTimes) kept.push(m);
      else this.host.ackFiltered(m, wireTopic);
    }
    return kept;
  }
}
