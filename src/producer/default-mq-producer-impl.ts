import { ClientError, ClientErrorCode, ClientStateError, InvalidArgumentError, SendOutcomeUnknownError, TopicRouteNotFoundError } from '../errors';
import { getDefaultLogger, type Logger } from '../logger';
import { LogDeduplicator } from '../log-deduplicator';
import type { RPCHook } from '../remoting/rpc-hook';
import { instanceConfigOf } from '../client/client-instance-config';
import { effectiveNamespace, type ClientConfig } from '../client/client-config';
import { MessageQueue } from '../client/message-queue';
import { registerProducerRequestHandlers } from './producer-request-handlers';
import { MQClientManager } from '../client/mq-client-manager';
import type { MQClientInstance } from '../client/mq-client-instance';
import type { MQProducerInner, TransactionCheckHandler } from '../client/mq-producer-inner';
import { withoutNamespace, wrapNamespace } from '../message/namespace';
import { ScheduledTask } from '../client/scheduled-task';
import type { ServiceState } from '../client/service-state';
import { createTopic, fetchPublishMessageQueues } from '../client/mq-admin';
import { TopicPublishInfo } from '../client/route/topic-publish-info';
import { MQFaultStrategy } from './latency-fault-tolerance';
import type { ProducerConfig } from './producer-config';
import type { MessageQueueSelector } from './queue-selector';
import { AsyncSendBackpressure } from './send-backpressure';
import type { CheckForbiddenHook, CommunicationMode, SendMessageHook } from './send-hooks';
import { SendHookRunner } from './send-hook-runner';
import { InflightSends } from './inflight-sends';
import { SendBudget } from './send-error-classifier';
import { SendPipeline, throwIfAborted, type SendOutcome } from './send-pipeline';
import type { AsyncSendShared } from './async-send';
import type { SendCallback } from './send-result';
import type { OutgoingMessage } from './send-request-builder';
import type { SendResult } from './send-result';
import { checkMessage, checkSystemTopic, checkTopic, CLIENT_INNER_PRODUCER_GROUP, checkProducerGroup } from '../message/validators';

/** One send call's parameters after the public API has sorted out its overloads. */
export interface SendParams {
  timeoutMs: number;
  queue?: MessageQueue;
  selector?: MessageQueueSelector;
  arg?: unknown;
  signal?: AbortSignal;
  /** The call's budget when it started before `send` (async: at the public call); else made from `timeoutMs`. */
  budget?: SendBudget;
}

/**
 * Java `DefaultMQProducerImpl`: the service state, the per-topic publish info, queue selection with
 * the fault strategy, and every send path (default selection with retries, explicit queue, selector;
 * sync, async, oneway). Topics reach it already namespaced (the public class wraps them).
 *
 * @internal
 */
export class DefaultMQProducerImpl implements MQProducerInner {
  readonly topicPublishInfoTable = new Map<string, TopicPublishInfo>();
  readonly sendMessageHooks: SendMessageHook[] = [];
  readonly checkForbiddenHooks: CheckForbiddenHook[] = [];
  readonly retryResponseCodes: Set<number>;
  readonly faultStrategy: MQFaultStrategy;
  readonly log: Logger;
  /** Condenses repeated send failures (one line per failed attempt would bury the first). */
  private readonly logs: LogDeduplicator;
  /** Set by a transaction producer while it takes the broker's checks. */
  transactionCheckHandler: TransactionCheckHandler | undefined;
  private state: ServiceState = 'CREATE_JUST';
  private mQClientFactory: MQClientInstance | undefined;
  private readonly backpressure: AsyncSendBackpressure | undefined;
  private pipeline: SendPipeline | undefined;
  private asyncShared: AsyncSendShared | undefined;
  private namespaceOf: { readonly value: string | undefined } | undefined;
  /** Accepted sends not settled yet: shutdown waits for them (`shutdownTimeoutMs`). */
  private readonly inflight = new InflightSends();
  /** Set once shutdown stopped waiting: no attempt or retry starts after it. */
  private abandoning = false;
  private detector: ScheduledTask | undefined;
  /** Mutable like Java's ClientConfig: start() rewrites instanceName and the group. */
  private instanceName: string;
  producerGroup: string;

