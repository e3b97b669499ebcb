import { BrokerResponseError } from '../errors';
import type { MessageQueue } from '../client/message-queue';
import type { MQClientInstance } from '../client/mq-client-instance';
import { buildHeader } from '../client/request-builders';
import { MessageConst } from '../message/message-const';
import type { MessageExt } from '../message/message-decoder';
import { messageProperties2String } from '../message/message-properties';
import { RETRY_GROUP_TOPIC_PREFIX } from '../message/namespace';
import { AUTO_CREATE_TOPIC_KEY_TOPIC, CLIENT_INNER_PRODUCER_GROUP } from '../message/validators';
import { RequestCode } from '../remoting/protocol/request-code';
import { ResponseCode } from '../remoting/protocol/response-code';

/** Java's send-back timeout (`sendMessageBack(..., 5000, ...)`). */
const SEND_BACK_TIMEOUT_MS = 5000;

export interface SendBackSettings {
  /** The (namespaced) consumer group. */
  group: string;
  /** The effective limit: -1 in the options means 16. */
  maxReconsumeTimes: number;
  unitMode: boolean;
}

/**
 * Java `DefaultMQPushConsumerImpl.sendMessageBack`: CONSUMER_SEND_MSG_BACK to the master of the queue's
 * broker (the store host when unknown); when that fails, the message is produced to `%RETRY%<group>`
 * directly (SEND_MESSAGE_V2 with the reconsume counters in header fields `j` and `l`, delay level
 * 3 + reconsume times), as Java's inner producer does. Rejects when both fail.
 */
export async function sendMessageBack(
  factory: MQClientInstance,
  s: SendBackSettings,
  msg: MessageExt,
  delayLevel: number,
  mq: MessageQueue,
): Promise<void> {
  const addr = factory.findBrokerAddressInPublish(mq.brokerName) ?? msg.storeHost.address;
  try {
    await factory.api.consumerSendMessageBack(
      addr,
      {
        brokerName: mq.brokerName,
        commitLogOffset: msg.commitLogOffset,
        group: s.group,
        delayLevel,
        originMsgId: msg.msgId,
        originTopic: msg.topic,
        maxReconsumeTimes: s.maxReconsumeTimes,
        unitMode: s.unitMode,
      },
      SEND_BACK_TIMEOUT_MS,
    );
  } catch (err) {
    await produceToRetryTopic(factory, s, msg, addr, err);
  }
}

async function produceToRetryTopic(factory: MQClientInstance, s: SendBackSettings, msg: MessageExt, addr: string, cause: unknown): Promise<void> {
  const properties = new Map(msg.properties);
  if (!properties.get(MessageConst.PROPERTY_ORIGIN_MESSAGE_ID)) properties.set(MessageConst.PROPERTY_ORIGIN_MESSAGE_ID, msg.msgId);
  properties.set(MessageConst.PROPERTY_RETRY_TOPIC, msg.topic);
  properties.set(MessageConst.PROPERTY_RECONSUME_TIME, String(msg.reconsumeTimes + 1));
  properties.set(MessageConst.PROPERTY_MAX_RECONSUME_TIMES, String(s.maxReconsumeTimes));
  properties.delete(MessageConst.PROPERTY_TRANSACTION_PREPARED);
  properties.set(MessageConst.PROPERTY_DELAY_TIME_LEVEL, String(3 + msg.reconsumeTimes));
  const request = buildHeader.sendMessageV2(
    RequestCode.SEND_MESSAGE_V2,
    {
      producerGroup: CLIENT_INNER_PRODUCER_GROUP,
      topic: RETRY_GROUP_TOPIC_PREFIX + s.group,
      defaultTopic: AUTO_CREATE_TOPIC_KEY_TOPIC,
      defaultTopicQueueNums: 4,
      // Retry topics have one queue per broker.
      queueId: 0,
      sysFlag: 0,
      bornTimestamp: BigInt(Date.now()),
      flag: msg.flag,
      properties: messageProperties2String(properties),
      reconsumeTimes: msg.reconsumeTimes + 1,
      unitMode: s.unitMode,
      batch: false,
      maxReconsumeTimes: s.maxReconsumeTimes,
    },
    msg.body,
  );
  const response = await factory.api.sendMessage(addr, request, SEND_BACK_TIMEOUT_MS);
  if (response.code !== ResponseCode.SUCCESS) {
    throw new BrokerResponseError(response.code, response.remark, addr, { cause });
  }
}
