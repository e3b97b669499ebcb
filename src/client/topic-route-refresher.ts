import { BrokerResponseError, RemotingError } from '../errors';
import type { Logger } from '../logger';
import { RETRY_GROUP_TOPIC_PREFIX } from '../message/namespace';
import { AUTO_CREATE_TOPIC_KEY_TOPIC } from '../message/validators';
import { ResponseCode } from '../remoting/protocol/response-code';
import type { ClientGroups } from './client-groups';
import type { ClientRouteTables } from './client-route-tables';
import type { MQClientAPI } from './mq-client-api';
import { topicRouteDataChanged } from './route/route-change';
import { topicRouteData2TopicPublishInfo, topicRouteData2TopicSubscribeInfo } from './route/topic-publish-info';
import { cloneTopicRouteData, type TopicRouteData } from './route/topic-route-data';
import { TimedLock } from './timed-lock';

/** Java `MQClientInstance.LOCK_TIMEOUT_MILLIS`. */
const LOCK_TIMEOUT_MS = 3000;

export interface TopicRouteRefresherDeps {
  readonly api: MQClientAPI;
  readonly tables: ClientRouteTables;
  readonly groups: ClientGroups;
  readonly clientId: string;
  /** `mqClientApiTimeoutMs`: the budget of a refresh no caller bounds. */
  readonly defaultTimeoutMs: number;
  readonly log: Logger;
}

/**
 * The name-server half of Java's `MQClientInstance`: fetches topic routes, keeps the route and
 * broker-address tables, and hands publish/subscribe views to the registered producers and consumers.
 */
export class TopicRouteRefresher {
  /** One name-server refresh at a time per instance (Java `lockNamesrv`). */
  readonly namesrvLock = new TimedLock();
  private readonly routeFetches = new Map<string, Promise<boolean>>();

  constructor(private readonly deps: TopicRouteRefresherDeps) {}

  /** Shutdown: refreshes queued behind the lock give up now instead of holding timers until their timeout. */
  close(): void {
    this.namesrvLock.close();
  }

  /** The periodic task: refresh the route of every topic a producer publishes to or a consumer subscribes. */
  async updateAllTopicRouteInfoFromNameServer(): Promise<void> {
    const { producerTable, consumerTable } = this.deps.groups;
    const topics = new Set<string>();
    for (const p of producerTable.values()) for (const t of p.getPublishTopicList()) topics.add(t);
    for (const c of consumerTable.values()) for (const sd of c.subscriptions()) topics.add(sd.topic);
    // Like Java, a transport failure aborts the rest of this round (the scheduler logs it).
    for (const topic of topics) await this.updateTopicRouteInfoFromNameServer(topic);
  }

  /** See `MQClientInstance.updateTopicRouteInfoFromNameServer`. */
  updateTopicRouteInfoFromNameServer(topic: string, defaultTopicQueueNums?: number, timeoutMs?: number): Promise<boolean> {
    const key = defaultTopicQueueNums === undefined ? `T\u0000${topic}` : `D\u0000${topic}\u0000${defaultTopicQueueNums}`;
    const inFlight = this.routeFetches.get(key);
    if (inFlight) return inFlight;
    const p = this.doUpdateTopicRoute(topic, defaultTopicQueueNums, timeoutMs ?? this.deps.defaultTimeoutMs).finally(() =>
      this.routeFetches.delete(key),
    );
    this.routeFetches.set(key, p);
    return p;
  }

  private async doUpdateTopicRoute(topic: string, defaultTopicQueueNums: number | undefined, timeoutMs: number): Promise<boolean> {
    const { api, tables, log } = this.deps;
    const begin = Date.now();
    const lockWaitMs = Math.min(LOCK_TIMEOUT_MS, timeoutMs);
    if (!(await this.namesrvLock.tryLock(lockWaitMs))) {
      log.warn(`updateTopicRouteInfoFromNameServer tryLock timeout ${lockWaitMs}ms`, { clientId: this.deps.clientId });
      return false;
    }
    try {
      const timeout = timeoutMs - (Date.now() - begin);
      if (timeout <= 0) return false;
      let route: TopicRouteData;
      if (defaultTopicQueueNums !== undefined) {
        route = await api.getDefaultTopicRouteInfoFromNameServer(timeout);
        for (const qd of route.queueDatas) {
          const n = Math.min(defaultTopicQueueNums, qd.readQueueNums);
          qd.readQueueNums = n;
          qd.writeQueueNums = n;
        }
      } else {
        route = await api.getTopicRouteInfoFromNameServer(topic, timeout);
      }
      let changed = topicRouteDataChanged(route, tables.topicRouteTable.get(topic));
      if (!changed) changed = this.isNeedUpdateTopicRouteInfo(topic);
      else log.info('the topic route info changed', { topic });
      if (!changed) return false;
      this.publishRoute(topic, route);
      return true;
    } catch (err) {
      // Rethrown to the caller (a send, or the refresh task that logs it): not logged here too.
      if (err instanceof RemotingError && err.code !== 'ERR_REMOTING_PROTOCOL') throw err;
      if (!topic.startsWith(RETRY_GROUP_TOPIC_PREFIX) && topic !== AUTO_CREATE_TOPIC_KEY_TOPIC) {
        // Java logs this at warn into its own log file; an unknown topic is the normal first step of
        // auto-creation, so only other failures are warnings here.
        const unknownTopic = err instanceof BrokerResponseError && err.responseCode === ResponseCode.TOPIC_NOT_EXIST;
        log[unknownTopic ? 'info' : 'warn']('updateTopicRouteInfoFromNameServer failed', { topic, err });
      }
      return false;
    } finally {
      this.namesrvLock.unlock();
    }
  }

  /** A changed route: new broker addresses, then the publish and subscribe views, then the cached copy. */
  private publishRoute(topic: string, route: TopicRouteData): void {
    const { tables, groups } = this.deps;
    tables.takeBrokerAddrs(route);
    const info = topicRouteData2TopicPublishInfo(topic, route);
    info.haveTopicRouterInfo = true;
    for (const p of groups.producerTable.values()) p.updateTopicPublishInfo(topic, info);
    if (groups.consumerTable.size > 0) {
      const subscribeInfo = topicRouteData2TopicSubscribeInfo(topic, route);
      for (const c of groups.consumerTable.values()) c.updateTopicSubscribeInfo(topic, subscribeInfo);
    }
    tables.topicRouteTable.set(topic, cloneTopicRouteData(route));
  }

  private isNeedUpdateTopicRouteInfo(topic: string): boolean {
    for (const p of this.deps.groups.producerTable.values()) if (p.isPublishTopicNeedUpdate(topic)) return true;
    for (const c of this.deps.groups.consumerTable.values()) if (c.isSubscribeTopicNeedUpdate(topic)) return true;
    return false;
  }

  /** Java `cleanOfflineBroker`: forget addresses no cached route mentions any more (under the same lock). */
  async cleanOfflineBroker(): Promise<void> {
    if (!(await this.namesrvLock.tryLock(LOCK_TIMEOUT_MS))) return;
    try {
      for (const brokerName of this.deps.tables.removeOfflineBrokerAddrs()) {
        this.deps.log.info('the broker addr is offline, remove it', { brokerName });
      }
    } finally {
      this.namesrvLock.unlock();
    }
  }
}