  constructor(
    readonly config: ProducerConfig,
    private readonly rpcHook: RPCHook | undefined,
  ) {
    this.producerGroup = config.producerGroup;
    this.instanceName = config.instanceName;
    this.retryResponseCodes = new Set(config.retryResponseCodes);
    this.logs = new LogDeduplicator(config.logger ?? getDefaultLogger(), config.logRepeatSummaryIntervalMs);
    this.log = this.logs.logger.child('producer');
    this.faultStrategy = new MQFaultStrategy({
      sendLatencyFaultEnable: config.sendLatencyFaultEnable,
      startDetectorEnable: config.startDetectorEnable,
      latencyMaxMs: config.latencyMaxMs,
      notAvailableDurationMs: config.notAvailableDurationMs,
      detectTimeoutMs: config.detectTimeoutMs,
      detectIntervalMs: config.detectIntervalMs,
    });
    if (config.enableBackpressureForAsyncMode) {
      this.backpressure = new AsyncSendBackpressure(config.backPressureForAsyncSendNum, config.backPressureForAsyncSendSizeBytes);
    }
  }

  get namespace(): string | undefined {
    // The config never changes after parsing: worked out once, not on every send.
    if (this.namespaceOf === undefined) this.namespaceOf = { value: effectiveNamespace(this.config) };
    return this.namespaceOf.value;
  }
  get factory(): MQClientInstance {
    if (!this.mQClientFactory) throw new ClientStateError(this.state, `The producer service state not OK, ${this.state}`);
    return this.mQClientFactory;
  }
  get serviceState(): ServiceState {
    return this.state;
  }
  /** @internal */
  get clientInstance(): MQClientInstance | undefined {
    return this.mQClientFactory;
  }

  // ------------------------------------------------------------ MQProducerInner

  getPublishTopicList(): Iterable<string> {
    return [...this.topicPublishInfoTable.keys()];
  }
  isPublishTopicNeedUpdate(topic: string): boolean {
    const prev = this.topicPublishInfoTable.get(topic);
    return prev === undefined || !prev.ok();
  }
  updateTopicPublishInfo(topic: string, info: TopicPublishInfo): void {
    this.topicPublishInfoTable.set(topic, info);
  }
  getTransactionCheckHandler(): TransactionCheckHandler | undefined {
    return this.transactionCheckHandler;
  }

  isUnitMode(): boolean {
    return this.config.unitMode;
  }

  // ------------------------------------------------------------ life cycle

  /**
   * Java `DefaultMQProducerImpl.start` (protocol.md 10.6). The group arrives namespaced. A duplicate
   * group in the same client instance is refused and the state goes back to CREATE_JUST, as in Java.
   */
  async start(): Promise<void> {
    switch (this.state) {
      case 'CREATE_JUST':
        break;
      default:
        throw new ClientStateError(this.state, `The producer service state not OK, maybe started once, ${this.state}`);
    }
    this.state = 'START_FAILED';
    checkProducerGroup(this.producerGroup);
    if (this.producerGroup !== CLIENT_INNER_PRODUCER_GROUP) this.changeInstanceNameToPID();
    const factory = MQClientManager.getInstance().getOrCreateMQClientInstance(this.instanceConfig(), this.rpcHook);
    this.mQClientFactory = factory;
    if (!factory.registerProducer(this.producerGroup, this)) {
      this.state = 'CREATE_JUST';
      throw new InvalidArgumentError(
        `The producer group[${this.producerGroup}] has been created before, specify another name please.`,
      );
    }
    registerProducerRequestHandlers(factory, this.log);
    this.pipeline = new SendPipeline({
      config: this.config,
      producerGroup: this.producerGroup,
      namespace: this.namespace,
      factory,
      faults: this.faultStrategy,
      hooks: new SendHookRunner(this.sendMessageHooks, this.checkForbiddenHooks, this.log),
      retryResponseCodes: this.retryResponseCodes,
      log: this.log,
      findRoute: (topic, budget) => this.tryToFindTopicPublishInfo(topic, budget),
      isClosing: () => this.abandoning,
    });
    const pipeline = this.pipeline;
    this.asyncShared = {
      inflight: this.inflight,
      log: this.log,
      outcomeUnknown: (out) => this.outcomeUnknown(out),
      answered: (send, err, response) => pipeline.asyncAnswered(send, err, response),
    };
    factory.start();
    await this.initTopicRoute();
    this.startDetector();
    this.log.info('the producer start OK', { group: this.producerGroup });
    this.state = 'RUNNING';
    await factory.sendHeartbeatToAllBrokerWithLock();
  }

