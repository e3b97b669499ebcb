import { BrokerResponseError, RemotingProtocolError } from '../errors';
import type { LanguageName } from '../remoting/protocol/language-code';
import { RemotingCommand } from '../remoting/protocol/remoting-command';
import { RequestCode } from '../remoting/protocol/request-code';
import { ResponseCode } from '../remoting/protocol/response-code';
import type { RemotingClient } from '../remoting/remoting-client';
import { AUTO_CREATE_TOPIC_KEY_TOPIC } from '../message/validators';
import { encodeHeartbeatData, type HeartbeatData } from './heartbeat-data';
import { buildHeader, type TopicConfigFields } from './request-builders';
import { parseConsumerIdList } from './body/consumer-list-body';
import { parseLockBatchResponseBody, type LockBatchRequestBody } from './body/lock-batch-body';
import {
  encodeQueryAssignmentRequestBody,
  parseQueryAssignmentResponseBody,
  type MessageQueueAssignment,
  type QueryAssignmentRequestBody,
} from './body/assignment-body';
import { consumerRequest, type PullRequestCode, type PullRequestFields, type SendBackFields } from './consumer-request-builders';
import type { MessageQueue } from './message-queue';
import type { SubscriptionData } from './subscription-data';
import { processPullResponse, type PullResponse } from './pull-response';
import { parseRouteBody } from './route/parse-route-body';
import { decodeTopicRouteData, type TopicRouteData } from './route/topic-route-data';

export interface MQClientAPIConfig {
  /** `language` of HEART_BEAT requests (Java sets it from ClientConfig on that request only). */
  language: LanguageName;
  /** Deprecated client-side namespace of the instance (the producer strips it from its results). */
  namespace: string | undefined;
  /** Java `vipChannelEnabled`: admin calls go to the broker's VIP port (port - 2). */
  vipChannelEnabled: boolean;
}

/** Java `ClusterInfo`: broker names per cluster and the address table of each broker. */
export interface ClusterInfo {
  brokerAddrTable: Record<string, { cluster?: string; brokerName: string; brokerAddrs: Record<string, string> }>;
  clusterAddrTable: Record<string, string[]>;
}

/** Java `MixAll.brokerVIPChannel`: the same host on port - 2. */
export function brokerVIPChannel(enabled: boolean, addr: string): string {
  if (!enabled) return addr;
  const colon = addr.lastIndexOf(':');
  if (colon < 0) return addr;
  return `${addr.slice(0, colon)}:${Number(addr.slice(colon + 1)) - 2}`;
}

/**
 * Java `MQClientAPIImpl`, the requests a producer makes: route lookups (name server), sends,
 * heartbeats, unregistration and topic creation (broker). Response codes become typed errors;
 * transport errors pass through as they come from the remoting client.
 *
 * @internal
 */
export class MQClientAPI {
  constructor(
    readonly remoting: RemotingClient,
    private readonly config: MQClientAPIConfig,
  ) {}

  /**
   * GET_ROUTEINFO_BY_TOPIC (105) to a name server. Sends `acceptStandardJsonOnly=true` (and version
   * 479 >= 401), so new name servers quote numeric keys; the parser still accepts old, unquoted ones.
   * A non-success code becomes a `BrokerResponseError` (17 TOPIC_NOT_EXIST for an unknown topic). A
   * hung name server is bypassed for the next one within `timeoutMs` (`invokeNameServer`).
   */
  async getTopicRouteInfoFromNameServer(topic: string, timeoutMs: number): Promise<TopicRouteData> {
    const response = await this.remoting.invokeNameServer(() => buildHeader.getRouteInfo(topic), timeoutMs);
    if (response.code === ResponseCode.SUCCESS && response.body !== undefined && response.body.length > 0) {
      return decodeTopicRouteData(response.body);
    }
    throw new BrokerResponseError(response.code, response.remark, undefined);
  }

  /** The route of TBW102, which a topic that does not exist yet borrows (`getDefaultTopicRouteInfoFromNameServer`). */
  getDefaultTopicRouteInfoFromNameServer(timeoutMs: number): Promise<TopicRouteData> {
    return this.getTopicRouteInfoFromNameServer(AUTO_CREATE_TOPIC_KEY_TOPIC, timeoutMs);
  }

  /**
   * One send request (built by the producer) to a broker, answered with the broker's raw response: the
   * producer maps it (`processSendResponse`). Transport errors pass through as the remoting client raises them.
   */
  sendMessage(addr: string, request: RemotingCommand, timeoutMs: number, signal?: AbortSignal): Promise<RemotingCommand> {
    return this.remoting.invoke(addr, request, timeoutMs, signal ? { signal } : undefined);
  }

  sendMessageOneway(addr: string, request: RemotingCommand, timeoutMs: number): Promise<void> {
    return this.remoting.invokeOneway(addr, request, timeoutMs);
  }

