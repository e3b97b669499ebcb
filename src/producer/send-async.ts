import { ClientError, RemotingTooManyRequestsError, RequestAbortedError, RpcHookError } from '../errors';
import type { RemotingCommand } from '../remoting/protocol/remoting-command';
import type { TopicPublishInfo } from '../client/route/topic-publish-info';
import type { KernelHost, OutgoingMessage } from './send-kernel';
import { BROKER_NOT_EXIST_EXCEPTION, runSendHooksAfter } from './send-kernel';
import type { SendMessageContext } from './send-hooks';
import type { SendResult } from './send-result';

export interface AsyncSendRequest {
  addr: string;
  brokerName: string;
  out: OutgoingMessage;
  request: RemotingCommand;
  timeoutMs: number;
  topicPublishInfo: TopicPublishInfo | undefined;
  /** `retryTimesWhenSendAsyncFailed`. */
  retryTimes: number;
  context: SendMessageContext | undefined;
  signal?: AbortSignal;
}

/**
 * Java `MQClientAPIImpl.sendMessageAsync` + `onExceptionImpl` (protocol.md 12.5): transport failures
 * are retried, up to `retryTimes` more times while budget is left, on a queue of another broker when
 * the publish info is known (else the same broker); the same request goes again under a new opaque.
 * A broker answer is never retried: an error code settles the send with a `BrokerResponseError`.
 */
export async function sendMessageAsync(host: KernelHost, req: AsyncSendRequest): Promise<SendResult> {
  const api = host.factory.api;
  const msg = req.out.msg;
  let { addr, brokerName, timeoutMs } = req;
  let times = 0;
  for (;;) {
    const begin = Date.now();
    let response: RemotingCommand;
    try {
      response = await api.remoting.invoke(addr, req.request, timeoutMs, req.signal ? { signal: req.signal } : undefined);
    } catch (err) {
      const cost = Date.now() - begin;
      host.updateFaultItem(brokerName, cost, true, true);
      // A hook failing after the response means the broker already has the message: no resend.
      const needRetry =
        !(err instanceof RemotingTooManyRequestsError) &&
        !(err instanceof RequestAbortedError) &&
        !(err instanceof RpcHookError && err.phase === 'doAfterResponse');
      times++;
      if (needRetry && times <= req.retryTimes && timeoutMs - cost > 0) {
        if (req.topicPublishInfo) {
          const mq = host.selectOneMessageQueue(req.topicPublishInfo, brokerName, false);
          if (mq) brokerName = host.factory.getBrokerNameFromMessageQueue(mq);
        }
        const next = host.factory.findBrokerAddressInPublish(brokerName);
        host.log.warn(`async send msg by retry ${times} times`, { topic: req.out.topic, brokerAddr: next, brokerName, err });
        if (next === undefined) {
          // Java would send to a name server here (null address); fail instead.
          const e = new ClientError(BROKER_NOT_EXIST_EXCEPTION, `The broker[${brokerName}] not exist`, { cause: err });
          return fail(host, req.context, e);
        }
        addr = next;
        timeoutMs -= cost;
        continue;
      }
      return fail(host, req.context, err);
    }
    const latency = Date.now() - begin;
    let result: SendResult;
    try {
      result = api.processSendResponse(brokerName, msg, req.out.topic, response, addr);
    } catch (err) {
      host.updateFaultItem(brokerName, latency, true, true);
      return fail(host, req.context, err);
    }
    if (req.context) {
      req.context.sendResult = result;
      runSendHooksAfter(host, req.context);
    }
    host.updateFaultItem(brokerName, latency, false, true);
    return result;
  }
}

function fail(host: KernelHost, context: SendMessageContext | undefined, err: unknown): never {
  if (context) {
    context.exception = err;
    runSendHooksAfter(host, context);
  }
  throw err;
}
