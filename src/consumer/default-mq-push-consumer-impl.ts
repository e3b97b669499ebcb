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
import { computePullFromWhere } from './compute-pull-from-where';
import { registerConsumerRequestHandlers } from './consumer-request-handlers';
import { ConsumeMessageConcurrentlyService, type MessageListenerConcurrently } from './consume-message-concurrently-service';
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

/** How long a reset waits for pull answers in flight before it persists the new offsets. */
const RESET_OFFSET_SETTLE_MS = 1000;
/** Java `MixAll.DEFAULT_MAX_RECONSUME_TIMES` for concurrent consumption. */
const DEFAULT_MAX_RECONSUME_TIMES = 16;

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
  private listener: MessageListenerConcurrently | undefined;
  private wrapper: PullAPIWrapper | undefined;
  private store: OffsetStore | undefined;
  private consumeService: ConsumeMessageConcurrentlyService | undefined;
  private pullService: PullMessageService | undefined;
  private cleanExpiredTask: ScheduledTask | undefined;
  private instanceName: string;
  private queueThreshold: { count: number; sizeMiB: number };
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

  registerMessageListener(listener: MessageListenerConcurrently): void {
    if (typeof listener !== 'function') throw new InvalidArgumentError('the message listener must be a function');
    this.listener = listener;
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
    if (!this.paused && this.state === 'RUNNING') await this.rebalanceImpl.doRebalance();
  }
  async persistConsumerOffset(): Promise<void> {
    if (this.state !== 'RUNNING' || !this.store) return;
    await this.store.persistAll([...this.rebalanceImpl.processQueueTable.values()].map((e) => e.mq));
  }
  updateTopicSubscribeInfo(topic: string, queues: ReadonlySet<MessageQueue>): void {
    if (this.rebalanceImpl.subscriptionInner.has(topic)) this.rebalanceImpl.topicSubscribeInfoTable.set(topic, queues);
  }
  isSubscribeTopicNeedUpdate(topic: string): boolean {
    return this.rebalanceImpl.subscriptionInner.has(topic) && !this.rebalanceImpl.topicSubscribeInfoTable.has(topic);
  }

  // ------------------------------------------------------------ RebalanceHost

  clientId(): string {
    return this.clientInstance.clientId;
  }
  findConsumerIdList(topic: string): Promise<string[] | undefined> {
    return this.clientInstance.findConsumerIdList(topic, this.consumerGroup);
  }
  computePullFromWhere(mq: MessageQueue): Promise<bigint> {
    const factory = this.clientInstance;
    const timeout = factory.config.mqClientApiTimeoutMs;
    const master = (q: MessageQueue) => {
      const addr = factory.findBrokerAddressInPublish(q.brokerName);
      if (addr === undefined) throw new ClientStateError(this.state, `The broker[${q.brokerName}] not exist`);
      return addr;
    };
    return computePullFromWhere(mq, this.config.consumeFromWhere, this.config.consumeTimestamp, this.offsetStore, {
      maxOffset: (q) => factory.api.getMaxOffset(master(q), q.topic, q.queueId, timeout),
      searchOffset: (q, ts) => factory.api.searchOffset(master(q), q, ts, timeout),
    });
  }
  async removeUnnecessaryMessageQueue(mq: MessageQueue): Promise<boolean> {
    try {
      await this.offsetStore.persist(mq);
    } catch (err) {
      this.log.warn('persist the offset of a released queue failed', { mq: mq.toString(), err });
    }
    this.offsetStore.removeOffset(mq);
    return true;
  }
  removeDirtyOffset(mq: MessageQueue): void {
    this.offsetStore.removeOffset(mq);
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
    this.consumeService = new ConsumeMessageConcurrentlyService(this.consumeHost(), this.listener, this.config.consumeThreadMax);
    this.pullService = new PullMessageService(this.pullHost());
    if (!factory.registerConsumer(this.consumerGroup, this)) {
      this.state = 'CREATE_JUST';
      throw new InvalidArgumentError(`The consumer group[${this.consumerGroup}] has been created before, specify another name please.`);
    }
    registerConsumerRequestHandlers(factory, this.log);
    factory.start();
    this.cleanExpiredTask = new ScheduledTask('cleanExpireMsg', this.config.consumeTimeoutMs, this.config.consumeTimeoutMs, () => this.cleanExpireMsg(), this.log);
    this.cleanExpiredTask.start();
    this.state = 'RUNNING';
    for (const topic of this.rebalanceImpl.subscriptionInner.keys()) {
      await factory.updateTopicRouteInfoFromNameServer(topic).catch((err: unknown) => this.log.warn('route of a subscribed topic failed', { topic, err }));
    }
    await factory.sendHeartbeatToAllBrokerWithLock();
    // The heartbeat makes the broker create %RETRY%<group>: ask for the routes still missing once more.
    for (const topic of this.rebalanceImpl.subscriptionInner.keys()) {
      if (this.isSubscribeTopicNeedUpdate(topic)) await factory.updateTopicRouteInfoFromNameServer(topic).catch(() => false);
    }
    await factory.rebalanceImmediately();
    this.log.info('the consumer start OK', { group: this.consumerGroup });
  }

  private consumeHost(): ConstructorParameters<typeof ConsumeMessageConcurrentlyService>[0] {
    const maxReconsumeTimes = this.config.maxReconsumeTimes === -1 ? DEFAULT_MAX_RECONSUME_TIMES : this.config.maxReconsumeTimes;
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

  private pullHost(): ConstructorParameters<typeof PullMessageService>[0] {
    return {
      log: this.log,
      messageModel: this.config.messageModel,
      pullAPIWrapper: this.pullAPIWrapper,
      offsetStore: this.offsetStore,
      settings: this.config,
      pullThresholdForQueue: () => this.queueThreshold.count,
      pullThresholdSizeForQueueMiB: () => this.queueThreshold.sizeMiB,
      isRunning: () => this.state === 'RUNNING',
      isPaused: () => this.paused,
      subscriptionOf: (topic) => this.rebalanceImpl.subscriptionInner.get(topic),
      submitConsumeRequest: (req: PullRequest, msgs: MessageExt[]) => this.consumeService?.submitConsumeRequest(msgs, req.processQueue, req.messageQueue),
      removeProcessQueue: (mq) => this.rebalanceImpl.removeProcessQueue(mq),
    };
  }

  private async cleanExpireMsg(): Promise<void> {
    for (const { mq, pq } of [...this.rebalanceImpl.processQueueTable.values()]) await this.consumeService?.cleanExpiredMsg(pq as ProcessQueue, mq);
  }

  consumeMessageDirectly(msg: MessageExt, brokerName: string | undefined): Promise<ConsumeMessageDirectlyResult> {
    const service = this.consumeService;
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
      startTimestamp: this.consumerStartTimestamp,
      offsets: this.store?.cloneOffsetTable() ?? new Map(),
      processQueues: [...this.rebalanceImpl.processQueueTable.values()],
      subscriptions: [...this.rebalanceImpl.subscriptionInner.values()],
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
      for (const [key, { mq }] of [...this.rebalanceImpl.processQueueTable]) {
        const offset = wanted.get(key);
        if (offset === undefined) continue;
        this.offsetStore.updateOffset(mq, offset, false);
        await this.removeUnnecessaryMessageQueue(mq);
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
   * every owned queue's offset with a checked request, drop the queues, unregister, close.
   */
  async shutdown(): Promise<void> {
    if (this.state !== 'RUNNING') return;
    this.state = 'SHUTDOWN_ALREADY';
    const factory = this.clientInstance;
    this.pullService?.shutdown();
    await this.cleanExpiredTask?.stop();
    const drained = await this.consumeService!.shutdown(this.config.awaitTerminationMsWhenShutdown);
    if (!drained) this.log.warn('handlers still running at shutdown; their messages will be delivered again', { group: this.consumerGroup });
    const owned = [...this.rebalanceImpl.processQueueTable.values()].map((e) => e.mq);
    this.rebalanceImpl.dropAll();
    await this.offsetStore.persistAll(owned);
    await factory.unregisterConsumer(this.consumerGroup);
    await factory.shutdown();
    this.log.info('the consumer shutdown OK', { group: this.consumerGroup });
  }

  /** The topic a user sees (namespace removed). */
  userTopic(topic: string): string {
    return withoutNamespace(topic, this.namespace);
  }
}
