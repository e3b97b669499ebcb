import { silentLogger } from '../../../src/logger';
import { MessageQueue } from '../../../src/client/message-queue';
import type { PullResponse } from '../../../src/client/pull-response';
import { buildSubscriptionData } from '../../../src/client/subscription-data';
import { MessageExt } from '../../../src/message/message-decoder';
import { encodeMessageExts } from '../../../src/message/stored-message-encoder';
import { PullAPIWrapper, type PullRequestSpec } from '../../../src/consumer/pull-api-wrapper';
import { PullMessageService, type PullLoopHost } from '../../../src/consumer/pull-message-service';
import { ProcessQueue } from '../../../src/consumer/process-queue';
import type { PullRequest } from '../../../src/consumer/rebalance-impl';
import type { OffsetStore } from '../../../src/consumer/store/offset-store';
import { BrokerResponseError } from '../../../src/errors';
import { until } from '../../helpers/fake-rocketmq';

const mq = new MessageQueue('T', 'b', 0);

function body(...offsets: number[]): Buffer {
  return encodeMessageExts(
    offsets.map((o) => {
      const m = new MessageExt('T', Buffer.from('x'));
      m.queueOffset = BigInt(o);
      return m;
    }),
  );
}

function setup(answers: Array<Partial<PullResponse> | Error>, opts: { threshold?: number; memoryOffset?: bigint } = {}) {
  const specs: PullRequestSpec[] = [];
  const submitted: bigint[][] = [];
  const offsets: Array<[bigint, boolean]> = [];
  const removed: string[] = [];
  let persisted = 0;
  const tracked: string[] = [];
  const wrapper = new PullAPIWrapper({ api: {} as never, findBrokerAddressInSubscribe: () => undefined, updateTopicRouteInfoFromNameServer: async () => false }, 'G');
  wrapper.pullKernelImpl = async (spec) => {
    specs.push(spec);
    const a = answers.shift();
    if (a === undefined) return new Promise(() => {});
    if (a instanceof Error) throw a;
    return { status: 'FOUND', nextBeginOffset: 0n, minOffset: 0n, maxOffset: 10n, suggestWhichBrokerId: 0, offsetDelta: undefined, body: undefined, ...a };
  };
  const store = {
    readOffset: async () => opts.memoryOffset ?? -1n,
    updateOffset: (_q: MessageQueue, o: bigint, inc: boolean) => offsets.push([o, inc]),
    persist: async () => void persisted++,
    trackPullCommit: (_q: MessageQueue, commitOffset: bigint) => {
      tracked.push(`start ${commitOffset}`);
      return () => tracked.push(`answered ${commitOffset}`);
    },
  } as unknown as OffsetStore;
  const host: PullLoopHost = {
    log: silentLogger,
    messageModel: 'CLUSTERING',
    consumeOrderly: false,
    pullAPIWrapper: wrapper,
    offsetStore: store,
    settings: { pullBatchSize: 32, pullIntervalMs: 0, consumeConcurrentlyMaxSpan: 2000, postSubscriptionWhenPull: false, brokerSuspendMaxTimeMs: 15000, consumerPullTimeoutMs: 30000, pullTimeDelayMsWhenException: 3000 },
    pullThresholdForQueue: () => opts.threshold ?? 1000,
    pullThresholdSizeForQueueMiB: () => 100,
    isRunning: () => true,
    isPaused: () => false,
    subscriptionOf: () => buildSubscriptionData('T', '*'),
    submitConsumeRequest: (_r, msgs) => submitted.push(msgs.map((m) => m.queueOffset)),
    removeProcessQueue: async (q) => void removed.push(q.toString()),
  };
  const service = new PullMessageService(host);
  const req: PullRequest = { consumerGroup: 'G', messageQueue: mq, processQueue: new ProcessQueue(), nextOffset: 0n };
  return { service, req, specs, submitted, offsets, removed, tracked, store, persisted: () => persisted };
}

