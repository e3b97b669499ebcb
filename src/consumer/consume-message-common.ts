import type { CMResult, ConsumeMessageDirectlyResult } from '../client/body/consume-message-directly-result';
import { MessageConst } from '../message/message-const';
import type { MessageExt } from '../message/message-decoder';
import { RETRY_GROUP_TOPIC_PREFIX, withoutNamespace } from '../message/namespace';
import type { ConsumeInstrument, MessagingTelemetry } from '../client/telemetry/messaging-telemetry';
import type { Logger } from '../logger';
import type { MessageQueue } from '../client/message-queue';
import type { ConsumeHookRunner } from './consume-message-hook';


/** Java `resetRetryAndNamespace`: the handler sees the original topic, without the namespace. */
function resetRetryAndNamespace(host: ListenerCallHost, msgs: readonly MessageExt[]): void {
  const groupTopic = RETRY_GROUP_TOPIC_PREFIX + host.consumerGroup;
  for (const m of msgs) {
    const retryTopic = m.getProperty(MessageConst.PROPERTY_RETRY_TOPIC);
    if (retryTopic !== undefined && m.topic === groupTopic) m.topic = retryTopic;
    if (host.namespace) m.topic = withoutNamespace(m.topic, host.namespace);
  }
}

/** Stamps the consume start (Java `PROPERTY_CONSUME_START_TIMESTAMP`) on a batch about to be handled. */
function markConsumeStart(msgs: readonly MessageExt[]): void {
  const start = String(Date.now());
  for (const m of msgs) m.putProperty(MessageConst.PROPERTY_CONSUME_START_TIMESTAMP, start);
}

/**
 * Runs the listener, inside a CONSUMER span per message when telemetry is on (the listener runs in the
 * first one's context). `ok` tells which results count as success for the spans. @internal
 */
async function runListener<T>(host: ListenerCallHost, msgs: readonly MessageExt[], run: () => Promise<T>, ok: (r: T) => boolean): Promise<T> {
  const t = host.telemetry;
  if (!t) return run();
  const spans: ConsumeInstrument[] = msgs.map((m) => t.startConsumeSpan(m, host.consumerGroup, { clientId: host.clientId }));
  try {
    const r = await (spans[0] ? t.runInSpan(spans[0], run) : run());
    for (const sp of spans) sp.end(ok(r) ? {} : { error: new Error(String(r)) });
    return r;
  } catch (err) {
    for (const sp of spans) sp.end({ error: err });
    throw err;
  }
}

/** What a listener call needs of the consume service: group, namespace, where a throw is logged, hooks, telemetry. */
export interface ListenerCallHost {
  readonly consumerGroup: string;
  readonly namespace: string | undefined;
  /** @internal */
  readonly telemetry?: MessagingTelemetry;
  /** @internal */
  readonly clientId?: string;
  readonly log: Logger;
  readonly consumeTimeoutMs: number;
  /** Consume hooks (message trace), run before and after each listener call. */
  readonly hooks?: ConsumeHookRunner;
}

/**
 * One listener call as every consume service makes it (Java `ConsumeRequest.run`): the handler sees the original
 * topic without the namespace, the consume start is stamped, the hooks and the telemetry spans run around it, and a
 * throw is logged. `ok` says which answers are a success; the hooks see a success as CONSUME_SUCCESS and anything
 * else as `failStatus`, the service's own failure answer.
 */
export async function callListener<T>(
  host: ListenerCallHost,
  mq: MessageQueue,
  msgs: readonly MessageExt[],
  call: () => Promise<T>,
  ok: (r: T) => boolean,
  failStatus: string,
): Promise<{ ok: boolean; threw: boolean; result: T | undefined }> {
  resetRetryAndNamespace(host, msgs);
  markConsumeStart(msgs);
  const hookContext = host.hooks?.beforeCall(host.consumerGroup, host.namespace, mq, msgs);
  const begin = Date.now();
  let result: T | undefined;
  let threw = false;
  let success = false;
  try {
    result = await runListener(host, msgs, call, ok);
    success = ok(result);
  } catch (err) {
    threw = true;
    host.log.warn('consumeMessage exception', { group: host.consumerGroup, mq: mq.toString(), err });
  }
  if (hookContext) {
    const status = success ? 'CONSUME_SUCCESS' : failStatus;
    host.hooks!.afterCall(hookContext, { result: success ? 'CONSUME_SUCCESS' : result, threw, elapsedMs: Date.now() - begin, consumeTimeoutMs: host.consumeTimeoutMs, status });
  }
  return { ok: success, threw, result };
}

/**
 * Java `consumeMessageDirectly`: the listener on one message an admin sent, outside the process queues:
 * nothing is sent back or committed, the outcome is reported. `later` is the listener's retry answer.
 */
export async function consumeDirectly(
  host: ListenerCallHost,
  msg: MessageExt,
  call: () => Promise<unknown>,
  answers: { success: string; later: string; order: boolean },
): Promise<ConsumeMessageDirectlyResult> {
  resetRetryAndNamespace(host, [msg]);
  const begin = Date.now();
  let consumeResult: CMResult;
  let remark: string | undefined;
  try {
    const status = await call();
    consumeResult = status === answers.success ? 'CR_SUCCESS' : status === answers.later ? 'CR_LATER' : 'CR_RETURN_NULL';
  } catch (err) {
    consumeResult = 'CR_THROW_EXCEPTION';
    remark = err instanceof Error ? (err.stack ?? err.message) : String(err);
  }
  return { order: answers.order, autoCommit: true, consumeResult, ...(remark !== undefined ? { remark } : {}), spentTimeMills: Date.now() - begin };
}