  /** Java `ClientConfig.changeInstanceNameToPID`: `DEFAULT` becomes `pid#hrtime`, one client instance per producer. */
  private changeInstanceNameToPID(): void {
    if (this.instanceName === 'DEFAULT') this.instanceName = `${process.pid}#${process.hrtime.bigint()}`;
  }

  private instanceConfig(): ClientConfig & { clientIP: string } {
    return instanceConfigOf(this.config, this.instanceName);
  }

  private async initTopicRoute(): Promise<void> {
    for (const topic of this.config.topics ?? []) {
      const wrapped = wrapNamespace(this.namespace, topic);
      try {
        const info = await this.tryToFindTopicPublishInfo(wrapped);
        if (!info.ok()) this.log.warn(`No route info of this topic: ${wrapped}`);
      } catch (err) {
        this.log.warn(`No route info of this topic: ${wrapped}`, { err });
      }
    }
  }

  private startDetector(): void {
    if (!this.faultStrategy.startDetectorEnable) return;
    const factory = this.factory;
    this.detector = new ScheduledTask(
      'latencyFaultDetector',
      3000,
      3000,
      () =>
        this.faultStrategy.tolerance.detectByOneRound(
          (name) => factory.findBrokerAddressInPublish(name),
          async (addr, timeoutMs) => {
            const topic = this.topicPublishInfoTable.keys().next().value;
            if (topic === undefined) return false;
            await factory.api.getMaxOffset(addr, topic, 0, timeoutMs);
            return true;
          },
        ),
      this.log,
    );
    this.detector.start();
  }

  /**
   * Java `DefaultMQProducerImpl.shutdown`, made graceful: new sends are refused at once, the sends in
   * flight get up to `shutdownTimeoutMs` to settle, those still pending then fail with
   * `SendOutcomeUnknownError` (no attempt or retry starts after that); then it unregisters, and the
   * instance decides whether to close.
   */
  async shutdown(): Promise<void> {
    if (this.state !== 'RUNNING') return;
    this.state = 'SHUTDOWN_ALREADY';
    // Async sends still waiting for a permit were never sent: they fail now rather than at their timeout.
    this.backpressure?.close();
    const inflight = this.inflight.size;
    if (inflight > 0 && !(await this.inflight.drain(this.config.shutdownTimeoutMs))) {
      this.abandoning = true;
      const abandoned = this.inflight.abandon();
      this.log.warn('shutdown: sends still in flight at shutdownTimeoutMs failed with SendOutcomeUnknownError', {
        inflight,
        abandoned,
        shutdownTimeoutMs: this.config.shutdownTimeoutMs,
      });
    }
    this.abandoning = true;
    const factory = this.factory;
    await this.detector?.stop();
    await factory.unregisterProducer(this.producerGroup);
    await factory.shutdown();
    this.log.info('the producer shutdown OK', { group: this.producerGroup });
    this.logs.close();
  }

  makeSureStateOK(): void {
    if (this.state !== 'RUNNING') {
      throw new ClientStateError(this.state, `The producer service state not OK, ${this.state}`);
    }
  }

  // ------------------------------------------------------------ routes and queues

  /**
   * Java `tryToFindTopicPublishInfo` (protocol.md 8.5): the topic's route, else TBW102's. With a send's
   * budget, each lookup takes at most what is left of it (Java gives each `mqClientApiTimeout` on top).
   */
  async tryToFindTopicPublishInfo(topic: string, budget?: SendBudget): Promise<TopicPublishInfo> {
    const factory = this.factory;
    const lookup = (defaultQueueNums?: number): Promise<boolean> => {
      if (budget === undefined) return factory.updateTopicRouteInfoFromNameServer(topic, defaultQueueNums);
      budget.check('route lookup');
      const timeoutMs = Math.min(this.config.mqClientApiTimeoutMs, budget.left());
      return budget.race('route lookup', factory.updateTopicRouteInfoFromNameServer(topic, defaultQueueNums, timeoutMs));
    };
    let info = this.topicPublishInfoTable.get(topic);
    if (info === undefined || !info.ok()) {
      // Java would fail with a connect error wrapped in IllegalStateException; say what is wrong instead.
      this.validateNameServerSetting();
      if (!this.topicPublishInfoTable.has(topic)) this.topicPublishInfoTable.set(topic, new TopicPublishInfo());
      await lookup();
      info = this.topicPublishInfoTable.get(topic)!;
    }
    if (info.haveTopicRouterInfo || info.ok()) return info;
    await lookup(this.config.defaultTopicQueueNums);
    return this.topicPublishInfoTable.get(topic)!;
  }

