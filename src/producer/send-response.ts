import { BrokerResponseError, RemotingProtocolError } from '../errors';
import { MessageQueue } from '../client/message-queue';
import type { SendResponseHeader } from '../client/request-builders';
import { parseJavaInt, parseJavaLong } from '../remoting/header/java-values';
import type { ExtFields } from '../remoting/protocol/remoting-command';
import type { Message } from '../message/message';
import { MessageBatch } from '../message/message-batch';
import { MessageConst } from '../message/message-const';
import { getUniqId } from '../message/message-id';
import { withoutNamespace } from '../message/namespace';
import type { RemotingCommand } from '../remoting/protocol/remoting-command';
import { DEFAULT_REGION_ID, sendStatusFromResponseCode, type SendResult } from './send-result';

function text(e: ExtFields, key: string): string | undefined {
  const v: unknown = e[key];
  return typeof v === 'string' ? v : undefined;
}

/**
 * `SendMessageResponseHeader` read straight from the ext fields, with the header class's parsing
 * (msgId, queueId and queueOffset required): a send's answer needs no header object on the way.
 */
function readSendResponseHeader(e: ExtFields | undefined): SendResponseHeader {
  const msgId = e === undefined ? undefined : text(e, 'msgId');
  const queueIdText = e === undefined ? undefined : text(e, 'queueId');
  const queueOffsetText = e === undefined ? undefined : text(e, 'queueOffset');
  const queueId = queueIdText === undefined ? undefined : parseJavaInt(queueIdText);
  const queueOffset = queueOffsetText === undefined ? undefined : parseJavaLong(queueOffsetText);
  if (msgId === undefined || queueId === undefined || queueOffset === undefined) {
    throw new RemotingProtocolError('send response lacks msgId, queueId or queueOffset');
  }
  const out: SendResponseHeader = { msgId, queueId, queueOffset };
  const transactionId = text(e!, 'transactionId');
  if (transactionId !== undefined) out.transactionId = transactionId;
  const batchUniqId = text(e!, 'batchUniqId');
  if (batchUniqId !== undefined) out.batchUniqId = batchUniqId;
  const recallHandle = text(e!, 'recallHandle');
  if (recallHandle !== undefined) out.recallHandle = recallHandle;
  return out;
}

/**
 * Java `MQClientAPIImpl.processSendResponse` (protocol.md 3.3, 4.3): SUCCESS, FLUSH_DISK_TIMEOUT,
 * FLUSH_SLAVE_TIMEOUT and SLAVE_NOT_AVAILABLE give a SendResult; any other code throws
 * `BrokerResponseError`. The broker adds MSG_REGION and TRACE_ON to every answer. `topic` is the topic as sent; the result carries it without the client-side namespace.
 */
export function processSendResponse(
  namespace: string | undefined,
  brokerName: string,
  msg: Message,
  topic: string,
  response: RemotingCommand,
  addr: string,
): SendResult {
  const sendStatus = sendStatusFromResponseCode(response.code);
  if (sendStatus === undefined) throw new BrokerResponseError(response.code, response.remark, addr);
  const header = readSendResponseHeader(response.extFields);
  const userTopic = namespace ? withoutNamespace(topic, namespace) : topic;
  const messageQueue = new MessageQueue(userTopic, brokerName, header.queueId);
  let msgId = getUniqId(msg) ?? '';
  if (msg instanceof MessageBatch && header.batchUniqId === undefined) {
    msgId = msg.messages.map((m) => getUniqId(m) ?? '').join(',');
  }
  const ext = response.extFields;
  const regionId = ext?.[MessageConst.PROPERTY_MSG_REGION];
  const result: SendResult = {
    sendStatus,
    msgId,
    offsetMsgId: header.msgId,
    messageQueue,
    queueOffset: header.queueOffset,
    regionId: regionId ? regionId : DEFAULT_REGION_ID,
    traceOn: ext?.[MessageConst.PROPERTY_TRACE_SWITCH] !== 'false',
  };
  if (header.transactionId !== undefined) result.transactionId = header.transactionId;
  if (header.recallHandle !== undefined) result.recallHandle = header.recallHandle;
  return result;
}
