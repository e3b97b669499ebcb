import { InvalidArgumentError } from '../errors';
import { MessageQueue } from '../client/message-queue';
import type { ServiceState } from '../client/service-state';
import type { MessageExt } from '../message/message-decoder';
import type { MessageSelector } from './default-mq-push-consumer';
import { DefaultLitePullConsumerImpl } from './default-lite-pull-consumer-impl';
import type { MessageQueueListener, TopicMessageQueueChangeListener } from './lite-pull-listeners';
import { parseLitePullConsumerOptions, type LitePullConsumerOptions } from './lite-pull-consumer-config';

export type { MessageQueueListener, TopicMessageQueueChangeListener };

/** A queue as `assign`, `seek`, `pause`... accept it: a `MessageQueue` or its three fields. */
export type MessageQueueLike = MessageQueue | { topic: string; brokerName: string; queueId: number };
/** An offset as the caller has it: a `MessageExt.queueOffset` (bigint) or a number. */
export type OffsetLike = bigint | number;

export interface LitePullMessagesOptions {
  /** How long each underlying `poll()` waits, ms; default the `pollTimeoutMs` option. */
  pollTimeoutMs?: number;
  /** Ends the iteration (also while it waits for messages). */
  signal?: AbortSignal;
}

function toOffset(v: unknown, what = 'offset'): bigint {
  if (typeof v === 'bigint' && v >= 0n) return v;
  if (typeof v === 'number' && Number.isSafeInteger(v) && v >= 0) return BigInt(v);
  throw new InvalidArgumentError(`${what} must be a non-negative integer (number or bigint), got ${String(v)}`);
}

function toQueues(queues: Iterable<MessageQueueLike>): MessageQueue[] {
  if (queues === null || typeof queues !== 'object' || typeof (queues as Iterable<unknown>)[Symbol.iterator] !== 'function') {
    throw new InvalidArgumentError('expected an iterable of message queues');
  }
  return [...queues].map((q) => toQueue(q));
}

function toQueue(q: MessageQueueLike): MessageQueue {
  if (q === null || typeof q !== 'object') throw new InvalidArgumentError('expected a MessageQueue or { topic, brokerName, queueId }');
  return MessageQueue.from(q);
}

/**
 * Java `DefaultLitePullConsumer`: you pull, at your pace. Either `subscribe()` topics (the group shares
 * their queues, rebalanced as members come and go) or `assign()` queues yourself; never both
 * (`SubscriptionConflictError`). Background long-polling pulls fill a buffer per assigned queue, bounded
 * by `pullThresholdForAll` and the per-queue thresholds; `poll()` hands out one pulled batch. With
 * `autoCommit` (default) a `poll()` commits what earlier polls returned every `autoCommitIntervalMs`; or
 * commit yourself with `commitSync()` / `commit()`. On 5.x brokers pulls are LITE_PULL_MESSAGE (361); a
 * 4.x broker gets PULL_MESSAGE with the LITE_PULL flag, as Java's 4.9 client sends.
 *
 * ```ts
 * const consumer = new DefaultLitePullConsumer({ consumerGroup: 'g', namesrvAddr: '127.0.0.1:9876' });
 * consumer.subscribe('T', 'TagA || TagB');
 * await consumer.start();
 * for await (const msgs of consumer.messages()) {
 *   for (const m of msgs) await handle(m); // nothing more is pulled while the buffer is full
 * }
 * ```
 */
export class DefaultLitePullConsumer {
  /** @internal */
  readonly impl: DefaultLitePullConsumerImpl;

  constructor(options: LitePullConsumerOptions) {
    this.impl = new DefaultLitePullConsumerImpl(parseLitePullConsumerOptions(options));
  }

  get consumerGroup(): string {
    return this.impl.config.consumerGroup;
  }

  get serviceState(): ServiceState {
    return this.impl.serviceState;
  }

  isRunning(): boolean {
    return this.impl.isRunning();
  }

  start(): Promise<void> {
    return this.impl.start();
  }

  /** Stops pulling, ends waiting polls and iterations, commits (with `autoCommit`), persists offsets (checked), unregisters. */
  shutdown(): Promise<void> {
    return this.impl.shutdown();
  }

  /**
   * Subscribes a topic with a TAG expression (default `'*'`) or a selector; `listener` hears every change of
   * this member's share of the topic's queues. Allowed before and after start().
   */
  subscribe(topic: string, expression: string | MessageSelector = '*', listener?: MessageQueueListener): void {
    if (listener !== undefined && typeof listener !== 'function') throw new InvalidArgumentError('the listener must be a function');
    if (typeof expression === 'string') return this.impl.subscribe(topic, expression, 'TAG', listener);
    if (expression === null || typeof expression !== 'object' || (expression.type !== 'TAG' && expression.type !== 'SQL92')) {
      throw new InvalidArgumentError('expression must be a string or { type: "TAG" | "SQL92", expression }');
    }
    this.impl.subscribe(topic, expression.expression, expression.type, listener);
  }

  unsubscribe(topic: string): void {
    this.impl.unsubscribe(topic);
  }

  /** Reads exactly these queues (replacing an earlier assignment); no rebalance, no group sharing. */
  assign(queues: Iterable<MessageQueueLike>): void {
    this.impl.assign(toQueues(queues));
  }

