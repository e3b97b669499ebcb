import { ClientStateError, InvalidArgumentError } from '../errors';
import type { ServiceState } from '../client/service-state';
import type { MessageExt } from '../message/message-decoder';
import type { ConsumeConcurrentlyContext, ConsumeConcurrentlyStatus } from './consume-message-concurrently-service';
import { parsePushConsumerOptions, type PushConsumerOptions } from './consumer-config';
import type { ConsumerStats } from './consumer-stats';
import { DefaultMQPushConsumerImpl, type MessageListener } from './default-mq-push-consumer-impl';
import { parseMessagesOptions, PushConsumerIterator, type MessageBatch, type MessagesOptions } from './push-consumer-iterator';

/** Java `MessageSelector`: a TAG expression (`'TagA || TagB'`, `'*'`) or an SQL92 one (broker `enablePropertyFilter=true`). */
export type MessageSelector = { type: 'TAG' | 'SQL92'; expression: string };

/** The promise-first handler of `consume()`: resolve to acknowledge, throw or reject to have the message redelivered later. */
export type MessageHandler = (msg: MessageExt, context: ConsumeConcurrentlyContext) => Promise<void> | void;

/**
 * Java `DefaultMQPushConsumer` (concurrent consumption): the client pulls with long polling and hands
 * messages to your listener. Clustering (default): the group shares the topic's queues and progress is
 * committed to the broker. Broadcasting (`messageModel: 'BROADCASTING'`): every member consumes every
 * queue, progress is kept in a local file (`localOffsetStoreDir`), failed messages are dropped.
 *
 * ```ts
 * const consumer = new DefaultMQPushConsumer({ consumerGroup: 'my_group', namesrvAddr: '127.0.0.1:9876' });
 * consumer.subscribe('MyTopic', 'TagA || TagB');
 * consumer.registerMessageListener(async (msgs) => {
 *   for (const m of msgs) console.log(m.msgId, m.body.toString());
 *   return 'CONSUME_SUCCESS';
 * });
 * await consumer.start();
 * // ... later
 * await consumer.shutdown(); // waits for running handlers, then commits offsets
 * ```
 *
 * Or pull batches with `for await` and settle each one (see `messages()`):
 *
 * ```ts
 * consumer.subscribe('MyTopic');
 * for await (const batch of consumer.messages()) {
 *   for (const m of batch) await handle(m);
 *   batch.ack(); // or batch.reconsumeLater()
 * }
 * ```
 */
export class DefaultMQPushConsumer {
  /** @internal */
  readonly impl: DefaultMQPushConsumerImpl;
  private delivery: 'listener' | 'iterator' | undefined;
  private iterator: PushConsumerIterator | undefined;
  private stopping: Promise<void> | undefined;

  constructor(options: PushConsumerOptions) {
    this.impl = new DefaultMQPushConsumerImpl(parsePushConsumerOptions(options));
  }

  get consumerGroup(): string {
    return this.impl.config.consumerGroup;
  }

  get serviceState(): ServiceState {
    return this.impl.serviceState;
  }

  /** Subscribes a topic with a TAG expression (default `'*'`) or a selector. Allowed before and after start(). */
  subscribe(topic: string, expression: string | MessageSelector = '*'): void {
    if (typeof expression === 'string') return this.impl.subscribe(topic, expression, 'TAG');
    if (expression === null || typeof expression !== 'object' || (expression.type !== 'TAG' && expression.type !== 'SQL92')) {
      throw new InvalidArgumentError('expression must be a string or { type: "TAG" | "SQL92", expression }');
    }
    this.impl.subscribe(topic, expression.expression, expression.type);
  }

  unsubscribe(topic: string): void {
    this.impl.unsubscribe(topic);
  }

  /**
   * Java `registerMessageListener`: a function is a `MessageListenerConcurrently`; `{ orderly: fn }` a
   * `MessageListenerOrderly` (each queue's messages in order, one batch at a time, under the queue's broker
   * lock; answer `'SUCCESS'` or `'SUSPEND_CURRENT_QUEUE_A_MOMENT'`, a throw suspends too).
   */
  registerMessageListener(listener: MessageListener): void {
    if (this.delivery === 'iterator') throw new ClientStateError(this.serviceState, 'messages() delivers to its loop: no listener can be registered as well');
    this.impl.registerMessageListener(listener);
    this.delivery = 'listener';
  }

