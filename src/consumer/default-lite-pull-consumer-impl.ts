import { ClientStateError, InvalidArgumentError, SubscriptionConflictError } from '../errors';
import { getDefaultLogger, type Logger } from '../logger';
import { effectiveNamespace } from '../client/client-config';
import { instanceConfigOf } from '../client/client-instance-config';
import type { ConsumeFromWhere, ConsumeType, MessageModel } from '../client/heartbeat-data';
import type { MessageQueue } from '../client/message-queue';
import type { MQClientInstance } from '../client/mq-client-instance';
import { MQClientManager } from '../client/mq-client-manager';
import type { MQConsumerInner } from '../client/mq-consumer-inner';
import { fetchSubscribeMessageQueues } from '../client/mq-admin';
import { ScheduledTask } from '../client/scheduled-task';
import type { ServiceState } from '../client/service-state';
import { buildSubscriptionData, type SubscriptionData } from '../client/subscription-data';
import type { MessageExt } from '../message/message-decoder';
import { withoutNamespace, wrapNamespace } from '../message/namespace';
import { checkGroup, checkTopic } from '../message/validators';
import { AssignedMessageQueue } from './assigned-message-queue';
import { brokerOffsetLookups } from './broker-offset-lookups';
import { ConsumeRequestCache } from './consume-request-cache';
import { registerConsumerRequestHandlers } from './consumer-request-handlers';
import type { LitePullConsumerConfig } from './lite-pull-consumer-config';
import { LitePullCommitter } from './lite-pull-committer';
import { LitePullTaskTable, type LitePullTaskHost } from './lite-pull-task';
import type { MessageQueueListener, TopicMessageQueueChangeListener } from './lite-pull-listeners';
import { TopicQueueWatcher } from './topic-queue-watcher';
import { PullAPIWrapper } from './pull-api-wrapper';
import { AllocateMessageQueueAveragely } from './rebalance/allocate-message-queue-averagely';
import type { AllocateMessageQueueStrategy } from './rebalance/allocate-message-queue-strategy';
import { RebalanceImpl } from './rebalance-impl';
import { RebalanceLitePullImpl } from './rebalance-lite-pull-impl';
import type { OffsetStore } from './store/offset-store';
import { createOffsetStore } from './store/create-offset-store';

/** Java `MixAll.DEFAULT_CONSUMER_GROUP`, refused as a group name. */
const DEFAULT_CONSUMER_GROUP = 'DEFAULT_CONSUMER';
const NOT_RUNNING = 'The consumer not running, please start it first.';
/** Java starts the topic-metadata check 10 s after start (here sooner when the interval is shorter). */
const METADATA_CHECK_INITIAL_DELAY_MS = 10_000;

type SubscriptionType = 'NONE' | 'SUBSCRIBE' | 'ASSIGN';

/**
 * Java `DefaultLitePullConsumerImpl`: queues come from `assign()` or from the rebalance of `subscribe()`
 * (never both: `SubscriptionConflictError`); one `LitePullTask` per assigned queue fills the buffer that
 * `poll()` drains; `poll()` advances each queue's consume offset, and `commit*` moves consume offsets into
 * the offset store (the broker, or a local file when broadcasting), persisted every 5 s by the client
 * instance and with checked requests on demand and at shutdown. Topics and queues are held namespaced.
 *
 * @internal
 */
export class DefaultLitePullConsumerImpl implements MQConsumerInner {
  readonly log: Logger;
  readonly namespace: string | undefined;
  readonly consumerGroup: string;
  readonly strategy: AllocateMessageQueueStrategy;
  readonly rebalanceImpl: RebalanceImpl;
  readonly assigned = new AssignedMessageQueue();
  readonly cache = new ConsumeRequestCache();
  readonly tasks = new LitePullTaskTable(() => this.taskHost());
  private readonly topicToSubExpression = new Map<string, string>();
  /** Assign mode: the subscription each pull of a topic carries (`setSubExpressionForAssign`, else `*`). */
  private readonly assignSubscriptions = new Map<string, SubscriptionData>();
  readonly committer = new LitePullCommitter(this.assigned, () => this.offsetStore);
  private readonly watcher: TopicQueueWatcher;
  private readonly rebalanceHost = new RebalanceLitePullImpl(this);
  private subscriptionType: SubscriptionType = 'NONE';
  private state: ServiceState = 'CREATE_JUST';
  private nextAutoCommitDeadline = -1;
  private factory: MQClientInstance | undefined;
  private wrapper: PullAPIWrapper | undefined;
  private store: OffsetStore | undefined;
  private metadataTask: ScheduledTask | undefined;
  private instanceName: string;

