import { ClientStateError, InvalidArgumentError } from '../errors';
import { getDefaultLogger, type Logger } from '../logger';
import { instanceConfigOf } from '../client/client-instance-config';
import { effectiveNamespace } from '../client/client-config';
import type { ConsumeFromWhere, ConsumeType, MessageModel } from '../client/heartbeat-data';
import { MessageQueue } from '../client/message-queue';
import type { ConsumeMessageDirectlyResult } from '../client/body/consume-message-directly-result';
import type { ConsumerRunningInfo } from '../client/body/consumer-running-info';
import { buildConsumerRunningInfo } from './consumer-running-info-builder';
import { buildConsumerStats, type ConsumerStats } from './consumer-stats';
import type { MQClientInstance } from '../client/mq-client-instance';
import { MQClientManager } from '../client/mq-client-manager';
import type { MQConsumerInner } from '../client/mq-consumer-inner';
import { ScheduledTask } from '../client/scheduled-task';
import type { ServiceState } from '../client/service-state';
import { buildSubscriptionData, type SubscriptionData } from '../client/subscription-data';
import type { MessageExt } from '../message/message-decoder';
import { RETRY_GROUP_TOPIC_PREFIX, withoutNamespace, wrapNamespace } from '../message/namespace';
import { checkGroup, checkTopic } from '../message/validators';
import { checkClientInBroker } from './check-client-in-broker';
import { registerConsumerRequestHandlers } from './consumer-request-handlers';
import type { PushConsumerConfig } from './consumer-config';
import type { ProcessQueue } from './process-queue';
import { PullAPIWrapper } from './pull-api-wrapper';
import { AllocateMessageQueueAveragely } from './rebalance/allocate-message-queue-averagely';
import type { AllocateMessageQueueStrategy } from './rebalance/allocate-message-queue-strategy';
import { RebalanceImpl } from './rebalance-impl';
import { RebalancePushImpl } from './rebalance-push-impl';
import type { OffsetStore } from './store/offset-store';
import { createOffsetStore } from './store/create-offset-store';
import { MessagingTelemetry } from '../client/telemetry/messaging-telemetry';
import type { AsyncTraceDispatcher } from '../client/trace/trace-dispatcher';
import { ConsumeHookRunner, type ConsumeMessageHook } from './consume-message-hook';
import { startConsumerTrace } from './trace/consumer-trace';
import type { MessageListenerConcurrently } from './consume-message-concurrently-service';
import type { MessageListenerOrderly } from './consume-message-orderly-service';
import { createPushConsumerServices, type PushConsumerCore, type PushConsumerServices } from './push-consumer-hosts';
import { abortPushConsumerStart, shutdownPushConsumer } from './push-consumer-shutdown';
import { resetOffset } from './reset-offset';

/** The listener of `registerMessageListener`: concurrent (a function) or orderly (`{ orderly: fn }`). */
export type MessageListener = MessageListenerConcurrently | { orderly: MessageListenerOrderly };

/**
 * Java `DefaultMQPushConsumerImpl` (concurrently): state, subscriptions, registration with the client
 * instance, rebalance, pull loops, consumption and the shutdown that loses nothing. Topics and the group
 * are held namespaced; the public class speaks without the namespace.
 *
 * @internal
 */
export class DefaultMQPushConsumerImpl implements MQConsumerInner, PushConsumerCore {
  readonly log: Logger;
  readonly telemetry: MessagingTelemetry | undefined;
  readonly consumerGroup: string;
  readonly namespace: string | undefined;
  readonly strategy: AllocateMessageQueueStrategy;
  readonly rebalanceImpl: RebalanceImpl;
  private state: ServiceState = 'CREATE_JUST';
  private paused = false;
  private factory: MQClientInstance | undefined;
  private listener: MessageListener | undefined;
  private wrapper: PullAPIWrapper | undefined;
  private store: OffsetStore | undefined;
  /** The consume service, the pull loops and pop mode, once started. */
  readonly services: PushConsumerServices = {};
  /** Java `RebalancePushImpl`: the host of rebalanceImpl. */
  readonly rebalancePush: RebalancePushImpl;
  private cleanExpiredTask: ScheduledTask | undefined;
  private instanceName: string;
  /** Per-queue flow-control thresholds. */
  readonly queueThreshold: { count: number; sizeMiB: number };
  readonly hooks: ConsumeHookRunner;
  private trace: AsyncTraceDispatcher | undefined;
  readonly consumerStartTimestamp = Date.now();

