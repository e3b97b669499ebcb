import type { MessageQueue } from '../client/message-queue';
import { buildHeader, type SendMessageHeaderFields } from '../client/request-builders';
import { compress, compressOffLoop, COMPRESS_OFF_LOOP_BYTES, type CompressionType } from '../message/compression';
import type { Message } from '../message/message';
import { MessageBatch } from '../message/message-batch';
import { MessageConst, REPLY_MESSAGE_FLAG } from '../message/message-const';
import { setUniqId } from '../message/message-id';
import { messageProperties2String } from '../message/message-properties';
import { compressionFlagOf, MessageSysFlag } from '../message/message-sys-flag';
import { RETRY_GROUP_TOPIC_PREFIX } from '../message/namespace';
import type { RemotingCommand } from '../remoting/protocol/remoting-command';
import { RequestCode } from '../remoting/protocol/request-code';

/** A message on its way out: `topic` is the topic as sent (namespaced when a namespace is set). */
export interface OutgoingMessage {
  readonly msg: Message;
  readonly topic: string;
}

/** The producer settings a send request depends on. */
export interface SendRequestSettings {
  readonly producerGroup: string;
  readonly createTopicKey: string;
  readonly defaultTopicQueueNums: number;
  readonly compressMsgBodyOverBytes: number;
  readonly compressType: CompressionType;
  readonly compressLevel: number;
  readonly unitMode: boolean;
}

/**
 * Java `sendKernelImpl`'s first step: UNIQ_KEY and INSTANCE_ID go on the message itself (as in Java:
 * the caller reads its id back, hooks see it).
 */
export function stampMessage(msg: Message, namespace: string | undefined): void {
  if (!(msg instanceof MessageBatch)) setUniqId(msg);
  if (namespace) msg.putProperty(MessageConst.PROPERTY_INSTANCE_ID, namespace);
}

function wantsCompression(msg: Message, s: SendRequestSettings): boolean {
  return !(msg instanceof MessageBatch) && msg.body.length >= s.compressMsgBodyOverBytes;
}

/**
 * For a message large enough to be deflated in the zlib thread pool (so a 4 MiB body does not stall the
 * event loop), its compressed body, or the body itself when compression failed (then sent uncompressed, as
 * Java does); undefined, without a promise, when the message is compressed in place or not at all.
 */
export function compressLargeBody(msg: Message, s: SendRequestSettings, onCompressError: (err: unknown) => void): Promise<Buffer> | undefined {
  if (!wantsCompression(msg, s) || msg.body.length < COMPRESS_OFF_LOOP_BYTES) return undefined;
  const body = msg.body;
  return compressOffLoop(body, s.compressType, s.compressLevel).catch((err: unknown) => {
    onCompressError(err);
    return body;
  });
}

/**
 * The body as sent and its sysFlag: compressed over the threshold (batches never), prepared transactions
 * flagged. `compressed` is the body `compressLargeBody` already deflated (the message itself if that failed).
 */
function bodyAndSysFlag(
  msg: Message,
  s: SendRequestSettings,
  onCompressError: (err: unknown) => void,
  compressed: Buffer | undefined,
): { body: Buffer; sysFlag: number } {
  let sysFlag = 0;
  let body = msg.body;
  if (compressed !== undefined) {
    if (compressed !== body) {
      body = compressed;
      sysFlag |= MessageSysFlag.COMPRESSED_FLAG | compressionFlagOf(s.compressType);
    }
  } else if (wantsCompression(msg, s)) {
    try {
      body = compress(body, s.compressType, s.compressLevel);
      sysFlag |= MessageSysFlag.COMPRESSED_FLAG | compressionFlagOf(s.compressType);
    } catch (err) {
      onCompressError(err);
      body = msg.body;
    }
  }
  if ((msg.getProperty(MessageConst.PROPERTY_TRANSACTION_PREPARED) ?? '').toLowerCase() === 'true') {
    sysFlag |= MessageSysFlag.TRANSACTION_PREPARED_TYPE;
  }
  return { body, sysFlag };
}

/** A retry-topic send carries the reconsume counters in the header and drops them from the message (not from the properties string, as in Java). */
function moveReconsumeCounters(msg: Message, fields: SendMessageHeaderFields): void {
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

/**
 * The request of one send (Java `sendKernelImpl` + `MQClientAPIImpl.sendMessage`, protocol.md 12.4):
 * SEND_BATCH_MESSAGE (320) for a batch, SEND_REPLY_MESSAGE_V2 (325) for a reply, SEND_MESSAGE_V2 (310)
 * otherwise, with the single-letter V2 header. The body is compressed into the request only.
 */
export function buildSendRequest(
  out: OutgoingMessage,
  mq: MessageQueue,
  brokerName: string,
  s: SendRequestSettings,
  onCompressError: (err: unknown) => void,
  compressed?: Buffer,
): RemotingCommand {
  const msg = out.msg;
  const isBatch = msg instanceof MessageBatch;
  const { body, sysFlag } = bodyAndSysFlag(msg, s, onCompressError, compressed);
  const fields: SendMessageHeaderFields = {
    producerGroup: s.producerGroup,
    topic: out.topic,
    defaultTopic: s.createTopicKey,
    defaultTopicQueueNums: s.defaultTopicQueueNums,
    queueId: mq.queueId,
    sysFlag,
    bornTimestamp: BigInt(Date.now()),
    flag: msg.flag,
    properties: messageProperties2String(msg.properties),
    reconsumeTimes: 0,
    unitMode: s.unitMode,
    batch: isBatch,
    brokerName,
  };
  if (out.topic.startsWith(RETRY_GROUP_TOPIC_PREFIX)) moveReconsumeCounters(msg, fields);
  const isReply = msg.getProperty(MessageConst.PROPERTY_MESSAGE_TYPE) === REPLY_MESSAGE_FLAG;
  const code = isReply ? RequestCode.SEND_REPLY_MESSAGE_V2 : isBatch ? RequestCode.SEND_BATCH_MESSAGE : RequestCode.SEND_MESSAGE_V2;
  return buildHeader.sendMessageV2(code, fields, body);
}