  constructor(readonly config: LitePullConsumerConfig) {
    this.log = (config.logger ?? getDefaultLogger()).child('consumer');
    this.namespace = effectiveNamespace(config);
    this.consumerGroup = wrapNamespace(this.namespace, config.consumerGroup);
    this.strategy = config.allocateMessageQueueStrategy ?? new AllocateMessageQueueAveragely({ logger: this.log });
    this.instanceName = config.instanceName;
    this.rebalanceImpl = new RebalanceImpl(this.rebalanceHost, this.log);
    this.assigned.processQueueOf = (mq) => this.rebalanceImpl.processQueueTable.get(mq.key())?.pq;
    const fetch = (topic: string): Promise<MessageQueue[]> => fetchSubscribeMessageQueues(this.clientInstance.api, topic, this.clientInstance.config.mqClientApiTimeoutMs);
    this.watcher = new TopicQueueWatcher(fetch, (topic, queues) => [this.userTopic(topic), queues.map((q) => this.unwrap(q))], this.log);
  }

  get serviceState(): ServiceState {
    return this.state;
  }
  get offsetStore(): OffsetStore {
    if (!this.store) throw new ClientStateError(this.state, NOT_RUNNING);
    return this.store;
  }
  get clientInstance(): MQClientInstance {
    if (!this.factory || this.state !== 'RUNNING') throw new ClientStateError(this.state, NOT_RUNNING);
    return this.factory;
  }
  isRunning(): boolean {
    return this.state === 'RUNNING';
  }
  private checkServiceState(): void {
    if (this.state !== 'RUNNING') throw new ClientStateError(this.state, NOT_RUNNING);
  }

  private setSubscriptionType(type: SubscriptionType): void {
    if (this.subscriptionType === 'NONE') this.subscriptionType = type;
    else if (this.subscriptionType !== type) throw new SubscriptionConflictError(this.subscriptionType, type);
  }

  // ------------------------------------------------------------ subscribe / assign

  subscribe(topic: string, subExpression: string, expressionType: string, listener?: MessageQueueListener): void {
    checkTopic(topic);
    this.setSubscriptionType('SUBSCRIBE');
    const t = wrapNamespace(this.namespace, topic);
    this.rebalanceImpl.subscriptionInner.set(t, buildSubscriptionData(t, subExpression, expressionType));
    if (listener) this.rebalanceHost.queueListeners.set(t, listener);
    else this.rebalanceHost.queueListeners.delete(t);
    if (this.state === 'RUNNING') {
      this.afterSubscriptionChange([t]).catch((err: unknown) => this.log.warn('subscribe: route, heartbeat or rebalance failed', { topic, err }));
    }
  }

  unsubscribe(topic: string): void {
    const t = wrapNamespace(this.namespace, topic);
    this.rebalanceImpl.subscriptionInner.delete(t);
    this.rebalanceHost.queueListeners.delete(t);
    this.tasks.update([], t);
    this.assigned.update([], t);
  }

  assign(queues: readonly MessageQueue[]): void {
    if (queues.length === 0) throw new InvalidArgumentError('Message queues can not be null or empty.');
    this.setSubscriptionType('ASSIGN');
    const mqs = queues.map((q) => q.withTopic(wrapNamespace(this.namespace, q.topic)));
    this.assigned.update(mqs);
    if (this.state === 'RUNNING') this.tasks.update(mqs);
  }

  setSubExpressionForAssign(topic: string, subExpression: string): void {
    if (subExpression.trim() === '') throw new InvalidArgumentError('subExpression can not be null or empty.');
    if (this.state !== 'CREATE_JUST') throw new ClientStateError(this.state, 'setAssignTag only can be called before start.');
    this.setSubscriptionType('ASSIGN');
    this.topicToSubExpression.set(wrapNamespace(this.namespace, topic), subExpression);
  }