  constructor(readonly config: PushConsumerConfig) {
    this.log = (config.logger ?? getDefaultLogger()).child('consumer');
    this.telemetry = MessagingTelemetry.create(config.openTelemetry);
    this.namespace = effectiveNamespace(config);
    this.consumerGroup = wrapNamespace(this.namespace, config.consumerGroup);
    this.strategy = config.allocateMessageQueueStrategy ?? new AllocateMessageQueueAveragely({ logger: this.log });
    this.instanceName = config.instanceName;
    this.queueThreshold = { count: config.pullThresholdForQueue, sizeMiB: config.pullThresholdSizeForQueue };
    this.rebalancePush = new RebalancePushImpl(this);
    this.rebalanceImpl = new RebalanceImpl(this.rebalancePush, this.log);
    this.hooks = new ConsumeHookRunner(this.log);
    for (const [topic, expr] of Object.entries(config.subscription ?? {})) this.subscribe(topic, expr);
  }

  get serviceState(): ServiceState {
    return this.state;
  }
  messageModel(): MessageModel {
    return this.config.messageModel;
  }
  get offsetStore(): OffsetStore {
    if (!this.store) throw new ClientStateError(this.state, 'The consumer is not started');
    return this.store;
  }
  get pullAPIWrapper(): PullAPIWrapper {
    if (!this.wrapper) throw new ClientStateError(this.state, 'The consumer is not started');
    return this.wrapper;
  }
  get clientInstance(): MQClientInstance {
    if (!this.factory) throw new ClientStateError(this.state, `The consumer service state not OK, ${this.state}`);
    return this.factory;
  }

  // ------------------------------------------------------------ subscriptions

  subscribe(topic: string, subExpression = '*', expressionType = 'TAG'): void {
    checkTopic(topic);
    const t = wrapNamespace(this.namespace, topic);
    this.rebalanceImpl.subscriptionInner.set(t, buildSubscriptionData(t, subExpression, expressionType));
    if (this.factory) void this.afterSubscriptionChange(t);
  }

  unsubscribe(topic: string): void {
    this.rebalanceImpl.subscriptionInner.delete(wrapNamespace(this.namespace, topic));
  }

  private async afterSubscriptionChange(topic: string): Promise<void> {
    try {
      await this.clientInstance.updateTopicRouteInfoFromNameServer(topic);
      await this.clientInstance.sendHeartbeatToAllBrokerWithLock();
      void this.clientInstance.rebalanceImmediately();
    } catch (err) {
      this.log.warn('subscribe: route or heartbeat failed', { topic, err });
    }
  }

  /** Java `registerConsumeMessageHook`: runs around every listener call (the message trace is one). */
  registerConsumeMessageHook(hook: ConsumeMessageHook): void {
    this.hooks.register(hook);
  }

  registerMessageListener(listener: MessageListener): void {
    const orderly = typeof listener === 'object' && listener !== null && typeof (listener as { orderly?: unknown }).orderly === 'function';
    if (typeof listener !== 'function' && !orderly) throw new InvalidArgumentError('the message listener must be a function, or { orderly: function } for orderly consumption');
    this.listener = listener;
  }

  /** Java `consumeOrderly`: an orderly listener was registered. */
  isConsumeOrderly(): boolean {
    return typeof this.listener === 'object';
  }

  // ------------------------------------------------------------ MQConsumerInner

