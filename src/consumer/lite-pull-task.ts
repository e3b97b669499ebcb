import { BrokerResponseError } from '../errors';
import type { Logger } from '../logger';
import type { MessageQueue } from '../client/message-queue';
import type { SubscriptionData } from '../client/subscription-data';
import { ResponseCode } from '../remoting/protocol/response-code';
import type { AssignedMessageQueue, MessageQueueState } from './assigned-message-queue';
import type { ConsumeRequestCache } from './consume-request-cache';
import type { PullAPIWrapper } from './pull-api-wrapper';
import { buildPullSysFlag } from './pull-sys-flag';

/** Java `DefaultLitePullConsumerImpl`'s delays. A flow-controlled task also wakes as soon as a poll takes something. */
const DELAY_WHEN_FLOW_CONTROL_MS = 1000;
const DELAY_WHEN_BROKER_FLOW_CONTROL_MS = 20;
const DELAY_WHEN_PAUSE_MS = 1000;
const DELAY_ON_OFFSET_EXCEPTION_MS = 3000;
/** Java `buildSysFlag(commitOffset=false, suspend=true, subscription=true, classFilter=false, litePull=true)`. */
const LITE_PULL_SYS_FLAG = buildPullSysFlag({ suspend: true, subscription: true, litePull: true });

export interface LitePullTaskHost {
  readonly log: Logger;
  readonly settings: {
    pullBatchSize: number;
    pullThresholdForAll: number;
    pullThresholdForQueue: number;
    pullThresholdSizeForQueue: number;
    consumeMaxSpan: number;
    brokerSuspendMaxTimeMs: number;
    consumerTimeoutMsWhenSuspend: number;
    pullTimeDelayMsWhenException: number;
  };
  readonly assigned: AssignedMessageQueue;
  readonly cache: ConsumeRequestCache;
  readonly pullAPIWrapper: PullAPIWrapper;
  isRunning(): boolean;
  /** The subscription of a subscribed topic, or the assign-mode expression of the topic. */
  subscriptionFor(topic: string): SubscriptionData;
  /** Where a queue with no pull offset yet starts (stored offset, else `consumeFromWhere`). */
  fetchConsumeOffset(mq: MessageQueue): Promise<bigint>;
}

/**
 * Java `DefaultLitePullConsumerImpl.PullTaskImpl`: the pull loop of one assigned queue. It pulls with
 * long polling into the shared buffer unless the queue is paused or the buffer is over a threshold
 * (over all queues: buffered messages > `pullThresholdForAll`; this queue: count, MiB, offset span),
 * and ends when cancelled (seek, re-assignment, shutdown) or when its process queue is dropped. An
 * answer that arrives after a cancel or a seek is discarded.
 */
export class LitePullTask {
  private cancelled = false;
  private flowControlTimes = 0;

  constructor(
    readonly mq: MessageQueue,
    private readonly host: LitePullTaskHost,
  ) {}

  start(): void {
    void this.run();
  }

  cancel(): void {
    this.cancelled = true;
  }

  private async run(): Promise<void> {
    while (!this.cancelled && this.host.isRunning()) {
      let waitMs: number;
      let onDrain = false;
      try {
        [waitMs, onDrain] = await this.pullOnce();
      } catch (err) {
        this.host.log.error('an error occurred in the lite pull task', { mq: this.mq.toString(), err });
        waitMs = this.host.settings.pullTimeDelayMsWhenException;
      }
      if (waitMs <= 0 || this.cancelled) continue;
      // Waits end at the consumer's shutdown (the cache closes); flow control and pause also when a poll or resume() frees room.
      await (onDrain ? this.host.cache.waitForDrain(waitMs) : this.host.cache.sleep(waitMs));
    }
  }

  private shouldStop(state: MessageQueueState): boolean {
    return this.cancelled || state.processQueue.dropped || !this.host.isRunning();
  }

