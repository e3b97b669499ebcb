import { BrokerResponseError, ClientStateError, RemotingError } from '../errors';
import { ResponseCode } from '../remoting/protocol/response-code';
import type { Logger } from '../logger';
import { LogDeduplicator } from '../log-deduplicator';
import { RemotingClient } from '../remoting/remoting-client';
import type { RPCHook } from '../remoting/rpc-hook';
import { getDefaultLogger } from '../logger';
import { effectiveNamespace, effectiveTls, type ClientConfig } from './client-config';
import { ClientRemotingProcessor } from './client-remoting-processor';
import { createHeartbeatData, type ConsumerData, type HeartbeatData } from './heartbeat-data';
import type { MessageQueue } from './message-queue';
import type { MQConsumerInner } from './mq-consumer-inner';
import type { MQProducerInner } from './mq-producer-inner';
import { AUTO_CREATE_TOPIC_KEY_TOPIC, CLIENT_INNER_PRODUCER_GROUP } from '../message/validators';
import { RETRY_GROUP_TOPIC_PREFIX } from '../message/namespace';
import { MQClientAPI } from './mq-client-api';
import { NamespaceRpcHook } from './namespace-rpc-hook';
import { topicRouteDataChanged } from './route/route-change';
import { topicRouteData2TopicPublishInfo, topicRouteData2TopicSubscribeInfo } from './route/topic-publish-info';
import { cloneTopicRouteData, MASTER_ID, type TopicRouteData } from './route/topic-route-data';
import { ScheduledTask } from './scheduled-task';
import type { ServiceState } from './service-state';
import { TimedLock } from './timed-lock';

/** Java `MQClientInstance.LOCK_TIMEOUT_MILLIS`. */
const LOCK_TIMEOUT_MS = 3000;
/** Java `ClientConfig.persistConsumerOffsetInterval`. */
const PERSIST_CONSUMER_OFFSET_INTERVAL_MS = 5000;
/** Java `RebalanceService` wait interval (`rocketmq.client.rebalance.waitInterval`). */
const REBALANCE_INTERVAL_MS = 20_000;


/**
 * The settings an instance runs with: the validated client options of the producer that created it
 * (copied, like Java's `cloneClientConfig`), with the clientIP and instance name resolved.
 */
export type ClientInstanceConfig = Omit<ClientConfig, 'clientIP'> & { clientIP: string };

/** Java `ClientConfig.buildMQClientId`: `ip@instanceName[@unitName]`. */
export function buildMQClientId(cfg: Pick<ClientInstanceConfig, 'clientIP' | 'instanceName' | 'unitName'>): string {
  let id = `${cfg.clientIP}@${cfg.instanceName}`;
  if (cfg.unitName && cfg.unitName.trim() !== '') id += `@${cfg.unitName}`;
  return id;
}

/** The inner producer stands in for Java's `CLIENT_INNER_PRODUCER` DefaultMQProducer: heartbeats and unregisters only. */
const innerProducer: MQProducerInner = {
  getPublishTopicList: () => [],
  isPublishTopicNeedUpdate: () => false,
  updateTopicPublishInfo: () => {},
  isUnitMode: () => false,
};

/**
 * Java `MQClientInstance` for producers: one remoting client, the route and broker-address tables,
 * route polling, heartbeats and broker housekeeping, shared by every producer with the same clientId.
 */
export class MQClientInstance {
  readonly clientId: string;
  readonly config: Readonly<ClientInstanceConfig>;
  readonly remotingClient: RemotingClient;
  readonly api: MQClientAPI;
  /** Broker-initiated requests (protocol.md 11.8), dispatched to the handlers producers and consumers register. */
  readonly clientRemotingProcessor: ClientRemotingProcessor;
  /** Deprecated client-side namespace (resolved from the config), stripped from checked messages' topics. */
  readonly namespace: string | undefined;
  readonly producerTable = new Map<string, MQProducerInner>();
  /** Consumers register here the same way (the consumer issue fills this in). */
  readonly consumerTable = new Map<string, MQConsumerInner>();
  readonly topicRouteTable = new Map<string, TopicRouteData>();
  /** brokerName -> (brokerId -> address). */
  readonly brokerAddrTable = new Map<string, Map<number, string>>();
  /** brokerName -> (address -> broker version from its heartbeat answer). */
  readonly brokerVersionTable = new Map<string, Map<string, number>>();

