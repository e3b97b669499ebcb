/**
 * The clients' admin calls, Java `MQAdminImpl`: `fetchPublishMessageQueues`, `fetchSubscribeMessageQueues` and `createTopic`.
 * State checks and topic validation stay with the caller (the producer); this is the route and
 * broker work.
 */
import { ClientError } from '../errors';
import type { MQClientAPI } from './mq-client-api';
import type { MessageQueue } from './message-queue';
import { topicRouteData2TopicPublishInfo, topicRouteData2TopicSubscribeInfo, type TopicPublishInfo } from './route/topic-publish-info';
import { compareJavaStrings, masterAddr } from './route/topic-route-data';

/** Java `MQAdminImpl` uses its own 6 s timeout for these calls. */
export const ADMIN_TIMEOUT_MS = 6000;
/** Read + write (`PermName.PERM_READ | PERM_WRITE`), what `MQAdminImpl.createTopic` sets. */
const DEFAULT_TOPIC_PERM = 6;
/** Tries per broker in `MQAdminImpl.createTopic`. */
const CREATE_TOPIC_TRIES = 5;

/** A fresh route lookup; the writable master queues of `topic`. */
export async function fetchPublishMessageQueues(api: MQClientAPI, topic: string): Promise<readonly MessageQueue[]> {
  let info: TopicPublishInfo;
  try {
    const route = await api.getTopicRouteInfoFromNameServer(topic, ADMIN_TIMEOUT_MS);
    info = topicRouteData2TopicPublishInfo(topic, route);
  } catch (err) {
    throw new ClientError(-1, `Can not find Message Queue for this topic, ${topic}`, { cause: err });
  }
  if (!info.ok()) throw new ClientError(-1, `Unknow why, Can not find Message Queue for this topic, ${topic}`);
  return info.messageQueueList;
}

/**
 * UPDATE_AND_CREATE_TOPIC to the master of every broker in the route of `key`, in broker-name
 * order, up to 5 tries each; fails only if no broker accepted it.
 */
export async function createTopic(api: MQClientAPI, key: string, newTopic: string, queueNum: number, topicSysFlag: number): Promise<void> {
  try {
    const route = await api.getTopicRouteInfoFromNameServer(key, ADMIN_TIMEOUT_MS);
    const brokers = [...route.brokerDatas].sort((a, b) => compareJavaStrings(a.brokerName, b.brokerName));
    if (brokers.length === 0) throw new ClientError(-1, 'Not found broker, maybe key is wrong');
    let createdOnce = false;
    let lastError: unknown;
    for (const bd of brokers) {
      const addr = masterAddr(bd);
      if (addr === undefined) continue;
      for (let i = 0; i < CREATE_TOPIC_TRIES; i++) {
        try {
          await api.createTopic(
            addr,
            key,
            {
              topicName: newTopic,
              readQueueNums: queueNum,
              writeQueueNums: queueNum,
              perm: DEFAULT_TOPIC_PERM,
              topicFilterType: 'SINGLE_TAG',
              topicSysFlag,
              order: false,
              attributes: '',
            },
            ADMIN_TIMEOUT_MS,
          );
          createdOnce = true;
          break;
        } catch (err) {
          if (i === CREATE_TOPIC_TRIES - 1) lastError = new ClientError(-1, 'create topic to broker exception', { cause: err });
        }
      }
    }
    if (lastError !== undefined && !createdOnce) throw lastError;
  } catch (err) {
    throw new ClientError(-1, 'create new topic failed', { cause: err });
  }
}

/** Java `MQAdminImpl.fetchSubscribeMessageQueues`: a fresh route lookup; the readable queues of `topic`, sorted. */
export async function fetchSubscribeMessageQueues(api: MQClientAPI, topic: string, timeoutMs = ADMIN_TIMEOUT_MS): Promise<MessageQueue[]> {
  let queues: MessageQueue[];
  try {
    queues = [...topicRouteData2TopicSubscribeInfo(topic, await api.getTopicRouteInfoFromNameServer(topic, timeoutMs))];
  } catch (err) {
    throw new ClientError(-1, `Can not find Message Queue for this topic, ${topic}`, { cause: err });
  }
  if (queues.length === 0) throw new ClientError(-1, `Can not find Message Queue for this topic, ${topic} Namesrv return empty`);
  return queues.sort((a, b) => a.compareTo(b));
}
