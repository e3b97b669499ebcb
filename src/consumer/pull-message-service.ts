import { BrokerResponseError } from '../errors';
import type { Logger } from '../logger';
import type { MessageModel } from '../client/heartbeat-data';
import type { MessageQueue } from '../client/message-queue';
import type { MessageExt } from '../message/message-decoder';
import { ResponseCode } from '../remoting/protocol/response-code';
import type { SubscriptionData } from '../client/subscription-data';
import type { PullAPIWrapper } from './pull-api-wrapper';
import { buildPullSysFlag } from './pull-sys-flag';
import type { PullRequest } from './rebalance-impl';
import type { OffsetStore } from './store/offset-store';

/** Java `PULL_TIME_DELAY_MILLS_WHEN_FLOW_CONTROL` and the delays of the pull loop. */
const DELAY_WHEN_FLOW_CONTROL_MS = 50;
const DELAY_WHEN_SUSPENDED_MS = 1000;
const DELAY_WHEN_BROKER_FLOW_CONTROL_MS = 20;
const DELAY_OFFSET_ILLEGAL_MS = 10_000;

/** The settings and collaborators of the pull loops (Java `DefaultMQPushConsumerImpl.pullMessage`). */
export interface PullLoopHost {
  readonly log: Logger;
  readonly messageModel: MessageModel;
  /** Orderly: no span limit, and (clustering) a queue is pulled only while its broker lock is ours. */
  readonly consumeOrderly: boolean;
  readonly pullAPIWrapper: PullAPIWrapper;
  readonly offsetStore: OffsetStore;
  readonly settings: {
    pullBatchSize: number;
    pullIntervalMs: number;
    consumeConcurrentlyMaxSpan: number;
    postSubscriptionWhenPull: boolean;
    brokerSuspendMaxTimeMs: number;
    consumerPullTimeoutMs: number;
    pullTimeDelayMsWhenException: number;
  };
  /** Per-queue limits (topic-level thresholds may lower them). */
  pullThresholdForQueue(): number;
  pullThresholdSizeForQueueMiB(): number;
  isRunning(): boolean;
  isPaused(): boolean;
  subscriptionOf(topic: string): SubscriptionData | undefined;
  submitConsumeRequest(req: PullRequest, msgs: MessageExt[]): void;
  removeProcessQueue(mq: MessageQueue): Promise<void>;
}

/**
 * Java `PullMessageService` + `DefaultMQPushConsumerImpl.pullMessage`: one loop per pull request,
 * each pull issued when the previous answer was handled, paused by flow control (count, size, span),
 * suspend(), and errors. The loop ends when its process queue is dropped or pulling stops.
 */
export class PullMessageService {
  /** Loops waiting to pull again (each counts in `scheduled`). */
  private readonly loopTimers = new Set<NodeJS.Timeout>();
  /** Other delayed work (the fix of an illegal offset): no loop of its own. */
  private readonly timers = new Set<NodeJS.Timeout>();
  private stopped = false;
  private flowControlTimes = 0;
  /** Loops waiting for their next turn (an immediate or a timer). */
  private scheduled = 0;
  /** Loops inside a turn (reading the offset, or a pull awaiting the broker's answer). */
  private running = 0;

  constructor(private readonly host: PullLoopHost) {}

  /**
   * Pull loops alive: each is either scheduled or in a turn, never both between two event-loop turns.
   * A healthy consumer has exactly one per owned queue; more means a queue is pulled twice, fewer that
   * a queue stopped being pulled. A dropped queue's loop counts until its last answer lands.
   */
  get pullRequestsInFlight(): number {
    return this.scheduled + this.running;
  }

  executePullRequestImmediately(req: PullRequest): void {
    if (this.stopped) return;
    this.scheduled++;
    setImmediate(() => {
      this.scheduled--;
      void this.turn(req);
    });
  }

  executePullRequestLater(req: PullRequest, delayMs: number): void {
    if (this.stopped) return;
    this.scheduled++;
    const timer = setTimeout(() => {
      this.loopTimers.delete(timer);
      this.scheduled--;
      void this.turn(req);
    }, delayMs);
    timer.unref?.();
    this.loopTimers.add(timer);
  }

  /** Stops every loop: no new pull starts (a pull in flight finishes and is then ignored). */
  shutdown(): void {
    this.stopped = true;
    for (const t of [...this.loopTimers, ...this.timers]) clearTimeout(t);
    this.scheduled -= this.loopTimers.size;
    this.loopTimers.clear();
    this.timers.clear();
  }

  /** One turn of a loop; an unexpected throw is logged and the loop goes on later rather than dying silently. */
  private async turn(req: PullRequest): Promise<void> {
    this.running++;
    try {
      await this.pullMessage(req);
    } catch (err) {
      this.host.log.warn('the pull loop failed unexpectedly; pulling again later', { mq: req.messageQueue.toString(), err });
      if (!req.processQueue.dropped) this.executePullRequestLater(req, this.host.settings.pullTimeDelayMsWhenException);
    } finally {
      this.running--;
    }
  }

