import { ClientStateError } from '../errors';
import type { Logger } from '../logger';
import { LogDeduplicator } from '../log-deduplicator';
import type { RemotingClient } from '../remoting/remoting-client';
import type { RPCHook } from '../remoting/rpc-hook';
import { getDefaultLogger } from '../logger';
import { effectiveNamespace } from './client-config';
import { createInstanceRemotingClient, type ClientInstanceConfig } from './client-instance-config';
import { ClientRemotingProcessor } from './client-remoting-processor';
import { ClientRouteTables } from './client-route-tables';
import { HeartbeatSender } from './heartbeat-sender';
import type { MessageQueue } from './message-queue';
import type { MQConsumerInner } from './mq-consumer-inner';
import type { MQProducerInner } from './mq-producer-inner';
import { CLIENT_INNER_PRODUCER_GROUP } from '../message/validators';
import { MQClientAPI } from './mq-client-api';
import { RebalanceService } from './rebalance-service';
import type { TopicRouteData } from './route/topic-route-data';
import { ScheduledTask } from './scheduled-task';
import type { ServiceState } from './service-state';
import { TopicRouteRefresher } from './topic-route-refresher';

// Kept importable from here, where callers have always found them.

/** Java `ClientConfig.persistConsumerOffsetInterval`. */
const PERSIST_CONSUMER_OFFSET_INTERVAL_MS = 5000;
/** Java `RebalanceService` wait interval (`rocketmq.client.rebalance.waitInterval`). */
const REBALANCE_INTERVAL_MS = 20_000;

/** The inner producer stands in for Java's `CLIENT_INNER_PRODUCER` DefaultMQProducer: heartbeats and unregisters only. */
const innerProducer: MQProducerInner = {
  getPublishTopicList: () => [],
  isPublishTopicNeedUpdate: () => false,
  updateTopicPublishInfo: () => {},
  isUnitMode: () => false,
};

