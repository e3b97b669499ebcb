import type { MQClientInstance } from '../client/mq-client-instance';
import type { ScheduledTask } from '../client/scheduled-task';
import type { AsyncTraceDispatcher } from '../client/trace/trace-dispatcher';
import type { PushConsumerCore, PushConsumerServices } from './push-consumer-hosts';
import type { RebalancePushImpl } from './rebalance-push-impl';

/** What the shutdown stops besides the services of the core. */
export interface PushConsumerStopParts {
  readonly rebalancePush: RebalancePushImpl;
  readonly cleanExpiredTask: ScheduledTask | undefined;
  readonly trace: AsyncTraceDispatcher | undefined;
}

/**
 * Java `DefaultMQPushConsumerImpl.shutdown` of a RUNNING consumer: stop pulling, let running handlers finish
 * (bounded by `awaitTerminationMsWhenShutdown`), commit every owned queue's offset with a checked request,
 * drop the queues, (orderly) release their broker locks, unregister, close. Offsets go before the unlock,
 * so the next owner starts after our last commit.
 */
export async function shutdownPushConsumer(core: PushConsumerCore, parts: PushConsumerStopParts): Promise<void> {
  const { config, services, log, consumerGroup, rebalanceImpl } = core;
  const factory = core.clientInstance;
  services.pull?.shutdown();
  parts.rebalancePush.cancelRebalanceLater();
  await parts.cleanExpiredTask?.stop();
  const [drained, popDrained] = await Promise.all([
    (services.orderly ?? services.consume)!.shutdown(config.awaitTerminationMsWhenShutdown),
    services.popMode?.shutdown(config.awaitTerminationMsWhenShutdown) ?? true,
  ]);
  if (!popDrained) log.warn('pop handlers still running at shutdown; their messages come back after their invisible time', { group: consumerGroup });
  if (!drained) log.warn('handlers still running at shutdown; their messages will be delivered again', { group: consumerGroup });
  const owned = [...rebalanceImpl.processQueueTable.values()].map((e) => e.mq);
  rebalanceImpl.dropAll();
  await core.offsetStore.persistAll(owned, { final: true });
  if (services.orderly && config.messageModel === 'CLUSTERING') await rebalanceImpl.unlockAll(false);
  await factory.unregisterConsumer(consumerGroup);
  await factory.shutdown();
  // After the handlers: their SubAfter records are queued by now and flushed here.
  await parts.trace?.shutdown();
  log.info('the consumer shutdown OK', { group: consumerGroup });
}

/** A start() that failed after registration: stop what started, unregister and release the client instance. */
export async function abortPushConsumerStart(services: PushConsumerServices, factory: MQClientInstance, consumerGroup: string): Promise<void> {
  services.pull?.shutdown();
  await services.consume?.shutdown(0);
  await services.popMode?.shutdown(0);
  await factory.unregisterConsumer(consumerGroup).catch(() => undefined);
  await factory.shutdown().catch(() => undefined);
}
