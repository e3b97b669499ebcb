import { RemotingProtocolError } from '../../../src/errors';
import { parseRouteBody, quoteNumericKeys } from '../../../src/client/route/parse-route-body';
import { decodeTopicRouteData } from '../../../src/client/route/topic-route-data';

const standard =
  '{"brokerDatas":[{"brokerAddrs":{"0":"192.168.0.10:10911","1":"192.168.0.11:10911"},"brokerName":"broker-a","cluster":"DefaultCluster","enableActingMaster":false}],"filterServerTable":{},"queueDatas":[{"brokerName":"broker-a","perm":6,"readQueueNums":4,"topicSysFlag":0,"writeQueueNums":4}]}';
const legacy =
  '{"brokerDatas":[{"brokerAddrs":{0:"192.168.0.10:10911",1:"192.168.0.11:10911"},"brokerName":"broker-a","cluster":"DefaultCluster","enableActingMaster":false}],"filterServerTable":{},"queueDatas":[{"brokerName":"broker-a","perm":6,"readQueueNums":4,"topicSysFlag":0,"writeQueueNums":4}]}';

describe('quoteNumericKeys', () => {
  test('quotes bare integer keys after { or , and leaves everything else', () => {
    expect(quoteNumericKeys('{0:"a", 12 : "b",-1:"c"}')).toBe('{"0":"a", "12" : "b","-1":"c"}');
    expect(quoteNumericKeys('{"x":[1,2,{3:4}],"y":5}')).toBe('{"x":[1,2,{"3":4}],"y":5}');
    expect(quoteNumericKeys(standard)).toBe(standard);
  });

  test('never touches string contents, escapes included', () => {
    const s = '{"k":"{0:\\"x\\",1:2}","0":"a"}';
    expect(quoteNumericKeys(s)).toBe(s);
    expect(quoteNumericKeys('{"a":"\\\\",0:"b"}')).toBe('{"a":"\\\\","0":"b"}');
  });
});

describe('decodeTopicRouteData', () => {
  test('standard and legacy forms decode the same; broker ids become numbers, master first', () => {
    const a = decodeTopicRouteData(Buffer.from(standard));
    const b = decodeTopicRouteData(Buffer.from(legacy));
    expect(b).toEqual(a);
    expect([...a.brokerDatas[0]!.brokerAddrs]).toEqual([
      [0, '192.168.0.10:10911'],
      [1, '192.168.0.11:10911'],
    ]);
    expect(a.queueDatas[0]).toMatchObject({ brokerName: 'broker-a', perm: 6, readQueueNums: 4, writeQueueNums: 4 });
  });

  test('unknown fields pass through; missing lists default to empty', () => {
    const r = decodeTopicRouteData('{"newField":{"x":1},"queueDatas":[{"brokerName":"b","perm":6,"readQueueNums":1,"writeQueueNums":1,"extra":true}]}');
    expect((r as Record<string, unknown>).newField).toEqual({ x: 1 });
    expect(r.brokerDatas).toEqual([]);
    expect(r.filterServerTable).toEqual({});
  });

  test('garbage is a RemotingProtocolError', () => {
    expect(() => decodeTopicRouteData('not json')).toThrow(RemotingProtocolError);
    expect(() => decodeTopicRouteData('{"queueDatas":"nope"}')).toThrow(RemotingProtocolError);
    expect(() => parseRouteBody(Buffer.alloc(0))).toThrow(RemotingProtocolError);
  });
});