  /** One turn: the wait before the next one, and whether a drain of the buffer ends that wait early. */
  private async pullOnce(): Promise<[number, boolean]> {
    const h = this.host;
    const s = h.settings;
    const state = h.assigned.get(this.mq);
    if (!state || state.processQueue.dropped) {
      this.cancelled = true;
      return [0, false];
    }
    const pq = state.processQueue;
    // Also while paused: a paused queue is not a stalled one, and the rebalance drops stalled ones.
    pq.lastPullTimestamp = Date.now();
    if (state.paused) return [DELAY_WHEN_PAUSE_MS, true];
    if (h.cache.messageCount > s.pullThresholdForAll) return this.flowControl('the buffered messages exceed pullThresholdForAll', h.cache.messageCount);
    if (pq.msgCount > s.pullThresholdForQueue) return this.flowControl('the cached message count exceeds pullThresholdForQueue', pq.msgCount);
    if (pq.msgSize / (1024 * 1024) > s.pullThresholdSizeForQueue) return this.flowControl('the cached message size exceeds pullThresholdSizeForQueue', pq.msgSize);
    if (pq.getMaxSpan() > BigInt(s.consumeMaxSpan)) return this.flowControl('the cached offset span exceeds consumeMaxSpan', Number(pq.getMaxSpan()));

    let offset: bigint;
    try {
      offset = this.nextPullOffset(state) ?? (await h.fetchConsumeOffset(this.mq));
    } catch (err) {
      h.log.warn('failed to get the next pull offset', { mq: this.mq.toString(), err });
      return [DELAY_ON_OFFSET_EXCEPTION_MS, false];
    }
    if (this.shouldStop(state)) return [0, false];
    const sub = h.subscriptionFor(this.mq.topic);
    try {
      const response = await h.pullAPIWrapper.pullKernelImpl({
        mq: this.mq,
        subExpression: sub.subString,
        expressionType: sub.expressionType,
        subVersion: sub.expressionType === 'TAG' ? 0 : sub.subVersion,
        offset,
        maxNums: s.pullBatchSize,
        sysFlag: LITE_PULL_SYS_FLAG,
        commitOffset: 0n,
        brokerSuspendMaxTimeMillis: s.brokerSuspendMaxTimeMs,
        timeoutMillis: s.consumerTimeoutMsWhenSuspend,
      });
      if (this.shouldStop(state)) return [0, false];
      const result = h.pullAPIWrapper.processPullResult(this.mq, response, sub);
      const seeking = state.seekOffset !== -1n;
      if (result.pullStatus === 'FOUND' && result.msgFoundList.length > 0 && !seeking) {
        pq.putMessage(result.msgFoundList);
        h.cache.put({ messages: result.msgFoundList, mq: this.mq, processQueue: pq });
      } else if (result.pullStatus === 'OFFSET_ILLEGAL') {
        h.log.warn('the pull request offset illegal', { mq: this.mq.toString(), offset: String(offset), nextBeginOffset: String(result.nextBeginOffset) });
      }
      if (!seeking) h.assigned.updatePullOffset(this.mq, result.nextBeginOffset, pq);
      return [0, false];
    } catch (err) {
      if (this.shouldStop(state)) return [0, false];
      const flowControl = err instanceof BrokerResponseError && err.responseCode === ResponseCode.FLOW_CONTROL;
      h.log.warn('lite pull failed; retrying', { mq: this.mq.toString(), err });
      return [flowControl ? DELAY_WHEN_BROKER_FLOW_CONTROL_MS : s.pullTimeDelayMsWhenException, false];
    }
  }

  /** Java `nextPullOffset`: a pending seek (which also becomes the consume offset), else the pull offset; undefined when neither. */
  private nextPullOffset(state: MessageQueueState): bigint | undefined {
    if (state.seekOffset !== -1n) {
      const offset = state.seekOffset;
      state.consumeOffset = offset;
      state.seekOffset = -1n;
      return offset;
    }
    return state.pullOffset !== -1n ? state.pullOffset : undefined;
  }

  private flowControl(what: string, value: number): [number, boolean] {
    if (this.flowControlTimes++ % 1000 === 0) this.host.log.warn(`${what}, so do flow control`, { mq: this.mq.toString(), value, flowControlTimes: this.flowControlTimes });
    return [DELAY_WHEN_FLOW_CONTROL_MS, true];
  }
}

/** Java `taskTable`: at most one live pull task per queue. */
export class LitePullTaskTable {
  private readonly tasks = new Map<string, LitePullTask>();

  constructor(private readonly host: () => LitePullTaskHost) {}

  /** Java `updateAssignPullTask` / `updatePullTask`: tasks of queues not in `mqs` (of `topic` only, if given) end; missing ones start. */
  update(mqs: Iterable<MessageQueue>, topic?: string): void {
    const wanted = new Map([...mqs].map((q) => [q.key(), q]));
    this.cancelWhere((mq) => (topic === undefined || mq.topic === topic) && !wanted.has(mq.key()));
    for (const [key, mq] of wanted) if (!this.tasks.has(key)) this.start(mq);
  }

  /** A new task for `mq`, the old one (if any) cancelled: its answer in flight is discarded (seek). */
  restart(mq: MessageQueue): void {
    this.tasks.get(mq.key())?.cancel();
    this.start(mq);
  }

  cancelWhere(match: (mq: MessageQueue) => boolean): void {
    for (const [key, task] of [...this.tasks]) {
      if (!match(task.mq)) continue;
      task.cancel();
      this.tasks.delete(key);
    }
  }

  private start(mq: MessageQueue): void {
    const task = new LitePullTask(mq, this.host());
    this.tasks.set(mq.key(), task);
    task.start();
  }
}