  private state: ServiceState = 'CREATE_JUST';
  private readonly log: Logger;
  /** Condenses repeated events of this instance and its remoting client (a dead peer fails every call alike). */
  private readonly logs: LogDeduplicator;
  private readonly namesrvLock = new TimedLock();
  private readonly heartbeatLock = new TimedLock();
  private readonly routeFetches = new Map<string, Promise<boolean>>();
  private readonly tasks: ScheduledTask[];
  private heartbeatCount = 0;
  private rebalanceRun: Promise<void> | undefined;
  private rebalanceAgain = false;
  private shutdownPromise: Promise<void> | undefined;
  private readonly onConnected = (addr: string): void => {
    void this.onChannelActive(addr);
  };

  constructor(config: ClientInstanceConfig, clientId: string, rpcHook?: RPCHook, private readonly onShutdown?: () => void) {
    this.config = { ...config, namesrvAddr: [...config.namesrvAddr] };
    this.clientId = clientId;
    this.logs = new LogDeduplicator(config.logger ?? getDefaultLogger(), config.logRepeatSummaryIntervalMs);
    const logger = this.logs.logger;
    this.log = logger.child('MQClientInstance');
    // Java hook order: NamespaceRpcHook, then the user's hook (ACL signs after namespacing).
    const rpcHooks: RPCHook[] = [new NamespaceRpcHook(config.namespaceV2)];
    if (rpcHook) rpcHooks.push(rpcHook);
    this.remotingClient = new RemotingClient({
      namesrvAddrs: [...config.namesrvAddr],
      serializeType: config.serializeType,
      language: config.language,
      version: config.version,
      connectTimeoutMs: config.connectTimeoutMs,
      maxFrameBytes: config.maxFrameBytes,
      maxExtFields: config.maxExtFields,
      maxExtFieldsBytes: config.maxExtFieldsBytes,
      maxAsyncInflight: config.maxAsyncInflight,
      maxOnewayInflight: config.maxOnewayInflight,
      idleTimeoutMs: config.idleTimeoutMs,
      closeSocketIfTimeout: config.closeSocketIfTimeout,
      tls: effectiveTls(config),
      rpcHooks,
      logger,
    });
    this.api = new MQClientAPI(this.remotingClient, {
      language: config.language,
      namespace: effectiveNamespace(config),
      vipChannelEnabled: config.vipChannelEnabled,
    });
    this.namespace = effectiveNamespace(config);
    this.clientRemotingProcessor = new ClientRemotingProcessor(this.remotingClient);
    this.tasks = [
      new ScheduledTask('updateTopicRouteInfoFromNameServer', 10, config.pollNameServerIntervalMs, () =>
        this.updateAllTopicRouteInfoFromNameServer(),
      this.log),
      new ScheduledTask('sendHeartbeatToAllBroker', 1000, config.heartbeatBrokerIntervalMs, async () => {
        await this.cleanOfflineBroker();
        await this.sendHeartbeatToAllBrokerWithLock();
      }, this.log),
      new ScheduledTask('persistAllConsumerOffset', 10_000, PERSIST_CONSUMER_OFFSET_INTERVAL_MS, () => this.persistAllConsumerOffset(), this.log),
      new ScheduledTask('rebalanceService', REBALANCE_INTERVAL_MS, REBALANCE_INTERVAL_MS, () => this.doRebalance(), this.log),
    ];
  }

  get serviceState(): ServiceState {
    return this.state;
  }

  /** Java `MQClientInstance.start`: CREATE_JUST -> START_FAILED -> RUNNING; RUNNING is a no-op. */
  start(): void {
    switch (this.state) {
      case 'CREATE_JUST':
        this.state = 'START_FAILED';
        if (this.config.enableHeartbeatChannelEventListener) this.remotingClient.on('connected', this.onConnected);
        for (const t of this.tasks) t.start();
        // The inner producer's start(false): registers CLIENT_INNER_PRODUCER.
        this.registerProducer(CLIENT_INNER_PRODUCER_GROUP, innerProducer);
        this.log.info('the client factory start OK', { clientId: this.clientId });
        this.state = 'RUNNING';
        return;
      case 'START_FAILED':
        throw new ClientStateError(
          this.state,
          `The Factory object[${this.clientId}] has been created before, and failed.`,
        );
      default:
        return;
    }
  }

