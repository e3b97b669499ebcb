import type { ClientOptions } from '../client/client-options';
import type { MeterProviderLike, TracerProviderLike } from '../client/telemetry/telemetry-options';
import type { RPCHook } from '../remoting/rpc-hook';
import type { AllocateMessageQueueStrategy } from './rebalance/allocate-message-queue-strategy';

/**
 * What `new DefaultMQPushConsumer({...})` accepts: every client option plus Java `DefaultMQPushConsumer`'s. Strict:
 * an unknown or misspelt key is an error naming it ("did you mean"). Defaults are Java 5.3.3's. The validation,
 * defaults and bounds are the schema's (consumer-config.ts), which a compile-time check keeps equal to this
 * interface; docs/options.md is generated from both (`npm run docs:options`). Durations end in `Ms` (Java mixes
 * milliseconds, seconds and minutes).
 */
export interface PushConsumerOptions extends ClientOptions {
  /**
   * The consumer group. In clustering mode the members of a group share the topic's queues, so each message
   * goes to one of them.
   * @defaultValue required
   * @java `DefaultMQPushConsumer.consumerGroup`
   */
  consumerGroup: string;
  /**
   * `CLUSTERING`: the group shares the queues, offsets are kept on the broker, failed messages are retried.
   * `BROADCASTING`: every member consumes every queue, offsets are kept in a local file (`localOffsetStoreDir`),
   * failed messages are dropped.
   * @defaultValue `CLUSTERING`
   * @java `DefaultMQPushConsumer.messageModel`
   */
  messageModel?: 'CLUSTERING' | 'BROADCASTING';
  /**
   * Where a group that has no stored offset for a queue starts reading it: the end, the beginning, or the
   * first message stored at or after `consumeTimestamp`.
   * @defaultValue `CONSUME_FROM_LAST_OFFSET`
   * @java `DefaultMQPushConsumer.consumeFromWhere`
   */
  consumeFromWhere?: 'CONSUME_FROM_LAST_OFFSET' | 'CONSUME_FROM_FIRST_OFFSET' | 'CONSUME_FROM_TIMESTAMP';
  /**
   * Start time for `CONSUME_FROM_TIMESTAMP`, local time as `yyyyMMddHHmmss`.
   * @defaultValue 30 minutes before the consumer is created
   * @java `DefaultMQPushConsumer.consumeTimestamp`
   */
  consumeTimestamp?: string;
  /**
   * How the queues of a topic are shared among the members of the group (every Java strategy is exported:
   * averagely, by circle, consistent hash, by config, by machine room, machine room nearby).
   * @defaultValue `AllocateMessageQueueAveragely`
   * @java `DefaultMQPushConsumer.allocateMessageQueueStrategy`
   */
  allocateMessageQueueStrategy?: AllocateMessageQueueStrategy;
  /**
   * Subscriptions made at construction: topic -> TAG expression (`'*'`, `'TagA || TagB'`); `subscribe()` adds more.
   * @defaultValue none
   * @java `DefaultMQPushConsumer.subscription`
   */
  subscription?: Record<string, string>;
  /**
   * How many handler calls run at once (Java's consume threads; here a concurrency limit on async handlers).
   * With `messages()`, how many batches may wait for the loop, pulled and unacknowledged.
   * @defaultValue `20`
   * @java `DefaultMQPushConsumer.consumeThreadMax`
   */
  consumeThreadMax?: number;
  /**
   * Flow control: a queue is not pulled while the offsets of the messages it holds span more than this.
   * @defaultValue `2000`
   * @java `DefaultMQPushConsumer.consumeConcurrentlyMaxSpan`
   */
  consumeConcurrentlyMaxSpan?: number;
  /**
   * Flow control: a queue is not pulled while it holds more messages than this (pulled, not yet consumed).
   * @defaultValue `1000`
   * @java `DefaultMQPushConsumer.pullThresholdForQueue`
   */
  pullThresholdForQueue?: number;
  /**
   * Flow control: a queue is not pulled while the bodies it holds exceed this many MiB.
   * @defaultValue `100`
   * @java `DefaultMQPushConsumer.pullThresholdSizeForQueue`
   */
  pullThresholdSizeForQueue?: number;
  /**
   * Flow control per topic: a message limit split evenly across the queues this member owns (overrides
   * `pullThresholdForQueue`); -1 is off.
   * @defaultValue `-1`
   * @java `DefaultMQPushConsumer.pullThresholdForTopic`
   */
  pullThresholdForTopic?: number;
  /**
   * Flow control per topic: a MiB limit split evenly across the queues this member owns (overrides
   * `pullThresholdSizeForQueue`); -1 is off.
   * @defaultValue `-1`
   * @java `DefaultMQPushConsumer.pullThresholdSizeForTopic`
   */
  pullThresholdSizeForTopic?: number;
  /**
   * Pause between two pulls of one queue, in milliseconds.
   * @defaultValue `0`
   * @java `DefaultMQPushConsumer.pullInterval`
   */
  pullIntervalMs?: number;
  /**
   * Most messages per handler call (per batch of `messages()`), all from one queue.
   * @defaultValue `1`
   * @java `DefaultMQPushConsumer.consumeMessageBatchMaxSize`
   */
  consumeMessageBatchMaxSize?: number;
  /**
   * Most messages asked for by one pull.
   * @defaultValue `32`
   * @java `DefaultMQPushConsumer.pullBatchSize`
   */
  pullBatchSize?: number;
  /**
   * Send the subscription expression with every pull instead of relying on the one registered by heartbeats.
   * @defaultValue `false`
   * @java `DefaultMQPushConsumer.postSubscriptionWhenPull`
   */
  postSubscriptionWhenPull?: boolean;
  /**
   * Deliveries of a failing message before the broker moves it to `%DLQ%<group>`; -1 means 16.
   * @defaultValue `-1`
   * @java `DefaultMQPushConsumer.maxReconsumeTimes`
   */
  maxReconsumeTimes?: number;
  /**
   * A message a handler has held longer than this is sent back for a retry and acknowledged, so one stuck
   * handler cannot pin the queue's offset; in milliseconds (Java counts minutes).
   * @defaultValue `900000`
   * @java `DefaultMQPushConsumer.consumeTimeout` (15 minutes)
   */
  consumeTimeoutMs?: number;
  /**
   * How long `shutdown()` waits for running handlers (and the batch a `messages()` loop holds) before it
   * commits offsets; what is still running then is delivered again later. Orderly: the queue of a handler
   * still running keeps its broker lock until it expires, so no other member consumes it meanwhile. In milliseconds.
   * @defaultValue `30000`
   * @java `DefaultMQPushConsumer.awaitTerminationMillisWhenShutdown` (Java's default is 0)
   */
  awaitTerminationMsWhenShutdown?: number;
  /**
   * OpenTelemetry: a `process <topic>` CONSUMER span per message around the handler, continuing the producer's
   * trace from the message's `traceparent`, and the metrics `rocketmq_delivery_latency`, `rocketmq_await_time`,
   * `rocketmq_process_time`. `true` uses the global providers; an object names them. Needs the optional peer
   * dependency `@opentelemetry/api`.
   * @defaultValue `false`
   * @java none
   */
  openTelemetry?: boolean | { tracerProvider?: TracerProviderLike; meterProvider?: MeterProviderLike };
  /**
   * How long the broker holds a pull that finds nothing (long polling), in milliseconds.
   * @defaultValue `15000`
   * @java `DefaultMQPushConsumerImpl.BROKER_SUSPEND_MAX_TIME_MILLIS`
   */
  brokerSuspendMaxTimeMs?: number;
  /**
   * Call timeout of a long-polling pull, in milliseconds; must exceed `brokerSuspendMaxTimeMs`.
   * @defaultValue `30000`
   * @java `DefaultMQPushConsumerImpl.CONSUMER_TIMEOUT_MILLIS_WHEN_SUSPEND`
   */
  consumerPullTimeoutMs?: number;
  /**
   * Delay before a failed pull is tried again, in milliseconds.
   * @defaultValue `3000`
   * @java `DefaultMQPushConsumerImpl.pullTimeDelayMillsWhenException`
   */
  pullTimeDelayMsWhenException?: number;
  /**
   * Broadcasting only: directory of the local offsets files, `<dir>/<clientId>/<group>/offsets.json`. Give each
   * broadcasting member of one host its own `instanceName` and keep it across restarts, so it resumes from its file.
   * @defaultValue `~/.rocketmq_offsets`
   * @java system property `rocketmq.client.localOffsetStoreDir`
   */
  localOffsetStoreDir?: string;
  /**
   * Hook run around every request (ACL signing: `AclClientRPCHook`).
   * @defaultValue none
   * @java constructor argument `RPCHook`
   */
  rpcHook?: RPCHook;
  /**
   * Orderly: how long a queue waits, in milliseconds, before a suspended batch (`SUSPEND_CURRENT_QUEUE_A_MOMENT`, or
   * a throw) is handed to the listener again (10 to 30000). A handler can set its own per batch.
   * @defaultValue `1000`
   * @java `DefaultMQPushConsumer.suspendCurrentQueueTimeMillis`
   */
  suspendCurrentQueueTimeMs?: number;
  /**
   * Orderly: the longest one queue is consumed in one go, in milliseconds, before other queues get its turn.
   * @defaultValue `60000`
   * @java `ConsumeMessageOrderlyService.MAX_TIME_CONSUME_CONTINUOUSLY`
   */
  maxTimeConsumeContinuouslyMs?: number;
  /**
   * Orderly, clustering: how often the broker locks of the owned queues are renewed, in milliseconds; must be
   * below `rebalanceLockMaxLiveTimeMs`.
   * @defaultValue `20000`
   * @java system property `rocketmq.client.rebalance.lockInterval`
   */
  rebalanceLockIntervalMs?: number;
  /**
   * Orderly, clustering: a queue lock not renewed for this long, in milliseconds, counts as lost here and no
   * handler runs on the queue until it is locked again (the broker keeps a lock 60 s).
   * @defaultValue `30000`
   * @java system property `rocketmq.client.rebalance.lockMaxLiveTime`
   */
  rebalanceLockMaxLiveTimeMs?: number;
  /**
   * Message trace: a SubBefore record before and a SubAfter record after each listener call (group, request id,
   * cost, success, consume status), sent in batches to `traceTopic` by an internal sender, so `mqadmin
   * queryMsgTraceById` shows the consumption. The broker needs `traceTopicEnable=true` for the default topic.
   * @defaultValue `false`
   * @java the `enableMsgTrace` constructor argument
   */
  enableTrace?: boolean;
  /**
   * Topic the trace records go to when `enableTrace` is set.
   * @defaultValue `RMQ_SYS_TRACE_TOPIC`
   * @java the `customizedTraceTopic` constructor argument
   */
  traceTopic?: string;
  /**
   * `false`: the broker allocates the queues (QUERY_ASSIGNMENT, 5.x), and queues of a group switched to POP
   * (`mqadmin setConsumeMode -m POP`) are popped and acked message by message instead of pulled with offsets.
   * Clustering only. A 4.x broker, which cannot allocate, leaves the allocation to the client.
   * @defaultValue `true`
   * @java `DefaultMQPushConsumer.clientRebalance`
   */
  clientRebalance?: boolean;
  /**
   * Pop mode: how long a popped message stays invisible to other consumers before the broker gives it out again,
   * in milliseconds (5000 to 300000).
   * @defaultValue `60000`
   * @java `DefaultMQPushConsumer.popInvisibleTime`
   */
  popInvisibleTimeMs?: number;
  /**
   * Pop mode: messages asked for per POP_MESSAGE (1 to 32).
   * @defaultValue `32`
   * @java `DefaultMQPushConsumer.popBatchNums`
   */
  popBatchNums?: number;
  /**
   * Pop mode: no new pop on a queue while more than this many of its messages await their ack.
   * @defaultValue `96`
   * @java `DefaultMQPushConsumer.popThresholdForQueue`
   */
  popThresholdForQueue?: number;
}
