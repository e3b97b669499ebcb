/**
 * Allocation strategies against fixtures/golden/allocate.json: the answers of Java's own
 * AllocateMessageQueueStrategy classes for every member of many groups.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { InvalidArgumentError } from '../../../src/errors';
import { silentLogger } from '../../../src/logger';
import { MessageQueue } from '../../../src/client/message-queue';
import {
  AllocateMachineRoomNearby,
  AllocateMessageQueueAveragely,
  AllocateMessageQueueAveragelyByCircle,
  AllocateMessageQueueByConfig,
  AllocateMessageQueueByMachineRoom,
  AllocateMessageQueueConsistentHash,
  ConsistentHashRouter,
  md5Hash,
  type AllocateMessageQueueStrategy,
  type MachineRoomResolver,
} from '../../../src/consumer/rebalance';

type Mq = [string, string, number];
interface Case {
  strategy: string;
  javaName: string;
  virtualNodeCnt?: number;
  consumeridcs?: string[];
  inner?: string;
  innerVirtualNodeCnt?: number;
  mqAll: Mq[];
  cidAll: string[];
  allocation: Record<string, number[]>;
}
interface ErrorCase {
  strategy: string;
  currentCID: string;
  mqAll: Mq[];
  cidAll: string[];
  error?: string;
  result?: Mq[];
}
const golden = JSON.parse(readFileSync(join(__dirname, '../../../fixtures/golden/allocate.json'), 'utf8')) as {
  cases: Case[];
  errors: ErrorCase[];
  md5Hash: { key: string; hash: number }[];
};

const opts = { logger: silentLogger };
const firstPart = (s: string): string => s.split('@')[0]!;
const resolver: MachineRoomResolver = {
  brokerDeployIn: (mq) => firstPart(mq.brokerName),
  consumerDeployIn: (cid) => firstPart(cid),
};

function simple(name: string, vnodes?: number): AllocateMessageQueueStrategy {
  switch (name) {
    case 'AVG':
      return new AllocateMessageQueueAveragely(opts);
    case 'AVG_BY_CIRCLE':
      return new AllocateMessageQueueAveragelyByCircle(opts);
    case 'CONSISTENT_HASH':
      return new AllocateMessageQueueConsistentHash({ ...opts, virtualNodeCnt: vnodes });
    default:
      throw new Error(`unknown strategy ${name}`);
  }
}

function strategyFor(c: Case): AllocateMessageQueueStrategy {
  if (c.strategy === 'MACHINE_ROOM') return new AllocateMessageQueueByMachineRoom(c.consumeridcs!, opts);
  if (c.strategy === 'MACHINE_ROOM_NEARBY') return new AllocateMachineRoomNearby(simple(c.inner!, c.innerVirtualNodeCnt), resolver, opts);
  return simple(c.strategy, c.virtualNodeCnt);
}

const mqs = (list: Mq[]): MessageQueue[] => list.map(([t, b, q]) => new MessageQueue(t, b, q));

describe('golden allocations (Java AllocateMessageQueueStrategy)', () => {
  it('has many cases for every strategy', () => {
    const count = (s: string): number => golden.cases.filter((c) => c.strategy === s).length;
    expect(count('AVG')).toBeGreaterThanOrEqual(50);
    expect(count('AVG_BY_CIRCLE')).toBeGreaterThanOrEqual(50);
    expect(count('CONSISTENT_HASH')).toBeGreaterThanOrEqual(50);
    expect(count('MACHINE_ROOM')).toBeGreaterThanOrEqual(20);
    expect(count('MACHINE_ROOM_NEARBY')).toBeGreaterThanOrEqual(20);
  });

  describe.each(['AVG', 'AVG_BY_CIRCLE', 'CONSISTENT_HASH', 'MACHINE_ROOM', 'MACHINE_ROOM_NEARBY'])('%s', (name) => {
    const cases = golden.cases.filter((c) => c.strategy === name);
    it('gives every member exactly the queues Java gives it', () => {
      for (const c of cases) {
        const s = strategyFor(c);
        expect(s.name).toBe(c.javaName);
        const mqAll = mqs(c.mqAll);
        for (const cid of c.cidAll) {
          const got = s.allocate('my_consumer_group', cid, mqAll, c.cidAll).map((mq) => mqAll.findIndex((m) => m.equals(mq)));
          if (JSON.stringify(got) !== JSON.stringify(c.allocation[cid])) {
            throw new Error(`${name} ${JSON.stringify({ vnodes: c.virtualNodeCnt, idcs: c.consumeridcs, inner: c.inner, cid, mqs: c.mqAll.length, cids: c.cidAll.length })}: got ${JSON.stringify(got)}, Java ${JSON.stringify(c.allocation[cid])}`);
          }
        }
      }
    });
  });

  it('partitions the queues among the members for the averaging strategies (no queue twice, none lost)', () => {
    for (const c of golden.cases.filter((x) => x.strategy === 'AVG' || x.strategy === 'AVG_BY_CIRCLE')) {
      const all = Object.values(c.allocation).flat().sort((a, b) => a - b);
      expect(all).toEqual(c.mqAll.map((_, i) => i));
    }
  });
});

describe('input checks (Java AbstractAllocateMessageQueueStrategy.check)', () => {
  it.each(golden.errors.map((e) => [`${e.strategy} cid=${JSON.stringify(e.currentCID)} mqs=${e.mqAll.length} cids=${e.cidAll.length}`, e] as const))(
    '%s',
    (_n, e) => {
      const s = simple(e.strategy);
      const run = (): MessageQueue[] => s.allocate('g', e.currentCID, mqs(e.mqAll), e.cidAll);
      if (e.error !== undefined) {
        const message = e.error.replace(/^IllegalArgumentException: /, '');
        expect(run).toThrow(InvalidArgumentError);
        expect(run).toThrow(message);
      } else {
        expect(run()).toEqual(mqs(e.result!));
      }
    },
  );

  it('logs a member that is not in the consumer list', () => {
    const info = jest.fn();
    const logger = { ...silentLogger, info, child: () => logger };
    expect(new AllocateMessageQueueAveragely({ logger }).allocate('g', 'z', mqs([['T', 'b', 0]]), ['a'])).toEqual([]);
    expect(info).toHaveBeenCalledWith(expect.stringContaining('[BUG]'), expect.objectContaining({ currentCID: 'z', consumerGroup: 'g' }));
  });

  it('refuses a negative virtual node count and a missing machine room', () => {
    expect(() => new AllocateMessageQueueConsistentHash({ virtualNodeCnt: -1 })).toThrow(InvalidArgumentError);
    const nearby = new AllocateMachineRoomNearby(new AllocateMessageQueueAveragely(opts), { brokerDeployIn: () => '', consumerDeployIn: () => 'x' }, opts);
    expect(() => nearby.allocate('g', 'x@1', mqs([['T', 'b', 0]]), ['x@1'])).toThrow(/Machine room is null for mq/);
  });
});

describe('AllocateMessageQueueByConfig', () => {
  it('answers its configured queues whatever the group, as a copy', () => {
    const list = mqs([['T', 'b', 1], ['T', 'b', 3]]);
    const s = new AllocateMessageQueueByConfig(list);
    expect(s.name).toBe('CONFIG');
    const got = s.allocate();
    expect(got).toEqual(list);
    got.pop();
    expect(s.allocate()).toHaveLength(2);
  });
});

describe('ConsistentHashRouter', () => {
  it('hashes like Java MD5Hash (first 4 bytes of MD5, big-endian, unsigned)', () => {
    expect(golden.md5Hash.length).toBeGreaterThan(3);
    for (const { key, hash } of golden.md5Hash) expect(md5Hash(key)).toBe(hash);
  });

  it('wraps around the ring and continues replica numbering when a node is added twice', () => {
    const r = new ConsistentHashRouter(['a'], 2);
    expect(r.existingReplicas('a')).toBe(2);
    r.addNode('a', 1);
    expect(r.existingReplicas('a')).toBe(3);
    expect(new ConsistentHashRouter([], 10).routeNode('x')).toBeUndefined();
    const fixed = new ConsistentHashRouter(['n'], 1, (k) => (k === 'n-0' ? 100 : Number(k)));
    expect(fixed.routeNode('50')).toBe('n');
    expect(fixed.routeNode('150')).toBe('n');
  });
});