  registerProducer(group: string, producer: MQProducerInner): boolean {
    if (this.producerTable.has(group)) {
      this.log.warn('the producer group exist already', { group });
      return false;
    }
    this.producerTable.set(group, producer);
    return true;
  }

  /** Removes the group and sends UNREGISTER_CLIENT for it to every known broker address. */
  async unregisterProducer(group: string): Promise<void> {
    this.producerTable.delete(group);
    await this.unregisterClient(group, undefined);
  }

  private async unregisterClient(producerGroup: string | undefined, consumerGroup: string | undefined): Promise<void> {
    const targets: Array<[string, number, string]> = [];
    for (const [brokerName, addrs] of this.brokerAddrTable) {
      for (const [id, addr] of addrs) targets.push([brokerName, id, addr]);
    }
    // Java unregisters one broker after another; in parallel, one dead broker does not stretch shutdown.
    await Promise.all(
      targets.map(async ([brokerName, id, addr]) => {
        try {
          await this.api.unregisterClient(addr, this.clientId, producerGroup, consumerGroup, this.config.mqClientApiTimeoutMs);
          this.log.info('unregister client success', { producerGroup, consumerGroup, brokerName, id, addr });
        } catch (err) {
          this.log.warn('unregister client failed', { addr, err });
        }
      }),
    );
  }

  /** Java `registerConsumer`: false when the group is already registered in this instance. */
  registerConsumer(group: string, consumer: MQConsumerInner): boolean {
    if (this.consumerTable.has(group)) {
      this.log.warn('the consumer group exist already', { group });
      return false;
    }
    this.consumerTable.set(group, consumer);
    return true;
  }

  /** Removes the group and sends UNREGISTER_CLIENT for it to every known broker address. */
  async unregisterConsumer(group: string): Promise<void> {
    this.consumerTable.delete(group);
    await this.unregisterClient(undefined, group);
  }

  /** Java `RebalanceService.wakeup` / `rebalanceImmediately`: one rebalance now (runs that overlap are merged). */
  rebalanceImmediately(): Promise<void> {
    if (this.rebalanceRun) {
      this.rebalanceAgain = true;
      return this.rebalanceRun;
    }
    this.rebalanceRun = (async () => {
      do {
        this.rebalanceAgain = false;
        await this.doRebalance();
      } while (this.rebalanceAgain && this.state === 'RUNNING');
    })().finally(() => (this.rebalanceRun = undefined));
    return this.rebalanceRun;
  }

  /** Java `doRebalance`: every consumer, errors logged. */
  async doRebalance(): Promise<void> {
    for (const [group, c] of [...this.consumerTable]) {
      try {
        await c.doRebalance();
      } catch (err) {
        this.log.error('doRebalance failed', { group, err });
      }
    }
  }

  /** Java `persistAllConsumerOffset`. */
  async persistAllConsumerOffset(): Promise<void> {
    for (const c of [...this.consumerTable.values()]) await c.persistConsumerOffset();
  }

  /**
   * Java `MQClientInstance.shutdown`: only once no producer but the inner one is left. Unregisters the
   * inner producer, stops every timer, closes every connection and leaves the registry.
   */
  shutdown(): Promise<void> {
    if (this.producerTable.size > 1 || this.consumerTable.size > 0) return Promise.resolve();
    if (this.state !== 'RUNNING') return this.shutdownPromise ?? Promise.resolve();
    this.state = 'SHUTDOWN_ALREADY';
    // Leave the registry at once, so a producer started meanwhile gets a fresh instance.
    this.onShutdown?.();
    // Route updates queued behind the lock give up now instead of holding timers until their timeout.
    this.namesrvLock.close();
    this.heartbeatLock.close();
    this.shutdownPromise = (async () => {
      this.remotingClient.off('connected', this.onConnected);
      await Promise.all(this.tasks.map((t) => t.stop()));
      await this.rebalanceRun;
      await this.unregisterProducer(CLIENT_INNER_PRODUCER_GROUP);
      await this.remotingClient.shutdown();
      this.log.info('the client factory shutdown OK', { clientId: this.clientId });
      this.logs.close();
    })();
    return this.shutdownPromise;
  }

