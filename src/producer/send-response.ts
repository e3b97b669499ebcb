import { BrokerResponseError } from '../errors';
import { MessageQueue } from '../client/message-queue';
import { parseSendResponseHeader } from '../client/request-builders';
import type { Message } from '../message/message';
import { MessageBatch } from '../message/message-batch';
import { MessageConst } from '../message/message-const';
import { getUniqId } from '../message/message-id';
import { withoutNamespace } from '../message/namespace';
import type { RemotingCommand } from '../remoting/protocol/remoting-command';
import { DEFAULT_REGION_ID, sendStatusFromResponseCode, type SendResult } from './send-result';

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
  const header = parseSendResponseHeader(response.extFields);
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
