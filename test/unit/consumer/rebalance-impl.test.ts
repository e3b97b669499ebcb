import { silentLogger } from '../../../src/logger';
import { MessageQueue } from '../../../src/client/message-queue';
import { buildSubscriptionData } from '../../../src/client/subscription-data';
import type { MessageModel } from '../../../src/client/heartbeat-data';
import { AllocateMessageQueueAveragely } from '../../../src/consumer/rebalance/allocate-message-queue-averagely';
import { RebalanceImpl, type PullRequest, type RebalanceHost } from '../../../src/consumer/rebalance-impl';

const queues = [0, 1, 2, 3].map((i) => new MessageQueue('T', 'b', i));

function setup(opts: { model?: MessageModel; cids?: string[]; failOffsetOf?: number[]; orderly?: boolean } = {}) {
  const state = {
    cids: opts.cids ?? ['c1', 'c2'],
    failOffsetOf: new Set(opts.failOffsetOf ?? []),
    /** Orderly: the queue ids the broker locks for us, or an error. */
    lockable: new Set([0, 1, 2, 3]) as Set<number> | Error,
    locks: [] as number[][],
    unlocks: [] as number[][],
    later: 0,
  };
  const dispatched: PullRequest[] = [];
  const persisted: string[] = [];
  const changed: number[] = [];
  const host: RebalanceHost = {
    consumerGroup: 'G',
    messageModel: () => opts.model ?? 'CLUSTERING',
    strategy: new AllocateMessageQueueAveragely({ logger: silentLogger }),
    clientId: () => 'c1',
    findConsumerIdList: async () => state.cids,
    computePullFromWhere: async (mq) => {
      if (state.failOffsetOf.has(mq.queueId)) throw new Error('offset unreadable');
      return BigInt(mq.queueId * 10);
    },
    removeUnnecessaryMessageQueue: async (mq) => {
      persisted.push(mq.toString());
      return true;
    },
    removeDirtyOffset: () => {},
    dispatchPullRequest: (reqs) => dispatched.push(...reqs),
    messageQueueChanged: (_t, _all, divided) => changed.push(divided.size),
    isConsumeOrderly: () => opts.orderly ?? false,
    lockBatchMQ: async (_b, mqs) => {
      state.locks.push(mqs.map((q) => q.queueId));
      if (state.lockable instanceof Error) throw state.lockable;
      const ok = state.lockable;
      return mqs.filter((q) => ok.has(q.queueId));
    },
    unlockBatchMQ: async (_b, mqs) => void state.unlocks.push(mqs.map((q) => q.queueId)),
    rebalanceLater: () => void state.later++,
  };
  const r = new RebalanceImpl(host, silentLogger);
  r.subscriptionInner.set('T', buildSubscriptionData('T', '*'));
  r.topicSubscribeInfoTable.set('T', new Set(queues));
  return { r, state, dispatched, persisted, changed };
}

const owned = (r: RebalanceImpl) => [...r.processQueueTable.values()].map((e) => e.mq.queueId).sort();