  // ---------------------------------------------------------------- routes

  /** The periodic task: refresh the route of every topic any producer publishes to. */
  async updateAllTopicRouteInfoFromNameServer(): Promise<void> {
    const topics = new Set<string>();
    for (const p of this.producerTable.values()) for (const t of p.getPublishTopicList()) topics.add(t);
    for (const c of this.consumerTable.values()) for (const sd of c.subscriptions()) topics.add(sd.topic);
    // Like Java, a transport failure aborts the rest of this round (the scheduler logs it).
    for (const topic of topics) await this.updateTopicRouteInfoFromNameServer(topic);
  }

  /**
   * Java `updateTopicRouteInfoFromNameServer(topic, isDefault, producer)`. One name-server refresh at
   * a time per instance (3 s try-lock: a caller that cannot get it within 3 s skips, returning false);
   * concurrent callers for the same topic share one fetch. With `defaultTopicQueueNums` the TBW102
   * route is fetched, clamped, and stored as the route of `topic`. Response errors are logged and give
   * false; transport errors are rethrown (Java rethrows them as IllegalStateException). `timeoutMs`
   * (default `mqClientApiTimeoutMs`) bounds the wait for the lock and the lookup: a send passes what is
   * left of its budget.
   */
  updateTopicRouteInfoFromNameServer(topic: string, defaultTopicQueueNums?: number, timeoutMs?: number): Promise<boolean> {
    const key = defaultTopicQueueNums === undefined ? `T\u0000${topic}` : `D\u0000${topic}\u0000${defaultTopicQueueNums}`;
    const inFlight = this.routeFetches.get(key);
    if (inFlight) return inFlight;
    const p = this.doUpdateTopicRoute(topic, defaultTopicQueueNums, timeoutMs ?? this.config.mqClientApiTimeoutMs).finally(() =>
      this.routeFetches.delete(key),
    );
    this.routeFetches.set(key, p);
    return p;
  }

  private async doUpdateTopicRoute(topic: string, defaultTopicQueueNums: number | undefined, timeoutMs: number): Promise<boolean> {
    const begin = Date.now();
    const lockWaitMs = Math.min(LOCK_TIMEOUT_MS, timeoutMs);
    if (!(await this.namesrvLock.tryLock(lockWaitMs))) {
      this.log.warn(`updateTopicRouteInfoFromNameServer tryLock timeout ${lockWaitMs}ms`, { clientId: this.clientId });
      return false;
    }
    try {
      const timeout = timeoutMs - (Date.now() - begin);
      if (timeout <= 0) return false;
      let route: TopicRouteData;
      if (defaultTopicQueueNums !== undefined) {
        route = await this.api.getDefaultTopicRouteInfoFromNameServer(timeout);
        for (const qd of route.queueDatas) {
          const n = Math.min(defaultTopicQueueNums, qd.readQueueNums);
          qd.readQueueNums = n;
          qd.writeQueueNums = n;
        }
      } else {
        route = await this.api.getTopicRouteInfoFromNameServer(topic, timeout);
      }
      const old = this.topicRouteTable.get(topic);
      let changed = topicRouteDataChanged(route, old);
      if (!changed) changed = this.isNeedUpdateTopicRouteInfo(topic);
      else this.log.info('the topic route info changed', { topic });
      if (!changed) return false;
      for (const bd of route.brokerDatas) this.brokerAddrTable.set(bd.brokerName, new Map(bd.brokerAddrs));
      const info = topicRouteData2TopicPublishInfo(topic, route);
      info.haveTopicRouterInfo = true;
      for (const p of this.producerTable.values()) p.updateTopicPublishInfo(topic, info);
      if (this.consumerTable.size > 0) {
        const subscribeInfo = topicRouteData2TopicSubscribeInfo(topic, route);
        for (const c of this.consumerTable.values()) c.updateTopicSubscribeInfo(topic, subscribeInfo);
      }
      this.topicRouteTable.set(topic, cloneTopicRouteData(route));
      return true;
    } catch (err) {
      // Rethrown to the caller (a send, or the refresh task that logs it): not logged here too.
      if (err instanceof RemotingError && err.code !== 'ERR_REMOTING_PROTOCOL') throw err;
      if (!topic.startsWith(RETRY_GROUP_TOPIC_PREFIX) && topic !== AUTO_CREATE_TOPIC_KEY_TOPIC) {
        // Java logs this at warn into its own log file; an unknown topic is the normal first step of
        // auto-creation, so only other failures are warnings here.
        const unknownTopic = err instanceof BrokerResponseError && err.responseCode === ResponseCode.TOPIC_NOT_EXIST;
        this.log[unknownTopic ? 'info' : 'warn']('updateTopicRouteInfoFromNameServer failed', { topic, err });
      }
      return false;
    } finally {
      this.namesrvLock.unlock();
    }
  }