  /** The TAG expression pulls of an assigned topic carry (default `'*'`); before start() only. */
  setSubExpressionForAssign(topic: string, subExpression: string): void {
    if (typeof subExpression !== 'string') throw new InvalidArgumentError('subExpression can not be null or empty.');
    this.impl.setSubExpressionForAssign(topic, subExpression);
  }

  /** The queues read now (assigned, or this member's share of the subscribed topics). */
  assignment(): MessageQueue[] {
    return this.impl.assigned.queues().map((q) => this.impl.unwrap(q));
  }

  /**
   * One pulled batch (up to `pullBatchSize` messages of one queue), waiting up to `timeoutMs` (default
   * `pollTimeoutMs`) for one; `[]` when none came. Queues paused with `pause()` are skipped.
   */
  async poll(timeoutMs: number = this.impl.config.pollTimeoutMs, signal?: AbortSignal): Promise<MessageExt[]> {
    return this.userMessages(await this.impl.poll(timeoutMs, signal));
  }

  /**
   * `for await (const msgs of consumer.messages())`: `poll()` after `poll()`, yielding non-empty batches.
   * The next poll (and with it the auto-commit of the batch the loop body just handled) happens only when
   * the body is done, and pulls stop while the buffer is over its thresholds: a slow body holds at most
   * about `pullThresholdForAll` messages in memory. Ends at shutdown() or when `signal` aborts; a `break`
   * just stops polling (the consumer keeps running until shutdown()).
   */
  async *messages(options: LitePullMessagesOptions = {}): AsyncGenerator<MessageExt[], void, undefined> {
    const timeoutMs = options.pollTimeoutMs ?? this.impl.config.pollTimeoutMs;
    // A poll on a consumer not running throws: an iteration started before start() fails at once.
    let batch = await this.poll(timeoutMs, options.signal);
    for (;;) {
      if (batch.length > 0) yield batch;
      if (!this.impl.isRunning() || options.signal?.aborted) return;
      batch = await this.poll(timeoutMs, options.signal);
    }
  }

  /** Drops what is buffered for the queue; the next messages are read from `offset` (within the broker's min..max). */
  seek(mq: MessageQueueLike, offset: OffsetLike): Promise<void> {
    return this.impl.seek(toQueue(mq), toOffset(offset));
  }

  seekToBegin(mq: MessageQueueLike): Promise<void> {
    return this.impl.seekToBegin(toQueue(mq));
  }

  seekToEnd(mq: MessageQueueLike): Promise<void> {
    return this.impl.seekToEnd(toQueue(mq));
  }

  /** No pulls and no delivery from these queues until resume(); what is buffered for them stays buffered. */
  pause(queues: Iterable<MessageQueueLike>): void {
    this.impl.pause(toQueues(queues));
  }

  resume(queues: Iterable<MessageQueueLike>): void {
    this.impl.resume(toQueues(queues));
  }

  /** Commits what every poll so far returned and persists it with checked requests; rejects when the broker did not take it. */
  commitSync(): Promise<void> {
    return this.impl.commitSync();
  }

  /**
   * Java `commit(offsets, persist)`: these offsets (the next offset to read, per queue) become the
   * committed ones; persisted at once (checked) when `persist`, else with the next periodic persist.
   * Without `offsets`: what every poll so far returned (Java `commit()`).
   */
  async commit(offsets?: ReadonlyMap<MessageQueueLike, OffsetLike> | Iterable<readonly [MessageQueueLike, OffsetLike]>, persist = false): Promise<void> {
    if (offsets === undefined) {
      this.impl.commitAllInMemory();
      if (persist) await this.impl.commitSync();
      return;
    }
    const entries = [...(offsets as Iterable<readonly [MessageQueueLike, OffsetLike]>)].map(([mq, o]) => [toQueue(mq), toOffset(o)] as const);
    await this.impl.commit(entries, persist);
  }

  /** The committed offset of a queue (this consumer's, else the broker's), -1n when there is none. */
  committed(mq: MessageQueueLike): Promise<bigint> {
    return this.impl.committed(toQueue(mq));
  }

  /** The offset of the first message stored at or after `timestamp` (epoch ms or a Date). */
  offsetForTimestamp(mq: MessageQueueLike, timestamp: number | Date): Promise<bigint> {
    const ts = timestamp instanceof Date ? timestamp.getTime() : timestamp;
    if (typeof ts !== 'number' || !Number.isSafeInteger(ts) || ts < 0) throw new InvalidArgumentError(`timestamp must be epoch milliseconds, got ${String(timestamp)}`);
    return this.impl.offsetForTimestamp(toQueue(mq), ts);
  }

  /** The readable queues of a topic, from a fresh route lookup. */
  fetchMessageQueues(topic: string): Promise<MessageQueue[]> {
    return this.impl.fetchMessageQueues(topic);
  }

  /** `listener` hears the queues of `topic` whenever they change (checked every `topicMetadataCheckIntervalMs`). */
  registerTopicMessageQueueChangeListener(topic: string, listener: TopicMessageQueueChangeListener): Promise<void> {
    return this.impl.registerTopicMessageQueueChangeListener(topic, listener);
  }

  private userMessages(msgs: MessageExt[]): MessageExt[] {
    if (this.impl.namespace) for (const m of msgs) m.topic = this.impl.userTopic(m.topic);
    return msgs;
  }
}
