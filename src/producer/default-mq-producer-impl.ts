import {
  AccessDeniedError,
  BrokerResponseError,
  ClientError,
  ClientStateError,
  InvalidArgumentError,
  RemotingError,
  RemotingTimeoutError,
  RequestAbortedError,
  RocketMQError,
  RpcHookError,
  SendRetriesExhaustedError,
  TopicRouteNotFoundError,
} from '../errors';
import { getDefaultLogger, type Logger } from '../logger';
import type { RPCHook } from '../remoting/rpc-hook';
import { defaultClientIP } from '../client/client-ip';
import { effectiveNamespace, type ClientConfig } from '../client/client-config';
import { MessageQueue } from '../client/message-queue';
import { MQClientManager } from '../client/mq-client-manager';
import type { MQClientInstance, MQProducerInner } from '../client/mq-client-instance';
import { withoutNamespace, wrapNamespace } from '../client/namespace';
import { ScheduledTask } from '../client/scheduled-task';
import type { ServiceState } from '../client/service-state';
import { createTopic, fetchPublishMessageQueues } from '../client/mq-admin';
import { TopicPublishInfo } from '../client/route/topic-publish-info';
import type { CompressionType } from './compression';
import { MQFaultStrategy } from './latency-fault-tolerance';
import type { Message } from './message';
import type { ProducerConfig } from './producer-config';
import type { MessageQueueSelector } from './queue-selector';
import { AsyncSendBackpressure } from './send-backpressure';
import type { CheckForbiddenHook, CommunicationMode, SendMessageHook } from './send-hooks';
import { sendKernelImpl, type KernelHost, type KernelOutcome, type OutgoingMessage } from './send-kernel';
import type { SendResult } from './send-result';
import { checkMessage, checkSystemTopic, checkTopic, CLIENT_INNER_PRODUCER_GROUP, checkProducerGroup } from './validators';

/** `ClientErrorCode` values used by the send path. */
const NO_NAME_SERVER_EXCEPTION = 10004;

/** One send call's parameters after the public API has sorted out its overloads. */
export interface SendParams {
  timeoutMs: number;
  queue?: MessageQueue;
  selector?: MessageQueueSelector;
  arg?: unknown;
  signal?: AbortSignal;
}

/**
 * Java `DefaultMQProducerImpl`: the service state, the per-topic publish info, queue selection with
 * the fault strategy, and every send path (default selection with retries, explicit queue, selector;
 * sync, async, oneway). Topics reach it already namespaced (the public class wraps them).
 *
 * @internal
 */
export class DefaultMQProducerImpl implements MQProducerInner, KernelHost {
  readonly topicPublishInfoTable = new Map<string, TopicPublishInfo>();
  readonly sendMessageHooks: SendMessageHook[] = [];
  readonly checkForbiddenHooks: CheckForbiddenHook[] = [];
  readonly retryResponseCodes: Set<number>;
  readonly faultStrategy: MQFaultStrategy;
  readonly log: Logger;
  private state: ServiceState = 'CREATE_JUST';
  private mQClientFactory: MQClientInstance | undefined;
  private readonly backpressure: AsyncSendBackpressure | undefined;
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
    this.log = (config.logger ?? getDefaultLogger()).child('producer');
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

  // ------------------------------------------------------------ KernelHost