  private isNeedUpdateTopicRouteInfo(topic: string): boolean {
    for (const p of this.producerTable.values()) if (p.isPublishTopicNeedUpdate(topic)) return true;
    for (const c of this.consumerTable.values()) if (c.isSubscribeTopicNeedUpdate(topic)) return true;
    return false;
  }

  /** Java `cleanOfflineBroker`: forget addresses no cached route mentions any more. */
  async cleanOfflineBroker(): Promise<void> {
    if (!(await this.namesrvLock.tryLock(LOCK_TIMEOUT_MS))) return;
    try {
      for (const [brokerName, addrs] of [...this.brokerAddrTable]) {
        const kept = new Map([...addrs].filter(([, addr]) => this.isBrokerAddrExistInTopicRouteTable(addr)));
        if (kept.size < addrs.size) this.log.info('the broker addr is offline, remove it', { brokerName });
        if (kept.size === 0) this.brokerAddrTable.delete(brokerName);
        else this.brokerAddrTable.set(brokerName, kept);
      }
    } finally {
      this.namesrvLock.unlock();
    }
  }

  private isBrokerAddrExistInTopicRouteTable(addr: string): boolean {
    for (const route of this.topicRouteTable.values()) {
      for (const bd of route.brokerDatas) for (const a of bd.brokerAddrs.values()) if (a === addr) return true;
    }
    return false;
  }

  /** Java `findBrokerAddressInPublish`: the master address of a broker name. */
  findBrokerAddressInPublish(brokerName: string | undefined): string | undefined {
    if (brokerName === undefined) return undefined;
    return this.brokerAddrTable.get(brokerName)?.get(MASTER_ID);
  }

  /**
   * Java `findBrokerAddressInSubscribe`: the address of `brokerId` of a broker, else (unless
   * `onlyThisBroker`) any address of it; `slave` says whether that is not the master.
   */
  findBrokerAddressInSubscribe(brokerName: string, brokerId: number, onlyThisBroker: boolean): { brokerAddr: string; slave: boolean } | undefined {
    const addrs = this.brokerAddrTable.get(brokerName);
    if (!addrs || addrs.size === 0) return undefined;
    const exact = addrs.get(brokerId);
    if (exact !== undefined) return { brokerAddr: exact, slave: brokerId !== MASTER_ID };
    if (onlyThisBroker) return undefined;
    const [id, addr] = addrs.entries().next().value as [number, string];
    return { brokerAddr: addr, slave: id !== MASTER_ID };
  }

  /** Java `findBrokerAddrByTopic`: an address of a broker of the topic (a random one, as Java). */
  findBrokerAddrByTopic(topic: string): string | undefined {
    const route = this.topicRouteTable.get(topic);
    if (!route || route.brokerDatas.length === 0) return undefined;
    const bd = route.brokerDatas[Math.floor(Math.random() * route.brokerDatas.length)]!;
    return bd.brokerAddrs.get(MASTER_ID) ?? bd.brokerAddrs.values().next().value;
  }

  /** Java `findConsumerIdList`: the members of `group` as a broker of `topic` knows them. */
  async findConsumerIdList(topic: string, group: string): Promise<string[] | undefined> {
    let addr = this.findBrokerAddrByTopic(topic);
    if (addr === undefined) {
      await this.updateTopicRouteInfoFromNameServer(topic);
      addr = this.findBrokerAddrByTopic(topic);
    }
    if (addr === undefined) return undefined;
    try {
      return await this.api.getConsumerIdListByGroup(addr, group, this.config.mqClientApiTimeoutMs);
    } catch (err) {
      this.log.warn('getConsumerIdListByGroup failed', { addr, group, err });
      return undefined;
    }
  }

