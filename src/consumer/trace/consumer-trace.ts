import type { Logger } from '../../logger';
import { TRACE_GROUP_NAME_PREFIX } from '../../client/trace/trace-context';
import { AsyncTraceDispatcher } from '../../client/trace/trace-dispatcher';
import { TraceMessageSender } from '../../client/trace/trace-message-sender';
import type { PushConsumerConfig } from '../consumer-config';
import type { ConsumeMessageHook } from '../consume-message-hook';
import { ConsumeMessageTraceHook } from './consume-message-trace-hook';

let traceSenderCounter = 0;

/**
 * Java `DefaultMQPushConsumer.start()` with `enableMsgTrace` (protocol.md 14): an `AsyncTraceDispatcher`
 * whose sender is registered as `_INNER_TRACE_PRODUCER-<group>-CONSUME-<n>` (`genGroupNameForTrace`),
 * and the SubBefore/SubAfter hook registered on the consumer. The caller starts the dispatcher and
 * shuts it down (flushing) after the consumer.
 */
function attachConsumerTrace(
  host: { registerConsumeMessageHook(hook: ConsumeMessageHook): void },
  config: PushConsumerConfig,
): AsyncTraceDispatcher {
  const group = `${TRACE_GROUP_NAME_PREFIX}-${config.consumerGroup}-CONSUME-${++traceSenderCounter}`;
  const sender = new TraceMessageSender(config, group, config.rpcHook);
  const dispatcher = new AsyncTraceDispatcher(sender, {
    ...(config.traceTopic !== undefined ? { traceTopic: config.traceTopic } : {}),
    ...(config.logger !== undefined ? { logger: config.logger } : {}),
  });
  host.registerConsumeMessageHook(new ConsumeMessageTraceHook(dispatcher));
  return dispatcher;
}

/** Attaches and starts the trace; as in Java, a trace that cannot start is logged and the consumer goes on. */
export async function startConsumerTrace(
  host: { registerConsumeMessageHook(hook: ConsumeMessageHook): void },
  config: PushConsumerConfig,
  log: Logger,
): Promise<AsyncTraceDispatcher> {
  const dispatcher = attachConsumerTrace(host, config);
  await dispatcher.start().catch((err: unknown) => log.warn('the message trace could not start', { err }));
  return dispatcher;
}
