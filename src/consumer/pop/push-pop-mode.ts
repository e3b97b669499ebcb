import type { Logger } from '../../logger';
import type { MessageModel } from '../../client/heartbeat-data';
import type { MessageQueue } from '../../client/message-queue';
import type { MQClientInstance } from '../../client/mq-client-instance';
import type { SubscriptionData } from '../../client/subscription-data';
import type { MessageExt } from '../../message/message-decoder';
import { MessageConst } from '../../message/message-const';
import type { MessageListenerConcurrently } from '../consume-message-concurrently-service';
import type { ConsumeHookRunner } from '../consume-message-hook';
import { masterAddressOf } from '../broker-offset-lookups';
import { RebalanceByBroker } from '../rebalance-by-broker';
import { ConsumeMessagePopService } from './consume-message-pop-service';
import { ackMessage, changeInvisibleTime, ConsumeInitMode } from './pop-api';
import { parseReceiptHandle } from './extra-info';
import { PopPullService, type PopLoopSettings } from './pop-pull-service';

/** Java `RebalanceImpl.QUERY_ASSIGNMENT_TIMEOUT`. */
const QUERY_ASSIGNMENT_TIMEOUT_MS = 3000;

/** The push consumer's settings the pop mode reads. */
export interface PushPopSettings extends PopLoopSettings {
  consumeFromWhere: string;
  consumeMessageBatchMaxSize: number;
  consumeThreadMax: number;
  mqClientApiTimeoutMs: number;
  consumeTimeoutMs: number;
}

export interface PushPopModeHost {
  readonly consumerGroup: string;
  readonly namespace: string | undefined;
  readonly log: Logger;
  readonly settings: PushPopSettings;
  readonly maxReconsumeTimes: number;
  readonly strategyName: string;
  readonly factory: MQClientInstance;
  readonly listener: MessageListenerConcurrently;
  readonly hooks?: ConsumeHookRunner;
  readonly subscriptionInner: Map<string, SubscriptionData>;
  messageModel(): MessageModel;
  isRunning(): boolean;
  isPaused(): boolean;
  updatePullQueues(topic: string, queues: ReadonlySet<MessageQueue>): Promise<boolean>;
  messageQueueChanged(topic: string, mqAll: ReadonlySet<MessageQueue>, mqDivided: ReadonlySet<MessageQueue>): void;
}

/**
 * The push consumer with `clientRebalance: false` (Java `DefaultMQPushConsumer.setClientRebalance(false)`):
 * the broker allocates the queues (QUERY_ASSIGNMENT), and queues of a group switched to POP mode are
 * consumed by pop loops, acked message by message, instead of pulled with offsets.
 */
export class PushPopMode {
  readonly rebalance: RebalanceByBroker;
  private readonly pops: PopPullService;
  private readonly consume: ConsumeMessagePopService;

  constructor(private readonly h: PushPopModeHost) {
    const s = h.settings;
    this.consume = new ConsumeMessagePopService(
      {
        consumerGroup: h.consumerGroup,
        namespace: h.namespace,
        consumeMessageBatchMaxSize: s.consumeMessageBatchMaxSize,
        maxReconsumeTimes: h.maxReconsumeTimes,
        log: h.log,
        consumeTimeoutMs: s.consumeTimeoutMs,
        ...(h.hooks ? { hooks: h.hooks } : {}),
        ack: (m, wireTopic) => this.ack(m, wireTopic),
        changeInvisibleTime: (m, wireTopic, ms) => this.changeInvisibleTime(m, wireTopic, ms),
      },
      h.listener,
      s.consumeThreadMax,
    );
    this.pops = new PopPullService({
      log: h.log,
      remoting: h.factory.remotingClient,
      namespace: h.namespace,
      settings: { ...s, maxReconsumeTimes: h.maxReconsumeTimes },
      isRunning: () => h.isRunning(),
      isPaused: () => h.isPaused(),
      subscriptionOf: (topic) => h.subscriptionInner.get(topic),
      brokerAddr: (brokerName, topic) => masterAddressOf(h.factory, { topic, brokerName }),
      submit: (msgs, pq, mq) => this.consume.submitPopConsumeRequest(msgs, pq, mq),
      ackFiltered: (m, wireTopic) => void this.ack(m, wireTopic).catch((err: unknown) => h.log.warn('ack of a filtered message failed', { err })),
    });
    this.rebalance = new RebalanceByBroker({
      consumerGroup: h.consumerGroup,
      log: h.log,
      subscriptionInner: h.subscriptionInner,
      queryAssignment: (topic) => this.queryAssignment(topic),
      updatePullQueues: (topic, queues) => h.updatePullQueues(topic, queues),
      dispatchPopRequests: (reqs) => reqs.forEach((r) => this.pops.executePopRequestImmediately(r)),
      popInitMode: () => (s.consumeFromWhere === 'CONSUME_FROM_FIRST_OFFSET' ? ConsumeInitMode.MIN : ConsumeInitMode.MAX),
      messageQueueChanged: (topic, all, divided) => h.messageQueueChanged(topic, all, divided),
    });
  }

  private async queryAssignment(topic: string) {
    const f = this.h.factory;
    let addr = f.findBrokerAddrByTopic(topic);
    if (addr === undefined) {
      await f.updateTopicRouteInfoFromNameServer(topic);
      addr = f.findBrokerAddrByTopic(topic);
    }
    if (addr === undefined) return undefined;
    const body = { topic, consumerGroup: this.h.consumerGroup, clientId: f.clientId, strategyName: this.h.strategyName, messageModel: this.h.messageModel() };
    return f.api.queryAssignment(addr, body, QUERY_ASSIGNMENT_TIMEOUT_MS);
  }

  private async target(m: MessageExt, wireTopic: string) {
    const receiptHandle = m.getProperty(MessageConst.PROPERTY_POP_CK);
    if (receiptHandle === undefined) throw new Error('a popped message without its receipt handle');
    const brokerAddr = await masterAddressOf(this.h.factory, { topic: wireTopic, brokerName: parseReceiptHandle(receiptHandle).brokerName });
    return { brokerAddr, consumerGroup: this.h.consumerGroup, topic: wireTopic, receiptHandle };
  }

  private async ack(m: MessageExt, wireTopic: string): Promise<void> {
    await ackMessage(this.h.factory.remotingClient, await this.target(m, wireTopic), this.h.settings.mqClientApiTimeoutMs);
  }

  private async changeInvisibleTime(m: MessageExt, wireTopic: string, ms: number): Promise<void> {
    await changeInvisibleTime(this.h.factory.remotingClient, await this.target(m, wireTopic), ms, this.h.settings.mqClientApiTimeoutMs);
  }

  get activeCount(): number {
    return this.consume.activeCount;
  }

  /** Stops the pop loops, waits up to `awaitMs` for running handlers (their acks go out), drops the pop queues. */
  async shutdown(awaitMs: number): Promise<boolean> {
    this.pops.shutdown();
    const drained = await this.consume.shutdown(awaitMs);
    this.rebalance.dropAll();
    return drained;
  }
}
