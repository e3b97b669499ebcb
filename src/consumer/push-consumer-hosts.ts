import type { Logger } from '../logger';
import type { MQClientInstance } from '../client/mq-client-instance';
import type { ServiceState } from '../client/service-state';
import type { MessagingTelemetry } from '../client/telemetry/messaging-telemetry';
import type { MessageExt } from '../message/message-decoder';
import { ConsumeMessageConcurrentlyService, type MessageListenerConcurrently } from './consume-message-concurrently-service';
import { ConsumeMessageOrderlyService, type MessageListenerOrderly } from './consume-message-orderly-service';
import type { ConsumeHookRunner } from './consume-message-hook';
import type { PushConsumerConfig } from './consumer-config';
import type { PullAPIWrapper } from './pull-api-wrapper';
import { PullMessageService } from './pull-message-service';
import { PushPopMode } from './pop/push-pop-mode';
import type { AllocateMessageQueueStrategy } from './rebalance/allocate-message-queue-strategy';
import type { PullRequest, RebalanceHost, RebalanceImpl } from './rebalance-impl';
import { sendMessageBack } from './send-message-back';
import type { OffsetStore } from './store/offset-store';

/** Java `MixAll.DEFAULT_MAX_RECONSUME_TIMES` for concurrent consumption; orderly is unbounded (`Integer.MAX_VALUE`). */
const DEFAULT_MAX_RECONSUME_TIMES = 16;
const ORDERLY_DEFAULT_MAX_RECONSUME_TIMES = 0x7fffffff;

/** The services of a started push consumer: one consume service, the pull loops, pop mode with broker-side allocation. */
export interface PushConsumerServices {
  consume?: ConsumeMessageConcurrentlyService;
  orderly?: ConsumeMessageOrderlyService;
  pull?: PullMessageService;
  popMode?: PushPopMode;
}

/**
 * What the parts of the push consumer (the service hosts below, RebalancePushImpl, reset offset, shutdown)
 * see of DefaultMQPushConsumerImpl. They take this view, not the class, so that the class can import them.
 */
export interface PushConsumerCore {
  readonly config: PushConsumerConfig;
  readonly consumerGroup: string;
  readonly namespace: string | undefined;
  readonly log: Logger;
  readonly telemetry: MessagingTelemetry | undefined;
  readonly hooks: ConsumeHookRunner;
  readonly strategy: AllocateMessageQueueStrategy;
  readonly rebalanceImpl: RebalanceImpl;
  readonly serviceState: ServiceState;
  /** Throws before start. */
  readonly offsetStore: OffsetStore;
  /** Throws before start. */
  readonly clientInstance: MQClientInstance;
  /** Throws before start. */
  readonly pullAPIWrapper: PullAPIWrapper;
  readonly services: PushConsumerServices;
  /** Per-queue flow-control thresholds; messageQueueChanged derives them from the topic-level ones. */
  readonly queueThreshold: { count: number; sizeMiB: number };
  isPaused(): boolean;
  isConsumeOrderly(): boolean;
}

/** Java `getMaxReconsumeTimes`: -1 is 16 for concurrent consumption, unbounded for orderly. */
export function maxReconsumeTimes(core: PushConsumerCore): number {
  if (core.config.maxReconsumeTimes !== -1) return core.config.maxReconsumeTimes;
  return core.isConsumeOrderly() ? ORDERLY_DEFAULT_MAX_RECONSUME_TIMES : DEFAULT_MAX_RECONSUME_TIMES;
}

const isRunning = (core: PushConsumerCore) => core.serviceState === 'RUNNING';

/** The collaborators of ConsumeMessageConcurrentlyService (and the common part of the orderly one). */
export function buildConsumeHost(core: PushConsumerCore): ConstructorParameters<typeof ConsumeMessageConcurrentlyService>[0] {
  const maxTimes = maxReconsumeTimes(core);
  const { config, log } = core;
  return {
    consumerGroup: core.consumerGroup,
    messageModel: config.messageModel,
    namespace: core.namespace,
    consumeMessageBatchMaxSize: config.consumeMessageBatchMaxSize,
    consumeTimeoutMs: config.consumeTimeoutMs,
    offsetStore: core.offsetStore,
    log,
    telemetry: core.telemetry,
    clientId: core.clientInstance.clientId,
    hooks: core.hooks,
    sendMessageBack: async (msg, delayLevel, mq) => {
      try {
        await sendMessageBack(core.clientInstance, { group: core.consumerGroup, maxReconsumeTimes: maxTimes, unitMode: config.unitMode }, msg, delayLevel, mq);
        return true;
      } catch (err) {
        log.warn('sendMessageBack failed, the message is consumed again later', { msgId: msg.msgId, err });
        return false;
      }
    },
  };
}