  private async afterSubscriptionChange(topics: Iterable<string>): Promise<void> {
    const factory = this.clientInstance;
    for (const topic of topics) {
      await factory.updateTopicRouteInfoFromNameServer(topic).catch((err: unknown) => this.log.warn('route of a subscribed topic failed', { topic, err }));
    }
    await factory.sendHeartbeatToAllBrokerWithLock();
    await factory.rebalanceImmediately();
  }

  // ------------------------------------------------------------ poll

  private maybeAutoCommit(): void {
    const now = Date.now();
    if (now < this.nextAutoCommitDeadline) return;
    this.committer.commitAll();
    this.nextAutoCommitDeadline = now + this.config.autoCommitIntervalMs;
  }

  /**
   * Java `poll`: auto-commit when due (what earlier polls returned), then one pulled batch of a queue not
   * paused, waiting up to `timeoutMs` for one; its queue's consume offset moves past it. Empty on timeout,
   * abort or shutdown.
   */
  async poll(timeoutMs: number, signal?: AbortSignal): Promise<MessageExt[]> {
    this.checkServiceState();
    if (!Number.isFinite(timeoutMs) || timeoutMs < 0) throw new InvalidArgumentError('Timeout must not be negative');
    if (this.config.autoCommit) this.maybeAutoCommit();
    const end = Date.now() + timeoutMs;
    const deliverable = (r: { mq: MessageQueue }): boolean => !this.assigned.isPaused(r.mq);
    for (;;) {
      const request = this.cache.take(deliverable);
      if (request) {
        const offset = request.processQueue.removeMessage(request.messages);
        this.assigned.updateConsumeOffset(request.mq, offset);
        request.processQueue.lastConsumeTimestamp = Date.now();
        return request.messages;
      }
      const left = end - Date.now();
      if (left <= 0 || this.state !== 'RUNNING' || signal?.aborted) return [];
      await this.cache.waitForArrival(left, signal);
    }
  }

  pause(queues: readonly MessageQueue[]): void {
    this.assigned.pause(queues.map((q) => this.wrap(q)));
  }

  resume(queues: readonly MessageQueue[]): void {
    this.assigned.resume(queues.map((q) => this.wrap(q)));
    // Waiting polls may now take the queue's buffered batches, and its pull task may go on.
    this.cache.wakeAll();
  }

  // ------------------------------------------------------------ seek

  /** Java `seek`: the queue must be assigned and `offset` within the broker's min..max; buffered messages of the queue are dropped. */
  async seek(mq: MessageQueue, offset: bigint): Promise<void> {
    const q = this.wrap(mq);
    if (!this.assigned.has(q)) {
      const rebalancing = this.subscriptionType === 'SUBSCRIBE' ? ', may be rebalancing' : '';
      throw new InvalidArgumentError(`The message queue is not in assigned list${rebalancing}, message queue: ${mq.toString()}`);
    }
    const [min, max] = await Promise.all([this.minOffset(q), this.maxOffset(q)]);
    if (offset < min || offset > max) {
      throw new InvalidArgumentError(`Seek offset illegal, seek offset = ${offset}, min offset = ${min}, max offset = ${max}`);
    }
    const state = this.assigned.get(q);
    if (!state) return;
    state.processQueue.clear();
    this.cache.removeQueue(q);
    state.seekOffset = offset;
    this.tasks.restart(q);
  }

  async seekToBegin(mq: MessageQueue): Promise<void> {
    await this.seek(mq, await this.minOffset(this.wrap(mq)));
  }

  async seekToEnd(mq: MessageQueue): Promise<void> {
    await this.seek(mq, await this.maxOffset(this.wrap(mq)));
  }

  private minOffset(mq: MessageQueue): Promise<bigint> {
    return brokerOffsetLookups(this.clientInstance).minOffset(mq);
  }

  private maxOffset(mq: MessageQueue): Promise<bigint> {
    return brokerOffsetLookups(this.clientInstance).maxOffset(mq);
  }

