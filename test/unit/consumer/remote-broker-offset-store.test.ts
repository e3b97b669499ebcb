import { BrokerResponseError, RemotingTimeoutError } from '../../../src/errors';
import { silentLogger } from '../../../src/logger';
import { MessageQueue } from '../../../src/client/message-queue';
import type { PullClient } from '../../../src/consumer/pull-api-wrapper';
import { RemoteBrokerOffsetStore } from '../../../src/consumer/store/remote-broker-offset-store';

const q1 = new MessageQueue('T', 'broker-a', 1);
const q2 = new MessageQueue('T', 'broker-a', 2);

function setup(query: (mq: MessageQueue) => Promise<bigint>) {
  const updates: Array<{ mq: string; offset: bigint; oneway: boolean }> = [];
  const client: PullClient = {
    api: {
      queryConsumerOffset: async (_a: string, mq: MessageQueue) => query(mq),
      updateConsumerOffset: async (_a: string, mq: MessageQueue, _g: string, offset: bigint) => {
        if (mq.queueId === 9) throw new BrokerResponseError(1, 'x', 'm:1');
        updates.push({ mq: mq.toString(), offset, oneway: false });
      },
      updateConsumerOffsetOneway: async (_a: string, mq: MessageQueue, _g: string, offset: bigint) => {
        updates.push({ mq: mq.toString(), offset, oneway: true });
      },
    } as never,
    findBrokerAddressInSubscribe: () => ({ brokerAddr: 'm:1', slave: false }),
    updateTopicRouteInfoFromNameServer: async () => true,
  };
  return { store: new RemoteBrokerOffsetStore(client, 'G', silentLogger), updates };
}

describe('RemoteBrokerOffsetStore', () => {
  test('increase-only updates; memory reads', async () => {
    const { store } = setup(async () => 0n);
    store.updateOffset(q1, 10n, true);
    store.updateOffset(q1, 5n, true);
    expect(await store.readOffset(q1, 'READ_FROM_MEMORY')).toBe(10n);
    store.updateOffset(q1, 5n, false);
    expect(await store.readOffset(q1, 'MEMORY_FIRST_THEN_STORE')).toBe(5n);
    expect(await store.readOffset(q2, 'READ_FROM_MEMORY')).toBe(-1n);
  });

  test('READ_FROM_STORE: the broker offset (kept), -1 for QUERY_NOT_FOUND, -2 for any other failure', async () => {
    const { store } = setup(async (mq) => {
      if (mq.queueId === 1) return 42n;
      if (mq.queueId === 2) throw new BrokerResponseError(22, 'not found', 'm:1');
      throw new RemotingTimeoutError({ addr: 'm:1', timeoutMs: 1 });
    });
    expect(await store.readOffset(q1, 'READ_FROM_STORE')).toBe(42n);
    expect(await store.readOffset(q1, 'READ_FROM_MEMORY')).toBe(42n);
    expect(await store.readOffset(q2, 'READ_FROM_STORE')).toBe(-1n);
    expect(await store.readOffset(new MessageQueue('T', 'broker-a', 3), 'READ_FROM_STORE')).toBe(-2n);
  });

  test('persistAll sends checked updates of the asked queues; a failure is logged, not thrown; persist rejects', async () => {
    const { store, updates } = setup(async () => 0n);
    const q9 = new MessageQueue('T', 'broker-a', 9);
    store.updateOffset(q1, 1n, false);
    store.updateOffset(q2, 2n, false);
    store.updateOffset(q9, 9n, false);
    await store.persistAll([q1, q9]);
    expect(updates).toEqual([{ mq: q1.toString(), offset: 1n, oneway: false }]);
    await expect(store.persist(q9)).rejects.toBeInstanceOf(BrokerResponseError);
    await store.updateConsumeOffsetToBroker(q2, 3n, true);
    expect(updates[1]).toEqual({ mq: q2.toString(), offset: 3n, oneway: true });
    store.removeOffset(q2);
    expect([...store.cloneOffsetTable('T').values()]).toEqual([1n, 9n]);
  });
});
