import { ClientError, ClientStateError, InvalidArgumentError, SubscriptionConflictError } from '../errors';
import { getDefaultLogger, type Logger } from '../logger';
import { effectiveNamespace } from '../client/client-config';
import { defaultClientIP } from '../client/client-ip';
import type { ConsumeFromWhere, ConsumeType, MessageModel } from '../client/heartbeat-data';
import type { MessageQueue } from '../client/message-queue';
import type { MQClientInstance } from '../client/mq-client-instance';
import { MQClientManager } from '../client/mq-client-manager';
import type { MQConsumerInner } from '../client/mq-consumer-inner';
import { topicRouteData2TopicSubscribeInfo } from '../client/route/topic-publish-info';
import { ScheduledTask } from '../client/scheduled-task';
import type { ServiceState } from '../client/service-state';
import { buildSubscriptionData, type SubscriptionData } from '../client/subscription-data';
import type { MessageExt } from '../message/message-decoder';
import { withoutNamespace, wrapNamespace } from '../message/namespace';
import { checkGroup, checkTopic } from '../message/validators';
import { AssignedMessageQueue } from './assigned-message-queue';
import { brokerOffsetLookups, persistAndForgetOffset } from './broker-offset-lookups';
import { computePullFromWhere } from './compute-pull-from-where';
import { ConsumeRequestCache } from './consume-request-cache';
import { registerConsumerRequestHandlers } from './consumer-request-handlers';
import type { LitePullConsumerConfig } from './lite-pull-consumer-config';
import { LitePullTask, type LitePullTaskHost } from './lite-pull-task';
import { PullAPIWrapper } from './pull-api-wrapper';
import { AllocateMessageQueueAveragely } from './rebalance/allocate-message-queue-averagely';
import type { AllocateMessageQueueStrategy } from './rebalance/allocate-message-queue-strategy';
import { RebalanceImpl, type PullRequest, type RebalanceHost } from './rebalance-impl';
import { LocalFileOffsetStore } from './store/local-file-offset-store';
import type { OffsetStore } from './store/offset-store';
import { RemoteBrokerOffsetStore } from './store/remote-broker-offset-store';

/** Java `MixAll.DEFAULT_CONSUMER_GROUP`, refused as a group name. */
const DEFAULT_CONSUMER_GROUP = 'DEFAULT_CONSUMER';
const NOT_RUNNING = 'The consumer not running, please start it first.';
/** Java starts the topic-metadata check 10 s after start (here sooner when the interval is shorter). */
const METADATA_CHECK_INITIAL_DELAY_MS = 10_000;

export type SubscriptionType = 'NONE' | 'SUBSCRIBE' | 'ASSIGN';
/** Java `TopicMessageQueueChangeListener`: the topic (as the user names it) and its queues now. */
export type TopicMessageQueueChangeListener = (topic: string, queues: MessageQueue[]) => void;
/** Java `MessageQueueListener` of `subscribe(topic, expr, listener)`: every queue of the topic, and this member's share. */
export type MessageQueueListener = (topic: string, mqAll: MessageQueue[], mqDivided: MessageQueue[]) => void;

/**
 * Java `DefaultLitePullConsumerImpl`: queues come from `assign()` or from the rebalance of `subscribe()`
 * (never both: `SubscriptionConflictError`); one `LitePullTask` per assigned queue fills the buffer that
 * `poll()` drains; `poll()` advances each queue's consume offset, and `commit*` moves consume offsets into
 * the offset store (the broker, or a local file when broadcasting), persisted every 5 s by the client
 * instance and with checked requests on demand and at shutdown. Topics and queues are held namespaced.
 *
 * @internal
 */