  groupName(): string {
    return this.consumerGroup;
  }
  consumeType(): ConsumeType {
    return 'CONSUME_PASSIVELY';
  }
  consumeFromWhere(): ConsumeFromWhere {
    return this.config.consumeFromWhere;
  }
  subscriptions(): Iterable<SubscriptionData> {
    return [...this.rebalanceImpl.subscriptionInner.values()];
  }
  isUnitMode(): boolean {
    return this.config.unitMode;
  }
  async doRebalance(): Promise<void> {
    if (this.paused || this.state !== 'RUNNING') return;
    await this.rebalanceImpl.doRebalance();
    this.services.popMode?.rebalance.truncateMessageQueueNotMyTopic();
  }
  async persistConsumerOffset(): Promise<void> {
    if (this.state !== 'RUNNING' || !this.store) return;
    await this.store.persistAll([...this.rebalanceImpl.processQueueTable.values()].map((e) => e.mq));
  }
  updateTopicSubscribeInfo(topic: string, queues: ReadonlySet<MessageQueue>): void {
    this.rebalanceImpl.updateTopicSubscribeInfo(topic, queues);
  }
  isSubscribeTopicNeedUpdate(topic: string): boolean {
    return this.rebalanceImpl.isSubscribeTopicNeedUpdate(topic);
  }

  clientId(): string {
    return this.clientInstance.clientId;
  }

  // ------------------------------------------------------------ life cycle

  async start(): Promise<void> {
    if (this.state !== 'CREATE_JUST') throw new ClientStateError(this.state, `The PushConsumer service state not OK, maybe started once, ${this.state}`);
    this.state = 'START_FAILED';
    checkGroup(this.config.consumerGroup);
    if (!this.listener) throw new InvalidArgumentError('messageListener is null, call registerMessageListener() first');
    const clustering = this.config.messageModel === 'CLUSTERING';
    if (clustering) {
      const retry = RETRY_GROUP_TOPIC_PREFIX + this.consumerGroup;
      this.rebalanceImpl.subscriptionInner.set(retry, buildSubscriptionData(retry, '*', 'TAG'));
    }
    // As Java: only clustering makes the instance name unique; broadcasting keeps it, so that the client id,
    // and with it the local offsets file, stay the same across restarts.
    if (clustering && this.instanceName === 'DEFAULT') this.instanceName = `${process.pid}#${process.hrtime.bigint()}`;
    const factory = MQClientManager.getInstance().getOrCreateMQClientInstance(
      instanceConfigOf(this.config, this.instanceName),
      this.config.rpcHook,
    );
    this.factory = factory;
    this.wrapper = new PullAPIWrapper(factory, this.consumerGroup);
    this.store = createOffsetStore(factory, this.consumerGroup, this.config, this.log);
    await this.store.load();
    const services = createPushConsumerServices(this, this.listener, this.rebalancePush);
    if (!factory.registerConsumer(this.consumerGroup, this)) {
      this.state = 'CREATE_JUST';
      throw new InvalidArgumentError(`The consumer group[${this.consumerGroup}] has been created before, specify another name please.`);
    }
    registerConsumerRequestHandlers(factory, this.log);
    factory.start();
    for (const topic of this.rebalanceImpl.subscriptionInner.keys()) {
      await factory.updateTopicRouteInfoFromNameServer(topic).catch((err: unknown) => this.log.warn('route of a subscribed topic failed', { topic, err }));
    }
    // Still not RUNNING: nothing rebalances or pulls until every broker accepted the SQL92 filters.
    await checkClientInBroker(factory, this.consumerGroup, this.subscriptions(), factory.config.mqClientApiTimeoutMs).catch(async (err: unknown) => {
      await abortPushConsumerStart(services, factory, this.consumerGroup);
      throw err;
    });
    if (this.config.enableTrace) this.trace ??= await startConsumerTrace(this, this.config, this.log);
    services.orderly?.start();
    this.cleanExpiredTask = new ScheduledTask('cleanExpireMsg', this.config.consumeTimeoutMs, this.config.consumeTimeoutMs, () => this.cleanExpireMsg(), this.log);
    this.cleanExpiredTask.start();
    this.state = 'RUNNING';
    await factory.sendHeartbeatToAllBrokerWithLock();
    // The heartbeat makes the broker create %RETRY%<group>: ask for the routes still missing once more.
    for (const topic of this.rebalanceImpl.subscriptionInner.keys()) {
      if (this.isSubscribeTopicNeedUpdate(topic)) await factory.updateTopicRouteInfoFromNameServer(topic).catch(() => false);
    }
    await factory.rebalanceImmediately();
    this.log.info('the consumer start OK', { group: this.consumerGroup });
  }

