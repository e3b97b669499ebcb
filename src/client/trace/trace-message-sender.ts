import { BrokerResponseError, ClientStateError, RocketMQError, TopicRouteNotFoundError } from '../../errors';
import type { Message } from '../../message/message';
import { setUniqId } from '../../message/message-id';
import { messageProperties2String } from '../../message/message-properties';
import { AUTO_CREATE_TOPIC_KEY_TOPIC } from '../../message/validators';
import type { RPCHook } from '../../remoting/rpc-hook';
import { RequestCode } from '../../remoting/protocol/request-code';
import type { ClientConfig } from '../client-config';
import { instanceConfigOf } from '../client-instance-config';
import type { MQClientInstance } from '../mq-client-instance';
import { MQClientManager } from '../mq-client-manager';
import type { MQProducerInner } from '../mq-producer-inner';
import { buildHeader } from '../request-builders';
import type { TopicPublishInfo } from '../route/topic-publish-info';
import { sendStatusFromResponseCode } from '../send-status';
import { traceInstanceName } from './trace-context';
import type { TraceProducer } from './trace-dispatcher';

/** Java's producer default `retryTimesWhenSendFailed` (2): three attempts in all. */
const SEND_ATTEMPTS = 3;

/**
 * The trace producer of a consumer (Java gives its `AsyncTraceDispatcher` a `DefaultMQProducer`; a
 * consumer may not import the producer here, so the client layer sends): registered under its own
 * group in the client instance `PID_CLIENT_INNER_TRACE_PRODUCER_<namesrv>` (shared with the producers'
 * trace producers of this process, as in Java), it keeps the trace topic's route and sends each trace
 * message with SEND_MESSAGE_V2 to the next queue, up to three attempts. Trace bodies stay uncompressed.
 *
 * @internal
 */
export class TraceMessageSender implements TraceProducer, MQProducerInner {
  private readonly publishInfo = new Map<string, TopicPublishInfo>();
  private factory: MQClientInstance | undefined;

  constructor(
    private readonly host: ClientConfig,
    readonly producerGroup: string,
    private readonly rpcHook?: RPCHook,
  ) {}

  async start(): Promise<void> {
    if (this.factory) return;
    const instanceName = traceInstanceName(this.host.namesrvAddr);
    const config = { ...instanceConfigOf(this.host, instanceName), vipChannelEnabled: false };
    const factory = MQClientManager.getInstance().getOrCreateMQClientInstance(config, this.rpcHook);
    if (!factory.registerProducer(this.producerGroup, this)) {
      throw new ClientStateError('CREATE_JUST', `The producer group[${this.producerGroup}] has been created before`);
    }
    this.factory = factory;
    factory.start();
  }

  async shutdown(): Promise<void> {
    const factory = this.factory;
    if (!factory) return;
    this.factory = undefined;
    await factory.unregisterProducer(this.producerGroup);
    await factory.shutdown();
  }

  async send(msg: Message, options: { timeoutMs: number }): Promise<void> {
    const factory = this.factory;
    if (!factory) throw new ClientStateError('SHUTDOWN_ALREADY', 'the trace sender is not running');
    const deadline = Date.now() + options.timeoutMs;
    let info = this.publishInfo.get(msg.topic);
    if (!info?.ok()) {
      await factory.updateTopicRouteInfoFromNameServer(msg.topic, undefined, options.timeoutMs);
      info = this.publishInfo.get(msg.topic);
    }
    if (!info?.ok()) throw new TopicRouteNotFoundError(msg.topic);
    setUniqId(msg);
    const properties = messageProperties2String(msg.properties);
    let lastError: unknown;
    for (let attempt = 0; attempt < SEND_ATTEMPTS; attempt++) {
      const left = deadline - Date.now();
      if (left <= 0) break;
      const queues = info.messageQueueList;
      const mq = queues[info.sendWhichQueue.incrementAndGet() % queues.length]!;
      const addr = factory.findBrokerAddressInPublish(mq.brokerName);
      if (addr === undefined) continue;
      const request = buildHeader.sendMessageV2(RequestCode.SEND_MESSAGE_V2, {
        producerGroup: this.producerGroup,
        topic: msg.topic,
        defaultTopic: AUTO_CREATE_TOPIC_KEY_TOPIC,
        defaultTopicQueueNums: 4,
        queueId: mq.queueId,
        sysFlag: 0,
        bornTimestamp: BigInt(Date.now()),
        flag: msg.flag,
        properties,
        reconsumeTimes: 0,
        unitMode: false,
        batch: false,
        brokerName: mq.brokerName,
      }, msg.body);
      try {
        const response = await factory.api.sendMessage(addr, request, left);
        // A status (SEND_OK or a flush/slave timeout) means the message is stored.
        if (sendStatusFromResponseCode(response.code) !== undefined) return;
        lastError = new BrokerResponseError(response.code, response.remark, addr);
      } catch (err) {
        if (!(err instanceof RocketMQError)) throw err;
        lastError = err;
      }
    }
    throw lastError ?? new TopicRouteNotFoundError(msg.topic, `no broker address for the trace topic ${msg.topic}`);
  }

  // ------------------------------------------------------------ MQProducerInner

  getPublishTopicList(): Iterable<string> {
    return this.publishInfo.keys();
  }
  isPublishTopicNeedUpdate(topic: string): boolean {
    return !this.publishInfo.get(topic)?.ok();
  }
  updateTopicPublishInfo(topic: string, info: TopicPublishInfo): void {
    this.publishInfo.set(topic, info);
  }
  isUnitMode(): boolean {
    return false;
  }
}