export class DefaultLitePullConsumerImpl implements MQConsumerInner, RebalanceHost {
  readonly log: Logger;
  readonly namespace: string | undefined;
  readonly consumerGroup: string;
  readonly strategy: AllocateMessageQueueStrategy;
  readonly rebalanceImpl: RebalanceImpl;
  readonly assigned = new AssignedMessageQueue();
  readonly cache = new ConsumeRequestCache();
  private readonly tasks = new Map<string, LitePullTask>();
  private readonly topicToSubExpression = new Map<string, string>();
  private readonly topicListeners = new Map<string, TopicMessageQueueChangeListener>();
  private readonly messageQueuesForTopic = new Map<string, string>();
  private readonly queueListeners = new Map<string, MessageQueueListener>();
  /** Start offsets the rebalance computed for new queues, taken when their state is created. */
  private readonly rebalanceStarts = new Map<string, bigint>();
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
    this.rebalanceImpl = new RebalanceImpl(this, this.log);
    this.assigned.processQueueOf = (mq) => this.rebalanceImpl.processQueueTable.get(mq.key())?.pq;
  }

  get serviceState(): ServiceState {
    return this.state;
  }
  get kind(): SubscriptionType {
    return this.subscriptionType;
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
    if (listener) this.queueListeners.set(t, listener);
    else this.queueListeners.delete(t);
    if (this.state === 'RUNNING') void this.afterSubscriptionChange([t]);
  }

  unsubscribe(topic: string): void {
    const t = wrapNamespace(this.namespace, topic);
    this.rebalanceImpl.subscriptionInner.delete(t);
    this.queueListeners.delete(t);
    for (const [key, task] of [...this.tasks]) {
      if (task.mq.topic !== t) continue;
      task.cancel();
      this.tasks.delete(key);
    }
    this.assigned.removeTopic(t);
  }

  assign(queues: readonly MessageQueue[]): void {
    if (queues.length === 0) throw new InvalidArgumentError('Message queues can not be null or empty.');
    this.setSubscriptionType('ASSIGN');
    const mqs = queues.map((q) => q.withTopic(wrapNamespace(this.namespace, q.topic)));
    this.assigned.update(mqs);
    if (this.state === 'RUNNING') this.updatePullTasks(mqs);
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

  /** Java `updateAssignPullTask` / `updatePullTask`: cancel the tasks of queues no longer wanted (of `topic` only, if given), start the missing ones. */
  private updatePullTasks(mqs: Iterable<MessageQueue>, topic?: string): void {
    const wanted = new Map([...mqs].map((q) => [q.key(), q]));
    for (const [key, task] of [...this.tasks]) {
      if (topic !== undefined && task.mq.topic !== topic) continue;
      if (wanted.has(key)) continue;
      task.cancel();
      this.tasks.delete(key);
    }
    for (const [key, mq] of wanted) if (!this.tasks.has(key)) this.startTask(mq);
  }

  private startTask(mq: MessageQueue): void {
    const task = new LitePullTask(mq, this.taskHost());
    this.tasks.set(mq.key(), task);
    task.start();
  }

  // ------------------------------------------------------------ poll

  private maybeAutoCommit(): void {
    const now = Date.now();
    if (now < this.nextAutoCommitDeadline) return;
    this.commitAllInMemory();
    this.nextAutoCommitDeadline = now + this.config.autoCommitIntervalMs;
  }

  /**
   * Java `poll`: auto-commit when due (what earlier polls returned), then one pulled batch of a queue not
   * paused, waiting up to `timeoutMs` for one; its queue's consume offset moves past it. Empty on timeout,
   * abort or shutdown.
   */
  async poll(timeoutMs: number, signal?: AbortSignal): Promise<MessageExt[]> {
    if (this.state !== 'RUNNING') throw new ClientStateError(this.state, NOT_RUNNING);
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
    this.cache.wakeDrainWaiters();
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
    this.tasks.get(q.key())?.cancel();
    this.tasks.delete(q.key());
    state.seekOffset = offset;
    this.startTask(q);
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

  /** Java `commit(MessageQueue)`: the consume offset into the store's memory, if there is one and the queue is live. */
  private commitQueue(mq: MessageQueue): void {
    const offset = this.assigned.getConsumerOffset(mq);
    if (offset === -1n) return;
    const pq = this.assigned.get(mq)?.processQueue;
    if (pq && !pq.dropped) this.offsetStore.updateOffset(mq, offset, false);
  }

  /** Java `commitAll`. */
  commitAllInMemory(): void {
    for (const mq of this.assigned.queues()) this.commitQueue(mq);
  }

  /** Every assigned queue's consume offset, persisted with checked requests (rejects when one fails). */
  async commitSync(): Promise<void> {
    if (this.state !== 'RUNNING') throw new ClientStateError(this.state, NOT_RUNNING);
    this.commitAllInMemory();
    await this.persistChecked(this.assigned.queues());
  }

  /** Java `commit(Map, persist)`: the given offsets (of assigned, live queues), persisted (checked) when asked. */
  async commit(offsets: ReadonlyArray<readonly [MessageQueue, bigint]>, persist: boolean): Promise<void> {
    if (this.state !== 'RUNNING') throw new ClientStateError(this.state, NOT_RUNNING);
    const mqs: MessageQueue[] = [];
    for (const [mq, offset] of offsets) {
      const q = this.wrap(mq);
      mqs.push(q);
      if (offset < 0n) throw new InvalidArgumentError(`consumerOffset is ${offset} in messageQueue [${mq.toString()}]`);
      const pq = this.assigned.get(q)?.processQueue;
      if (pq && !pq.dropped) this.offsetStore.updateOffset(q, offset, false);
    }
    if (persist) await this.persistChecked(mqs);
  }

  private async persistChecked(mqs: MessageQueue[]): Promise<void> {
    await Promise.all(mqs.map((mq) => this.offsetStore.persist(mq)));
  }

  /** Java `committed`: the store's offset (memory first, then the broker), -1 when none; throws when the broker cannot say. */
  async committed(mq: MessageQueue): Promise<bigint> {
    if (this.state !== 'RUNNING') throw new ClientStateError(this.state, NOT_RUNNING);
    const offset = await this.offsetStore.readOffset(this.wrap(mq), 'MEMORY_FIRST_THEN_STORE');
    if (offset === -2n) throw new ClientError(-1, 'Fetch consume offset from broker exception');
    return offset;
  }

  // ------------------------------------------------------------ topic metadata

  /** Java `fetchMessageQueues`: the readable queues of `topic` (namespaced), from a fresh route lookup. */
  async fetchMessageQueues(topic: string): Promise<MessageQueue[]> {
    const factory = this.clientInstance;
    let route;
    try {
      route = await factory.api.getTopicRouteInfoFromNameServer(topic, factory.config.mqClientApiTimeoutMs);
    } catch (err) {
      throw new ClientError(-1, `Can not find Message Queue for this topic, ${topic}`, { cause: err });
    }
    const queues = [...topicRouteData2TopicSubscribeInfo(topic, route)].sort((a, b) => a.compareTo(b));
    if (queues.length === 0) throw new ClientError(-1, `Can not find Message Queue for this topic, ${topic} Namesrv return empty`);
    return queues;
  }

  async registerTopicMessageQueueChangeListener(topic: string, listener: TopicMessageQueueChangeListener): Promise<void> {
    if (typeof listener !== 'function') throw new InvalidArgumentError('Topic or listener is null');
    checkTopic(topic);
    const t = wrapNamespace(this.namespace, topic);
    this.topicListeners.set(t, listener);
    if (this.state === 'RUNNING') this.messageQueuesForTopic.set(t, queuesKey(await this.fetchMessageQueues(t)));
  }

  /** Java `fetchTopicMessageQueuesAndCompare`: listeners hear of topics whose queues changed. */
  private async fetchTopicMessageQueuesAndCompare(): Promise<void> {
    for (const [topic, listener] of [...this.topicListeners]) {
      const queues = await this.fetchMessageQueues(topic);
      const key = queuesKey(queues);
      if (this.messageQueuesForTopic.get(topic) === key) continue;
      this.messageQueuesForTopic.set(topic, key);
      try {
        listener(this.userTopic(topic), queues.map((q) => this.unwrap(q)));
      } catch (err) {
        this.log.error('the topic message queue change listener threw', { topic, err });
      }
    }
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
    const owned = this.subscriptionType === 'SUBSCRIBE' ? [...this.rebalanceImpl.processQueueTable.values()].map((e) => e.mq) : this.assigned.queues();
    await this.store.persistAll(owned);
  }
  updateTopicSubscribeInfo(topic: string, queues: ReadonlySet<MessageQueue>): void {
    this.rebalanceImpl.updateTopicSubscribeInfo(topic, queues);
  }
  isSubscribeTopicNeedUpdate(topic: string): boolean {
    return this.rebalanceImpl.isSubscribeTopicNeedUpdate(topic);
  }

  // ------------------------------------------------------------ RebalanceHost (Java RebalanceLitePullImpl)

  clientId(): string {
    return this.clientInstance.clientId;
  }
  findConsumerIdList(topic: string): Promise<string[] | undefined> {
    return this.clientInstance.findConsumerIdList(topic, this.consumerGroup);
  }
  computePullFromWhere(mq: MessageQueue): Promise<bigint> {
    const lookups = brokerOffsetLookups(this.clientInstance);
    return computePullFromWhere(mq, this.config.consumeFromWhere, this.config.consumeTimestamp, this.offsetStore, lookups, 'MEMORY_FIRST_THEN_STORE');
  }
  /** A queue leaving this member: with auto-commit, what was polled is committed first (Java persists only what was committed). */
  removeUnnecessaryMessageQueue(mq: MessageQueue): Promise<boolean> {
    if (this.config.autoCommit) this.commitQueue(mq);
    return persistAndForgetOffset(this.offsetStore, mq, this.log);
  }
  removeDirtyOffset(mq: MessageQueue): void {
    this.offsetStore.removeOffset(mq);
  }
  dispatchPullRequest(requests: PullRequest[]): void {
    for (const r of requests) this.rebalanceStarts.set(r.messageQueue.key(), r.nextOffset);
  }
  messageQueueChanged(topic: string, mqAll: ReadonlySet<MessageQueue>, mqDivided: ReadonlySet<MessageQueue>): void {
    const mine = this.config.messageModel === 'BROADCASTING' ? mqAll : mqDivided;
    this.assigned.update(mine, topic);
    for (const mq of mine) {
      const start = this.rebalanceStarts.get(mq.key());
      const state = this.assigned.get(mq);
      if (start !== undefined && state && state.pullOffset === -1n) state.pullOffset = start;
      this.rebalanceStarts.delete(mq.key());
    }
    this.updatePullTasks(mine, topic);
    const listener = this.queueListeners.get(topic);
    if (!listener) return;
    try {
      listener(this.userTopic(topic), [...mqAll].map((q) => this.unwrap(q)), [...mqDivided].map((q) => this.unwrap(q)));
    } catch (err) {
      this.log.error('messageQueueChanged listener threw', { topic, err });
    }
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
      fetchConsumeOffset: (mq) => this.computePullFromWhere(mq),
    };
  }

  private subscriptionFor(topic: string): SubscriptionData {
    if (this.subscriptionType === 'SUBSCRIBE') {
      const sub = this.rebalanceImpl.subscriptionInner.get(topic);
      if (sub) return sub;
    }
    return buildSubscriptionData(topic, this.topicToSubExpression.get(topic) ?? '*', 'TAG');
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
      { ...this.config, instanceName: this.instanceName, clientIP: this.config.clientIP ?? defaultClientIP() },
      this.config.rpcHook,
    );
    if (!factory.registerConsumer(this.consumerGroup, this)) {
      this.state = 'CREATE_JUST';
      throw new InvalidArgumentError(`The consumer group[${this.consumerGroup}] has been created before, specify another name please.`);
    }
    this.factory = factory;
    this.wrapper = new PullAPIWrapper(factory, this.consumerGroup);
    this.store = clustering
      ? new RemoteBrokerOffsetStore(factory, this.consumerGroup, this.log)
      : new LocalFileOffsetStore({ clientId: factory.clientId, groupName: this.consumerGroup, storeDir: this.config.localOffsetStoreDir, logger: this.log });
    try {
      await this.store.load();
    } catch (err) {
      factory.consumerTable.delete(this.consumerGroup);
      throw err;
    }
    registerConsumerRequestHandlers(factory, this.log);
    factory.start();
    this.metadataTask = new ScheduledTask('fetchTopicMessageQueuesAndCompare', Math.min(METADATA_CHECK_INITIAL_DELAY_MS, this.config.topicMetadataCheckIntervalMs), this.config.topicMetadataCheckIntervalMs, () => this.fetchTopicMessageQueuesAndCompare(), this.log);
    this.metadataTask.start();
    this.state = 'RUNNING';
    try {
      if (this.subscriptionType === 'SUBSCRIBE') await this.afterSubscriptionChange(this.rebalanceImpl.subscriptionInner.keys());
      if (this.subscriptionType === 'ASSIGN') this.updatePullTasks(this.assigned.queues());
      for (const topic of this.topicListeners.keys()) this.messageQueuesForTopic.set(topic, queuesKey(await this.fetchMessageQueues(topic)));
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
    const owned = this.subscriptionType === 'SUBSCRIBE' ? [...this.rebalanceImpl.processQueueTable.values()].map((e) => e.mq) : this.assigned.queues();
    if (this.config.autoCommit) this.commitAllInMemory();
    this.state = 'SHUTDOWN_ALREADY';
    for (const task of this.tasks.values()) task.cancel();
    this.tasks.clear();
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

function queuesKey(queues: readonly MessageQueue[]): string {
  return queues.map((q) => q.key()).sort().join('\n');
}