  private async cleanExpireMsg(): Promise<void> {
    for (const { mq, pq } of [...this.rebalanceImpl.processQueueTable.values()]) await this.services.consume?.cleanExpiredMsg(pq as ProcessQueue, mq);
  }

  consumeMessageDirectly(msg: MessageExt, brokerName: string | undefined): Promise<ConsumeMessageDirectlyResult> {
    const service = this.services.orderly ?? this.services.consume;
    if (!service) throw new ClientStateError(this.state, 'The consumer is not started');
    return service.consumeMessageDirectly(msg, new MessageQueue(msg.topic, brokerName ?? '', msg.queueId));
  }

  /** What the consumer owns, pulls and holds now (topics without the namespace). */
  stats(): ConsumerStats {
    const s = buildConsumerStats(
      this.rebalanceImpl.processQueueTable.values(),
      this.store?.cloneOffsetTable() ?? new Map(),
      this.services.pull?.pullRequestsInFlight ?? 0,
      (this.services.orderly ?? this.services.consume)?.activeCount ?? 0,
    );
    for (const q of s.queues) q.topic = this.userTopic(q.topic);
    return s;
  }

  /** Java `DefaultMQPushConsumerImpl.consumerRunningInfo` (`mqadmin consumerStatus`), with the stats() counters. */
  consumerRunningInfo(): ConsumerRunningInfo {
    return buildConsumerRunningInfo({
      stats: this.stats(),
      config: this.config,
      consumerGroup: this.consumerGroup,
      instanceName: this.instanceName,
      strategyName: this.strategy.name,
      consumeOrderly: this.isConsumeOrderly(),
      startTimestamp: this.consumerStartTimestamp,
      offsets: this.store?.cloneOffsetTable() ?? new Map(),
      processQueues: [...this.rebalanceImpl.processQueueTable.values()],
      subscriptions: [...this.rebalanceImpl.subscriptionInner.values()],
      popProcessQueues: [...(this.services.popMode?.rebalance.popProcessQueueTable.values() ?? [])],
    });
  }

  /** Java `MQClientInstance.resetOffset` for this consumer (see reset-offset.ts). */
  resetOffset(topic: string, offsets: ReadonlyArray<{ mq: MessageQueue; offset: bigint }>): Promise<void> {
    return resetOffset(this, this.rebalancePush, topic, offsets);
  }

  suspend(): void {
    this.paused = true;
    this.log.info('suspend this consumer', { group: this.consumerGroup });
  }
  resume(): void {
    this.paused = false;
    void this.factory?.rebalanceImmediately();
    this.log.info('resume this consumer', { group: this.consumerGroup });
  }
  isPaused(): boolean {
    return this.paused;
  }

  /** Stop pulling, drain the handlers (bounded), commit every owned queue, unlock, unregister, close (see push-consumer-shutdown.ts). */
  async shutdown(): Promise<void> {
    if (this.state !== 'RUNNING') return;
    this.state = 'SHUTDOWN_ALREADY';
    await shutdownPushConsumer(this, { rebalancePush: this.rebalancePush, cleanExpiredTask: this.cleanExpiredTask, trace: this.trace });
  }

  /** The topic a user sees (namespace removed). */
  userTopic(topic: string): string {
    return withoutNamespace(topic, this.namespace);
  }
}
