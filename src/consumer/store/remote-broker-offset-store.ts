import { BrokerResponseError, ClientError, ClientErrorCode } from '../../errors';
import type { Logger } from '../../logger';
import type { MessageQueue } from '../../client/message-queue';
import { ResponseCode } from '../../remoting/protocol/response-code';
import { MASTER_ID } from '../../client/route/topic-route-data';
import type { PullClient } from '../pull-api-wrapper';
import { FINAL_COMMIT_PULL_WAIT_MS, OffsetCommitSequencer } from './offset-commit-sequencer';
import type { OffsetStore, PersistOptions, ReadOffsetType } from './offset-store';

/**
 * Java `RemoteBrokerOffsetStore`: a clustering group's offsets live on the master of each queue's broker.
 * The in-memory table only grows when asked to (`increaseOnly`); persisting is a checked request
 * (Java's periodic persist is oneway: a lost update there means duplicates after a restart). The updates
 * of one queue go one after another, and a final commit waits for the other offsets its pulls carry
 * (OffsetCommitSequencer), so that the group's offset never moves back behind the last commit.
 */
export class RemoteBrokerOffsetStore implements OffsetStore {
  private readonly offsetTable = new Map<string, { mq: MessageQueue; offset: bigint }>();
  private readonly sequencer: OffsetCommitSequencer;

  constructor(
    private readonly client: PullClient,
    private readonly groupName: string,
    private readonly log: Logger,
    private readonly timeoutMs = 5000,
    pullWaitMs = FINAL_COMMIT_PULL_WAIT_MS,
  ) {
    this.sequencer = new OffsetCommitSequencer(pullWaitMs);
  }

  async load(): Promise<void> {}

  updateOffset(mq: MessageQueue, offset: bigint, increaseOnly: boolean): void {
    const held = this.offsetTable.get(mq.key());
    if (!held) {
      this.offsetTable.set(mq.key(), { mq, offset });
      return;
    }
    if (!increaseOnly || offset > held.offset) held.offset = offset;
  }

  async readOffset(mq: MessageQueue, type: ReadOffsetType): Promise<bigint> {
    if (type !== 'READ_FROM_STORE') {
      const held = this.offsetTable.get(mq.key());
      if (held) return held.offset;
      if (type === 'READ_FROM_MEMORY') return -1n;
    }
    try {
      const offset = await this.fetchConsumeOffsetFromBroker(mq);
      this.updateOffset(mq, offset, false);
      return offset;
    } catch (err) {
      // QUERY_NOT_FOUND: nothing stored yet; anything else: unknown (-2), so the queue is not taken.
      if (err instanceof BrokerResponseError && err.responseCode === ResponseCode.QUERY_NOT_FOUND) return -1n;
      this.log.warn('fetchConsumeOffsetFromBroker failed', { mq: mq.toString(), err });
      return -2n;
    }
  }

  async persistAll(mqs?: Iterable<MessageQueue>, options?: PersistOptions): Promise<void> {
    const wanted = mqs ? new Set([...mqs].map((q) => q.key())) : undefined;
    const work: Promise<void>[] = [];
    for (const [key, { mq }] of this.offsetTable) {
      if (wanted && !wanted.has(key)) continue;
      work.push(
        this.commit(mq, options?.final ?? false).catch((err: unknown) => {
          this.log.warn('updateConsumeOffsetToBroker failed', { mq: mq.toString(), err });
        }),
      );
    }
    await Promise.all(work);
  }

  async persist(mq: MessageQueue): Promise<void> {
    await this.commit(mq, true);
  }

  trackPullCommit(mq: MessageQueue, commitOffset: bigint): () => void {
    return this.sequencer.pullStarted(mq, commitOffset);
  }

  /** The held offset of `mq` as it is when its turn comes (checked), in order with the queue's other commits. */
  private commit(mq: MessageQueue, final: boolean): Promise<void> {
    const key = mq.key();
    return this.sequencer.commit(mq, () => this.offsetTable.get(key)?.offset, (offset) => this.updateConsumeOffsetToBroker(mq, offset, false), final);
  }

  removeOffset(mq: MessageQueue): void {
    this.offsetTable.delete(mq.key());
  }

  cloneOffsetTable(topic?: string): Map<MessageQueue, bigint> {
    const out = new Map<MessageQueue, bigint>();
    for (const { mq, offset } of this.offsetTable.values()) if (topic === undefined || mq.topic === topic) out.set(mq, offset);
    return out;
  }

  /** One UPDATE_CONSUMER_OFFSET of `offset` as given, outside the ordering of persist/persistAll (Java's public method). */
  async updateConsumeOffsetToBroker(mq: MessageQueue, offset: bigint, isOneway: boolean): Promise<void> {
    const addr = await this.masterOf(mq, false);
    if (isOneway) await this.client.api.updateConsumerOffsetOneway(addr, mq, this.groupName, offset, this.timeoutMs);
    else await this.client.api.updateConsumerOffset(addr, mq, this.groupName, offset, this.timeoutMs);
  }

  private async fetchConsumeOffsetFromBroker(mq: MessageQueue): Promise<bigint> {
    return this.client.api.queryConsumerOffset(await this.masterOf(mq, true), mq, this.groupName, this.timeoutMs);
  }

  private async masterOf(mq: MessageQueue, onlyThisBroker: boolean): Promise<string> {
    let found = this.client.findBrokerAddressInSubscribe(mq.brokerName, MASTER_ID, onlyThisBroker);
    if (!found) {
      await this.client.updateTopicRouteInfoFromNameServer(mq.topic);
      found = this.client.findBrokerAddressInSubscribe(mq.brokerName, MASTER_ID, onlyThisBroker);
    }
    if (!found) throw new ClientError(ClientErrorCode.BROKER_NOT_EXIST_EXCEPTION, `The broker[${mq.brokerName}] not exist`);
    return found.brokerAddr;
  }
}
