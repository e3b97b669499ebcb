import { ClientStateError } from '../errors';
import type { MessageQueue } from '../client/message-queue';
import { persistAndForgetOffset } from './broker-offset-lookups';
import { ConsumerRebalanceHost } from './consumer-rebalance-host';
import type { ProcessQueue } from './process-queue';
import type { PullRequest } from './rebalance-impl';
import type { PushConsumerCore } from './push-consumer-hosts';

/** Java: a release waits this long for the queue's running handler (`consumeLock.tryLock(1000)`). */
const RELEASE_WAIT_FOR_HANDLER_MS = 1000;

/**
 * Java `RebalancePushImpl`: what the push consumer does for RebalanceImpl: start offsets of new queues,
 * the release of queues no longer owned (offset committed first), the broker locks of orderly consumption,
 * the per-queue flow-control thresholds and the pull loops of newly owned queues.
 */
export class RebalancePushImpl extends ConsumerRebalanceHost {
  private rebalanceLaterTimer: NodeJS.Timeout | undefined;

  constructor(private readonly core: PushConsumerCore) {
    super(core);
  }

  isConsumeOrderly(): boolean {
    return this.core.isConsumeOrderly();
  }

  /**
   * Java `RebalancePushImpl.removeUnnecessaryMessageQueue`. Orderly (clustering): first wait (bounded) for the
   * handler running on the queue, so that its result is committed and the lock is kept until then; without
   * it, the queue stays (dropped) and the release is tried again when the handler ends. Then persist, forget
   * the offset and unlock at once: the queue is dropped and its consume lock held, so no handler runs here.
   */
  async removeUnnecessaryMessageQueue(mq: MessageQueue, pq: ProcessQueue): Promise<boolean> {
    if (this.core.isConsumeOrderly() && this.core.config.messageModel === 'CLUSTERING') {
      if (!(await pq.consumeLock.tryLock(RELEASE_WAIT_FOR_HANDLER_MS))) {
        pq.tryUnlockTimes++;
        this.core.log.warn('the message queue is being consumed, release it later', { mq: mq.toString(), tryUnlockTimes: pq.tryUnlockTimes });
        return false;
      }
      try {
        await this.persistAndForget(mq);
        await this.core.rebalanceImpl.unlock(mq, false);
      } finally {
        pq.consumeLock.unlock();
      }
      return true;
    }
    await this.persistAndForget(mq);
    return true;
  }

  /** The final commit of a released queue (checked), then its offset is forgotten. */
  async persistAndForget(mq: MessageQueue): Promise<void> {
    await persistAndForgetOffset(this.core.offsetStore, mq, this.core.log);
  }

  async lockBatchMQ(brokerName: string, mqs: readonly MessageQueue[]): Promise<MessageQueue[]> {
    const { factory, addr, body } = this.lockRequest(brokerName, mqs);
    return factory.api.lockBatchMQ(addr, brokerName, body, factory.config.mqClientApiTimeoutMs);
  }
  async unlockBatchMQ(brokerName: string, mqs: readonly MessageQueue[], oneway: boolean): Promise<void> {
    const { factory, addr, body } = this.lockRequest(brokerName, mqs);
    await factory.api.unlockBatchMQ(addr, brokerName, body, factory.config.mqClientApiTimeoutMs, oneway);
  }
  /** The master of `brokerName` and the body of a LOCK_BATCH_MQ / UNLOCK_BATCH_MQ for `mqs`. */
  private lockRequest(brokerName: string, mqs: readonly MessageQueue[]) {
    const factory = this.core.clientInstance;
    const found = factory.findBrokerAddressInSubscribe(brokerName, 0, true);
    if (!found) throw new ClientStateError(this.core.serviceState, `The broker[${brokerName}] not exist`);
    return { factory, addr: found.brokerAddr, body: { consumerGroup: this.core.consumerGroup, clientId: factory.clientId, mqSet: mqs } };
  }
  onQueueLocked(mq: MessageQueue, pq: ProcessQueue): void {
    this.core.services.orderly?.onLockRenewed(pq, mq);
  }

  rebalanceLater(delayMs: number): void {
    if (this.rebalanceLaterTimer || this.core.serviceState !== 'RUNNING') return;
    this.rebalanceLaterTimer = setTimeout(() => {
      this.rebalanceLaterTimer = undefined;
      if (this.core.serviceState === 'RUNNING') void this.core.clientInstance.rebalanceImmediately();
    }, delayMs);
    this.rebalanceLaterTimer.unref?.();
  }
  /** At shutdown: no later round. */
  cancelRebalanceLater(): void {
    if (this.rebalanceLaterTimer) clearTimeout(this.rebalanceLaterTimer);
    this.rebalanceLaterTimer = undefined;
  }

  rebalanceByBroker(topic: string): Promise<boolean> {
    const popMode = this.core.services.popMode;
    return popMode ? popMode.rebalance.rebalance(topic) : Promise.resolve(false);
  }
  dispatchPullRequest(requests: PullRequest[]): void {
    for (const r of requests) this.core.services.pull?.executePullRequestImmediately(r);
  }
  /** Java `RebalancePushImpl.messageQueueChanged`: topic-level thresholds per queue, new subVersion, heartbeat. */
  messageQueueChanged(topic: string, _mqAll: ReadonlySet<MessageQueue>, mqDivided: ReadonlySet<MessageQueue>): void {
    const { config, queueThreshold } = this.core;
    const n = Math.max(1, mqDivided.size);
    if (config.pullThresholdForTopic !== -1) queueThreshold.count = Math.max(1, Math.floor(config.pullThresholdForTopic / n));
    if (config.pullThresholdSizeForTopic !== -1) queueThreshold.sizeMiB = Math.max(1, Math.floor(config.pullThresholdSizeForTopic / n));
    const sub = this.core.rebalanceImpl.subscriptionInner.get(topic);
    if (sub) sub.subVersion = Math.max(Date.now(), sub.subVersion + 1);
    void this.core.clientInstance.sendHeartbeatToAllBrokerWithLock();
  }
}