  /** Java `validateNameServerSetting`. */
  private validateNameServerSetting(): void {
    if (this.factory.remotingClient.getNameServerAddressList().length === 0) {
      throw new ClientError(ClientErrorCode.NO_NAME_SERVER_EXCEPTION, 'No name server address, please set it.');
    }
  }

  /** The publish info of a (namespaced) topic with at least one queue, else why there is none. */
  private async requireRoute(topic: string, budget: SendBudget): Promise<TopicPublishInfo> {
    const info = await this.tryToFindTopicPublishInfo(topic, budget);
    if (!info.ok()) {
      this.validateNameServerSetting();
      // A lookup that gave up waiting for the route lock at the deadline is a timeout, not a missing route.
      budget.check('route lookup');
      throw new TopicRouteNotFoundError(withoutNamespace(topic, this.namespace), `No route info of this topic: ${topic}`);
    }
    return info;
  }

  /** The queue list a selector or `fetchPublishMessageQueues` caller sees: topics without the namespace. */
  private userQueues(queues: readonly MessageQueue[]): MessageQueue[] {
    const ns = this.namespace;
    return queues.map((q) => q.withTopic(withoutNamespace(q.topic, ns)));
  }

  // ------------------------------------------------------------ send paths

  private check(out: OutgoingMessage): void {
    this.makeSureStateOK();
    const msg = out.msg;
    // The message itself when it carries the topic as sent (no namespace, or a batch): no wrapper per send.
    const checkable = msg.topic === out.topic ? msg : { topic: out.topic, body: msg.body, getUserProperty: (n: string) => msg.getUserProperty(n) };
    checkMessage(checkable, this.config.maxMessageSize);
  }

  /** Sync and oneway sends: refused unless RUNNING, tracked until settled (shutdown waits for them). */
  send(out: OutgoingMessage, mode: 'SYNC' | 'ONEWAY', p: SendParams): Promise<SendOutcome> {
    this.makeSureStateOK();
    return this.inflight.track(this.dispatch(out, mode, p), () => this.outcomeUnknown(out));
  }

  private outcomeUnknown(out: OutgoingMessage): SendOutcomeUnknownError {
    const msgId = out.msg.getProperty('UNIQ_KEY');
    return new SendOutcomeUnknownError(
      out.topic,
      msgId,
      `send to ${out.topic}${msgId ? ` (msgId ${msgId})` : ''} had not settled when the producer shut down ` +
        `(shutdownTimeoutMs ${this.config.shutdownTimeoutMs}): the broker may or may not have stored it`,
    );
  }

  /**
   * Every send lands here. Sync and oneway return once done; async returns the pending completion
   * (`SendOutcome.completion`) as soon as the request is handed to the connection.
   */
  private async dispatch(out: OutgoingMessage, mode: CommunicationMode, p: SendParams): Promise<SendOutcome> {
    const budget = p.budget ?? new SendBudget(p.timeoutMs);
    this.check(out);
    throwIfAborted(p.signal);
    if (p.queue) {
      const mq = p.queue.withTopic(wrapNamespace(this.namespace, p.queue.topic));
      if (out.topic !== mq.topic) throw new InvalidArgumentError("message's topic not equal mq's topic");
      return this.sendPipeline.sendToQueue({ out, mq, mode, info: undefined, timeoutMs: budget.left(), budget, signal: p.signal });
    }
    if (p.selector) return this.sendSelectImpl(out, mode, p, budget);
    return this.sendDefaultImpl(out, mode, p, budget);
  }

  /** Java `sendSelectImpl`: one attempt to the queue the selector picks, no retries. */
  private async sendSelectImpl(out: OutgoingMessage, mode: CommunicationMode, p: SendParams, budget: SendBudget): Promise<SendOutcome> {
    const info = await this.requireRoute(out.topic, budget);
    let picked: MessageQueue | undefined;
    try {
      const chosen: unknown = p.selector!(this.userQueues(info.messageQueueList), out.msg, p.arg);
      if (chosen != null) picked = MessageQueue.from(chosen as MessageQueue);
    } catch (err) {
      throw new ClientError(-1, 'select message queue threw exception.', { cause: err });
    }
    budget.check('sendSelectImpl');
    if (!picked) throw new ClientError(-1, 'select message queue return null.');
    const mq = picked.withTopic(wrapNamespace(this.namespace, picked.topic));
    return this.sendPipeline.sendToQueue({ out, mq, mode, info: undefined, timeoutMs: budget.left(), budget, signal: p.signal });
  }

