import { silentLogger } from '../../../src/logger';
import { MessageQueue } from '../../../src/client/message-queue';
import { buildSubscriptionData } from '../../../src/client/subscription-data';
import type { MessageModel } from '../../../src/client/heartbeat-data';
import { AllocateMessageQueueAveragely } from '../../../src/consumer/rebalance/allocate-message-queue-averagely';
import { RebalanceImpl, type PullRequest, type RebalanceHost } from '../../../src/consumer/rebalance-impl';

const queues = [0, 1, 2, 3].map((i) => new MessageQueue('T', 'b', i));

function setup(opts: { model?: MessageModel; cids?: string[]; failOffsetOf?: number[] } = {}) {
  const state = { cids: opts.cids ?? ['c1', 'c2'], failOffsetOf: new Set(opts.failOffsetOf ?? []) };
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
});