  private async pullMessage(req: PullRequest): Promise<void> {
    const { processQueue: pq, messageQueue: mq } = req;
    const h = this.host;
    if (pq.dropped || this.stopped) return;
    pq.lastPullTimestamp = Date.now();
    if (!h.isRunning()) return this.executePullRequestLater(req, h.settings.pullTimeDelayMsWhenException);
    if (h.isPaused()) return this.executePullRequestLater(req, DELAY_WHEN_SUSPENDED_MS);
    if (pq.msgCount > h.pullThresholdForQueue() || pq.msgSize / (1024 * 1024) > h.pullThresholdSizeForQueueMiB()) {
      if (this.flowControlTimes++ % 1000 === 0) h.log.warn('the cached messages exceed the threshold, so do flow control', { mq: mq.toString(), count: pq.msgCount, bytes: pq.msgSize });
      return this.executePullRequestLater(req, DELAY_WHEN_FLOW_CONTROL_MS);
    }
    if (h.consumeOrderly) {
      if (h.messageModel === 'CLUSTERING' && !pq.locked) return this.executePullRequestLater(req, h.settings.pullTimeDelayMsWhenException);
    } else if (pq.getMaxSpan() > BigInt(h.settings.consumeConcurrentlyMaxSpan)) {
      if (this.flowControlTimes++ % 1000 === 0) h.log.warn('the queue offset span is too big, so do flow control', { mq: mq.toString(), span: String(pq.getMaxSpan()) });
      return this.executePullRequestLater(req, DELAY_WHEN_FLOW_CONTROL_MS);
    }
    const sub = h.subscriptionOf(mq.topic);
    if (!sub) return this.executePullRequestLater(req, h.settings.pullTimeDelayMsWhenException);

    let commitOffset = 0n;
    if (h.messageModel === 'CLUSTERING') commitOffset = await h.offsetStore.readOffset(mq, 'READ_FROM_MEMORY');
    // Checked again after the await: the final commit of a dropped queue may be on its way, and no pull
    // may carry another offset after it.
    if (pq.dropped || this.stopped) return;
    // The final commit waits for this pull's answer when it carries another offset (bounded).
    const answered = commitOffset > 0n ? h.offsetStore.trackPullCommit?.(mq, commitOffset) : undefined;
    const subExpression = h.settings.postSubscriptionWhenPull && !sub.classFilterMode ? sub.subString : undefined;
    const sysFlag = buildPullSysFlag({ commitOffset: commitOffset > 0n, suspend: true, subscription: subExpression !== undefined });
    try {
      const response = await h.pullAPIWrapper.pullKernelImpl({
        mq,
        subExpression,
        expressionType: sub.expressionType,
        subVersion: sub.subVersion,
        offset: req.nextOffset,
        maxNums: h.settings.pullBatchSize,
        sysFlag,
        commitOffset: commitOffset > 0n ? commitOffset : 0n,
        brokerSuspendMaxTimeMillis: h.settings.brokerSuspendMaxTimeMs,
        timeoutMillis: h.settings.consumerPullTimeoutMs,
      });
      if (pq.dropped || this.stopped) return;
      this.onPullResult(req, h.pullAPIWrapper.processPullResult(mq, response, sub));
    } catch (err) {
      if (this.stopped || pq.dropped) return;
      const code = err instanceof BrokerResponseError ? err.responseCode : undefined;
      if (code !== ResponseCode.SUBSCRIPTION_NOT_LATEST) h.log.warn('execute the pull request exception', { mq: mq.toString(), err });
      this.executePullRequestLater(req, code === ResponseCode.FLOW_CONTROL ? DELAY_WHEN_BROKER_FLOW_CONTROL_MS : h.settings.pullTimeDelayMsWhenException);
    } finally {
      answered?.();
    }
  }

  private onPullResult(req: PullRequest, result: ReturnType<PullAPIWrapper['processPullResult']>): void {
    const h = this.host;
    const { processQueue: pq, messageQueue: mq } = req;
    switch (result.pullStatus) {
      case 'FOUND': {
        req.nextOffset = result.nextBeginOffset;
        if (result.msgFoundList.length === 0) return this.executePullRequestImmediately(req);
        pq.putMessage(result.msgFoundList);
        h.submitConsumeRequest(req, result.msgFoundList);
        if (h.settings.pullIntervalMs > 0) return this.executePullRequestLater(req, h.settings.pullIntervalMs);
        return this.executePullRequestImmediately(req);
      }
      case 'NO_NEW_MSG':
      case 'NO_MATCHED_MSG':
        req.nextOffset = result.nextBeginOffset;
        // Java `correctTagsOffset`: with nothing held, the filtered-out range counts as consumed.
        if (pq.msgCount === 0) h.offsetStore.updateOffset(mq, req.nextOffset, true);
        return this.executePullRequestImmediately(req);
      case 'OFFSET_ILLEGAL': {
        h.log.warn('the pull request offset illegal', { mq: mq.toString(), nextBeginOffset: String(result.nextBeginOffset) });
        req.nextOffset = result.nextBeginOffset;
        pq.dropped = true;
        const timer = setTimeout(() => {
          this.timers.delete(timer);
          void (async () => {
            try {
              h.offsetStore.updateOffset(mq, req.nextOffset, false);
              await h.offsetStore.persist(mq);
              await h.removeProcessQueue(mq);
            } catch (err) {
              h.log.warn('fix the offset of an illegal pull request failed', { mq: mq.toString(), err });
            }
          })();
        }, DELAY_OFFSET_ILLEGAL_MS);
        timer.unref?.();
        this.timers.add(timer);
        return;
      }
    }
  }
}
