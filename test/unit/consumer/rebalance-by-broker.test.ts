import { silentLogger } from '../../../src/logger';
import { BrokerResponseError } from '../../../src/errors';
import type { MessageQueueAssignment } from '../../../src/client/body/assignment-body';
import { MessageQueue } from '../../../src/client/message-queue';
import { buildSubscriptionData, type SubscriptionData } from '../../../src/client/subscription-data';
import { RebalanceByBroker } from '../../../src/consumer/rebalance-by-broker';
import type { PopRequest } from '../../../src/consumer/pop/pop-pull-service';

const T = 'T';
const POP_RETRY = '%RETRY%G_T';

function setup(answers: Array<MessageQueueAssignment[] | undefined | Error>) {
  const subs = new Map<string, SubscriptionData>([[T, buildSubscriptionData(T, '*', 'TAG')]]);
  const pullSets: string[][] = [];
  const popRequests: PopRequest[] = [];
  const changed: number[] = [];
  let i = 0;
  const rb = new RebalanceByBroker({
    consumerGroup: 'G',
    log: silentLogger,
    subscriptionInner: subs,
    queryAssignment: async () => {
      const a = answers[Math.min(i++, answers.length - 1)];
      if (a instanceof Error) throw a;
      return a;
    },
    updatePullQueues: async (_t, queues) => {
      pullSets.push([...queues].map(String));
      return queues.size > 0;
    },
    dispatchPopRequests: (r) => popRequests.push(...r),
    popInitMode: () => 1,
    messageQueueChanged: (_t, _all, divided) => changed.push(divided.size),
  });
  return { rb, subs, pullSets, popRequests, changed };
}

const a = (mode: 'PULL' | 'POP', queueId: number): MessageQueueAssignment => ({ messageQueue: new MessageQueue(T, 'broker-a', queueId), mode, attachments: {} });

describe('RebalanceByBroker (QUERY_ASSIGNMENT)', () => {
  test('POP assignments start one pop loop per queue, once; the pop retry topic is not pulled', async () => {
    const { rb, subs, pullSets, popRequests, changed } = setup([[a('POP', -1)]]);
    subs.set(POP_RETRY, buildSubscriptionData(POP_RETRY, '*', 'TAG'));
    expect(await rb.rebalance(T)).toBe(true);
    expect(await rb.rebalance(T)).toBe(true);
    expect(popRequests.map((r) => [String(r.messageQueue), r.initMode, r.consumerGroup])).toEqual([[String(new MessageQueue(T, 'broker-a', -1)), 1, 'G']]);
    expect(pullSets).toEqual([[], []]);
    expect(subs.has(POP_RETRY)).toBe(false);
    expect(changed).toEqual([1]);
    expect(rb.popProcessQueueTable.size).toBe(1);
  });

  test('PULL assignments go to the pull side, with the pop retry topic subscribed; switching drops the pop queues', async () => {
    const { rb, subs, pullSets, popRequests } = setup([[a('POP', -1)], [a('PULL', 0), a('PULL', 1)]]);
    await rb.rebalance(T);
    const pq = popRequests[0]!.processQueue;
    await rb.rebalance(T);
    expect(pq.dropped).toBe(true);
    expect(rb.popProcessQueueTable.size).toBe(0);
    expect(pullSets[1]!.sort()).toEqual([String(new MessageQueue(T, 'broker-a', 0)), String(new MessageQueue(T, 'broker-a', 1))]);
    expect(subs.get(POP_RETRY)?.subString).toBe('*');
  });

  test('a broker without QUERY_ASSIGNMENT hands the topic back to the client-side rebalance for good', async () => {
    const { rb, pullSets } = setup([new BrokerResponseError(3, 'request type 400 not supported', '127.0.0.1:10911')]);
    expect(await rb.rebalance(T)).toBe(false);
    expect(await rb.rebalance(T)).toBe(false);
    expect(pullSets).toEqual([]);
  });

  test('other failures and an unknown broker leave the assignment as it is', async () => {
    const { rb, pullSets, popRequests } = setup([[a('POP', -1)], new BrokerResponseError(1, 'system error', undefined), undefined]);
    await rb.rebalance(T);
    expect(await rb.rebalance(T)).toBe(true);
    expect(await rb.rebalance(T)).toBe(true);
    expect(pullSets).toHaveLength(1);
    expect(popRequests).toHaveLength(1);
    expect(popRequests[0]!.processQueue.dropped).toBe(false);
  });

  test('pop queues of a topic no longer subscribed are dropped', async () => {
    const { rb, subs, popRequests } = setup([[a('POP', -1)]]);
    await rb.rebalance(T);
    subs.delete(T);
    rb.truncateMessageQueueNotMyTopic();
    expect(popRequests[0]!.processQueue.dropped).toBe(true);
    expect(rb.popProcessQueueTable.size).toBe(0);
  });
});
