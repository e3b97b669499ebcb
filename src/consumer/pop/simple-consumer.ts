import { ClientStateError, InvalidArgumentError, RequestAbortedError, TopicRouteNotFoundError } from '../../errors';
import { getDefaultLogger, type Logger } from '../../logger';
import { effectiveNamespace } from '../../client/client-config';
import { instanceConfigOf } from '../../client/client-instance-config';
import type { ConsumeFromWhere, ConsumeType, MessageModel } from '../../client/heartbeat-data';
import type { MQClientInstance } from '../../client/mq-client-instance';
import { MQClientManager } from '../../client/mq-client-manager';
import type { MQConsumerInner } from '../../client/mq-consumer-inner';
import { isReadable } from '../../client/route/topic-route-data';
import type { ServiceState } from '../../client/service-state';
import { buildSubscriptionData, type SubscriptionData } from '../../client/subscription-data';
import { wrapNamespace } from '../../message/namespace';
import { checkGroup, checkTopic } from '../../message/validators';
import { parseReceiptHandle } from './extra-info';
import { ackMessage, changeInvisibleTime, ConsumeInitMode, popMessage, type AckTarget } from './pop-api';
import { MessageView } from './message-view';
import { filterExpressionSchema, parseSimpleConsumerOptions, type FilterExpression, type SimpleConsumerConfig, type SimpleConsumerOptions } from './simple-consumer-config';
import { masterAddressOf } from '../broker-offset-lookups';
import { registerConsumerRequestHandlers } from '../consumer-request-handlers';

/** The broker refuses more than 32 messages in one pop. */
const MAX_MESSAGES = 32;
/** Bounds of an invisible duration: 1 s (shorter lets the revive overtake the handler) to the proxy's 12 h. */
const MIN_INVISIBLE_MS = 1000;
const MAX_INVISIBLE_MS = 12 * 3600_000;

function checkInvisibleDuration(ms: unknown): asserts ms is number {
  if (typeof ms !== 'number' || !Number.isInteger(ms) || ms < MIN_INVISIBLE_MS || ms > MAX_INVISIBLE_MS) {
    throw new InvalidArgumentError(`invisibleDurationMs must be an integer in [${MIN_INVISIBLE_MS}, ${MAX_INVISIBLE_MS}], got ${String(ms)}`);
  }
}

/**
 * Pop consumption (RocketMQ 5.x) with the shape of the official gRPC clients' `SimpleConsumer`, over
 * the remoting protocol, straight to the brokers (no proxy): `receive` pops up to `maxMessages`
 * messages from one subscribed topic (topics in turn, the brokers holding readable queues of it in
 * turn, the broker picking the queue), which stay invisible to the group for `invisibleDurationMs`;
 * `ack` removes one for good; a message neither acked nor made invisible longer comes back after
 * that time with `reconsumeTimes` one higher (the broker serves it from `%RETRY%<group>_<topic>`,
 * but `topic` stays the subscribed one). The group is registered in heartbeats as `CONSUME_POP`.
 *
 * A 4.9 broker has no pop: every call to it rejects with `BrokerFeatureNotSupportedError`.
 *
 * ```ts
 * const consumer = new SimpleConsumer({ consumerGroup: 'g', namesrvAddr: '127.0.0.1:9876', subscriptions: { T: '*' } });
 * await consumer.start();
 * for (const m of await consumer.receive(16, 30_000)) { handle(m); await consumer.ack(m); }
 * ```
 */
export class SimpleConsumer implements MQConsumerInner {
  private readonly config: SimpleConsumerConfig;
  private readonly log: Logger;
  private readonly namespace: string | undefined;
  /** Topic (as the user names it) -> subscription as heartbeats carry it (topic namespaced). */
  private readonly subscriptionTable = new Map<string, SubscriptionData>();
  private state: ServiceState = 'CREATE_JUST';
  private factory: MQClientInstance | undefined;
  private instanceName: string;
  private topicIndex = 0;
  private readonly brokerIndex = new Map<string, number>();
  /** Aborts the long polls still waiting when shutdown() is called. */
  private readonly closing = new AbortController();

  constructor(options: SimpleConsumerOptions) {
    this.config = parseSimpleConsumerOptions(options);
    this.log = (this.config.logger ?? getDefaultLogger()).child('SimpleConsumer');
    this.namespace = effectiveNamespace(this.config);
    this.instanceName = this.config.instanceName;
    checkGroup(this.config.consumerGroup);
    for (const [topic, filter] of this.config.subscriptions) this.putSubscription(topic, filter);
  }

  get consumerGroup(): string {
    return this.config.consumerGroup;
  }

  get serviceState(): ServiceState {
    return this.state;
  }

  // ------------------------------------------------------------ MQConsumerInner

