import { ClientError, InvalidArgumentError } from '../errors';
import type { MessageQueue } from '../client/message-queue';
import type { AssignedMessageQueue } from './assigned-message-queue';
import type { OffsetStore } from './store/offset-store';

/**
 * The lite pull consumer's commits (Java `DefaultLitePullConsumerImpl.commit*` and `committed`): `poll()`
 * moves each queue's consume offset; a commit copies it into the offset store's memory (only for queues
 * still assigned and not dropped); a persist writes the store to the broker (or the local file) with
 * checked requests, rejecting when one fails.
 */
export class LitePullCommitter {
  constructor(
    private readonly assigned: AssignedMessageQueue,
    private readonly store: () => OffsetStore,
  ) {}

  /** Java `commit(MessageQueue)`: nothing when no poll returned anything of the queue yet. */
  commitQueue(mq: MessageQueue): void {
    const offset = this.assigned.getConsumerOffset(mq);
    if (offset !== -1n) this.commitOffset(mq, offset);
  }

  /** Java `commitAll`. */
  commitAll(): void {
    for (const mq of this.assigned.queues()) this.commitQueue(mq);
  }

  /** Java `commit(Map, persist)`: offsets of queues not assigned (any more) are ignored, as Java does. */
  async commit(offsets: ReadonlyArray<readonly [MessageQueue, bigint]>, persist: boolean): Promise<void> {
    for (const [mq, offset] of offsets) {
      if (offset < 0n) throw new InvalidArgumentError(`consumerOffset is ${offset} in messageQueue [${mq.toString()}]`);
    }
    for (const [mq, offset] of offsets) this.commitOffset(mq, offset);
    if (persist) await this.persist(offsets.map(([mq]) => mq));
  }

  /** Persists the store's offsets of `mqs` (default: every assigned queue), checked. */
  async persist(mqs: MessageQueue[] = this.assigned.queues()): Promise<void> {
    const store = this.store();
    await Promise.all(mqs.map((mq) => store.persist(mq)));
  }

  /** Java `committed`: memory first, then the broker; -1 when none; throws when the broker cannot say. */
  async committed(mq: MessageQueue): Promise<bigint> {
    const offset = await this.store().readOffset(mq, 'MEMORY_FIRST_THEN_STORE');
    if (offset === -2n) throw new ClientError(-1, 'Fetch consume offset from broker exception');
    return offset;
  }

  private commitOffset(mq: MessageQueue, offset: bigint): void {
    const pq = this.assigned.get(mq)?.processQueue;
    if (pq && !pq.dropped) this.store().updateOffset(mq, offset, false);
  }
}