  /** HEART_BEAT (34), answered with the broker's version. */
  async sendHeartbeat(addr: string, data: HeartbeatData, timeoutMs: number): Promise<number> {
    const request = buildHeader.heartbeat(encodeHeartbeatData(data));
    request.language = this.config.language;
    const response = await this.remoting.invoke(addr, request, timeoutMs);
    if (response.code === ResponseCode.SUCCESS) return response.version;
    throw new BrokerResponseError(response.code, response.remark, addr);
  }

  /** UNREGISTER_CLIENT (35). */
  async unregisterClient(
    addr: string,
    clientID: string,
    producerGroup: string | undefined,
    consumerGroup: string | undefined,
    timeoutMs: number,
  ): Promise<void> {
    const request = buildHeader.unregisterClient(clientID, producerGroup, consumerGroup);
    const response = await this.remoting.invoke(addr, request, timeoutMs);
    if (response.code !== ResponseCode.SUCCESS) throw new BrokerResponseError(response.code, response.remark, addr);
  }

  /** UPDATE_AND_CREATE_TOPIC (17) to one broker. */
  async createTopic(addr: string, defaultTopic: string, topicConfig: TopicConfigFields, timeoutMs: number): Promise<void> {
    const request = buildHeader.createTopic(defaultTopic, topicConfig);
    const target = brokerVIPChannel(this.config.vipChannelEnabled, addr);
    const response = await this.remoting.invoke(target, request, timeoutMs);
    if (response.code !== ResponseCode.SUCCESS) throw new BrokerResponseError(response.code, response.remark, target);
  }

  /** GET_MAX_OFFSET (30): the latency detector's probe. */
  async getMaxOffset(addr: string, topic: string, queueId: number, timeoutMs: number): Promise<bigint> {
    const request = buildHeader.getMaxOffset(topic, queueId);
    const response = await this.remoting.invoke(brokerVIPChannel(this.config.vipChannelEnabled, addr), request, timeoutMs);
    if (response.code !== ResponseCode.SUCCESS) throw new BrokerResponseError(response.code, response.remark, addr);
    const offset = response.extFields?.offset;
    return offset !== undefined && /^-?\d+$/.test(offset) ? BigInt(offset) : 0n;
  }

  /** GET_BROKER_CLUSTER_INFO (106) to a name server; the body always has fastjson's unquoted keys. */
  async getBrokerClusterInfo(timeoutMs: number): Promise<ClusterInfo> {
    const request = RemotingCommand.createRequest(RequestCode.GET_BROKER_CLUSTER_INFO);
    const response = await this.remoting.invoke(null, request, timeoutMs);
    if (response.code !== ResponseCode.SUCCESS) throw new BrokerResponseError(response.code, response.remark, undefined);
    const parsed = parseRouteBody(response.body) as Partial<ClusterInfo> | null;
    if (!parsed || typeof parsed !== 'object') throw new RemotingProtocolError('invalid cluster info body');
    return { brokerAddrTable: parsed.brokerAddrTable ?? {}, clusterAddrTable: parsed.clusterAddrTable ?? {} };
  }

  // ------------------------------------------------------------ consumer calls

  /**
   * PULL_MESSAGE (11), answered when the broker has messages or the suspend time ran out (long
   * polling: the call timeout must exceed `suspendTimeoutMillis`). Status per `processPullResponse`.
   * `code` LITE_PULL_MESSAGE (361) is the lite pull consumer's request on 5.x brokers.
   */
  async pullMessage(addr: string, fields: PullRequestFields, timeoutMs: number, code?: PullRequestCode): Promise<PullResponse> {
    const response = await this.remoting.invoke(addr, consumerRequest.pullMessage(fields, code), timeoutMs);
    return processPullResponse(response, addr);
  }

  /** QUERY_CONSUMER_OFFSET (14): the stored offset; QUERY_NOT_FOUND (22) and others become `BrokerResponseError`. */
  async queryConsumerOffset(addr: string, mq: MessageQueue, group: string, timeoutMs: number): Promise<bigint> {
    const request = consumerRequest.queryConsumerOffset(mq.brokerName, group, mq.topic, mq.queueId);
    const response = await this.remoting.invoke(addr, request, timeoutMs);
    this.check(response, addr);
    return longField(response, 'offset');
  }

  /** UPDATE_CONSUMER_OFFSET (15) as a checked request (queue release, shutdown: losing it means duplicates). */
  async updateConsumerOffset(addr: string, mq: MessageQueue, group: string, offset: bigint, timeoutMs: number): Promise<void> {
    const request = consumerRequest.updateConsumerOffset(mq.brokerName, group, mq.topic, mq.queueId, offset);
    this.check(await this.remoting.invoke(addr, request, timeoutMs), addr);
  }

