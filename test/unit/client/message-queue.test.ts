import { InvalidArgumentError } from '../../../src/errors';
import { MessageQueue } from '../../../src/client/message-queue';
import { javaStringHashCode } from '../../../src/remoting/protocol/java-hash';

describe('MessageQueue', () => {
  it('holds topic, broker name and queue id, printed like Java', () => {
    const q = new MessageQueue('T', 'broker-a', 3);
    expect(q.toString()).toBe('MessageQueue [topic=T, brokerName=broker-a, queueId=3]');
    expect(JSON.parse(JSON.stringify(q))).toEqual({ topic: 'T', brokerName: 'broker-a', queueId: 3 });
  });

  it('compares by value', () => {
    const a = new MessageQueue('T', 'b', 1);
    expect(a.equals(new MessageQueue('T', 'b', 1))).toBe(true);
    expect(a.equals(new MessageQueue('T', 'b', 2))).toBe(false);
    expect(a.equals(new MessageQueue('U', 'b', 1))).toBe(false);
    expect(a.equals({ topic: 'T', brokerName: 'b', queueId: 1 })).toBe(false);
    expect(a.key()).toBe(new MessageQueue('T', 'b', 1).key());
    expect(new MessageQueue('a@b', 'c', 1).key()).not.toBe(new MessageQueue('a', 'b@c', 1).key());
    const m = new Map([[a.key(), 1]]);
    expect(m.get(new MessageQueue('T', 'b', 1).key())).toBe(1);
  });

  it('hashes and orders like Java', () => {
    const q = new MessageQueue('T', 'b', 1);
    const expected = (Math.imul(31, (Math.imul(31, 31 + javaStringHashCode('b')) + 1) | 0) + javaStringHashCode('T')) | 0;
    expect(q.hashCode()).toBe(expected);
    const sorted = [new MessageQueue('T', 'b', 2), new MessageQueue('S', 'z', 9), new MessageQueue('T', 'a', 5), new MessageQueue('T', 'b', 1)]
      .sort((x, y) => x.compareTo(y))
      .map(String);
    expect(sorted).toEqual([
      'MessageQueue [topic=S, brokerName=z, queueId=9]',
      'MessageQueue [topic=T, brokerName=a, queueId=5]',
      'MessageQueue [topic=T, brokerName=b, queueId=1]',
      'MessageQueue [topic=T, brokerName=b, queueId=2]',
    ]);
  });

  it('is immutable: withTopic makes a new queue', () => {
    const q = new MessageQueue('T', 'b', 1);
    const w = q.withTopic('ns%T');
    expect(w).not.toBe(q);
    expect(w.topic).toBe('ns%T');
    expect(q.topic).toBe('T');
    expect(q.withTopic('T')).toBe(q);
    expect(MessageQueue.from(q)).toBe(q);
    expect(MessageQueue.from({ topic: 'T', brokerName: 'b', queueId: 1 }).equals(q)).toBe(true);
  });

  it('validates its fields', () => {
    expect(() => new MessageQueue(1 as never, 'b', 1)).toThrow(InvalidArgumentError);
    expect(() => new MessageQueue('T', undefined as never, 1)).toThrow(InvalidArgumentError);
    expect(() => new MessageQueue('T', 'b', 1.5)).toThrow(InvalidArgumentError);
    expect(() => new MessageQueue('T', 'b', 2 ** 31)).toThrow(InvalidArgumentError);
  });
});
