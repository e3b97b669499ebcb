import { BrokerFeatureNotSupportedError, BrokerResponseError, RemotingProtocolError } from '../../errors';
import { decodeMessageExts, type MessageExt } from '../../message/message-decoder';
import { MessageConst, KEY_SEPARATOR } from '../../message/message-const';
import { withoutNamespace } from '../../message/namespace';
import { decodeCommandCustomHeader, PopMessageResponseHeader } from '../../remoting/header';
import type { RemotingCommand } from '../../remoting/protocol/remoting-command';
import { ResponseCode } from '../../remoting/protocol/response-code';
import {
  buildExtraInfo,
  parseMsgOffsetInfo,
  parseOrderCountInfo,
  parseStartOffsetInfo,
  queueOffsetMapKey,
  retryMarkOf,
} from './extra-info';

/** Java `PopStatus`. */
export type PopStatus = 'FOUND' | 'NO_NEW_MSG' | 'POLLING_FULL' | 'POLLING_NOT_FOUND';

/** Java `PopResult`: the messages carry their receipt handle in the `POP_CK` property. */
export interface PopResult {
  status: PopStatus;
  messages: MessageExt[];
  restNum: bigint;
  popTime?: bigint;
  invisibleTime?: bigint;
}

export interface PopResponseContext {
  /** The broker the request went to (its name goes into every receipt handle). */
  brokerName: string;
  brokerAddr: string;
  /** The topic of the request, as sent (namespaced). */
  topic: string;
  order: boolean;
  /** The deprecated client-side namespace, stripped from the topic handed over. */
  namespace: string | undefined;
  /** Which request was answered, for the not-supported error. */
  feature: string;
}

/** REQUEST_CODE_NOT_SUPPORTED becomes the typed error; any other failure code a BrokerResponseError. */
export function brokerError(response: RemotingCommand, feature: string, addr: string): BrokerResponseError {
  if (response.code === ResponseCode.REQUEST_CODE_NOT_SUPPORTED) {
    return new BrokerFeatureNotSupportedError(feature, response.remark, addr);
  }
  return new BrokerResponseError(response.code, response.remark, addr);
}

/**
 * Java `MQClientAPIImpl.processPopResponse`: response code -> status; on SUCCESS the body's stored
 * records, each given its receipt handle (`POP_CK`, unless the broker set one, as it does for
 * records re-encoded from the retry topic), `1ST_POP_TIME`, the broker name and the request's topic
 * (so a retried message shows its original topic). LMQ dispatch is not handled (no LMQ consumer here).
 */
export function processPopResponse(response: RemotingCommand, ctx: PopResponseContext): PopResult {
  let status: PopStatus;
  switch (response.code) {
    case ResponseCode.SUCCESS:
      status = 'FOUND';
      break;
    case ResponseCode.POLLING_FULL:
      status = 'POLLING_FULL';
      break;
    case ResponseCode.POLLING_TIMEOUT:
    case ResponseCode.PULL_NOT_FOUND:
      status = 'POLLING_NOT_FOUND';
      break;
    default:
      throw brokerError(response, ctx.feature, ctx.brokerAddr);
  }
  const header = decodeCommandCustomHeader(response, PopMessageResponseHeader);
  const restNum = header.restNum ?? 0n;
  if (status !== 'FOUND') return { status, messages: [], restNum };
  if (header.popTime === undefined || header.invisibleTime === undefined || header.reviveQid === undefined) {
    throw new RemotingProtocolError('pop response lacks popTime, invisibleTime or reviveQid');
  }
  const popTime = header.popTime;
  const invisibleTime = header.invisibleTime;
  const reviveQid = header.reviveQid;
  const messages = decodeMessageExts(response.body ?? Buffer.alloc(0));
  const startOffsets = parseStartOffsetInfo(header.startOffsetInfo);
  const msgOffsets = parseMsgOffsetInfo(header.msgOffsetInfo);
  const orderCounts = parseOrderCountInfo(header.orderCountInfo);
  const sorted = queueOffsetsByQueue(messages);
  const firstOffsetOfQueue = new Map<string, bigint>();
  for (const m of messages) {
    const mark = retryMarkOf(m.topic);
    const queueIdKey = `${mark}@${m.queueId}`;
    let ckQueueOffset: bigint | undefined;
    let msgQueueOffset: bigint | undefined;
    if (startOffsets === undefined) {
      // An old broker without startOffsetInfo: the first record of each queue is the checkpoint.
      if (!firstOffsetOfQueue.has(queueIdKey)) firstOffsetOfQueue.set(queueIdKey, m.queueOffset);
      ckQueueOffset = firstOffsetOfQueue.get(queueIdKey);
      msgQueueOffset = m.queueOffset;
    } else if (m.getProperty(MessageConst.PROPERTY_POP_CK) === undefined) {
      const index = sorted.get(queueIdKey)!.indexOf(m.queueOffset);
      msgQueueOffset = msgOffsets?.get(queueIdKey)?.[index];
      ckQueueOffset = startOffsets.get(queueIdKey);
      if (msgQueueOffset === undefined || ckQueueOffset === undefined) {
        throw new RemotingProtocolError(`pop response has no offset info for queue ${queueIdKey}`);
      }
      if (ctx.order && orderCounts !== undefined) {
        const count = orderCounts.get(queueOffsetMapKey(mark, m.queueId, m.queueOffset)) ?? orderCounts.get(queueIdKey);
        if (count !== undefined && count > 0) m.reconsumeTimes = count;
      }
    }
    if (ckQueueOffset !== undefined && msgQueueOffset !== undefined) {
      const ck = buildExtraInfo({
        ckQueueOffset,
        popTime,
        invisibleTime,
        reviveQid,
        topic: m.topic,
        brokerName: ctx.brokerName,
        queueId: m.queueId,
        msgQueueOffset,
      });
      m.putProperty(MessageConst.PROPERTY_POP_CK, ck);
    }
    if (!m.hasProperty(MessageConst.PROPERTY_FIRST_POP_TIME)) m.putProperty(MessageConst.PROPERTY_FIRST_POP_TIME, String(popTime));
    m.brokerName = ctx.brokerName;
    m.topic = withoutNamespace(ctx.topic, ctx.namespace);
  }
  return { status, messages, restNum, popTime, invisibleTime };
}

/** Java `buildQueueOffsetSortedMap`: per `retryMark@queueId` (the mark from POP_CK when set), the records' offsets in order. */
function queueOffsetsByQueue(messages: readonly MessageExt[]): Map<string, bigint[]> {
  const out = new Map<string, bigint[]>();
  for (const m of messages) {
    const ck = m.getProperty(MessageConst.PROPERTY_POP_CK);
    const mark = ck !== undefined ? (ck.split(KEY_SEPARATOR)[4] ?? '0') : retryMarkOf(m.topic);
    const key = `${mark}@${m.queueId}`;
    let list = out.get(key);
    if (!list) out.set(key, (list = []));
    list.push(m.queueOffset);
  }
  return out;
}