  /**
   * The pull-based form: batches (up to `consumeMessageBatchMaxSize` messages of one queue) in a `for await`
   * loop, each settled with `batch.ack()` or `batch.reconsumeLater(delayLevel?)`. The first `next()` starts
   * the consumer (subscribe before). One batch at a time is handed out; while the loop body runs, at most
   * `consumeThreadMax` further batches wait, pulled and unacknowledged, and pull flow control
   * (`pullThresholdForQueue`, ...) counts them, so a slow loop slows the pulls.
   *
   * - A batch the loop moves past without settling it is delivered again later, as `reconsumeLater()` (a
   *   warning is logged once): only `ack()` acknowledges.
   * - Leaving the loop (`break`, `return`, a throw) or aborting `signal` shuts the consumer down. The batch
   *   in hand, if not settled, and every batch not handed out yet are neither acknowledged nor sent back: the
   *   committed offset stays before them, so the next consumer of the group receives them.
   * - `shutdown()` from elsewhere ends the loop after the batch in hand, waiting for its settlement as for
   *   any running handler (`awaitTerminationMsWhenShutdown`). Inside the loop, `break` instead of awaiting
   *   `shutdown()` (which would wait that long for the very batch the loop holds).
   *
   * One iteration per consumer, instead of a listener; `consumer[Symbol.asyncIterator]()` is `messages()`.
   */
  messages(options?: MessagesOptions): AsyncIterableIterator<MessageBatch> {
    const { signal } = parseMessagesOptions(options);
    if (this.delivery !== undefined) {
      throw new ClientStateError(this.serviceState, this.delivery === 'iterator' ? 'messages() can be iterated once per consumer' : 'a message listener is registered: use either it or messages()');
    }
    if (this.serviceState !== 'CREATE_JUST') throw new ClientStateError(this.serviceState, 'messages() must be called before start()');
    const start = async (): Promise<boolean> => {
      if (this.serviceState === 'CREATE_JUST') await this.start();
      return this.serviceState === 'RUNNING';
    };
    const iterator = new PushConsumerIterator({ start, shutdown: () => this.shutdown(), log: this.impl.log }, signal);
    this.impl.registerMessageListener(iterator.listener);
    this.delivery = 'iterator';
    this.iterator = iterator;
    return iterator;
  }

  [Symbol.asyncIterator](): AsyncIterableIterator<MessageBatch> {
    return this.messages();
  }

  /**
   * The promise-first form: one message per call; resolve to acknowledge it, throw to have it sent back
   * for a later retry. Registers the listener and starts the consumer.
   */
  async consume(handler: MessageHandler): Promise<void> {
    if (typeof handler !== 'function') throw new InvalidArgumentError('the handler must be a function');
    this.registerMessageListener(async (msgs, context): Promise<ConsumeConcurrentlyStatus> => {
      for (let i = 0; i < msgs.length; i++) {
        try {
          await handler(msgs[i]!, context);
        } catch (err) {
          // The ones before were handled: only this one and the rest come again.
          if (i === 0) throw err;
          context.ackIndex = i - 1;
          return 'CONSUME_SUCCESS';
        }
      }
      return 'CONSUME_SUCCESS';
    });
    await this.start();
  }

  start(): Promise<void> {
    return this.impl.start();
  }

  /** Stops pulling, waits for running handlers (`awaitTerminationMsWhenShutdown`), commits offsets, unregisters, closes. */
  shutdown(): Promise<void> {
    if (this.serviceState === 'RUNNING' && !this.stopping) {
      // A loop over messages() ends after the batch in hand; the batches waiting for it are released.
      this.iterator?.close(false);
      this.stopping = this.impl.shutdown();
    }
    return this.stopping ?? Promise.resolve();
  }

  /**
   * A snapshot for monitoring: owned queues, live pull loops (one per owned queue when healthy), messages
   * and bytes held in memory per queue, handlers running. The counters also appear in the answer to
   * GET_CONSUMER_RUNNING_INFO (`mqadmin consumerStatus`).
   */
  stats(): ConsumerStats {
    return this.impl.stats();
  }

  /** Stops pulling (messages already pulled are still consumed) until resume(). */
  suspend(): void {
    this.impl.suspend();
  }

  resume(): void {
    this.impl.resume();
  }
}
