import { InvalidArgumentError } from '../../../src/errors';
import { MessageQueue } from '../../../src/client/message-queue';
import { Message } from '../../../src/message/message';
import {
  createRoundRobinSelector,
  javaHashCodeOf,
  selectMessageQueueByHash,
  selectMessageQueueByRandom,
} from '../../../src/producer/queue-selector';

const queues = (n: number) => Array.from({ length: n }, (_, i) => new MessageQueue('T', 'broker-a', i));
const msg = new Message('T', 'x');

describe('selectMessageQueueByHash (SelectMessageQueueByHash)', () => {
  it('takes hashCode % size, then abs of a negative remainder', () => {
    // Values from Java 17: "order-1".hashCode() = -1207111310; % 4 = -2 -> 2; % 7 = -6 -> 6
    expect(javaHashCodeOf('order-1')).toBe(-1207111310);
    expect(selectMessageQueueByHash(queues(4), msg, 'order-1').queueId).toBe(2);
    expect(selectMessageQueueByHash(queues(7), msg, 'order-1').queueId).toBe(6);
    // "polygenelubricants".hashCode() is Integer.MIN_VALUE; Java gives abs(MIN % 3) = 2, never abs(MIN)
    expect(javaHashCodeOf('polygenelubricants')).toBe(-(2 ** 31));
    expect(selectMessageQueueByHash(queues(3), msg, 'polygenelubricants').queueId).toBe(2);
    expect(selectMessageQueueByHash(queues(8), msg, 'polygenelubricants').queueId).toBe(0);
  });

  it('is stable for equal args', () => {
    const qs = queues(7);
    for (const arg of ['a', 'user:1001', 42, 42n]) {
      expect(selectMessageQueueByHash(qs, msg, arg)).toBe(selectMessageQueueByHash(qs, msg, arg));
    }
  });

  it('refuses an empty queue list and a null arg', () => {
    expect(() => selectMessageQueueByHash([], msg, 'a')).toThrow(InvalidArgumentError);
    expect(() => selectMessageQueueByHash(queues(2), msg, null)).toThrow(InvalidArgumentError);
    expect(() => selectMessageQueueByHash(queues(2), msg, undefined)).toThrow(InvalidArgumentError);
  });
});

describe('javaHashCodeOf', () => {
  it('mirrors Integer, Long, Double, Boolean and String hashCode', () => {
    expect(javaHashCodeOf(42)).toBe(42);
    expect(javaHashCodeOf(-7)).toBe(-7); // Integer
    expect(javaHashCodeOf(-7n)).toBe(6); // Long: (int)(v ^ (v >>> 32))
    expect(javaHashCodeOf(2 ** 32)).toBe(1); // Long 4294967296
    expect(javaHashCodeOf(-(2n ** 63n))).toBe(-(2 ** 31));
    expect(javaHashCodeOf(123456789012345)).toBe(Number(BigInt.asIntN(32, 123456789012345n ^ (123456789012345n >> 32n))));
    expect(javaHashCodeOf(1.5)).toBe(1073217536); // Double.hashCode(1.5)
    expect(javaHashCodeOf(Number.NaN)).toBe(2146959360); // Double.hashCode(NaN)
    expect(javaHashCodeOf(true)).toBe(1231);
    expect(javaHashCodeOf(false)).toBe(1237);
    expect(javaHashCodeOf('')).toBe(0);
    expect(javaHashCodeOf({ hashCode: () => 99 })).toBe(99);
    expect(javaHashCodeOf(new MessageQueue('T', 'b', 1))).toBe(new MessageQueue('T', 'b', 1).hashCode());
    expect(javaHashCodeOf({ toString: () => 'a' })).toBe(97);
  });
});

describe('selectMessageQueueByRandom', () => {
  it('returns queues of the list, reaching each of them', () => {
    const qs = queues(3);
    const seen = new Set<number>();
    for (let i = 0; i < 300; i++) seen.add(selectMessageQueueByRandom(qs, msg, undefined).queueId);
    expect([...seen].sort()).toEqual([0, 1, 2]);
    expect(() => selectMessageQueueByRandom([], msg, undefined)).toThrow(InvalidArgumentError);
  });
});

describe('createRoundRobinSelector', () => {
  it('walks the queues in turn, one counter per selector', () => {
    const qs = queues(3);
    const a = createRoundRobinSelector();
    const b = createRoundRobinSelector();
    expect([0, 1, 2, 3, 4].map(() => a(qs, msg, undefined).queueId)).toEqual([0, 1, 2, 0, 1]);
    expect(b(qs, msg, undefined).queueId).toBe(0);
    expect(() => a([], msg, undefined)).toThrow(InvalidArgumentError);
  });
});
