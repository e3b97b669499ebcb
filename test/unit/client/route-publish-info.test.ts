import { deepEqual, topicRouteDataChanged } from '../../../src/client/route/route-change';
import { jsonNestingDepth, MAX_ROUTE_BODY_DEPTH, parseRouteBody } from '../../../src/client/route/parse-route-body';
import { RemotingProtocolError } from '../../../src/errors';
import { topicRouteData2TopicPublishInfo } from '../../../src/client/route/topic-publish-info';
import { decodeTopicRouteData, type TopicRouteData } from '../../../src/client/route/topic-route-data';

function route(json: object): TopicRouteData {
  return decodeTopicRouteData(JSON.stringify(json));
}

const qd = (brokerName: string, writeQueueNums: number, perm = 6) => ({ brokerName, readQueueNums: writeQueueNums, writeQueueNums, perm, topicSysFlag: 0 });
const bd = (brokerName: string, addrs: Record<string, string>) => ({ brokerName, cluster: 'c', brokerAddrs: addrs });

describe('topicRouteData2TopicPublishInfo (protocol 8.4)', () => {
  test('writable queues of brokers with a master, sorted by broker name', () => {
    const r = route({
      queueDatas: [qd('broker-c', 2), qd('broker-a', 2), qd('broker-b', 3, 4), qd('broker-d', 1)],
      brokerDatas: [bd('broker-a', { 0: 'a:1' }), bd('broker-b', { 0: 'b:1' }), bd('broker-c', { 0: 'c:1' }), bd('broker-d', { 1: 'd:2' })],
    });
    const info = topicRouteData2TopicPublishInfo('T', r);
    expect(info.orderTopic).toBe(false);
    expect(info.messageQueueList.map((q) => `${q.brokerName}/${q.queueId}`)).toEqual(['broker-a/0', 'broker-a/1', 'broker-c/0', 'broker-c/1']);
    expect(info.ok()).toBe(true);
    expect(info.getWriteQueueNumsByBroker('broker-c')).toBe(2);
    expect(info.getWriteQueueNumsByBroker('nope')).toBe(-1);
  });

  test('orderTopicConf decides the queues when present', () => {
    const r = route({ orderTopicConf: 'broker-b:2;broker-a:1', queueDatas: [qd('broker-a', 8)], brokerDatas: [bd('broker-a', { 0: 'a:1' })] });
    const info = topicRouteData2TopicPublishInfo('T', r);
    expect(info.orderTopic).toBe(true);
    expect(info.messageQueueList.map((q) => `${q.brokerName}/${q.queueId}`)).toEqual(['broker-b/0', 'broker-b/1', 'broker-a/0']);
  });

  test('no writable queue: not ok', () => {
    expect(topicRouteData2TopicPublishInfo('T', route({ queueDatas: [qd('a', 4, 4)], brokerDatas: [bd('a', { 0: 'x:1' })] })).ok()).toBe(false);
  });
});

describe('topicRouteDataChanged (protocol 8.6)', () => {
  const base = { queueDatas: [qd('a', 4), qd('b', 4)], brokerDatas: [bd('a', { 0: 'a:1' }), bd('b', { 0: 'b:1' })], filterServerTable: {} };

  test('no old route: changed', () => {
    expect(topicRouteDataChanged(route(base), undefined)).toBe(true);
  });

  test('order of lists and of brokerAddrs keys does not matter; cluster and zone are ignored', () => {
    const shuffled = {
      queueDatas: [qd('b', 4), qd('a', 4)],
      brokerDatas: [{ ...bd('b', { 0: 'b:1' }), cluster: 'other', zoneName: 'z' }, bd('a', { 0: 'a:1' })],
      filterServerTable: {},
    };
    expect(topicRouteDataChanged(route(shuffled), route(base))).toBe(false);
  });

  test('queue counts, perm, addresses and orderTopicConf count', () => {
    expect(topicRouteDataChanged(route({ ...base, queueDatas: [qd('a', 8), qd('b', 4)] }), route(base))).toBe(true);
    expect(topicRouteDataChanged(route({ ...base, queueDatas: [qd('a', 4, 4), qd('b', 4)] }), route(base))).toBe(true);
    expect(
      topicRouteDataChanged(route({ ...base, brokerDatas: [bd('a', { 0: 'a:2' }), bd('b', { 0: 'b:1' })] }), route(base)),
    ).toBe(true);
    expect(
      topicRouteDataChanged(route({ ...base, brokerDatas: [bd('a', { 0: 'a:1', 1: 'a:3' }), bd('b', { 0: 'b:1' })] }), route(base)),
    ).toBe(true);
    expect(topicRouteDataChanged(route({ ...base, orderTopicConf: 'a:4' }), route(base))).toBe(true);
    expect(topicRouteDataChanged(route({ ...base, filterServerTable: { 'a:1': ['f:1'] } }), route(base))).toBe(true);
  });
});

describe('deeply nested route bodies', () => {
  function nested(levels: number, leaf: unknown): unknown {
    let v: unknown = leaf;
    for (let i = 0; i < levels; i++) v = i % 2 === 0 ? [v] : { k: v };
    return v;
  }

  test('deepEqual compares 50 000 levels without overflowing the stack', () => {
    expect(deepEqual(nested(50_000, 1), nested(50_000, 1))).toBe(true);
    expect(deepEqual(nested(50_000, 1), nested(50_000, 2))).toBe(false);
    expect(deepEqual({ a: [1, { b: 2 }] }, { a: [1, { b: 2 }] })).toBe(true);
    expect(deepEqual({ a: [1, { b: 2 }] }, { a: [1, { c: 2 }] })).toBe(false);
    expect(deepEqual([1, 2], { 0: 1, 1: 2 })).toBe(false);
    expect(deepEqual({ a: undefined }, { b: undefined })).toBe(false);
  });

  test('a route body nested deeper than the limit is refused with a protocol error', () => {
    const deep = '{"topicQueueMappingByBroker":{"b":' + '['.repeat(50_000) + ']'.repeat(50_000) + '}}';
    expect(() => parseRouteBody(deep)).toThrow(RemotingProtocolError);
    const ok = '{"a":' + '['.repeat(MAX_ROUTE_BODY_DEPTH - 1) + ']'.repeat(MAX_ROUTE_BODY_DEPTH - 1) + '}';
    expect(() => parseRouteBody(ok)).not.toThrow();
    // Brackets inside strings do not count.
    expect(jsonNestingDepth('{"a":"[[[[{{{\\"[[["}')).toBe(1);
  });
});
