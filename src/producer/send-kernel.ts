import { ClientError, RemotingTimeoutError } from '../errors';
import type { Logger } from '../logger';
import type { MessageQueue } from '../client/message-queue';
import type { MQClientInstance } from '../client/mq-client-instance';
import { brokerVIPChannel } from '../client/mq-client-api';
import type { SendMessageHeaderFields } from '../client/request-builders';
import { RETRY_GROUP_TOPIC_PREFIX } from '../client/namespace';
import type { TopicPublishInfo } from '../client/route/topic-publish-info';
import { compress, type CompressionType } from './compression';
import type { Message } from './message';
import { MessageBatch } from './message-batch';
import { MessageConst, REPLY_MESSAGE_FLAG } from './message-const';
import { setUniqId } from './message-id';
import { messageProperties2String } from './message-properties';
import { compressionFlagOf, MessageSysFlag } from './message-sys-flag';
import { sendMessageAsync } from './send-async';
import type {
  CheckForbiddenHook,
  CommunicationMode,
  SendMessageContext,
  SendMessageHook,
  SendMessageType,
} from './send-hooks';
import type { SendResult } from './send-result';

/** `ClientErrorCode.BROKER_NOT_EXIST_EXCEPTION`. */
export const BROKER_NOT_EXIST_EXCEPTION = 10003;

/** A message on its way out: `topic` is the topic as sent (namespaced when a namespace is set). */
export interface OutgoingMessage {
  readonly msg: Message;
  readonly topic: string;
}

/** What the kernel needs from its producer (implemented by DefaultMQProducerImpl). */
export interface KernelHost {
  readonly producerGroup: string;
  readonly namespace: string | undefined;
  readonly namesrvAddr: readonly string[];
  readonly createTopicKey: string;
  readonly defaultTopicQueueNums: number;
  readonly compressMsgBodyOverBytes: number;
  readonly compressType: CompressionType;
  readonly compressLevel: number;
  readonly unitMode: boolean;
  readonly vipChannelEnabled: boolean;
  readonly retryTimesWhenSendAsyncFailed: number;
  readonly factory: MQClientInstance;
  readonly sendMessageHooks: readonly SendMessageHook[];
  readonly checkForbiddenHooks: readonly CheckForbiddenHook[];
  readonly log: Logger;
  tryToFindTopicPublishInfo(topic: string): Promise<TopicPublishInfo>;
  selectOneMessageQueue(info: TopicPublishInfo, lastBrokerName: string | undefined, resetIndex: boolean): MessageQueue | undefined;
  updateFaultItem(brokerName: string, latencyMs: number, isolation: boolean, reachable: boolean): void;
}

/** SYNC: `result`; ONEWAY: nothing; ASYNC: `completion`, which settles when the broker answers. */
export interface KernelOutcome {
  result?: SendResult;
  completion?: Promise<SendResult>;
}

export interface KernelRequest {
  out: OutgoingMessage;
  mq: MessageQueue;
  mode: CommunicationMode;
  /** The publish info the queue came from: lets async retries move to another broker. */
  topicPublishInfo: TopicPublishInfo | undefined;
  timeoutMs: number;
  signal?: AbortSignal;
}

function messageType(msg: Message): SendMessageType {
  if (msg.getProperty('__STARTDELIVERTIME') !== undefined || msg.getProperty(MessageConst.PROPERTY_DELAY_TIME_LEVEL) !== undefined) {
    return 'Delay_Msg';
  }
  if (msg.getProperty(MessageConst.PROPERTY_TRANSACTION_PREPARED) === 'true') return 'Trans_Msg_Half';
  return 'Normal_Msg';
}

/** Runs every send hook's `after`, swallowing their errors (Java logs them). */
export function runSendHooksAfter(host: KernelHost, ctx: SendMessageContext | undefined): void {
  if (!ctx) return;
  for (const hook of host.sendMessageHooks) {
    try {
      hook.sendMessageAfter(ctx);
    } catch (err) {
      host.log.warn('failed to executeSendMessageHookAfter', { hook: hook.hookName, err });
    }
  }
}

/**
 * Java `DefaultMQProducerImpl.sendKernelImpl` (protocol.md 12.4): one send to one queue's master.
 * UNIQ_KEY and INSTANCE_ID are set on the message (as Java does; the caller can read its id back);
 * the body is compressed into the request only, so the caller's message is never changed otherwise.
 */
