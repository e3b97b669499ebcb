import { RemotingProtocolError } from '../../errors';
import {
  AckMessageRequestHeader,
  ChangeInvisibleTimeRequestHeader,
  ChangeInvisibleTimeResponseHeader,
  createHeader,
  createRequestCommand,
  decodeCommandCustomHeader,
  PopMessageRequestHeader,
} from '../../remoting/header';
import { RequestCode } from '../../remoting/protocol/request-code';
import { ResponseCode } from '../../remoting/protocol/response-code';
import type { RemotingClient } from '../../remoting/remoting-client';
import { buildExtraInfo, parseReceiptHandle, realTopicOf } from './extra-info';
import { brokerError, processPopResponse, type PopResult } from './pop-response';

/**
 * The pop requests of Java `MQClientAPIImpl` (`popMessageAsync`, `ackMessageAsync`,
 * `changeInvisibleTimeAsync`) as plain functions over a remoting client. Every request names its
 * broker (`bname`), as Java's do. A broker that does not know the request code (4.9) answers
 * REQUEST_CODE_NOT_SUPPORTED, which becomes a `BrokerFeatureNotSupportedError`.
 *
 * @internal
 */

/** Java `ConsumeInitMode`: where a group that never popped a queue starts. */
export const ConsumeInitMode = { MIN: 0, MAX: 1 } as const;

export interface PopRequest {
  brokerName: string;
  brokerAddr: string;
  consumerGroup: string;
  /** Namespaced topic. */
  topic: string;
  /** -1: the broker picks among every queue it holds. */
  queueId: number;
  maxMsgNums: number;
  invisibleTimeMs: number;
  /** Long-polling time; the broker holds the request up to this long when nothing is there. */
  pollTimeMs: number;
  initMode: number;
  expType: string;
  exp: string;
  order?: boolean;
  /** Deprecated client-side namespace, stripped from the topic of the messages. */
  namespace: string | undefined;
}

/** Java adds 10 s to the poll time so that the client does not give up before the broker answers. */
export const POLL_TIMEOUT_MARGIN_MS = 10_000;

/** POP_MESSAGE (200050). `bornTime` is taken now: the broker refuses a request older than its poll time. */
export async function popMessage(remoting: RemotingClient, req: PopRequest, signal?: AbortSignal): Promise<PopResult> {
  const header = createHeader(PopMessageRequestHeader, {
    consumerGroup: req.consumerGroup,
    topic: req.topic,
    queueId: req.queueId,
    maxMsgNums: req.maxMsgNums,
    invisibleTime: BigInt(req.invisibleTimeMs),
    pollTime: BigInt(req.pollTimeMs),
    bornTime: BigInt(Date.now()),
    initMode: req.initMode,
    expType: req.expType,
    exp: req.exp,
    order: req.order ?? false,
    brokerName: req.brokerName,
  });
  const request = createRequestCommand(RequestCode.POP_MESSAGE, header);
  const response = await remoting.invoke(req.brokerAddr, request, req.pollTimeMs + POLL_TIMEOUT_MARGIN_MS, signal ? { signal } : undefined);
  return processPopResponse(response, {
    brokerName: req.brokerName,
    brokerAddr: req.brokerAddr,
    topic: req.topic,
    order: req.order ?? false,
    namespace: req.namespace,
    feature: 'POP_MESSAGE',
  });
}

export interface AckTarget {
  brokerAddr: string;
  consumerGroup: string;
  /** The (namespaced) topic the message was popped for; the handle says whether the retry topic is meant. */
  topic: string;
  receiptHandle: string;
}

/** The header fields ACK_MESSAGE and CHANGE_MESSAGE_INVISIBLETIME share, from the receipt handle. */
function ackFields(t: AckTarget) {
  const h = parseReceiptHandle(t.receiptHandle);
  return {
    handle: h,
    fields: {
      consumerGroup: t.consumerGroup,
      topic: realTopicOf(h.retryMark, t.topic, t.consumerGroup),
      queueId: h.queueId,
      extraInfo: t.receiptHandle,
      offset: h.msgQueueOffset,
      brokerName: h.brokerName,
    },
  };
}

/** ACK_MESSAGE (200051). Java reports a failure code as `AckStatus.NO_EXIST`; here it is a BrokerResponseError. */
export async function ackMessage(remoting: RemotingClient, t: AckTarget, timeoutMs: number): Promise<void> {
  const { fields } = ackFields(t);
  const request = createRequestCommand(RequestCode.ACK_MESSAGE, createHeader(AckMessageRequestHeader, fields));
  const response = await remoting.invoke(t.brokerAddr, request, timeoutMs);
  if (response.code !== ResponseCode.SUCCESS) throw brokerError(response, 'ACK_MESSAGE', t.brokerAddr);
}

/**
 * CHANGE_MESSAGE_INVISIBLETIME (200053): the message becomes visible again `invisibleTimeMs` from now.
 * Returns the new receipt handle, built as Java builds it (the old one no longer acks).
 */
export async function changeInvisibleTime(
  remoting: RemotingClient,
  t: AckTarget,
  invisibleTimeMs: number,
  timeoutMs: number,
): Promise<string> {
  const { handle, fields } = ackFields(t);
  const header = createHeader(ChangeInvisibleTimeRequestHeader, { ...fields, invisibleTime: BigInt(invisibleTimeMs) });
  const request = createRequestCommand(RequestCode.CHANGE_MESSAGE_INVISIBLETIME, header);
  const response = await remoting.invoke(t.brokerAddr, request, timeoutMs);
  if (response.code !== ResponseCode.SUCCESS) throw brokerError(response, 'CHANGE_MESSAGE_INVISIBLETIME', t.brokerAddr);
  const r = decodeCommandCustomHeader(response, ChangeInvisibleTimeResponseHeader);
  if (r.popTime === undefined || r.invisibleTime === undefined || r.reviveQid === undefined) {
    throw new RemotingProtocolError('change invisible time response lacks popTime, invisibleTime or reviveQid');
  }
  // Java: the checkpoint offset becomes the message's own offset (a new checkpoint for it alone).
  return buildExtraInfo({
    ckQueueOffset: handle.msgQueueOffset,
    popTime: r.popTime,
    invisibleTime: r.invisibleTime,
    reviveQid: r.reviveQid,
    topic: fields.topic,
    brokerName: handle.brokerName,
    queueId: handle.queueId,
    msgQueueOffset: handle.msgQueueOffset,
  });
}
