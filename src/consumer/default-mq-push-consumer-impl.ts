import { ClientStateError, InvalidArgumentError } from '../errors';
import { getDefaultLogger, type Logger } from '../logger';
import { defaultClientIP } from '../client/client-ip';
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
import { brokerOffsetLookups, persistAndForgetOffset } from './broker-offset-lookups';
import { computePullFromWhere } from './compute-pull-from-where';
import { registerConsumerRequestHandlers } from './consumer-request-handlers';
import { ConsumeMessageConcurrentlyService, type MessageListenerConcurrently } from './consume-message-concurrently-service';
import { ConsumeMessageOrderlyService, type MessageListenerOrderly } from './consume-message-orderly-service';
import type { PushConsumerConfig } from './consumer-config';
import type { ProcessQueue } from './process-queue';
import { PullAPIWrapper } from './pull-api-wrapper';
import { PullMessageService } from './pull-message-service';
import { AllocateMessageQueueAveragely } from './rebalance/allocate-message-queue-averagely';
import type { AllocateMessageQueueStrategy } from './rebalance/allocate-message-queue-strategy';
import { RebalanceImpl, type PullRequest, type RebalanceHost } from './rebalance-impl';
import { sendMessageBack } from './send-message-back';
import type { OffsetStore } from './store/offset-store';
import { LocalFileOffsetStore } from './store/local-file-offset-store';
import { RemoteBrokerOffsetStore } from './store/remote-broker-offset-store';
import { MessagingTelemetry } from '../client/telemetry/messaging-telemetry';
import { PushPopMode } from './pop/push-pop-mode';
import type { AsyncTraceDispatcher } from '../client/trace/trace-dispatcher';
import { ConsumeHookRunner, type ConsumeMessageHook } from './consume-message-hook';
import { startConsumerTrace } from './trace/consumer-trace';

/** How long a reset waits for pull answers in flight before it persists the new offsets. */
const RESET_OFFSET_SETTLE_MS = 1000;
/** Java `MixAll.DEFAULT_MAX_RECONSUME_TIMES` for concurrent consumption; orderly is unbounded (`Integer.MAX_VALUE`). */
const DEFAULT_MAX_RECONSUME_TIMES = 16;
const ORDERLY_DEFAULT_MAX_RECONSUME_TIMES = 0x7fffffff;
/** Java: a release waits this long for the queue's running handler (`consumeLock.tryLock(1000)`). */
const RELEASE_WAIT_FOR_HANDLER_MS = 1000;

/** The listener of `registerMessageListener`: concurrent (a function) or orderly (`{ orderly: fn }`). */
export type MessageListener = MessageListenerConcurrently | { orderly: MessageListenerOrderly };

/**
 * Java `DefaultMQPushConsumerImpl` (concurrently): state, subscriptions, registration with the client
 * instance, rebalance, pull loops, consumption and the shutdown that loses nothing. Topics and the group
 * are held namespaced; the public class speaks without the namespace.
 *
 * @internal
 */
export class DefaultMQPushConsumerImpl implements MQConsumerInner, RebalanceHost {
  readonly log: Logger;
  /** @internal */
  private readonly telemetry: MessagingTelemetry | undefined;
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
  private consumeService: ConsumeMessageConcurrentlyService | undefined;
  private orderlyService: ConsumeMessageOrderlyService | undefined;
  private rebalanceLaterTimer: NodeJS.Timeout | undefined;
  private pullService: PullMessageService | undefined;
  private cleanExpiredTask: ScheduledTask | undefined;
  /** Broker-side allocation and pop consumption (`clientRebalance: false`, clustering). */
  private popMode: PushPopMode | undefined;
  private instanceName: string;
  private queueThreshold: { count: number; sizeMiB: number };
  private readonly hooks: ConsumeHookRunner;
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
    this.rebalanceImpl = new RebalanceImpl(this, this.log);
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

