import { SendQueueIndex } from './send-queue-index';
import { MessageQueue } from '../message-queue';
import { compareJavaStrings, isReadable, isWriteable, masterAddr, type TopicRouteData } from './topic-route-data';

/**
 * Java `TopicPublishInfo`: the writable master queues of a topic, and the round-robin position used
 * to pick one (`MQFaultStrategy.selectOneMessageQueue` advances `sendWhichQueue`).
 */
export class TopicPublishInfo {
  orderTopic = false;
  haveTopicRouterInfo = false;
  messageQueueList: MessageQueue[] = [];
  readonly sendWhichQueue = new SendQueueIndex();
  topicRouteData: TopicRouteData | undefined;

  ok(): boolean {
    return this.messageQueueList.length > 0;
  }

  resetIndex(): void {
    this.sendWhichQueue.reset();
  }

  /** Write queue count of one broker in the route, or -1. */
  getWriteQueueNumsByBroker(brokerName: string): number {
    const qd = this.topicRouteData?.queueDatas.find((q) => q.brokerName === brokerName);
    return qd ? qd.writeQueueNums : -1;
  }
}

/**
 * Java `MQClientInstance.topicRouteData2TopicPublishInfo` (protocol.md 8.4): orderTopicConf queues
 * when set; otherwise, by broker name, the write queues of every writable QueueData whose broker has
 * a master. Static (logical-queue) topics are not supported: their physical route is used as is.
 */
export function topicRouteData2TopicPublishInfo(topic: string, route: TopicRouteData): TopicPublishInfo {
  const info = new TopicPublishInfo();
  info.topicRouteData = route;
  if (route.orderTopicConf) {
    for (const broker of route.orderTopicConf.split(';')) {
      if (broker === '') continue;
      const [brokerName = '', nums = '0'] = broker.split(':');
      const n = Number.parseInt(nums, 10);
      for (let i = 0; i < n; i++) info.messageQueueList.push(new MessageQueue(topic, brokerName, i));
    }
    info.orderTopic = true;
    return info;
  }
  const qds = [...route.queueDatas].sort((a, b) => compareJavaStrings(a.brokerName, b.brokerName));
  for (const qd of qds) {
    if (!isWriteable(qd.perm)) continue;
    const bd = route.brokerDatas.find((b) => b.brokerName === qd.brokerName);
    if (!bd || masterAddr(bd) === undefined) continue;
    for (let i = 0; i < qd.writeQueueNums; i++) info.messageQueueList.push(new MessageQueue(topic, qd.brokerName, i));
  }
  info.orderTopic = false;
  return info;
}

/**
 * Java `MQClientInstance.topicRouteData2TopicSubscribeInfo`: the readable queues of every broker in the
 * route (a consumer pulls from master or slave, so no master is required).
 */
export function topicRouteData2TopicSubscribeInfo(topic: string, route: TopicRouteData): Set<MessageQueue> {
  const out = new Set<MessageQueue>();
  for (const qd of route.queueDatas) {
    if (!isReadable(qd.perm)) continue;
    for (let i = 0; i < qd.readQueueNums; i++) out.add(new MessageQueue(topic, qd.brokerName, i));
  }
  return out;
}