describe('PullMessageService', () => {
  afterEach(() => jest.useRealTimers());

  test('FOUND hands the messages over and pulls on from nextBeginOffset with the commit offset piggybacked', async () => {
    const t = setup([{ body: body(0, 1), nextBeginOffset: 2n }, { status: 'NO_NEW_MSG', nextBeginOffset: 2n }], { memoryOffset: 5n });
    t.service.executePullRequestImmediately(t.req);
    await until(() => t.specs.length === 3, 'three pulls');
    expect(t.submitted).toEqual([[0n, 1n]]);
    expect(t.specs.map((s) => s.offset)).toEqual([0n, 2n, 2n]);
    expect(t.specs[0]).toMatchObject({ sysFlag: 0x1 | 0x2, commitOffset: 5n, maxNums: 32, brokerSuspendMaxTimeMillis: 15000, timeoutMillis: 30000 });
    // NO_NEW_MSG while messages are still held: the committed offset does not move (Java correctTagsOffset).
    expect(t.offsets).toEqual([]);
    t.service.shutdown();
  });

  test('a pull carrying a commit offset is known to the store until its answer; a queue dropped meanwhile sends no pull', async () => {
    const t = setup([{ status: 'NO_NEW_MSG', nextBeginOffset: 0n }], { memoryOffset: 5n });
    t.service.executePullRequestImmediately(t.req);
    await until(() => t.specs.length === 2, 'two pulls');
    // The first answered, the second is in flight (never answered here).
    expect(t.tracked).toEqual(['start 5', 'answered 5', 'start 5']);
    t.service.shutdown();

    const d = setup([], { memoryOffset: 7n });
    // The queue is dropped while its commit offset is read (a release began): no pull carries it after that.
    d.store.readOffset = async () => {
      d.req.processQueue.dropped = true;
      return 7n;
    };
    d.service.executePullRequestImmediately(d.req);
    await new Promise((r) => setTimeout(r, 20));
    expect(d.specs).toEqual([]);
    expect(d.tracked).toEqual([]);
  });

  test('NO_MATCHED_MSG on an empty queue advances the offset; no commit bit without a committed offset', async () => {
    const t = setup([{ status: 'NO_MATCHED_MSG', nextBeginOffset: 7n }]);
    t.service.executePullRequestImmediately(t.req);
    await until(() => t.specs.length === 2, 'second pull');
    expect(t.offsets).toEqual([[7n, true]]);
    expect(t.specs[0]!.sysFlag).toBe(0x2);
    expect(t.specs[1]!.offset).toBe(7n);
    t.service.shutdown();
  });

  test('flow control: over pullThresholdForQueue the next pull waits 50 ms', async () => {
    jest.useFakeTimers({ doNotFake: ['setImmediate', 'nextTick', 'queueMicrotask'] });
    const t = setup([{ body: body(0, 1, 2), nextBeginOffset: 3n }], { threshold: 2 });
    t.service.executePullRequestImmediately(t.req);
    for (let i = 0; i < 20; i++) await new Promise((r) => setImmediate(r));
    expect(t.specs).toHaveLength(1);
    t.req.processQueue.removeMessage(t.req.processQueue.heldMessages());
    jest.advanceTimersByTime(50);
    for (let i = 0; i < 20 && t.specs.length < 2; i++) await new Promise((r) => setImmediate(r));
    expect(t.specs).toHaveLength(2);
    t.service.shutdown();
  });

  test('a broker error waits 3 s (FLOW_CONTROL 20 ms); a dropped queue stops its loop', async () => {
    jest.useFakeTimers({ doNotFake: ['setImmediate', 'nextTick', 'queueMicrotask'] });
    const t = setup([new BrokerResponseError(215, 'busy', 'b'), new BrokerResponseError(1, 'x', 'b'), { status: 'NO_NEW_MSG', nextBeginOffset: 0n }]);
    const settle = async () => {
      for (let i = 0; i < 20; i++) await new Promise((r) => setImmediate(r));
    };
    t.service.executePullRequestImmediately(t.req);
    await settle();
    jest.advanceTimersByTime(20);
    await settle();
    expect(t.specs).toHaveLength(2);
    jest.advanceTimersByTime(2999);
    await settle();
    expect(t.specs).toHaveLength(2);
    t.req.processQueue.dropped = true;
    jest.advanceTimersByTime(1);
    await settle();
    expect(t.specs).toHaveLength(2);
    t.service.shutdown();
  });

  test('OFFSET_ILLEGAL drops the queue, then after 10 s sets, persists and removes it', async () => {
    jest.useFakeTimers({ doNotFake: ['setImmediate', 'nextTick', 'queueMicrotask'] });
    const t = setup([{ status: 'OFFSET_ILLEGAL', nextBeginOffset: 42n }]);
    t.service.executePullRequestImmediately(t.req);
    for (let i = 0; i < 20; i++) await new Promise((r) => setImmediate(r));
    expect(t.req.processQueue.dropped).toBe(true);
    jest.advanceTimersByTime(10_000);
    for (let i = 0; i < 20; i++) await new Promise((r) => setImmediate(r));
    expect(t.offsets).toEqual([[42n, false]]);
    expect(t.persisted()).toBe(1);
    expect(t.removed).toEqual([mq.toString()]);
    expect(t.specs).toHaveLength(1);
  });

  test('a shutdown while the fix of an illegal offset is pending leaves pullRequestsInFlight at 0, not below', async () => {
    const t = setup([{ status: 'OFFSET_ILLEGAL', nextBeginOffset: 42n }]);
    t.service.executePullRequestImmediately(t.req);
    for (let i = 0; i < 20; i++) await new Promise((r) => setImmediate(r));
    expect(t.req.processQueue.dropped).toBe(true);
    expect(t.service.pullRequestsInFlight).toBe(0);
    t.service.shutdown();
    expect(t.service.pullRequestsInFlight).toBe(0);
    expect(t.removed).toEqual([]);
  });

  test('pullRequestsInFlight: one per live loop, whether scheduled, pulling or flow-controlled; 0 once dropped or shut down', async () => {
    jest.useFakeTimers({ doNotFake: ['setImmediate', 'nextTick', 'queueMicrotask'] });
    const settle = async (): Promise<void> => {
      for (let i = 0; i < 20; i++) await new Promise((r) => setImmediate(r));
    };
    // A: FOUND over the threshold (flow control, a timer), then a pull that never answers.
    const a = setup([{ body: body(0, 1, 2), nextBeginOffset: 3n }], { threshold: 2 });
    expect(a.service.pullRequestsInFlight).toBe(0);
    a.service.executePullRequestImmediately(a.req);
    expect(a.service.pullRequestsInFlight).toBe(1);
    await settle();
    expect(a.specs).toHaveLength(1);
    expect(a.service.pullRequestsInFlight).toBe(1); // waiting 50 ms on flow control
    a.req.processQueue.removeMessage(a.req.processQueue.heldMessages());
    jest.advanceTimersByTime(50);
    await settle();
    expect(a.specs).toHaveLength(2);
    expect(a.service.pullRequestsInFlight).toBe(1); // the second pull is awaiting its answer
    // A second queue's loop counts separately; dropping it ends its loop at its next turn.
    const req2: PullRequest = { consumerGroup: 'G', messageQueue: new MessageQueue('T', 'b', 1), processQueue: new ProcessQueue(), nextOffset: 0n };
    req2.processQueue.dropped = true;
    a.service.executePullRequestLater(req2, 1000);
    expect(a.service.pullRequestsInFlight).toBe(2);
    jest.advanceTimersByTime(1000);
    await settle();
    expect(a.service.pullRequestsInFlight).toBe(1);
    // Shut down with a loop waiting on a timer: the timer's loop is no longer counted.
    const b = setup([new BrokerResponseError(1, 'boom', 'x')]);
    b.service.executePullRequestImmediately(b.req);
    await settle();
    expect(b.service.pullRequestsInFlight).toBe(1); // waiting 3 s after the error
    b.service.shutdown();
    expect(b.service.pullRequestsInFlight).toBe(0);
    a.service.shutdown();
  });

  test('an unexpected throw inside a turn is logged and the loop pulls again later, not left dead', async () => {
    jest.useFakeTimers({ doNotFake: ['setImmediate', 'nextTick', 'queueMicrotask'] });
    const t = setup([{ status: 'NO_NEW_MSG', nextBeginOffset: 0n }]);
    const realSub = buildSubscriptionData('T', '*');
    let calls = 0;
    const host = (t.service as unknown as { host: PullLoopHost }).host;
    host.subscriptionOf = () => {
      if (calls++ === 0) throw new TypeError('unexpected');
      return realSub;
    };
    t.service.executePullRequestImmediately(t.req);
    for (let i = 0; i < 20; i++) await new Promise((r) => setImmediate(r));
    expect(t.specs).toHaveLength(0);
    expect(t.service.pullRequestsInFlight).toBe(1);
    jest.advanceTimersByTime(3000);
    for (let i = 0; i < 20; i++) await new Promise((r) => setImmediate(r));
    expect(t.specs.length).toBeGreaterThanOrEqual(1);
    t.service.shutdown();
  });
});