/** The collaborators of ConsumeMessageOrderlyService: the common ones, its timings and the queue locks. */
export function buildOrderlyHost(core: PushConsumerCore): ConstructorParameters<typeof ConsumeMessageOrderlyService>[0] {
  const c = core.config;
  return {
    ...buildConsumeHost(core),
    settings: {
      suspendCurrentQueueTimeMs: c.suspendCurrentQueueTimeMs,
      maxTimeConsumeContinuouslyMs: c.maxTimeConsumeContinuouslyMs,
      rebalanceLockIntervalMs: c.rebalanceLockIntervalMs,
      rebalanceLockMaxLiveTimeMs: c.rebalanceLockMaxLiveTimeMs,
      maxReconsumeTimes: maxReconsumeTimes(core),
    },
    lock: (mq) => core.rebalanceImpl.lock(mq),
    lockAll: () => core.rebalanceImpl.lockAll(),
    onDroppedQueueIdle: () => {
      if (isRunning(core)) void core.clientInstance.rebalanceImmediately();
    },
  };
}

/** The collaborators of PullMessageService: what a pull loop asks before and after each PULL_MESSAGE. */
export function buildPullHost(core: PushConsumerCore): ConstructorParameters<typeof PullMessageService>[0] {
  const { rebalanceImpl } = core;
  return {
    log: core.log,
    messageModel: core.config.messageModel,
    consumeOrderly: core.isConsumeOrderly(),
    pullAPIWrapper: core.pullAPIWrapper,
    offsetStore: core.offsetStore,
    settings: core.config,
    pullThresholdForQueue: () => core.queueThreshold.count,
    pullThresholdSizeForQueueMiB: () => core.queueThreshold.sizeMiB,
    isRunning: () => isRunning(core),
    isPaused: () => core.isPaused(),
    subscriptionOf: (topic) => rebalanceImpl.subscriptionInner.get(topic),
    submitConsumeRequest: (req: PullRequest, msgs: MessageExt[]) => {
      const { orderly, consume } = core.services;
      if (orderly) orderly.submitConsumeRequest(req.processQueue, req.messageQueue);
      else consume?.submitConsumeRequest(msgs, req.processQueue, req.messageQueue);
    },
    removeProcessQueue: (mq) => rebalanceImpl.removeProcessQueue(mq),
  };
}

/** The collaborators of PushPopMode (broker-side allocation, POP_MESSAGE loops, ack/changeInvisibleTime). */
export function buildPopModeHost(
  core: PushConsumerCore,
  listener: MessageListenerConcurrently,
  rebalanceHost: Pick<RebalanceHost, 'messageQueueChanged'>,
): ConstructorParameters<typeof PushPopMode>[0] {
  return {
    consumerGroup: core.consumerGroup,
    namespace: core.namespace,
    log: core.log,
    settings: core.config,
    maxReconsumeTimes: maxReconsumeTimes(core),
    strategyName: core.strategy.name,
    factory: core.clientInstance,
    listener,
    hooks: core.hooks,
    subscriptionInner: core.rebalanceImpl.subscriptionInner,
    messageModel: () => core.config.messageModel,
    isRunning: () => isRunning(core),
    isPaused: () => core.isPaused(),
    updatePullQueues: (topic, queues) => core.rebalanceImpl.updateProcessQueueTableInRebalance(topic, queues),
    messageQueueChanged: (topic, all, divided) => rebalanceHost.messageQueueChanged(topic, all, divided),
  };
}

/**
 * The services of a consumer being started: the consume service of the listener's kind, the pull loops and,
 * with broker-side allocation (clustering, `clientRebalance: false`), pop mode. As Java, orderly consumption
 * always rebalances on the client (no pop for it). They go into `core.services` (the hosts read it lazily).
 */
export function createPushConsumerServices(
  core: PushConsumerCore,
  listener: MessageListenerConcurrently | { orderly: MessageListenerOrderly },
  rebalanceHost: Pick<RebalanceHost, 'messageQueueChanged'>,
): PushConsumerServices {
  const { config, services } = core;
  if (typeof listener === 'function') services.consume = new ConsumeMessageConcurrentlyService(buildConsumeHost(core), listener, config.consumeThreadMax);
  else services.orderly = new ConsumeMessageOrderlyService(buildOrderlyHost(core), listener.orderly, config.consumeThreadMax);
  services.pull = new PullMessageService(buildPullHost(core));
  if (config.messageModel === 'CLUSTERING' && !config.clientRebalance && typeof listener === 'function') {
    services.popMode = new PushPopMode(buildPopModeHost(core, listener, rebalanceHost));
  }
  return services;
}