  offsetForTimestamp(mq: MessageQueue, timestamp: number): Promise<bigint> {
    return brokerOffsetLookups(this.clientInstance).searchOffset(this.wrap(mq), timestamp);
  }

  // ------------------------------------------------------------ commit

  commitAllInMemory(): void {
    this.committer.commitAll();
  }

  /** Every assigned queue's consume offset, persisted with checked requests (rejects when one fails). */
  async commitSync(): Promise<void> {
    this.checkServiceState();
    this.committer.commitAll();
    await this.committer.persist();
  }

  commit(offsets: ReadonlyArray<readonly [MessageQueue, bigint]>, persist: boolean): Promise<void> {
    this.checkServiceState();
    return this.committer.commit(offsets.map(([mq, o]) => [this.wrap(mq), o] as const), persist);
  }

  committed(mq: MessageQueue): Promise<bigint> {
    this.checkServiceState();
    return this.committer.committed(this.wrap(mq));
  }

  // ------------------------------------------------------------ topic metadata

  /** Java `fetchMessageQueues`: the readable queues of a topic, from a fresh route lookup (as the user names them). */
  async fetchMessageQueues(topic: string): Promise<MessageQueue[]> {
    const factory = this.clientInstance;
    const queues = await fetchSubscribeMessageQueues(factory.api, wrapNamespace(this.namespace, topic), factory.config.mqClientApiTimeoutMs);
    return queues.map((q) => this.unwrap(q));
  }

  async registerTopicMessageQueueChangeListener(topic: string, listener: TopicMessageQueueChangeListener): Promise<void> {
    if (typeof listener !== 'function') throw new InvalidArgumentError('Topic or listener is null');
    checkTopic(topic);
    const t = wrapNamespace(this.namespace, topic);
    this.watcher.register(t, listener);
    if (this.state === 'RUNNING') await this.watcher.remember(t);
  }

  // ------------------------------------------------------------ MQConsumerInner

  groupName(): string {
    return this.consumerGroup;
  }
  consumeType(): ConsumeType {
    return 'CONSUME_ACTIVELY';
  }
  messageModel(): MessageModel {
    return this.config.messageModel;
  }
  /** As Java: the heartbeat always says LAST; `consumeFromWhere` only decides a new queue's start here. */
  consumeFromWhere(): ConsumeFromWhere {
    return 'CONSUME_FROM_LAST_OFFSET';
  }
  subscriptions(): Iterable<SubscriptionData> {
    return [...this.rebalanceImpl.subscriptionInner.values()];
  }
  isUnitMode(): boolean {
    return this.config.unitMode;
  }
  async doRebalance(): Promise<void> {
    if (this.state === 'RUNNING' && this.subscriptionType === 'SUBSCRIBE') await this.rebalanceImpl.doRebalance();
  }
  async persistConsumerOffset(): Promise<void> {
    if (this.state !== 'RUNNING' || !this.store) return;
    const owned = this.ownedQueues();
    await this.store.persistAll(owned);
  }
  updateTopicSubscribeInfo(topic: string, queues: ReadonlySet<MessageQueue>): void {
    this.rebalanceImpl.updateTopicSubscribeInfo(topic, queues);
  }
  isSubscribeTopicNeedUpdate(topic: string): boolean {
    return this.rebalanceImpl.isSubscribeTopicNeedUpdate(topic);
  }

  // ------------------------------------------------------------ life cycle

  private taskHost(): LitePullTaskHost {
    return {
      log: this.log,
      settings: this.config,
      assigned: this.assigned,
      cache: this.cache,
      pullAPIWrapper: this.wrapper!,
      isRunning: () => this.state === 'RUNNING',
      subscriptionFor: (topic) => this.subscriptionFor(topic),
      fetchConsumeOffset: (mq) => this.rebalanceHost.computePullFromWhere(mq),
    };
  }

  private subscriptionFor(topic: string): SubscriptionData {
    if (this.subscriptionType === 'SUBSCRIBE') {
      const sub = this.rebalanceImpl.subscriptionInner.get(topic);
      if (sub) return sub;
    }
    let sub = this.assignSubscriptions.get(topic);
    if (!sub) this.assignSubscriptions.set(topic, (sub = buildSubscriptionData(topic, this.topicToSubExpression.get(topic) ?? '*', 'TAG')));
    return sub;
  }