describe('RebalanceImpl', () => {
  test('clustering: takes its share with one pull request per queue, at the computed offset; a second round changes nothing', async () => {
    const { r, dispatched, changed } = setup();
    await r.doRebalance();
    expect(owned(r)).toEqual([0, 1]);
    expect(dispatched.map((d) => [d.messageQueue.queueId, d.nextOffset])).toEqual([[0, 0n], [1, 10n]]);
    expect(changed).toEqual([2]);
    await Promise.all([r.doRebalance(), r.doRebalance()]);
    expect(dispatched).toHaveLength(2);
    expect(changed).toEqual([2]);
  });

  test('a member leaving hands its queues over; a member joining takes some away (dropped, offset persisted, removed)', async () => {
    const { r, state, dispatched, persisted } = setup();
    await r.doRebalance();
    state.cids = ['c1'];
    await r.doRebalance();
    expect(owned(r)).toEqual([0, 1, 2, 3]);
    expect(dispatched.map((d) => d.messageQueue.queueId)).toEqual([0, 1, 2, 3]);
    const pq3 = dispatched[3]!.processQueue;
    state.cids = ['c1', 'c2', 'c3'];
    await r.doRebalance();
    // c1 keeps 0 and 1 (4 queues, 3 members: 2, 1, 1).
    expect(owned(r)).toEqual([0, 1]);
    expect(pq3.dropped).toBe(true);
    expect(persisted).toEqual([queues[2]!.toString(), queues[3]!.toString()]);
  });

  test('a queue whose start offset cannot be read is not taken this round, and is taken later', async () => {
    const { r, state } = setup({ cids: ['c1'], failOffsetOf: [2] });
    await r.doRebalance();
    expect(owned(r)).toEqual([0, 1, 3]);
    state.failOffsetOf.clear();
    await r.doRebalance();
    expect(owned(r)).toEqual([0, 1, 2, 3]);
  });

  test('broadcasting takes every queue without asking for members; unsubscribed topics are released', async () => {
    const { r, persisted } = setup({ model: 'BROADCASTING', cids: [] });
    await r.doRebalance();
    expect(owned(r)).toEqual([0, 1, 2, 3]);
    r.subscriptionInner.delete('T');
    await r.doRebalance();
    expect(owned(r)).toEqual([]);
    expect(persisted).toHaveLength(4);
  });

  test('no member list or no route: nothing changes', async () => {
    const { r, state, dispatched } = setup();
    state.cids = [];
    await r.doRebalance();
    r.topicSubscribeInfoTable.clear();
    await r.doRebalance();
    expect(dispatched).toEqual([]);
  });

  test('orderly clustering: a queue is taken only once its broker lock is ours; a refused one is tried again soon', async () => {
    const { r, state, dispatched } = setup({ orderly: true, cids: ['c1'] });
    state.lockable = new Set([0, 2, 3]);
    await r.doRebalance();
    expect(owned(r)).toEqual([0, 2, 3]);
    expect(state.locks).toEqual([[0], [1], [2], [3]]);
    expect(state.later).toBe(1);
    expect(dispatched.every((d) => d.processQueue.locked)).toBe(true);
    state.lockable = new Set([0, 1, 2, 3]);
    await r.doRebalance();
    expect(owned(r)).toEqual([0, 1, 2, 3]);
  });

  test('orderly: lockAll renews what the broker grants, marks the rest unlocked, and keeps going after an error', async () => {
    const { r, state } = setup({ orderly: true, cids: ['c1'] });
    await r.doRebalance();
    const pq = (i: number) => r.processQueueTable.get(queues[i]!.key())!.pq;
    for (const i of [0, 1, 2, 3]) pq(i).lastLockTimestamp = 0;
    state.lockable = new Set([1, 2]);
    await r.lockAll();
    expect(state.locks.at(-1)).toEqual([0, 1, 2, 3]);
    expect([0, 1, 2, 3].map((i) => pq(i).locked)).toEqual([false, true, true, false]);
    expect(pq(1).lastLockTimestamp).toBeGreaterThan(0);
    expect(pq(0).lastLockTimestamp).toBe(0);
    state.lockable = new Error('broker busy');
    await expect(r.lockAll()).resolves.toBeUndefined();
    expect([0, 1, 2, 3].map((i) => pq(i).locked)).toEqual([false, true, true, false]);
    await r.unlockAll(false);
    expect(state.unlocks).toEqual([[0, 1, 2, 3]]);
    expect([0, 1, 2, 3].map((i) => pq(i).locked)).toEqual([false, false, false, false]);
  });

  test('broadcasting orderly: no lock asked, queues are locked locally', async () => {
    const { r, state, dispatched } = setup({ orderly: true, model: 'BROADCASTING' });
    await r.doRebalance();
    expect(owned(r)).toEqual([0, 1, 2, 3]);
    expect(state.locks).toEqual([]);
    expect(dispatched.every((d) => d.processQueue.locked)).toBe(true);
  });
});