  /** @internal The message-trace dispatcher when `enableTrace` is on (after start). */
  get traceDispatcher(): AsyncTraceDispatcher | undefined {
    return this.trace;
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
    this.popMode?.rebalance.truncateMessageQueueNotMyTopic();
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

  // ------------------------------------------------------------ RebalanceHost

  clientId(): string {
    return this.clientInstance.clientId;
  }
  findConsumerIdList(topic: string): Promise<string[] | undefined> {
    return this.clientInstance.findConsumerIdList(topic, this.consumerGroup);
  }
  computePullFromWhere(mq: MessageQueue): Promise<bigint> {
    return computePullFromWhere(mq, this.config.consumeFromWhere, this.config.consumeTimestamp, this.offsetStore, brokerOffsetLookups(this.clientInstance));
  }
  /**
   * Java `RebalancePushImpl.removeUnnecessaryMessageQueue`. Orderly (clustering): first wait (bounded) for the
   * handler running on the queue, so that its result is committed and the lock is kept until then; without
   * it, the queue stays (dropped) and the release is tried again when the handler ends. Then persist, forget
   * the offset and unlock at once: the queue is dropped and its consume lock held, so no handler runs here.
   */
  async removeUnnecessaryMessageQueue(mq: MessageQueue, pq: ProcessQueue): Promise<boolean> {
    if (this.isConsumeOrderly() && this.config.messageModel === 'CLUSTERING') {
      if (!(await pq.consumeLock.tryLock(RELEASE_WAIT_FOR_HANDLER_MS))) {
        pq.tryUnlockTimes++;
        this.log.warn('the message queue is being consumed, release it later', { mq: mq.toString(), tryUnlockTimes: pq.tryUnlockTimes });
        return false;
      }
      try {
        await persistAndForgetOffset(this.offsetStore, mq, this.log);
        await this.rebalanceImpl.unlock(mq, false);
      } finally {
        pq.consumeLock.unlock();
      }
      return true;
    }
    await persistAndForgetOffset(this.offsetStore, mq, this.log);
    return true;
  }

  async lockBatchMQ(brokerName: string, mqs: readonly MessageQueue[]): Promise<MessageQueue[]> {
    const { factory, addr, body } = this.lockRequest(brokerName, mqs);
    return factory.api.lockBatchMQ(addr, brokerName, body, factory.config.mqClientApiTimeoutMs);
  }
  async unlockBatchMQ(brokerName: string, mqs: readonly MessageQueue[], oneway: boolean): Promise<void> {
    const { factory, addr, body } = this.lockRequest(brokerName, mqs);
    await factory.api.unlockBatchMQ(addr, brokerName, body, factory.config.mqClientApiTimeoutMs, oneway);
  }
  /** The master of `brokerName` and the body of a LOCK_BATCH_MQ / UNLOCK_BATCH_MQ for `mqs`. */
  private lockRequest(brokerName: string, mqs: readonly MessageQueue[]) {
    const factory = this.clientInstance;
    const found = factory.findBrokerAddressInSubscribe(brokerName, 0, true);
    if (!found) throw new ClientStateError(this.state, `The broker[${brokerName}] not exist`);
    return { factory, addr: found.brokerAddr, body: { consumerGroup: this.consumerGroup, clientId: factory.clientId, mqSet: mqs } };
  }
  rebalanceLater(delayMs: number): void {
    if (this.rebalanceLaterTimer || this.state !== 'RUNNING') return;
    this.rebalanceLaterTimer = setTimeout(() => {
      this.rebalanceLaterTimer = undefined;
      if (this.state === 'RUNNING') void this.factory?.rebalanceImmediately();
    }, delayMs);
    this.rebalanceLaterTimer.unref?.();
  }
  onQueueLocked(mq: MessageQueue, pq: ProcessQueue): void {
    this.orderlyService?.onLockRenewed(pq, mq);
  }
  removeDirtyOffset(mq: MessageQueue): void {
    this.offsetStore.removeOffset(mq);
  }
  rebalanceByBroker(topic: string): Promise<boolean> {
    return this.popMode ? this.popMode.rebalance.rebalance(topic) : Promise.resolve(false);
  }
  dispatchPullRequest(requests: PullRequest[]): void {
    for (const r of requests) this.pullService?.executePullRequestImmediately(r);
  }
  /** Java `RebalancePushImpl.messageQueueChanged`: topic-level thresholds per queue, new subVersion, heartbeat. */
  messageQueueChanged(topic: string, _mqAll: ReadonlySet<MessageQueue>, mqDivided: ReadonlySet<MessageQueue>): void {
    const n = Math.max(1, mqDivided.size);
    if (this.config.pullThresholdForTopic !== -1) this.queueThreshold.count = Math.max(1, Math.floor(this.config.pullThresholdForTopic / n));
    if (this.config.pullThresholdSizeForTopic !== -1) this.queueThreshold.sizeMiB = Math.max(1, Math.floor(this.config.pullThresholdSizeForTopic / n));
    const sub = this.rebalanceImpl.subscriptionInner.get(topic);
    if (sub) sub.subVersion = Math.max(Date.now(), sub.subVersion + 1);
    void this.clientInstance.sendHeartbeatToAllBrokerWithLock();
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
      { ...this.config, instanceName: this.instanceName, clientIP: this.config.clientIP ?? defaultClientIP() },
      this.config.rpcHook,
    );
    this.factory = factory;
    this.wrapper = new PullAPIWrapper(factory, this.consumerGroup);
    this.store = clustering
      ? new RemoteBrokerOffsetStore(factory, this.consumerGroup, this.log)
      : new LocalFileOffsetStore({ clientId: factory.clientId, groupName: this.consumerGroup, storeDir: this.config.localOffsetStoreDir, logger: this.log });
    await this.store.load();
    if (typeof this.listener === 'function') this.consumeService = new ConsumeMessageConcurrentlyService(this.consumeHost(), this.listener, this.config.consumeThreadMax);
    else this.orderlyService = new ConsumeMessageOrderlyService(this.orderlyHost(), this.listener.orderly, this.config.consumeThreadMax);
    this.pullService = new PullMessageService(this.pullHost());
    // As Java: orderly consumption always rebalances on the client (no pop for it).
    if (clustering && !this.config.clientRebalance && typeof this.listener === 'function') this.popMode = new PushPopMode(this.popModeHost(factory, this.listener));
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
      await this.abortStart(factory);
      throw err;
    });
    if (this.config.enableTrace) this.trace ??= await startConsumerTrace(this, this.config, this.log);
    this.orderlyService?.start();
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

  /** A start() that failed after registration: unregister and release the client instance; the consumer stays START_FAILED. */
  private async abortStart(factory: MQClientInstance): Promise<void> {
    this.pullService?.shutdown();
    await this.consumeService?.shutdown(0);
    await this.popMode?.shutdown(0);
    await factory.unregisterConsumer(this.consumerGroup).catch(() => undefined);
    await factory.shutdown().catch(() => undefined);
  }

  private orderlyHost(): ConstructorParameters<typeof ConsumeMessageOrderlyService>[0] {
    const c = this.config;
    return {
      ...this.consumeHost(),
      settings: {
        suspendCurrentQueueTimeMs: c.suspendCurrentQueueTimeMs,
        maxTimeConsumeContinuouslyMs: c.maxTimeConsumeContinuouslyMs,
        rebalanceLockIntervalMs: c.rebalanceLockIntervalMs,
        rebalanceLockMaxLiveTimeMs: c.rebalanceLockMaxLiveTimeMs,
        maxReconsumeTimes: this.maxReconsumeTimes(),
      },
      lock: (mq) => this.rebalanceImpl.lock(mq),
      lockAll: () => this.rebalanceImpl.lockAll(),
      onDroppedQueueIdle: () => {
        if (this.state === 'RUNNING') void this.factory?.rebalanceImmediately();
      },
    };
  }

  /** Java `getMaxReconsumeTimes`: -1 is 16 for concurrent consumption, unbounded for orderly. */
  private maxReconsumeTimes(): number {
    if (this.config.maxReconsumeTimes !== -1) return this.config.maxReconsumeTimes;
    return this.isConsumeOrderly() ? ORDERLY_DEFAULT_MAX_RECONSUME_TIMES : DEFAULT_MAX_RECONSUME_TIMES;
  }

  private consumeHost(): ConstructorParameters<typeof ConsumeMessageConcurrentlyService>[0] {
    const maxReconsumeTimes = this.maxReconsumeTimes();
    return {
      consumerGroup: this.consumerGroup,
      messageModel: this.config.messageModel,
      namespace: this.namespace,
      consumeMessageBatchMaxSize: this.config.consumeMessageBatchMaxSize,
      consumeTimeoutMs: this.config.consumeTimeoutMs,
      offsetStore: this.offsetStore,
      log: this.log,
      telemetry: this.telemetry,
      clientId: this.clientInstance.clientId,
      hooks: this.hooks,
      sendMessageBack: async (msg, delayLevel, mq) => {
        try {
          await sendMessageBack(this.clientInstance, { group: this.consumerGroup, maxReconsumeTimes, unitMode: this.config.unitMode }, msg, delayLevel, mq);
          return true;
        } catch (err) {
          this.log.warn('sendMessageBack failed, the message is consumed again later', { msgId: msg.msgId, err });
          return false;
        }
      },
    };
  }

  private popModeHost(factory: MQClientInstance, listener: MessageListenerConcurrently): ConstructorParameters<typeof PushPopMode>[0] {
    return {
      consumerGroup: this.consumerGroup,
      namespace: this.namespace,
      log: this.log,
      settings: this.config,
      maxReconsumeTimes: this.maxReconsumeTimes(),
      strategyName: this.strategy.name,
      factory,
      listener,
      hooks: this.hooks,
      subscriptionInner: this.rebalanceImpl.subscriptionInner,
      messageModel: () => this.config.messageModel,
      isRunning: () => this.state === 'RUNNING',
      isPaused: () => this.paused,
      updatePullQueues: (topic, queues) => this.rebalanceImpl.updateProcessQueueTableInRebalance(topic, queues),
      messageQueueChanged: (topic, all, divided) => this.messageQueueChanged(topic, all, divided),
    };
  }

  private pullHost(): ConstructorParameters<typeof PullMessageService>[0] {
    return {
      log: this.log,
      messageModel: this.config.messageModel,
      consumeOrderly: this.isConsumeOrderly(),
      pullAPIWrapper: this.pullAPIWrapper,
      offsetStore: this.offsetStore,
      settings: this.config,
      pullThresholdForQueue: () => this.queueThreshold.count,
      pullThresholdSizeForQueueMiB: () => this.queueThreshold.sizeMiB,
      isRunning: () => this.state === 'RUNNING',
      isPaused: () => this.paused,
      subscriptionOf: (topic) => this.rebalanceImpl.subscriptionInner.get(topic),
      submitConsumeRequest: (req: PullRequest, msgs: MessageExt[]) => {
        if (this.orderlyService) this.orderlyService.submitConsumeRequest(req.processQueue, req.messageQueue);
        else this.consumeService?.submitConsumeRequest(msgs, req.processQueue, req.messageQueue);
      },
      removeProcessQueue: (mq) => this.rebalanceImpl.removeProcessQueue(mq),
    };
  }

  private async cleanExpireMsg(): Promise<void> {
    for (const { mq, pq } of [...this.rebalanceImpl.processQueueTable.values()]) await this.consumeService?.cleanExpiredMsg(pq as ProcessQueue, mq);
  }

  consumeMessageDirectly(msg: MessageExt, brokerName: string | undefined): Promise<ConsumeMessageDirectlyResult> {
    const service = this.orderlyService ?? this.consumeService;
    if (!service) throw new ClientStateError(this.state, 'The consumer is not started');
    return service.consumeMessageDirectly(msg, new MessageQueue(msg.topic, brokerName ?? '', msg.queueId));
  }

  /** What the consumer owns, pulls and holds now (topics without the namespace). */
  stats(): ConsumerStats {
    const s = buildConsumerStats(
      this.rebalanceImpl.processQueueTable.values(),
      this.store?.cloneOffsetTable() ?? new Map(),
      this.pullService?.pullRequestsInFlight ?? 0,
      this.consumeService?.activeCount ?? 0,
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
      popProcessQueues: [...(this.popMode?.rebalance.popProcessQueueTable.values() ?? [])],
    });
  }

  /**
   * Java `MQClientInstance.resetOffset`: suspend, drop the named queues of `topic` (their handlers can no
   * longer commit), let answers in flight land, set and persist the new offsets (checked), release the queues,
   * resume: the next rebalance takes them again from the new offsets. Java waits 10 s for handlers to finish;
   * here dropped queues never commit, so a short settle is enough.
   */
  async resetOffset(topic: string, offsets: ReadonlyArray<{ mq: MessageQueue; offset: bigint }>): Promise<void> {
    const wanted = new Map(offsets.filter((o) => o.mq.topic === topic).map((o) => [o.mq.key(), o.offset]));
    this.suspend();
    try {
      for (const { mq, pq } of this.rebalanceImpl.processQueueTable.values()) {
        if (!wanted.has(mq.key())) continue;
        pq.dropped = true;
        pq.clear();
      }
      await new Promise<void>((r) => setTimeout(r, RESET_OFFSET_SETTLE_MS).unref());
      for (const [key, { mq, pq }] of [...this.rebalanceImpl.processQueueTable]) {
        const offset = wanted.get(key);
        if (offset === undefined) continue;
        this.offsetStore.updateOffset(mq, offset, false);
        // Orderly: a handler still running keeps the lock; the reset offset is persisted all the same.
        if (!(await this.removeUnnecessaryMessageQueue(mq, pq))) await persistAndForgetOffset(this.offsetStore, mq, this.log);
        this.rebalanceImpl.processQueueTable.delete(key);
      }
    } finally {
      this.resume();
    }
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

  /**
   * Stop pulling, let running handlers finish (bounded by `awaitTerminationMsWhenShutdown`), commit
   * every owned queue's offset with a checked request, drop the queues, (orderly) release their broker
   * locks, unregister, close. Offsets go before the unlock, so the next owner starts after our last commit.
   */
  async shutdown(): Promise<void> {
    if (this.state !== 'RUNNING') return;
    this.state = 'SHUTDOWN_ALREADY';
    const factory = this.clientInstance;
    this.pullService?.shutdown();
    if (this.rebalanceLaterTimer) clearTimeout(this.rebalanceLaterTimer);
    await this.cleanExpiredTask?.stop();
    const [drained, popDrained] = await Promise.all([
      (this.orderlyService ?? this.consumeService)!.shutdown(this.config.awaitTerminationMsWhenShutdown),
      this.popMode?.shutdown(this.config.awaitTerminationMsWhenShutdown) ?? true,
    ]);
    if (!popDrained) this.log.warn('pop handlers still running at shutdown; their messages come back after their invisible time', { group: this.consumerGroup });
    if (!drained) this.log.warn('handlers still running at shutdown; their messages will be delivered again', { group: this.consumerGroup });
    const owned = [...this.rebalanceImpl.processQueueTable.values()].map((e) => e.mq);
    this.rebalanceImpl.dropAll();
    await this.offsetStore.persistAll(owned);
    if (this.orderlyService && this.config.messageModel === 'CLUSTERING') await this.rebalanceImpl.unlockAll(false);
    await factory.unregisterConsumer(this.consumerGroup);
    await factory.shutdown();
    // After the handlers: their SubAfter records are queued by now and flushed here.
    await this.trace?.shutdown();
    this.log.info('the consumer shutdown OK', { group: this.consumerGroup });
  }

  /** The topic a user sees (namespace removed). */
  userTopic(topic: string): string {
    return withoutNamespace(topic, this.namespace);
  }
}