/**
 * Java `MQClientInstance`: one remoting client, the route and broker-address tables, route polling,
 * heartbeats, rebalancing and broker housekeeping, shared by every producer and consumer with the same
 * clientId. The work is done by its parts (`TopicRouteRefresher`, `HeartbeatSender`, `RebalanceService`,
 * `ClientRouteTables`); this class owns their life cycle and the group registry.
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
  private readonly tables = new ClientRouteTables();
  readonly topicRouteTable: Map<string, TopicRouteData> = this.tables.topicRouteTable;
  /** brokerName -> (brokerId -> address). */
  readonly brokerAddrTable: Map<string, Map<number, string>> = this.tables.brokerAddrTable;
  /** brokerName -> (address -> broker version from its heartbeat answer). */
  readonly brokerVersionTable: Map<string, Map<string, number>> = this.tables.brokerVersionTable;

  private state: ServiceState = 'CREATE_JUST';
  private readonly log: Logger;
  /** Condenses repeated events of this instance and its remoting client (a dead peer fails every call alike). */
  private readonly logs: LogDeduplicator;
  private readonly routes: TopicRouteRefresher;
  private readonly heartbeats: HeartbeatSender;
  private readonly rebalance: RebalanceService;
  private readonly tasks: ScheduledTask[];
  private shutdownPromise: Promise<void> | undefined;
  private readonly onConnected = (addr: string): void => {
    if (this.state === 'RUNNING') void this.heartbeats.onChannelActive(addr);
  };

  constructor(config: ClientInstanceConfig, clientId: string, rpcHook?: RPCHook, private readonly onShutdown?: () => void) {
    this.config = { ...config, namesrvAddr: [...config.namesrvAddr] };
    this.clientId = clientId;
    this.logs = new LogDeduplicator(config.logger ?? getDefaultLogger(), config.logRepeatSummaryIntervalMs);
    const logger = this.logs.logger;
    this.log = logger.child('MQClientInstance');
    this.remotingClient = createInstanceRemotingClient(config, logger, rpcHook);
    this.api = new MQClientAPI(this.remotingClient, {
      language: config.language,
      namespace: effectiveNamespace(config),
      vipChannelEnabled: config.vipChannelEnabled,
    });
    this.namespace = effectiveNamespace(config);
    this.clientRemotingProcessor = new ClientRemotingProcessor(this.remotingClient);
    const parts = { api: this.api, tables: this.tables, groups: this, clientId, log: this.log };
    this.routes = new TopicRouteRefresher({ ...parts, defaultTimeoutMs: config.mqClientApiTimeoutMs });
    this.heartbeats = new HeartbeatSender({ ...parts, timeoutMs: config.mqClientApiTimeoutMs });
    this.rebalance = new RebalanceService(this, () => this.state === 'RUNNING', this.log);
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
    // Java unregisters one broker after another; in parallel, one dead broker does not stretch shutdown.
    await Promise.all(
      this.tables.brokerAddresses().map(async ({ brokerName, brokerId: id, addr }) => {
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
    return this.rebalance.rebalanceImmediately();
  }

  /** Java `doRebalance`: every consumer, errors logged. */
  doRebalance(): Promise<void> {
    return this.rebalance.doRebalance();
  }

  /** Java `persistAllConsumerOffset`. */
  persistAllConsumerOffset(): Promise<void> {
    return this.rebalance.persistAllConsumerOffset();
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
    this.routes.close();
    this.heartbeats.close();
    this.shutdownPromise = (async () => {
      this.remotingClient.off('connected', this.onConnected);
      await Promise.all(this.tasks.map((t) => t.stop()));
      await this.rebalance.inFlight;
      await this.unregisterProducer(CLIENT_INNER_PRODUCER_GROUP);
      await this.remotingClient.shutdown();
      this.log.info('the client factory shutdown OK', { clientId: this.clientId });
      this.logs.close();
    })();
    return this.shutdownPromise;
  }

  // ------------------------------------------------- routes and addresses

  /** The periodic task: refresh the route of every topic a producer publishes to or a consumer subscribes. */
  updateAllTopicRouteInfoFromNameServer(): Promise<void> {
    return this.routes.updateAllTopicRouteInfoFromNameServer();
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
    return this.routes.updateTopicRouteInfoFromNameServer(topic, defaultTopicQueueNums, timeoutMs);
  }

  /** Java `cleanOfflineBroker`: forget addresses no cached route mentions any more. */
  cleanOfflineBroker(): Promise<void> {
    return this.routes.cleanOfflineBroker();
  }

  /** Java `findBrokerAddressInPublish`: the master address of a broker name. */
  findBrokerAddressInPublish(brokerName: string | undefined): string | undefined {
    return this.tables.findBrokerAddressInPublish(brokerName);
  }

  /** Java `findBrokerAddressInSubscribe`; see `ClientRouteTables`. */
  findBrokerAddressInSubscribe(brokerName: string, brokerId: number, onlyThisBroker: boolean): { brokerAddr: string; slave: boolean } | undefined {
    return this.tables.findBrokerAddressInSubscribe(brokerName, brokerId, onlyThisBroker);
  }

  /** Java `findBrokerAddrByTopic`: an address of a broker of the topic (a random one, as Java). */
  findBrokerAddrByTopic(topic: string): string | undefined {
    return this.tables.findBrokerAddrByTopic(topic);
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

  /** Java `sendHeartbeatToAllBrokerWithLock`; see `HeartbeatSender`. */
  sendHeartbeatToAllBrokerWithLock(): Promise<boolean> {
    return this.heartbeats.sendHeartbeatToAllBrokerWithLock();
  }

  /** One broker, under the same try-lock (Java `sendHeartbeatToBroker(id, name, addr, strictLockMode)`). */
  sendHeartbeatToBroker(id: number, brokerName: string, addr: string, strictLockMode = true): Promise<boolean> {
    return this.heartbeats.sendHeartbeatToBroker(id, brokerName, addr, strictLockMode);
  }
}
