import type { Logger } from '../logger';
import type { MQClientInstance } from '../client/mq-client-instance';
import { decompress, DEFAULT_MAX_DECOMPRESSED_BYTES } from '../message/compression';
import { MessageConst } from '../message/message-const';
import { decodeMessageExt, MessageExt, type HostAddress } from '../message/message-decoder';
import { withoutNamespace } from '../message/namespace';
import { string2messageProperties } from '../message/message-properties';
import { getCompressionType, MessageSysFlag } from '../message/message-sys-flag';
import { CheckTransactionStateRequestHeader } from '../remoting/header/check-transaction-state-request-header';
import { decodeCommandCustomHeader } from '../remoting/header/create-command';
import { ReplyMessageRequestHeader } from '../remoting/header/reply-message-request-header';
import { RemotingCommand } from '../remoting/protocol/remoting-command';
import { RequestCode } from '../remoting/protocol/request-code';
import { ResponseCode } from '../remoting/protocol/response-code';
import type { ProcessorContext } from '../remoting/request-processor';
import { RequestFutureHolder } from './request-response-future';

/**
 * The producer's part of Java `ClientRemotingProcessor` (protocol.md 11.8): CHECK_TRANSACTION_STATE (39)
 * and PUSH_REPLY_MESSAGE_TO_CLIENT (326), registered with the instance's processor when a producer
 * starts (again by every producer: the handlers only read the instance, so any registration serves).
 */
export function registerProducerRequestHandlers(factory: MQClientInstance, log: Logger): void {
  const processor = factory.clientRemotingProcessor;
  processor.registerHandler(RequestCode.CHECK_TRANSACTION_STATE, (req, ctx) => checkTransactionState(factory, log, req, ctx));
  processor.registerHandler(RequestCode.PUSH_REPLY_MESSAGE_TO_CLIENT, (req) => receiveReplyMessage(log, req));
}

/** `ip:port` (IPv6 in brackets) as Java's `NetworkUtil.string2SocketAddress` reads it. */
function hostAddressOf(s: string | undefined): HostAddress | undefined {
  if (s === undefined) return undefined;
  const colon = s.lastIndexOf(':');
  if (colon <= 0) return undefined;
  const ip = s.slice(0, colon).replace(/^\[|\]$/g, '');
  const port = Number(s.slice(colon + 1));
  return { ip, port: Number.isInteger(port) ? port : 0, address: s };
}

/** Java `checkTransactionState`: decode, pick the producer by `PGROUP`, hand over. Never answers (oneway). */
function checkTransactionState(factory: MQClientInstance, log: Logger, request: RemotingCommand, ctx: ProcessorContext): null {
  const header = decodeCommandCustomHeader(request, CheckTransactionStateRequestHeader);
  let msg: MessageExt;
  try {
    msg = decodeMessageExt(request.body ?? Buffer.alloc(0));
  } catch (err) {
    log.warn('checkTransactionState, decode message failed', { addr: ctx.addr, err });
    return null;
  }
  const ns = factory.namespace;
  if (ns) msg.topic = withoutNamespace(msg.topic, ns);
  const transactionId = msg.getProperty(MessageConst.PROPERTY_UNIQ_CLIENT_MESSAGE_ID_KEYIDX);
  if (transactionId) msg.transactionId = transactionId;
  const group = msg.getProperty(MessageConst.PROPERTY_PRODUCER_GROUP);
  if (group === undefined) {
    log.warn('checkTransactionState, pick producer group failed', { addr: ctx.addr });
    return null;
  }
  const producer = factory.producerTable.get(group);
  if (producer === undefined) {
    log.debug('checkTransactionState, pick producer by group failed', { group });
    return null;
  }
  const checker = producer.getTransactionCheckHandler?.();
  if (checker === undefined) {
    log.warn('checkTransactionState, pick transactionCheckListener by group failed', { group });
    return null;
  }
  checker.checkTransactionState(ctx.addr, msg, header);
  return null;
}

/** Java `receiveReplyMessage`: rebuild the reply, complete its request, answer SUCCESS. */
function receiveReplyMessage(log: Logger, request: RemotingCommand): RemotingCommand {
  const receiveTime = Date.now();
  const header = decodeCommandCustomHeader(request, ReplyMessageRequestHeader);
  try {
    const msg = new MessageExt(header.topic ?? '', Buffer.alloc(0));
    msg.queueId = header.queueId ?? 0;
    msg.storeTimestamp = Number(header.storeTimestamp ?? 0n);
    const born = hostAddressOf(header.bornHost);
    if (born) msg.bornHost = born;
    const store = hostAddressOf(header.storeHost);
    if (store) msg.storeHost = store;
    let body = request.body ?? Buffer.alloc(0);
    let sysFlag = header.sysFlag ?? 0;
    if ((sysFlag & MessageSysFlag.COMPRESSED_FLAG) !== 0) {
      body = decompress(body, getCompressionType(sysFlag), DEFAULT_MAX_DECOMPRESSED_BYTES);
      sysFlag &= ~MessageSysFlag.COMPRESSED_FLAG;
    }
    msg.body = Buffer.from(body);
    msg.sysFlag = sysFlag;
    msg.flag = header.flag ?? 0;
    const props = string2messageProperties(header.properties ?? '');
    props.set(MessageConst.PROPERTY_REPLY_MESSAGE_ARRIVE_TIME, String(receiveTime));
    msg.setPropertiesUnchecked(props);
    msg.bornTimestamp = Number(header.bornTimestamp ?? 0n);
    msg.reconsumeTimes = header.reconsumeTimes ?? 0;
    processReplyMessage(log, msg);
    return RemotingCommand.createResponse(ResponseCode.SUCCESS);
  } catch (err) {
    log.warn('unknown err when receiveReplyMsg', { err });
    return RemotingCommand.createResponse(ResponseCode.SYSTEM_ERROR, 'process reply message fail');
  }
}

function processReplyMessage(log: Logger, reply: MessageExt): void {
  const correlationId = reply.getProperty(MessageConst.PROPERTY_CORRELATION_ID) ?? '';
  const holder = RequestFutureHolder.getInstance();
  const future = holder.get(correlationId);
  if (future === undefined) {
    log.warn('receive reply message, but not matched any request', { correlationId, bornHost: reply.bornHost.address });
    return;
  }
  future.putResponseMessage(reply);
  holder.remove(correlationId);
  // The callback form of request() awaits the same future, so its callback runs off this turn.
}
