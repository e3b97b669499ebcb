import type { Logger } from '../logger';
import type { MQClientInstance } from '../client/mq-client-instance';
import { MessageConst } from '../message/message-const';
import { decodeMessageExt, type MessageExt } from '../message/message-decoder';
import { withoutNamespace } from '../message/namespace';
import { CheckTransactionStateRequestHeader } from '../remoting/header/check-transaction-state-request-header';
import { decodeCommandCustomHeader } from '../remoting/header/create-command';
import type { RemotingCommand } from '../remoting/protocol/remoting-command';
import { RequestCode } from '../remoting/protocol/request-code';
import type { ProcessorContext } from '../remoting/request-processor';
import { receiveReplyMessage } from './reply-message-receiver';

/**
 * The producer's part of Java `ClientRemotingProcessor` (protocol.md 11.8): CHECK_TRANSACTION_STATE (39)
 * and PUSH_REPLY_MESSAGE_TO_CLIENT (326), registered with the instance's processor when a producer
 * starts (again by every producer: the handlers only read the instance, so any registration serves).
 */
export function registerProducerRequestHandlers(factory: MQClientInstance, log: Logger): void {
  const processor = factory.clientRemotingProcessor;
  processor.registerHandler(RequestCode.CHECK_TRANSACTION_STATE, (req, ctx) => checkTransactionState(factory, log, req, ctx));
  processor.registerHandler(RequestCode.PUSH_REPLY_MESSAGE_TO_CLIENT, (req, ctx) => receiveReplyMessage(log, req, ctx));
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
