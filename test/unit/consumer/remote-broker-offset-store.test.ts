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

/**
 * A broker that stores the last offset it processes, where each UPDATE_CONSUMER_OFFSET is processed after
 * the delay the test gives it (its executor's queue): requests in flight together land in any order.
 */
function reorderingBroker(delaysMs: number[]) {
  const state = { stored: -1n, sent: [] as bigint[] };
  const client: PullClient = {
    api: {
      updateConsumerOffset: async (_a: string, _mq: MessageQueue, _g: string, offset: bigint) => {
        state.sent.push(offset);
        await new Promise((r) => setTimeout(r, delaysMs[state.sent.length - 1] ?? 0));
        state.stored = offset;
      },
    } as never,
    findBrokerAddressInSubscribe: () => ({ brokerAddr: 'm:1', slave: false }),
    updateTopicRouteInfoFromNameServer: async () => true,
  };
  return { client, state };
}

const ticks = async (n: number) => {
  for (let i = 0; i < n; i++) await new Promise((r) => setImmediate(r));
};

describe('RemoteBrokerOffsetStore: the order of one queue commits', () => {
  test('a periodic persist and the release persist overlapping: the broker ends with the final offset', async () => {
    // The periodic update is slow to be processed, the release one fast: sent together, the older lands last.
    const { client, state } = reorderingBroker([80, 0]);
    const store = new RemoteBrokerOffsetStore(client, 'G', silentLogger);
    store.updateOffset(q1, 5n, false);
    const periodic = store.persistAll();
    store.updateOffset(q1, 8n, false);
    const release = store.persist(q1);
    await Promise.all([periodic, release]);
    store.removeOffset(q1);
    expect(state.sent).toEqual([5n, 8n]);
    expect(state.stored).toBe(8n);
  });

  test('persists that wait behind one in flight send the newest value once, and nothing once the queue is forgotten', async () => {
    const { client, state } = reorderingBroker([50, 0, 0]);
    const store = new RemoteBrokerOffsetStore(client, 'G', silentLogger);
    store.updateOffset(q1, 5n, false);
    const first = store.persistAll();
    store.updateOffset(q1, 7n, false);
    const a = store.persistAll();
    store.updateOffset(q1, 9n, false);
    const b = store.persistAll();
    const c = store.persist(q1);
    await Promise.all([first, a, b, c]);
    // The last requested value wins: 7 is never sent, 9 once.
    expect(state.sent).toEqual([5n, 9n]);
    expect(state.stored).toBe(9n);
    const late = store.persistAll();
    store.removeOffset(q1);
    await late;
    expect(state.sent).toEqual([5n, 9n, 9n]);
    const { client: c2, state: s2 } = reorderingBroker([30, 0]);
    const s = new RemoteBrokerOffsetStore(c2, 'G', silentLogger);
    s.updateOffset(q2, 1n, false);
    const inFlight = s.persistAll();
    const waiting = s.persistAll();
    s.removeOffset(q2);
    await Promise.all([inFlight, waiting]);
    expect(s2.sent).toEqual([1n]);
  });

  test('a persist after a failed one sends again; the failure reaches the release persist', async () => {
    let fail = true;
    const sent: bigint[] = [];
    const client: PullClient = {
      api: {
        updateConsumerOffset: async (_a: string, _mq: MessageQueue, _g: string, offset: bigint) => {
          await new Promise((r) => setTimeout(r, 20));
          sent.push(offset);
          if (fail) throw new BrokerResponseError(1, 'x', 'm:1');
        },
      } as never,
      findBrokerAddressInSubscribe: () => ({ brokerAddr: 'm:1', slave: false }),
      updateTopicRouteInfoFromNameServer: async () => true,
    };
    const store = new RemoteBrokerOffsetStore(client, 'G', silentLogger);
    store.updateOffset(q1, 4n, false);
    const failing = store.persist(q1);
    const next = store.persistAll();
    await expect(failing).rejects.toBeInstanceOf(BrokerResponseError);
    fail = false;
    await next;
    expect(sent).toEqual([4n, 4n]);
  });

  test('the final commit waits for the answer of a pull carrying an older offset; a periodic one does not', async () => {
    const { client, state } = reorderingBroker([]);
    const store = new RemoteBrokerOffsetStore(client, 'G', silentLogger, 5000, 60_000);
    store.updateOffset(q1, 3n, false);
    const pullAnswered = store.trackPullCommit(q1, 3n);
    store.updateOffset(q1, 8n, false);
    await store.persistAll();
    expect(state.sent).toEqual([8n]);
    let done = false;
    const release = store.persist(q1).then(() => (done = true));
    await ticks(20);
    expect(done).toBe(false);
    expect(state.sent).toEqual([8n]);
    // The broker processes the pull late (its commit offset 3), then answers it.
    state.stored = 3n;
    pullAnswered();
    await release;
    expect(state.sent).toEqual([8n, 8n]);
    expect(state.stored).toBe(8n);
  });

  test('a reset to an earlier offset waits for the pull carrying the newer one', async () => {
    const { client, state } = reorderingBroker([]);
    const store = new RemoteBrokerOffsetStore(client, 'G', silentLogger, 5000, 60_000);
    const pullAnswered = store.trackPullCommit(q1, 40n);
    store.updateOffset(q1, 10n, false);
    const reset = store.persist(q1);
    await ticks(20);
    expect(state.sent).toEqual([]);
    state.stored = 40n;
    pullAnswered();
    await reset;
    expect(state.stored).toBe(10n);
  });

  test('the final commit waits for pulls a bounded time only, and not for pulls carrying its own offset', async () => {
    const { client, state } = reorderingBroker([]);
    const store = new RemoteBrokerOffsetStore(client, 'G', silentLogger, 5000, 50);
    store.updateOffset(q1, 6n, false);
    store.trackPullCommit(q1, 6n);
    await store.persist(q1);
    expect(state.sent).toEqual([6n]);
    store.updateOffset(q2, 2n, false);
    store.trackPullCommit(q2, 1n);
    // Never answered (a long poll): the bound lets the shutdown go on.
    await store.persistAll([q2], { final: true });
    expect(state.sent).toEqual([6n, 2n]);
    // The bound counts from the pull's send: a pull in flight longer than it is not waited for again.
    store.updateOffset(q2, 3n, false);
    await new Promise((r) => setTimeout(r, 80));
    const again = store.persist(q2);
    await ticks(5);
    expect(state.sent).toEqual([6n, 2n, 3n]);
    await again;
  });
});
