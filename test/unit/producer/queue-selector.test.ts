import { readFileSync } from 'node:fs';
import { join } from 'node:path';
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

interface GoldenArg {
  hashCode: number;
  queueIndexBySize: number[];
}
interface HashGolden {
  cases: Array<GoldenArg & { string: string }>;
  nonStringArgs: Array<GoldenArg & { javaType: 'Integer' | 'Long' | 'Double' | 'Boolean'; value: string }>;
  messageQueueArgs: Array<GoldenArg & { topic: string; brokerName: string; queueId: number }>;
}
/** Java 5.3.3's own hashCode and SelectMessageQueueByHash results (fixtures/java, npm run fixtures:java). */
const golden = JSON.parse(readFileSync(join(__dirname, '..', '..', '..', 'fixtures', 'golden', 'string-hashcode.json'), 'utf8')) as HashGolden;

/** The JavaScript value a Java caller's argument corresponds to. */
function jsArg(c: HashGolden['nonStringArgs'][number]): unknown {
  if (c.javaType === 'Long') return BigInt(c.value);
  if (c.javaType === 'Boolean') return c.value === 'true';
  return Number(c.value);
}

/** Every queue count 1..8 selects the index Java selected. */
function expectJavaSelection(label: string, arg: unknown, c: GoldenArg): void {
  expect([label, javaHashCodeOf(arg)]).toEqual([label, c.hashCode]);
  const ours = c.queueIndexBySize.map((_, i) => selectMessageQueueByHash(queues(i + 1), msg, arg).queueId);
  expect([label, ours]).toEqual([label, c.queueIndexBySize]);
}

describe('selectMessageQueueByHash (SelectMessageQueueByHash)', () => {
  it('takes abs of the remainder, not of the hash: Integer.MIN_VALUE as Java does', () => {
    // "polygenelubricants".hashCode() is Integer.MIN_VALUE: abs(MIN % n), never abs(MIN). (Every golden
    // string: test/unit/producer/golden-java.test.ts.)
    const c = golden.cases.find((x) => x.string === 'polygenelubricants')!;
    expect(c.hashCode).toBe(-(2 ** 31));
    expectJavaSelection('polygenelubricants', 'polygenelubricants', c);
  });

  it('selects what Java selects for Integer, Long, Double and Boolean args', () => {
    expect(new Set(golden.nonStringArgs.map((c) => c.javaType))).toEqual(new Set(['Integer', 'Long', 'Double', 'Boolean']));
    for (const c of golden.nonStringArgs) expectJavaSelection(`${c.javaType} ${c.value}`, jsArg(c), c);
  });

  it('selects what Java selects for MessageQueue args (MessageQueue.hashCode)', () => {
    expect(golden.messageQueueArgs.length).toBeGreaterThan(0);
    for (const c of golden.messageQueueArgs) {
      expectJavaSelection(`${c.topic}@${c.brokerName}:${c.queueId}`, new MessageQueue(c.topic, c.brokerName, c.queueId), c);
    }
  });

  it('refuses an empty queue list and a null arg', () => {
    expect(() => selectMessageQueueByHash([], msg, 'a')).toThrow(InvalidArgumentError);
    expect(() => selectMessageQueueByHash(queues(2), msg, null)).toThrow(InvalidArgumentError);
    expect(() => selectMessageQueueByHash(queues(2), msg, undefined)).toThrow(InvalidArgumentError);
  });
});

describe('javaHashCodeOf, beyond the Java types', () => {
  it('uses an object\'s own hashCode(), else String.hashCode of its string form', () => {
    expect(javaHashCodeOf({ hashCode: () => 99 })).toBe(99);
    // "a".hashCode() is 97 in Java.
    expect(javaHashCodeOf({ toString: () => 'a' })).toBe(golden.cases.find((c) => c.string === 'a')!.hashCode);
    expect(javaHashCodeOf('')).toBe(0);
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
