import { ClientError, ClientErrorCode, TopicRouteNotFoundError } from '../errors';
import type { MessageQueue } from '../client/message-queue';
import { ClientRouteTables } from '../client/client-route-tables';
import type { MQClientAPI } from '../client/mq-client-api';
import { topicRouteData2TopicSubscribeInfo } from '../client/route/topic-publish-info';
import { MASTER_ID } from '../client/route/topic-route-data';
import { buildSubscriptionData, type SubscriptionData } from '../client/subscription-data';
import { silentLogger, type Logger } from '../logger';
import type { MessageExt } from '../message/message-decoder';
import { PullAPIWrapper, type PullClient } from './pull-api-wrapper';
import { AssignedMessageQueue } from './assigned-message-queue';
import { ConsumeRequestCache } from './consume-request-cache';
import { LitePullTaskTable, type LitePullTaskHost } from './lite-pull-task';

/** Where reading starts in every queue: the oldest message kept, the end, or the first stored at or after a time (epoch ms). */
export type ReadFrom = 'first' | 'last' | { timestamp: number };

export interface QueueReaderOptions {
  topic: string;
  /** The group named in pulls; no offset is ever committed for it. */
  consumerGroup: string;
  /** A tag expression (`*`, `a || b`). */
  subExpression?: string;
  from: ReadFrom;
  pullBatchSize?: number;
  /** How long the broker may hold a pull that found nothing (long polling). */
  brokerSuspendMaxTimeMs?: number;
  /** Budget of one pull; longer than the suspension. */
  pullTimeoutMs?: number;
  /** Budget of route and offset lookups. */
  requestTimeoutMs?: number;
  /** Queues stop pulling while this many messages wait to be polled. */
  bufferLimit?: number;
  logger?: Logger;
}

/**
 * Reads every readable queue of one topic from a chosen start, the way Java's lite pull consumer does
 * with `assign`: no rebalance, no heartbeat, nothing committed. The lite pull consumer's pull tasks (one
 * long-polling loop per queue) feed its buffer, which `poll` drains. The route and the broker addresses
 * come from the name server once at `start` and again when a broker cannot be found.
 */
export class QueueReader {
  private readonly wrapper: PullAPIWrapper;
  private readonly sub: SubscriptionData;
  private readonly log: Logger;
  private readonly routes = new ClientRouteTables();
  private readonly assigned = new AssignedMessageQueue();
  private readonly cache = new ConsumeRequestCache();
  private readonly tasks: LitePullTaskTable;
  private closed = false;
  private queues: MessageQueue[] = [];

  constructor(
    private readonly api: MQClientAPI,
    private readonly o: QueueReaderOptions,
  ) {
    this.log = o.logger ?? silentLogger;
    this.sub = buildSubscriptionData(o.topic, o.subExpression ?? '*', 'TAG');
    const client: PullClient = {
      api,
      findBrokerAddressInSubscribe: (name, id) => this.routes.findBrokerAddressInSubscribe(name, id, false),
      updateTopicRouteInfoFromNameServer: () => this.refreshRoute().then(() => true),
    };
    this.wrapper = new PullAPIWrapper(client, o.consumerGroup);
    const suspend = o.brokerSuspendMaxTimeMs ?? 15_000;
    const host: LitePullTaskHost = {
      log: this.log,
      settings: {
        pullBatchSize: o.pullBatchSize ?? 32,
        pullThresholdForAll: o.bufferLimit ?? 1024,
        pullThresholdForQueue: Number.MAX_SAFE_INTEGER,
        pullThresholdSizeForQueue: Number.MAX_SAFE_INTEGER,
        consumeMaxSpan: Number.MAX_SAFE_INTEGER,
        brokerSuspendMaxTimeMs: suspend,
        consumerTimeoutMsWhenSuspend: o.pullTimeoutMs ?? suspend + 5000,
        pullTimeDelayMsWhenException: 1000,
      },
      assigned: this.assigned,
      cache: this.cache,
      pullAPIWrapper: this.wrapper,
      isRunning: () => !this.closed,
      subscriptionFor: () => this.sub,
      fetchConsumeOffset: (mq) => this.startOffset(mq),
    };
    this.tasks = new LitePullTaskTable(() => host);
  }

  /** The queues being read (after `start`). */
  get messageQueues(): readonly MessageQueue[] {
    return this.queues;
  }

  /** Looks the topic up (an unknown one throws the name server's answer), finds each queue's start, starts pulling. */
  async start(): Promise<void> {
    const queues = [...(await this.refreshRoute())];
    if (queues.length === 0) throw new TopicRouteNotFoundError(this.o.topic, `topic ${this.o.topic} has no readable queue`);
    const starts = await Promise.all(queues.map((mq) => this.startOffset(mq)));
    this.queues = queues;
    this.assigned.update(queues);
    queues.forEach((mq, i) => this.assigned.updatePullOffset(mq, starts[i]!, this.assigned.get(mq)!.processQueue));
    this.tasks.update(queues);
  }

  /** The buffered messages, waiting up to `waitMs` for one when there are none; empty after `close`. */
  async poll(waitMs: number): Promise<MessageExt[]> {
    if (this.cache.length === 0 && !this.closed) await this.cache.waitForArrival(waitMs);
    const out: MessageExt[] = [];
    for (const r of this.cache.takeAll()) {
      r.processQueue.removeMessage(r.messages);
      out.push(...r.messages);
    }
    return out;
  }

  /** Stops the loops; pulls in flight are abandoned (their answers are dropped). */
  close(): void {
    this.closed = true;
    this.tasks.cancelWhere(() => true);
    this.cache.close();
  }

  private async refreshRoute(): Promise<Set<MessageQueue>> {
    const route = await this.api.getTopicRouteInfoFromNameServer(this.o.topic, this.o.requestTimeoutMs ?? 3000);
    this.routes.takeBrokerAddrs(route);
    return topicRouteData2TopicSubscribeInfo(this.o.topic, route);
  }

  private masterAddr(mq: MessageQueue): string {
    const found = this.routes.findBrokerAddressInSubscribe(mq.brokerName, MASTER_ID, false);
    if (!found) throw new ClientError(ClientErrorCode.BROKER_NOT_EXIST_EXCEPTION, `The broker[${mq.brokerName}] not exist`);
    return found.brokerAddr;
  }

  private startOffset(mq: MessageQueue): Promise<bigint> {
    const addr = this.masterAddr(mq);
    const timeout = this.o.requestTimeoutMs ?? 3000;
    const from = this.o.from;
    if (from === 'first') return this.api.getMinOffset(addr, mq, timeout);
    if (from === 'last') return this.api.getMaxOffset(addr, mq.topic, mq.queueId, timeout);
    return this.api.searchOffset(addr, mq, from.timestamp, timeout);
  }
}