  /** Java `sendDefaultImpl` (protocol.md 12.2), run by the send pipeline on the topic's publish info. */
  private async sendDefaultImpl(out: OutgoingMessage, mode: CommunicationMode, p: SendParams, budget: SendBudget): Promise<SendOutcome> {
    const info = await this.requireRoute(out.topic, budget);
    return this.sendPipeline.sendDefault(out, mode, info, budget, p.signal);
  }

  private get sendPipeline(): SendPipeline {
    if (!this.pipeline) throw new ClientStateError(this.state, `The producer service state not OK, ${this.state}`);
    return this.pipeline;
  }

  /**
   * Java's async `send(msg, callback)` up to the hand-over: state check, the backpressure permits
   * (Java's BackpressureSendCallBack) and the budget check, then the send; settles with the broker's answer.
   */
  sendAsync(out: OutgoingMessage, p: SendParams, begin: number): Promise<SendResult> {
    this.makeSureStateOK();
    return this.inflight.track(this.sendAsyncWithPermit(out, p, begin), () => this.outcomeUnknown(out));
  }

  private async sendAsyncWithPermit(out: OutgoingMessage, p: SendParams, begin: number): Promise<SendResult> {
    const budget = new SendBudget(p.timeoutMs, begin);
    if (!this.backpressure) return this.sendAsyncInBudget(out, p, budget);
    const ticket = await this.backpressure.acquire(out.msg.body.length, budget.deadline);
    try {
      return await this.sendAsyncInBudget(out, p, budget);
    } finally {
      ticket.release();
    }
  }

  private async sendAsyncInBudget(out: OutgoingMessage, p: SendParams, budget: SendBudget): Promise<SendResult> {
    budget.check('DEFAULT ASYNC send');
    const outcome = await this.dispatch(out, 'ASYNC', { ...p, budget });
    return outcome.completion!;
  }

  /**
   * The common async send (default queue selection, a known route, no backpressure) on the callback path
   * (`SendPipeline.trySendAsync`): true when it took the send, false when nothing happened and the send
   * goes through `sendAsync` (which then also reports any error).
   */
  trySendAsync(out: OutgoingMessage, timeoutMs: number, begin: number, callback: SendCallback): boolean {
    const pipeline = this.pipeline;
    if (this.state !== 'RUNNING' || this.backpressure !== undefined || pipeline === undefined) return false;
    const info = this.topicPublishInfoTable.get(out.topic);
    if (info === undefined || !info.ok()) return false;
    const budget = new SendBudget(timeoutMs, begin);
    if (budget.spent()) return false;
    try {
      this.check(out);
    } catch {
      return false;
    }
    return pipeline.trySendAsync(out, info, budget, callback, this.asyncShared!);
  }

  /** @internal For tests. */
  get backpressureState(): { availableNum: number; availableBytes: number } | undefined {
    return this.backpressure ? { availableNum: this.backpressure.availableNum, availableBytes: this.backpressure.availableBytes } : undefined;
  }

  // ------------------------------------------------------------ admin

  /** Java `MQAdminImpl.fetchPublishMessageQueues`: a fresh route lookup, writable master queues. */
  async fetchPublishMessageQueues(topic: string): Promise<MessageQueue[]> {
    this.makeSureStateOK();
    return this.userQueues(await fetchPublishMessageQueues(this.factory.api, topic));
  }

  /** Java `MQAdminImpl.createTopic` (see src/client/mq-admin.ts). */
  async createTopic(key: string, newTopic: string, queueNum: number, topicSysFlag = 0): Promise<void> {
    this.makeSureStateOK();
    checkTopic(newTopic);
    checkSystemTopic(newTopic);
    if (!Number.isInteger(queueNum) || queueNum < 1) throw new InvalidArgumentError(`queueNum must be a positive integer, got ${queueNum}`);
    await createTopic(this.factory.api, key, newTopic, queueNum, topicSysFlag);
  }
}