  groupName(): string {
    return wrapNamespace(this.namespace, this.config.consumerGroup);
  }
  consumeType(): ConsumeType {
    return 'CONSUME_POP';
  }
  messageModel(): MessageModel {
    return 'CLUSTERING';
  }
  consumeFromWhere(): ConsumeFromWhere {
    return this.config.consumeFromWhere;
  }
  subscriptions(): Iterable<SubscriptionData> {
    return [...this.subscriptionTable.values()];
  }
  /** The broker assigns queues to pop consumers itself: nothing to rebalance or persist here. */
  doRebalance(): Promise<void> {
    return Promise.resolve();
  }
  persistConsumerOffset(): Promise<void> {
    return Promise.resolve();
  }
  updateTopicSubscribeInfo(): void {}
  isSubscribeTopicNeedUpdate(topic: string): boolean {
    return this.factory !== undefined && !this.factory.topicRouteTable.has(topic);
  }
  isUnitMode(): boolean {
    return this.config.unitMode;
  }

  // ------------------------------------------------------------ life cycle

  /** Registers the group with a client instance, fetches the routes of the subscribed topics and sends a heartbeat. */
  async start(): Promise<void> {
    if (this.state !== 'CREATE_JUST') {
      throw new ClientStateError(this.state, `The consumer service state not OK, maybe started once, ${this.state}`);
    }
    this.state = 'START_FAILED';
    if (this.instanceName === 'DEFAULT') this.instanceName = `${process.pid}#${process.hrtime.bigint()}`;
    const factory = MQClientManager.getInstance().getOrCreateMQClientInstance(
      instanceConfigOf(this.config, this.instanceName),
      this.config.rpcHook,
    );
    if (!factory.registerConsumer(this.groupName(), this)) {
      this.state = 'CREATE_JUST';
      throw new InvalidArgumentError(`The consumer group[${this.config.consumerGroup}] has been created before, specify another name please.`);
    }
    this.factory = factory;
    // The broker also sends pop groups NOTIFY_CONSUMER_IDS_CHANGED; the shared handlers answer it.
    registerConsumerRequestHandlers(factory, this.log);
    factory.start();
    for (const sd of this.subscriptionTable.values()) {
      try {
        await factory.updateTopicRouteInfoFromNameServer(sd.topic);
      } catch (err) {
        this.log.warn('route lookup failed', { topic: sd.topic, err });
      }
    }
    this.state = 'RUNNING';
    await factory.sendHeartbeatToAllBrokerWithLock();
    this.log.info('the simple consumer start OK', { group: this.config.consumerGroup });
  }

  /**
   * Stops: long polls still waiting reject with `RequestAbortedError` (what they popped becomes
   * visible again after its invisible time), the group is unregistered, the instance shuts down
   * when nothing else uses it.
   */
  async shutdown(): Promise<void> {
    if (this.state !== 'RUNNING') return;
    this.state = 'SHUTDOWN_ALREADY';
    this.closing.abort(new RequestAbortedError('the consumer is shutting down'));
    const factory = this.requireFactory();
    await factory.unregisterConsumer(this.groupName());
    await factory.shutdown();
    this.log.info('the simple consumer shutdown OK', { group: this.config.consumerGroup });
  }

  // ------------------------------------------------------------ subscriptions

  /** Adds or replaces a subscription (`'*'`, a tag expression, or `{ expression, type: 'SQL92' }`). */
  async subscribe(topic: string, filter: string | FilterExpression = '*'): Promise<void> {
    const parsed = filterExpressionSchema().safeParse(filter);
    if (!parsed.success) throw new InvalidArgumentError(`invalid filter expression for topic ${topic}`);
    const sd = this.putSubscription(topic, typeof parsed.data === 'string' ? { expression: parsed.data } : parsed.data);
    if (this.state === 'RUNNING') {
      const factory = this.requireFactory();
      await factory.updateTopicRouteInfoFromNameServer(sd.topic);
      await factory.sendHeartbeatToAllBrokerWithLock();
    }
  }

  unsubscribe(topic: string): void {
    this.subscriptionTable.delete(topic);
  }

  private putSubscription(topic: string, filter: FilterExpression): SubscriptionData {
    checkTopic(topic);
    const sd = buildSubscriptionData(wrapNamespace(this.namespace, topic), filter.expression, filter.type ?? 'TAG');
    this.subscriptionTable.set(topic, sd);
    return sd;
  }

  // ------------------------------------------------------------ receive, ack, change invisible time