  /** UPDATE_CONSUMER_OFFSET (15) oneway, as Java's periodic persist sends it. */
  updateConsumerOffsetOneway(addr: string, mq: MessageQueue, group: string, offset: bigint, timeoutMs: number): Promise<void> {
    const request = consumerRequest.updateConsumerOffset(mq.brokerName, group, mq.topic, mq.queueId, offset);
    return this.remoting.invokeOneway(addr, request, timeoutMs);
  }

  /** GET_CONSUMER_LIST_BY_GROUP (38): the client ids of the group's members. */
  async getConsumerIdListByGroup(addr: string, group: string, timeoutMs: number): Promise<string[]> {
    const response = await this.remoting.invoke(addr, consumerRequest.getConsumerListByGroup(group), timeoutMs);
    this.check(response, addr);
    return parseConsumerIdList(response.body);
  }

  /** CONSUMER_SEND_MSG_BACK (36): a consumed message handed back for a later retry, or the DLQ. */
  async consumerSendMessageBack(addr: string, fields: SendBackFields, timeoutMs: number): Promise<void> {
    this.check(await this.remoting.invoke(addr, consumerRequest.consumerSendMessageBack(fields), timeoutMs), addr);
  }

  /** SEARCH_OFFSET_BY_TIMESTAMP (29): the first offset stored at or after `timestamp` (epoch ms). */
  async searchOffset(addr: string, mq: MessageQueue, timestamp: number, timeoutMs: number): Promise<bigint> {
    const response = await this.remoting.invoke(addr, consumerRequest.searchOffset(mq.brokerName, mq.topic, mq.queueId, timestamp), timeoutMs);
    this.check(response, addr);
    return longField(response, 'offset');
  }

  /** GET_MIN_OFFSET (31). */
  async getMinOffset(addr: string, mq: MessageQueue, timeoutMs: number): Promise<bigint> {
    const response = await this.remoting.invoke(addr, consumerRequest.getMinOffset(mq.brokerName, mq.topic, mq.queueId), timeoutMs);
    this.check(response, addr);
    return longField(response, 'offset');
  }

  /** LOCK_BATCH_MQ (41): the queues the broker locked for this client. */
  async lockBatchMQ(addr: string, brokerName: string, body: LockBatchRequestBody, timeoutMs: number): Promise<MessageQueue[]> {
    const response = await this.remoting.invoke(addr, consumerRequest.lockBatchMQ(brokerName, body), timeoutMs);
    this.check(response, addr);
    return parseLockBatchResponseBody(response.body);
  }

  /**
   * CHECK_CLIENT_CONFIG (46), Java `checkClientInBroker`: may this broker filter with the subscription's
   * expression? A broker without `enablePropertyFilter` answers SYSTEM_ERROR, one that cannot compile
   * the expression SUBSCRIPTION_PARSE_FAILED; both become a `BrokerResponseError` with the remark.
   */
  async checkClientInBroker(addr: string, group: string, clientId: string, subscriptionData: SubscriptionData, timeoutMs: number): Promise<void> {
    const request = consumerRequest.checkClientConfig({ clientId, group, subscriptionData });
    const target = brokerVIPChannel(this.config.vipChannelEnabled, addr);
    this.check(await this.remoting.invoke(target, request, timeoutMs), target);
  }

  /** UNLOCK_BATCH_MQ (42), checked or oneway. */
  async unlockBatchMQ(addr: string, brokerName: string, body: LockBatchRequestBody, timeoutMs: number, oneway: boolean): Promise<void> {
    const request = consumerRequest.unlockBatchMQ(brokerName, body);
    if (oneway) return this.remoting.invokeOneway(addr, request, timeoutMs);
    this.check(await this.remoting.invoke(addr, request, timeoutMs), addr);
  }

  /**
   * QUERY_ASSIGNMENT (400, 5.x): the broker allocates the topic's queues among the group and says, per
   * queue, whether it is pulled or popped (`SET_MESSAGE_REQUEST_MODE` of the group).
   */
  async queryAssignment(addr: string, body: QueryAssignmentRequestBody, timeoutMs: number): Promise<MessageQueueAssignment[]> {
    const request = RemotingCommand.createRequest(RequestCode.QUERY_ASSIGNMENT, undefined, encodeQueryAssignmentRequestBody(body));
    const response = await this.remoting.invoke(brokerVIPChannel(this.config.vipChannelEnabled, addr), request, timeoutMs);
    this.check(response, addr);
    return parseQueryAssignmentResponseBody(response.body);
  }

  private check(response: RemotingCommand, addr: string): void {
    if (response.code !== ResponseCode.SUCCESS) throw new BrokerResponseError(response.code, response.remark, addr);
  }
}

/** A required long of a response header, or a protocol error. */
function longField(response: RemotingCommand, name: string): bigint {
  const v = response.extFields?.[name];
  if (v === undefined || !/^-?\d+$/.test(v)) throw new RemotingProtocolError(`response lacks ${name}`);
  return BigInt(v);
}
