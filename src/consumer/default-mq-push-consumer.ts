import { InvalidArgumentError } from '../errors';
import type { ServiceState } from '../client/service-state';
import type { MessageExt } from '../message/message-decoder';
import type { ConsumeConcurrentlyContext, ConsumeConcurrentlyStatus, MessageListenerConcurrently } from './consume-message-concurrently-service';
import { parsePushConsumerOptions, type PushConsumerOptions } from './consumer-config';
import type { ConsumerStats } from './consumer-stats';
import { DefaultMQPushConsumerImpl } from './default-mq-push-consumer-impl';

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
 */
export class DefaultMQPushConsumer {
  /** @internal */
  readonly impl: DefaultMQPushConsumerImpl;

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

  /** Java `registerMessageListener(MessageListenerConcurrently)`. */
  registerMessageListener(listener: MessageListenerConcurrently): void {
    this.impl.registerMessageListener(listener);
  }

  /**
   * The promise-first form: one message per call; resolve to acknowledge it, throw to have it sent back
   * for a later retry. Registers the listener and starts the consumer.
   */
  async consume(handler: MessageHandler): Promise<void> {
    if (typeof handler !== 'function') throw new InvalidArgumentError('the handler must be a function');
    this.impl.registerMessageListener(async (msgs, context): Promise<ConsumeConcurrentlyStatus> => {
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
    return this.impl.shutdown();
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