export async function sendKernelImpl(host: KernelHost, req: KernelRequest): Promise<KernelOutcome> {
  const begin = Date.now();
  const { out, mq, mode, timeoutMs } = req;
  const msg = out.msg;
  const factory = host.factory;
  let brokerName = factory.getBrokerNameFromMessageQueue(mq);
  let brokerAddr = factory.findBrokerAddressInPublish(brokerName);
  if (brokerAddr === undefined) {
    await host.tryToFindTopicPublishInfo(mq.topic);
    brokerName = factory.getBrokerNameFromMessageQueue(mq);
    brokerAddr = factory.findBrokerAddressInPublish(brokerName);
  }
  if (brokerAddr === undefined) {
    throw new ClientError(BROKER_NOT_EXIST_EXCEPTION, `The broker[${brokerName}] not exist`);
  }
  brokerAddr = brokerVIPChannel(host.vipChannelEnabled, brokerAddr);

  const isBatch = msg instanceof MessageBatch;
  if (!isBatch) setUniqId(msg);
  if (host.namespace) msg.putProperty(MessageConst.PROPERTY_INSTANCE_ID, host.namespace);

  let sysFlag = 0;
  let body = msg.body;
  if (!isBatch && body.length >= host.compressMsgBodyOverBytes) {
    try {
      body = compress(body, host.compressType, host.compressLevel);
      sysFlag |= MessageSysFlag.COMPRESSED_FLAG | compressionFlagOf(host.compressType);
    } catch (err) {
      host.log.error('tryToCompressMessage exception', { err });
      body = msg.body;
    }
  }
  if ((msg.getProperty(MessageConst.PROPERTY_TRANSACTION_PREPARED) ?? '').toLowerCase() === 'true') {
    sysFlag |= MessageSysFlag.TRANSACTION_PREPARED_TYPE;
  }

  for (const hook of host.checkForbiddenHooks) {
    hook.checkForbidden({
      nameSrvAddr: host.namesrvAddr.join(';') || undefined,
      group: host.producerGroup,
      message: msg,
      mq,
      brokerAddr,
      communicationMode: mode,
      unitMode: host.unitMode,
    });
  }

  let context: SendMessageContext | undefined;
  if (host.sendMessageHooks.length > 0) {
    context = {
      producerGroup: host.producerGroup,
      communicationMode: mode,
      bornHost: factory.config.clientIP,
      brokerAddr,
      message: msg,
      mq,
      namespace: host.namespace,
      msgType: messageType(msg),
    };
    for (const hook of host.sendMessageHooks) {
      try {
        hook.sendMessageBefore(context);
      } catch (err) {
        host.log.warn('failed to executeSendMessageHookBefore', { hook: hook.hookName, err });
      }
    }
  }

  const fields: SendMessageHeaderFields = {
    producerGroup: host.producerGroup,
    topic: out.topic,
    defaultTopic: host.createTopicKey,
    defaultTopicQueueNums: host.defaultTopicQueueNums,
    queueId: mq.queueId,
    sysFlag,
    bornTimestamp: BigInt(Date.now()),
    flag: msg.flag,
    properties: messageProperties2String(msg.properties),
    reconsumeTimes: 0,
    unitMode: host.unitMode,
    batch: isBatch,
    brokerName,
  };
  if (out.topic.startsWith(RETRY_GROUP_TOPIC_PREFIX)) {
    // The properties string above still carries them, as in Java.
    const reconsume = msg.getProperty(MessageConst.PROPERTY_RECONSUME_TIME);
    if (reconsume !== undefined) {
      fields.reconsumeTimes = Number.parseInt(reconsume, 10) || 0;
      msg.clearProperty(MessageConst.PROPERTY_RECONSUME_TIME);
    }
    const maxReconsume = msg.getProperty(MessageConst.PROPERTY_MAX_RECONSUME_TIMES);
    if (maxReconsume !== undefined) {
      fields.maxReconsumeTimes = Number.parseInt(maxReconsume, 10) || 0;
      msg.clearProperty(MessageConst.PROPERTY_MAX_RECONSUME_TIMES);
    }
  }

  const api = factory.api;
  const isReply = msg.getProperty(MessageConst.PROPERTY_MESSAGE_TYPE) === REPLY_MESSAGE_FLAG;
  const request = api.buildSendRequest(fields, body, isBatch, isReply);
  try {
    const left = timeoutMs - (Date.now() - begin);
    if (left <= 0) {
      throw new RemotingTimeoutError({ addr: brokerAddr, timeoutMs, requestCode: request.code }, 'sendKernelImpl call timeout');
    }
    let outcome: KernelOutcome;
    switch (mode) {
      case 'ASYNC':
        outcome = {
          completion: sendMessageAsync(host, {
            addr: brokerAddr,
            brokerName,
            out,
            request,
            timeoutMs: left,
            topicPublishInfo: req.topicPublishInfo,
            retryTimes: host.retryTimesWhenSendAsyncFailed,
            context,
            signal: req.signal,
          }),
        };
        break;
      case 'ONEWAY':
        await api.sendMessageOneway(brokerAddr, request, left);
        outcome = {};
        break;
      default:
        outcome = { result: await api.sendMessageSync(brokerAddr, brokerName, msg, out.topic, request, left, req.signal) };
    }
    if (context) {
      // For async sends Java runs the after hooks here (without a result) and again on completion.
      context.sendResult = outcome.result;
      runSendHooksAfter(host, context);
    }
    return outcome;
  } catch (err) {
    if (context) {
      context.exception = err;
      runSendHooksAfter(host, context);
    }
    throw err;
  }
}
