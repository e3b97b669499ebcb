import { compareJavaStrings, type BrokerData, type QueueData, type TopicRouteData } from './topic-route-data';

/**
 * Java `TopicRouteData.topicRouteDataChanged`: both routes sorted by broker name, then compared by
 * value. QueueData compares name, perm, queue counts and sysFlag; BrokerData only name and
 * addresses; the route also orderTopicConf, filterServerTable and topicQueueMappingByBroker.
 */
export function topicRouteDataChanged(now: TopicRouteData, old: TopicRouteData | undefined): boolean {
  if (!old) return true;
  if ((now.orderTopicConf ?? null) !== (old.orderTopicConf ?? null)) return true;
  if (!sameList(sortByBroker(now.queueDatas), sortByBroker(old.queueDatas), sameQueueData)) return true;
  if (!sameList(sortByBroker(now.brokerDatas), sortByBroker(old.brokerDatas), sameBrokerData)) return true;
  if (!deepEqual(now.filterServerTable, old.filterServerTable)) return true;
  return !deepEqual(now.topicQueueMappingByBroker ?? null, old.topicQueueMappingByBroker ?? null);
}

function sortByBroker<T extends { brokerName: string }>(list: readonly T[]): T[] {
  // Array.prototype.sort is stable, like Java's Collections.sort.
  return [...list].sort((a, b) => compareJavaStrings(a.brokerName, b.brokerName));
}

function sameList<T>(a: readonly T[], b: readonly T[], eq: (x: T, y: T) => boolean): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (!eq(a[i]!, b[i]!)) return false;
  return true;
}

function sameQueueData(a: QueueData, b: QueueData): boolean {
  return (
    a.brokerName === b.brokerName &&
    a.perm === b.perm &&
    a.readQueueNums === b.readQueueNums &&
    a.writeQueueNums === b.writeQueueNums &&
    a.topicSysFlag === b.topicSysFlag
  );
}

function sameBrokerData(a: BrokerData, b: BrokerData): boolean {
  if (a.brokerName !== b.brokerName || a.brokerAddrs.size !== b.brokerAddrs.size) return false;
  for (const [id, addr] of a.brokerAddrs) if (b.brokerAddrs.get(id) !== addr) return false;
  return true;
}

/**
 * Structural equality of JSON values (object key order ignored, like Java map equality). Iterative,
 * with an explicit stack: a deeply nested body must not overflow the call stack.
 */
export function deepEqual(a: unknown, b: unknown): boolean {
  const stack: unknown[] = [a, b];
  while (stack.length > 0) {
    const y = stack.pop();
    const x = stack.pop();
    if (x === y) continue;
    if (typeof x !== 'object' || typeof y !== 'object' || x === null || y === null) return false;
    if (Array.isArray(x) !== Array.isArray(y)) return false;
    if (Array.isArray(x)) {
      const ya = y as unknown[];
      if (x.length !== ya.length) return false;
      for (let i = 0; i < x.length; i++) stack.push(x[i], ya[i]);
      continue;
    }
    const xo = x as Record<string, unknown>;
    const yo = y as Record<string, unknown>;
    const keys = Object.keys(xo);
    if (keys.length !== Object.keys(yo).length) return false;
    for (const k of keys) {
      if (!Object.prototype.hasOwnProperty.call(yo, k)) return false;
      stack.push(xo[k], yo[k]);
    }
  }
  return true;
}