  /** Static topics are not supported, so the queue's own broker name. */
  getBrokerNameFromMessageQueue(mq: MessageQueue): string {
    return mq.brokerName;
  }

  // ------------------------------------------------------------ heartbeats

  private prepareHeartbeatData(): HeartbeatData {
    const consumers: ConsumerData[] = [...this.consumerTable.values()].map((c) => ({
      groupName: c.groupName(),
      consumeType: c.consumeType(),
      messageModel: c.messageModel(),
      consumeFromWhere: c.consumeFromWhere(),
      subscriptionDataSet: [...c.subscriptions()],
      unitMode: c.isUnitMode(),
    }));
    return createHeartbeatData(this.clientId, this.producerTable.keys(), consumers);
  }

  /**
   * Java `sendHeartbeatToAllBrokerWithLock`: a try-lock that never waits (an overlapping call skips
   * and returns false). Masters only unless a consumer is registered (slaves serve pulls). Failures are logged.
   */
  async sendHeartbeatToAllBrokerWithLock(): Promise<boolean> {
    if (!this.heartbeatLock.tryLockNow()) {
      this.log.warn('lock heartBeat, but failed', { clientId: this.clientId });
      return false;
    }
    try {
      const data = this.prepareHeartbeatData();
      if (data.producerDataSet.length === 0 && data.consumerDataSet.length === 0) {
        this.log.warn('sending heartbeat, but no consumer and no producer', { clientId: this.clientId });
        return false;
      }
      if (this.brokerAddrTable.size === 0) return false;
      const consumerEmpty = data.consumerDataSet.length === 0;
      for (const [brokerName, addrs] of [...this.brokerAddrTable]) {
        for (const [id, addr] of [...addrs]) {
          if (consumerEmpty && id !== MASTER_ID) continue;
          await this.sendHeartbeatTo(id, brokerName, addr, data);
        }
      }
      return true;
    } catch (err) {
      this.log.error('sendHeartbeatToAllBroker exception', { err });
      return false;
    } finally {
      this.heartbeatLock.unlock();
    }
  }

  /** One broker, under the same try-lock (Java `sendHeartbeatToBroker(id, name, addr, strictLockMode)`). */
  async sendHeartbeatToBroker(id: number, brokerName: string, addr: string, strictLockMode = true): Promise<boolean> {
    if (!this.heartbeatLock.tryLockNow()) {
      if (strictLockMode) this.log.warn('lock heartBeat, but failed', { clientId: this.clientId });
      return false;
    }
    try {
      const data = this.prepareHeartbeatData();
      if (data.producerDataSet.length === 0 && data.consumerDataSet.length === 0) return false;
      return await this.sendHeartbeatTo(id, brokerName, addr, data);
    } finally {
      this.heartbeatLock.unlock();
    }
  }

  private async sendHeartbeatTo(id: number, brokerName: string, addr: string, data: HeartbeatData): Promise<boolean> {
    try {
      const version = await this.api.sendHeartbeat(addr, data, this.config.mqClientApiTimeoutMs);
      let versions = this.brokerVersionTable.get(brokerName);
      if (!versions) this.brokerVersionTable.set(brokerName, (versions = new Map()));
      versions.set(addr, version);
      if (this.heartbeatCount++ % 20 === 0) this.log.info('send heart beat to broker success', { brokerName, id, addr });
      return true;
    } catch (err) {
      const known = this.isBrokerAddrExistInTopicRouteTable(addr);
      this.log.warn(
        known ? 'send heart beat to broker failed' : 'send heart beat to broker failed, because the broker not up, forget it',
        { brokerName, id, addr, err },
      );
      return false;
    }
  }

  /** Java's channel listener: a new connection to a known broker address gets a heartbeat at once. */
  private async onChannelActive(remoteAddr: string): Promise<void> {
    if (this.state !== 'RUNNING') return;
    try {
      for (const [brokerName, addrs] of this.brokerAddrTable) {
        for (const [id, addr] of addrs) {
          if (addr === remoteAddr) {
            await this.sendHeartbeatToBroker(id, brokerName, addr, false);
            return;
          }
        }
      }
    } catch (err) {
      this.log.warn('heartbeat on new connection failed', { remoteAddr, err });
    }
  }
}