  get namespace(): string | undefined {
    return effectiveNamespace(this.config);
  }
  get namesrvAddr(): readonly string[] {
    return this.config.namesrvAddr;
  }
  get createTopicKey(): string {
    return this.config.createTopicKey;
  }
  get defaultTopicQueueNums(): number {
    return this.config.defaultTopicQueueNums;
  }
  get compressMsgBodyOverBytes(): number {
    return this.config.compressMsgBodyOverBytes;
  }
  get compressType(): CompressionType {
    return this.config.compressType;
  }
  get compressLevel(): number {
    return this.config.compressLevel;
  }
  get unitMode(): boolean {
    return this.config.unitMode;
  }
  get vipChannelEnabled(): boolean {
    return this.config.vipChannelEnabled;
  }
  get retryTimesWhenSendAsyncFailed(): number {
    return this.config.retryTimesWhenSendAsyncFailed;
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
    return { ...this.config, instanceName: this.instanceName, clientIP: this.config.clientIP ?? defaultClientIP() };
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

  /** Java `DefaultMQProducerImpl.shutdown`: only from RUNNING; unregisters, then the instance decides. */
  async shutdown(): Promise<void> {
    if (this.state !== 'RUNNING') return;
    this.state = 'SHUTDOWN_ALREADY';
    // Async sends still waiting for a permit fail now rather than at their timeout.
    this.backpressure?.close();
    const factory = this.factory;
    await this.detector?.stop();
    await factory.unregisterProducer(this.producerGroup);
    await factory.shutdown();
    this.log.info('the producer shutdown OK', { group: this.producerGroup });
  }

  makeSureStateOK(): void {
    if (this.state !== 'RUNNING') {
      throw new ClientStateError(this.state, `The producer service state not OK, ${this.state}`);
    }
  }

  // ------------------------------------------------------------ routes and queues

  /** Java `tryToFindTopicPublishInfo` (protocol.md 8.5): the topic's route, else TBW102's. */
  async tryToFindTopicPublishInfo(topic: string): Promise<TopicPublishInfo> {
    const factory = this.factory;
    let info = this.topicPublishInfoTable.get(topic);
    if (info === undefined || !info.ok()) {
      // Java would fail with a connect error wrapped in IllegalStateException; say what is wrong instead.
      this.validateNameServerSetting();
      if (!this.topicPublishInfoTable.has(topic)) this.topicPublishInfoTable.set(topic, new TopicPublishInfo());
      await factory.updateTopicRouteInfoFromNameServer(topic);
      info = this.topicPublishInfoTable.get(topic)!;
    }
    if (info.haveTopicRouterInfo || info.ok()) return info;
    await factory.updateTopicRouteInfoFromNameServer(topic, this.config.defaultTopicQueueNums);
    return this.topicPublishInfoTable.get(topic)!;
  }

  selectOneMessageQueue(info: TopicPublishInfo, lastBrokerName: string | undefined, resetIndex: boolean): MessageQueue | undefined {
    return this.faultStrategy.selectOneMessageQueue(info.messageQueueList, lastBrokerName, {
      index: info.sendWhichQueue,
      resetIndex,
    });
  }

  updateFaultItem(brokerName: string, latencyMs: number, isolation: boolean, reachable: boolean): void {
    this.faultStrategy.updateFaultItem(brokerName, latencyMs, isolation, reachable);
  }

  /** Java `validateNameServerSetting`. */
  private validateNameServerSetting(): void {
    if (this.factory.remotingClient.getNameServerAddressList().length === 0) {
      throw new ClientError(NO_NAME_SERVER_EXCEPTION, 'No name server address, please set it.');
    }
  }

  /** The publish info of a (namespaced) topic with at least one queue, else why there is none. */
  private async requireRoute(topic: string): Promise<TopicPublishInfo> {
    const info = await this.tryToFindTopicPublishInfo(topic);
    if (!info.ok()) {
      this.validateNameServerSetting();
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
    checkMessage({ topic: out.topic, body: out.msg.body, getUserProperty: (n) => out.msg.getUserProperty(n) }, this.config.maxMessageSize);
  }

  /**
   * Every public send lands here. Sync and oneway return once done; async returns the pending
   * completion (`KernelOutcome.completion`) as soon as the request is handed to the connection.
   */
  async send(out: OutgoingMessage, mode: CommunicationMode, p: SendParams): Promise<KernelOutcome> {
    const begin = Date.now();
    this.check(out);
    throwIfAborted(p.signal);
    if (p.queue) {
      const mq = p.queue.withTopic(wrapNamespace(this.namespace, p.queue.topic));
      if (out.topic !== mq.topic) throw new InvalidArgumentError("message's topic not equal mq's topic");
      return sendKernelImpl(this, { out, mq, mode, topicPublishInfo: undefined, timeoutMs: p.timeoutMs - (Date.now() - begin), signal: p.signal });
    }
    if (p.selector) return this.sendSelectImpl(out, mode, p, begin);
    return this.sendDefaultImpl(out, mode, p, begin);
  }

  /** Java `sendSelectImpl`: one attempt to the queue the selector picks, no retries. */
  private async sendSelectImpl(out: OutgoingMessage, mode: CommunicationMode, p: SendParams, begin: number): Promise<KernelOutcome> {
    const info = await this.requireRoute(out.topic);
    let picked: MessageQueue | undefined;
    try {
      const chosen: unknown = p.selector!(this.userQueues(info.messageQueueList), out.msg, p.arg);
      if (chosen != null) picked = MessageQueue.from(chosen as MessageQueue);
    } catch (err) {
      throw new ClientError(-1, 'select message queue threw exception.', { cause: err });
    }
    const cost = Date.now() - begin;
    if (p.timeoutMs < cost) throw new RemotingTimeoutError({ addr: '', timeoutMs: p.timeoutMs }, 'sendSelectImpl call timeout');
    if (!picked) throw new ClientError(-1, 'select message queue return null.');
    const mq = picked.withTopic(wrapNamespace(this.namespace, picked.topic));
    return sendKernelImpl(this, { out, mq, mode, topicPublishInfo: undefined, timeoutMs: p.timeoutMs - cost, signal: p.signal });
  }

  /**
   * Java `sendDefaultImpl` (protocol.md 12.2): 1 + retryTimesWhenSendFailed attempts for sync (one for
   * async and oneway), each on a queue away from the previous broker, all inside one `timeoutMs`.
   */
  private async sendDefaultImpl(out: OutgoingMessage, mode: CommunicationMode, p: SendParams, begin: number): Promise<KernelOutcome> {
    const timeout = p.timeoutMs;
    const info = await this.requireRoute(out.topic);
    const timesTotal = mode === 'SYNC' ? 1 + this.config.retryTimesWhenSendFailed : 1;
    const brokersSent: string[] = [];
    const errors: unknown[] = [];
    let mq: MessageQueue | undefined;
    let result: SendResult | undefined;
    let callTimeout = false;
    let times = 0;
    for (; times < timesTotal; times++) {
      const selected = this.selectOneMessageQueue(info, mq?.brokerName, times > 0);
      if (!selected) break;
      mq = selected;
      brokersSent[times] = mq.brokerName;
      const attemptBegin = Date.now();
      const cost = attemptBegin - begin;
      if (timeout <= cost) {
        callTimeout = true;
        break;
      }
      let curTimeout = timeout - cost;
      const maxPerRequest = this.config.sendMsgMaxTimeoutPerRequestMs;
      if (maxPerRequest > -1 && times + 1 < timesTotal && curTimeout > maxPerRequest) curTimeout = maxPerRequest;
      throwIfAborted(p.signal);
      try {
        const outcome = await sendKernelImpl(this, { out, mq, mode, topicPublishInfo: info, timeoutMs: curTimeout, signal: p.signal });
        this.updateFaultItem(mq.brokerName, Date.now() - attemptBegin, false, true);
        if (mode !== 'SYNC') return outcome;
        result = outcome.result!;
        if (result.sendStatus !== 'SEND_OK' && this.config.retryAnotherBrokerWhenNotStoreOK) continue;
        return outcome;
      } catch (err) {
        const latency = Date.now() - attemptBegin;
        errors.push(err);
        this.log.warn('sendKernelImpl exception, resend at once', { latency, broker: mq.brokerName, err });
        if (err instanceof RequestAbortedError) {
          this.updateFaultItem(mq.brokerName, latency, false, true);
          throw err;
        }
        if (err instanceof BrokerResponseError) {
          this.updateFaultItem(mq.brokerName, latency, true, false);
          // An ACL denial (AclClientRPCHook) would refuse the same credentials again: surface it as is.
          if (err instanceof AccessDeniedError) throw err;
          if (this.retryResponseCodes.has(err.responseCode)) continue;
          if (result) return { result };
          throw err;
        }
        if (err instanceof RemotingError) {
          this.updateFaultItem(mq.brokerName, latency, true, !this.faultStrategy.startDetectorEnable);
          continue;
        }
        // The broker answered (and maybe stored the message) before the user's hook threw: a resend
        // would store it twice.
        if (err instanceof RpcHookError && err.phase === 'doAfterResponse') {
          this.updateFaultItem(mq.brokerName, latency, false, true);
          throw err;
        }
        // Java's MQClientException branch (broker unknown, a check-forbidden veto): retried. An invalid
        // argument would fail the same way again, so it is thrown at once.
        this.updateFaultItem(mq.brokerName, latency, false, true);
        if (err instanceof InvalidArgumentError || !(err instanceof RocketMQError || err instanceof Error)) throw err;
        continue;
      }
    }
    if (result) return { result };
    if (callTimeout) {
      throw new RemotingTimeoutError(
        { addr: mq ? (this.factory.findBrokerAddressInPublish(mq.brokerName) ?? '') : '', timeoutMs: timeout },
        'sendDefaultImpl call timeout',
        { cause: errors[errors.length - 1] },
      );
    }
    const message =
      `Send [${times}] times, still failed, cost [${Date.now() - begin}]ms, Topic: ${out.topic}, ` +
      `BrokersSent: [${brokersSent.join(', ')}]`;
    throw new SendRetriesExhaustedError(message, errors, { retriable: lastRetriable(errors) });
  }

  /** Runs an async send's permits around it (Java's BackpressureSendCallBack). */
  async withBackpressure<T>(msg: Message, timeoutMs: number, begin: number, run: () => Promise<T>): Promise<T> {
    if (!this.backpressure) return run();
    const ticket = await this.backpressure.acquire(msg.body.length, begin + timeoutMs);
    try {
      return await run();
    } finally {
      ticket.release();
    }
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

function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new RequestAbortedError('send aborted', { cause: signal.reason });
}

function lastRetriable(errors: readonly unknown[]): boolean {
  const last = errors[errors.length - 1];
  return last instanceof RocketMQError ? last.retriable : false;
}