  /** The queues whose offsets this member persists: the rebalance's when subscribed, else the assigned ones. */
  private ownedQueues(): MessageQueue[] {
    return this.subscriptionType === 'SUBSCRIBE' ? [...this.rebalanceImpl.processQueueTable.values()].map((e) => e.mq) : this.assigned.queues();
  }

  async start(): Promise<void> {
    if (this.state !== 'CREATE_JUST') throw new ClientStateError(this.state, `The PullConsumer service state not OK, maybe started once, ${this.state}`);
    this.state = 'START_FAILED';
    checkGroup(this.config.consumerGroup);
    if (this.config.consumerGroup === DEFAULT_CONSUMER_GROUP) {
      throw new InvalidArgumentError(`consumerGroup can not equal ${DEFAULT_CONSUMER_GROUP}, please specify another one.`);
    }
    const clustering = this.config.messageModel === 'CLUSTERING';
    if (clustering && this.instanceName === 'DEFAULT') this.instanceName = `${process.pid}#${process.hrtime.bigint()}`;
    const factory = MQClientManager.getInstance().getOrCreateMQClientInstance(
      instanceConfigOf(this.config, this.instanceName),
      this.config.rpcHook,
    );
    if (!factory.registerConsumer(this.consumerGroup, this)) {
      this.state = 'CREATE_JUST';
      throw new InvalidArgumentError(`The consumer group[${this.consumerGroup}] has been created before, specify another name please.`);
    }
    this.factory = factory;
    this.wrapper = new PullAPIWrapper(factory, this.consumerGroup);
    this.store = createOffsetStore(factory, this.consumerGroup, this.config, this.log);
    try {
      await this.store.load();
    } catch (err) {
      factory.consumerTable.delete(this.consumerGroup);
      throw err;
    }
    registerConsumerRequestHandlers(factory, this.log);
    factory.start();
    this.metadataTask = new ScheduledTask('fetchTopicMessageQueuesAndCompare', Math.min(METADATA_CHECK_INITIAL_DELAY_MS, this.config.topicMetadataCheckIntervalMs), this.config.topicMetadataCheckIntervalMs, () => this.watcher.check(), this.log);
    this.metadataTask.start();
    this.state = 'RUNNING';
    try {
      if (this.subscriptionType === 'SUBSCRIBE') await this.afterSubscriptionChange(this.rebalanceImpl.subscriptionInner.keys());
      if (this.subscriptionType === 'ASSIGN') this.tasks.update(this.assigned.queues());
      for (const topic of this.watcher.topics()) await this.watcher.remember(topic);
    } catch (err) {
      await this.shutdown();
      throw err;
    }
    this.log.info('the lite pull consumer start OK', { group: this.consumerGroup });
  }

  /**
   * Stops every pull task and wakes waiting polls; with auto-commit, commits what was polled; persists
   * the offsets of the owned queues (checked, failures logged); unregisters; closes the client instance.
   */
  async shutdown(): Promise<void> {
    if (this.state !== 'RUNNING') return;
    const factory = this.factory!;
    const owned = this.ownedQueues();
    if (this.config.autoCommit) this.committer.commitAll();
    this.state = 'SHUTDOWN_ALREADY';
    this.tasks.cancelWhere(() => true);
    this.cache.close();
    await this.metadataTask?.stop();
    this.rebalanceImpl.dropAll();
    await this.store!.persistAll(owned);
    await factory.unregisterConsumer(this.consumerGroup);
    await factory.shutdown();
    this.log.info('the lite pull consumer shutdown OK', { group: this.consumerGroup });
  }

  // ------------------------------------------------------------ namespace

  wrap(mq: MessageQueue): MessageQueue {
    return mq.withTopic(wrapNamespace(this.namespace, mq.topic));
  }
  unwrap(mq: MessageQueue): MessageQueue {
    return mq.withTopic(this.userTopic(mq.topic));
  }
  userTopic(topic: string): string {
    return withoutNamespace(topic, this.namespace);
  }
}
