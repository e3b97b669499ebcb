import { MessageQueue } from '../../../../src/client/message-queue';
import {
  FastjsonObject,
  bigintOf,
  messageQueueMapOf,
  parseFastjson,
  writeMessageQueueMap,
} from '../../../../src/client/body/fastjson-map';
import { RemotingProtocolError } from '../../../../src/errors';

describe('fastjson reader (maps with bean keys)', () => {
  it('reads standard JSON values, pretty or compact', () => {
    const v = parseFastjson(' {\n\t"a" : [1, -2.5, 3e2, true, false, null, "x\\u0001y\\"z"], "b":{} }', 't') as FastjsonObject;
    expect(v).toBeInstanceOf(FastjsonObject);
    expect(v.get('a')).toEqual([1, -2.5, 300, true, false, null, 'x\u0001y"z']);
    expect((v.get('b') as FastjsonObject).entries).toEqual([]);
    expect(v.get('missing')).toBeUndefined();
  });

  it('keeps integers past 2^53 exact as bigint', () => {
    expect(parseFastjson('9007199254740993', 't')).toBe(9007199254740993n);
    expect(parseFastjson('-9223372036854775808', 't')).toBe(-9223372036854775808n);
    expect(bigintOf(42, 't')).toBe(42n);
    expect(() => bigintOf(1.5, 't')).toThrow(RemotingProtocolError);
  });

  it('reads and writes maps keyed by MessageQueue beans, as fastjson does', () => {
    const a = new MessageQueue('T', 'broker-a', 0);
    const b = new MessageQueue('T', 'b"q', 12);
    const text = writeMessageQueueMap([
      [a, '1'],
      [b, '9007199254740993'],
    ]);
    expect(text).toBe('{{"brokerName":"broker-a","queueId":0,"topic":"T"}:1,{"brokerName":"b\\"q","queueId":12,"topic":"T"}:9007199254740993}');
    const entries = messageQueueMapOf(parseFastjson(text, 't'), 't');
    expect(entries.map(([mq, v]) => [mq.toString(), v])).toEqual([
      [a.toString(), 1],
      [b.toString(), 9007199254740993n],
    ]);
    expect(messageQueueMapOf(null, 't')).toEqual([]);
  });

  it.each([
    ['', 'unexpected'],
    ['{"a":1', "expected ','"],
    ['[1 2]', "expected ','"],
    ['{"a" 1}', "expected ':'"],
    ['"abc', 'unterminated'],
    ['{} {}', 'trailing'],
    ['[' .repeat(100) + ']'.repeat(100), 'deeply'],
    ['{{"topic":"t"}:1}', 'message queue'],
  ])('refuses %j with a protocol error', (text, why) => {
    expect(() => messageQueueMapOf(parseFastjson(text, 'body'), 'body')).toThrow(RemotingProtocolError);
    expect(() => messageQueueMapOf(parseFastjson(text, 'body'), 'body')).toThrow(new RegExp(`^body: .*${why.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
  });
});
