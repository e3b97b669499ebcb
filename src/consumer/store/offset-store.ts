import type { MessageQueue } from '../../client/message-queue';

/**
 * Where a consumer group's progress lives (Java `OffsetStore`). Clustering consumers keep it on the
 * broker (`RemoteBrokerOffsetStore`); broadcasting consumers keep it in a local file
 * (`LocalFileOffsetStore`). Offsets are the next offset to consume; -1n means "none known".
 */
export type ReadOffsetType = 'READ_FROM_MEMORY' | 'READ_FROM_STORE' | 'MEMORY_FIRST_THEN_STORE';

export interface OffsetStore {
  /** Reads persisted offsets into memory (the local file store reads its file; the remote one does nothing). */
  load(): Promise<void>;
  /** Sets the in-memory offset; with `increaseOnly` a smaller value than the one held is ignored. */
  updateOffset(mq: MessageQueue, offset: bigint, increaseOnly: boolean): void;
  /** The offset of `mq`, or -1n when none is known (READ_FROM_STORE may also give -2n on a failed read, as Java). */
  readOffset(mq: MessageQueue, type: ReadOffsetType): Promise<bigint>;
  /** Persists the offsets of these queues (all held ones when omitted), checked (errors are logged, not thrown). */
  persistAll(mqs?: Iterable<MessageQueue>, options?: PersistOptions): Promise<void>;
  /** Persists one queue's offset as its final commit (the queue is released); rejects when the store could not take it. */
  persist(mq: MessageQueue): Promise<void>;
  /**
   * A pull of `mq` carrying `commitOffset` (clustering) is about to be sent: the answer to call when it is
   * answered or failed. A final commit does not race it (remote store only).
   */
  trackPullCommit?(mq: MessageQueue, commitOffset: bigint): () => void;
  /** Forgets `mq` (after it was persisted and released). */
  removeOffset(mq: MessageQueue): void;
  /** A copy of the held offsets, by queue, optionally of one topic only. */
  cloneOffsetTable(topic?: string): Map<MessageQueue, bigint>;
  /** Writes `offset` to the broker that owns `mq` at once (remote store only; the local store just updates). */
  updateConsumeOffsetToBroker(mq: MessageQueue, offset: bigint, isOneway: boolean): Promise<void>;
}

export interface PersistOptions {
  /**
   * The last commits of queues about to be released (shutdown): each first waits, bounded, for the answers
   * of the queue's pulls still carrying another offset, so that none of them lands after it.
   */
  final?: boolean;
}