  /**
   * Pops up to `maxMessages` (1..32) messages of the next subscribed topic, waiting up to
   * `awaitDurationMs` for some to arrive; [] when none did. They stay invisible to the group for
   * `invisibleDurationMs`, then come back unless acked.
   */
  async receive(maxMessages = 10, invisibleDurationMs = 15_000): Promise<MessageView[]> {
    if (!Number.isInteger(maxMessages) || maxMessages < 1 || maxMessages > MAX_MESSAGES) {
      throw new InvalidArgumentError(`maxMessages must be an integer in [1, ${MAX_MESSAGES}], got ${String(maxMessages)}`);
    }
    checkInvisibleDuration(invisibleDurationMs);
    const factory = this.makeSureStateOK();
    const topics = [...this.subscriptionTable.keys()];
    if (topics.length === 0) throw new InvalidArgumentError('no subscription: subscribe to a topic first');
    const topic = topics[this.topicIndex++ % topics.length]!;
    const sd = this.subscriptionTable.get(topic)!;
    const [brokerName, brokerAddr] = await this.selectBroker(factory, sd.topic);
    const result = await popMessage(
      factory.remotingClient,
      {
        brokerName,
        brokerAddr,
        consumerGroup: this.groupName(),
        topic: sd.topic,
        queueId: -1,
        maxMsgNums: maxMessages,
        invisibleTimeMs: invisibleDurationMs,
        pollTimeMs: this.config.awaitDurationMs,
        initMode: this.config.consumeFromWhere === 'CONSUME_FROM_FIRST_OFFSET' ? ConsumeInitMode.MIN : ConsumeInitMode.MAX,
        expType: sd.expressionType,
        exp: sd.subString,
        namespace: this.namespace,
      },
      this.closing.signal,
    );
    const views: MessageView[] = [];
    for (const m of result.messages) {
      const view = new MessageView(m, sd.topic);
      // Java re-checks tags (the broker filters by hash code only) and acks what does not match.
      if (sd.expressionType === 'TAG' && sd.tagsSet.length > 0 && !sd.tagsSet.includes(m.tags ?? '')) {
        this.ack(view).catch((err: unknown) => this.log.warn('ack of a filtered message failed', { err }));
      } else {
        views.push(view);
      }
    }
    return views;
  }

  /** Removes a received message for good. Rejects when the broker refuses (e.g. the handle expired and the message was revived). */
  async ack(message: MessageView): Promise<void> {
    const factory = this.makeSureStateOK();
    const target = await this.ackTarget(factory, message);
    await ackMessage(factory.remotingClient, target, this.config.mqClientApiTimeoutMs);
  }

  /**
   * Makes a received message invisible for `invisibleDurationMs` from now (a handler that needs more
   * time, or a retry sooner). The message's receipt handle is replaced with the new one, also returned.
   */
  async changeInvisibleDuration(message: MessageView, invisibleDurationMs: number): Promise<string> {
    checkInvisibleDuration(invisibleDurationMs);
    const factory = this.makeSureStateOK();
    const target = await this.ackTarget(factory, message);
    const handle = await changeInvisibleTime(factory.remotingClient, target, invisibleDurationMs, this.config.mqClientApiTimeoutMs);
    message.receiptHandle = handle;
    return handle;
  }

  private async ackTarget(factory: MQClientInstance, message: MessageView): Promise<AckTarget> {
    if (!(message instanceof MessageView)) throw new InvalidArgumentError('expected a message received by SimpleConsumer');
    const receiptHandle = message.receiptHandle;
    const { brokerName } = parseReceiptHandle(receiptHandle);
    const brokerAddr = await masterAddressOf(factory, { topic: message.wireTopic, brokerName });
    return { brokerAddr, consumerGroup: this.groupName(), topic: message.wireTopic, receiptHandle };
  }

  /** The next broker (round robin) holding readable queues of the topic, with its master address. */
  private async selectBroker(factory: MQClientInstance, topic: string): Promise<[string, string]> {
    let route = factory.topicRouteTable.get(topic);
    if (route === undefined) {
      await factory.updateTopicRouteInfoFromNameServer(topic);
      route = factory.topicRouteTable.get(topic);
    }
    const brokers: Array<[string, string]> = [];
    for (const qd of route?.queueDatas ?? []) {
      if (!isReadable(qd.perm) || qd.readQueueNums <= 0) continue;
      const addr = factory.findBrokerAddressInPublish(qd.brokerName);
      if (addr !== undefined) brokers.push([qd.brokerName, addr]);
    }
    if (brokers.length === 0) throw new TopicRouteNotFoundError(topic, `No readable queue of topic ${topic} on any master broker`);
    brokers.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
    const i = this.brokerIndex.get(topic) ?? 0;
    this.brokerIndex.set(topic, i + 1);
    return brokers[i % brokers.length]!;
  }

  private makeSureStateOK(): MQClientInstance {
    if (this.state !== 'RUNNING') throw new ClientStateError(this.state, `The consumer service state not OK, ${this.state}`);
    return this.requireFactory();
  }

  private requireFactory(): MQClientInstance {
    if (!this.factory) throw new ClientStateError(this.state, 'The consumer has not been started');
    return this.factory;
  }
}
