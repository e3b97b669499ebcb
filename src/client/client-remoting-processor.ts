import type { Logger } from '../logger';
import { decompress, DEFAULT_MAX_DECOMPRESSED_BYTES } from '../producer/compression';
import { MessageConst } from '../producer/message-const';
import { decodeMessageExt, MessageExt, type HostAddress } from '../producer/message-decoder';
import { string2messageProperties } from '../producer/message-properties';
import { getCompressionType, MessageSysFlag } from '../producer/message-sys-flag';
import { RequestFutureHolder } from '../producer/request-response-future';
import { CheckTransactionStateRequestHeader } from '../remoting/header/check-transaction-state-request-header';
import { decodeCommandCustomHeader } from '../remoting/header/create-command';
import { ReplyMessageRequestHeader } from '../remoting/header/reply-message-request-header';
import { RemotingCommand } from '../remoting/protocol/remoting-command';
import { RequestCode } from '../remoting/protocol/request-code';
import { ResponseCode } from '../remoting/protocol/response-code';
import type { ProcessorContext } from '../remoting/request-processor';
import { withoutNamespace } from './namespace';

/** A producer able to answer the broker's transaction check (Java `MQProducerInner.checkTransactionState`). */
export interface TransactionCheckHandler {
  /** Called on the processor's turn; must only queue the work and return. */
  checkTransactionState(brokerAddr: string, msg: MessageExt, header: CheckTransactionStateRequestHeader): void;
}

/** What the processor needs from its client instance. */
export interface ProcessorHost {
  readonly producerTable: ReadonlyMap<string, unknown>;
  /** Deprecated client-side namespace, stripped from the checked message's topic. */
  readonly namespace: string | undefined;
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

/**
 * Java `ClientRemotingProcessor` for producers (protocol.md 11.8): CHECK_TRANSACTION_STATE (39) and
 * PUSH_REPLY_MESSAGE_TO_CLIENT (326). The remoting client calls it off the read loop; a transaction
 * check only decodes and hands the message to its producer, whose listener runs later.
 */
export class ClientRemotingProcessor {
  private readonly checkers = new Map<string, TransactionCheckHandler>();

  constructor(
    private readonly host: ProcessorHost,
    private readonly log: Logger,
  ) {}

  /** Registers the handlers with the instance's remoting client. */
  registerTo(remoting: { registerProcessor(code: number, fn: (req: RemotingCommand, ctx: ProcessorContext) => RemotingCommand | null): void }): void {
    remoting.registerProcessor(RequestCode.CHECK_TRANSACTION_STATE, (req, ctx) => this.checkTransactionState(req, ctx));
    remoting.registerProcessor(RequestCode.PUSH_REPLY_MESSAGE_TO_CLIENT, (req) => this.receiveReplyMessage(req));
  }

  /** A transaction producer of `group` takes the broker's checks (set after it started). */
  registerTransactionChecker(group: string, handler: TransactionCheckHandler): void {
    this.checkers.set(group, handler);
  }

  unregisterTransactionChecker(group: string, handler: TransactionCheckHandler): void {
    if (this.checkers.get(group) === handler) this.checkers.delete(group);
  }

  /** Java `checkTransactionState`: decode, pick the producer by `PGROUP`, hand over. Never answers (oneway). */
  checkTransactionState(request: RemotingCommand, ctx: ProcessorContext): null {
    const header = decodeCommandCustomHeader(request, CheckTransactionStateRequestHeader);
    let msg: MessageExt;
    try {
      msg = decodeMessageExt(request.body ?? Buffer.alloc(0));
    } catch (err) {
      this.log.warn('checkTransactionState, decode message failed', { addr: ctx.addr, err });
      return null;
    }
    const ns = this.host.namespace;
    if (ns) msg.topic = withoutNamespace(msg.topic, ns);
    const transactionId = msg.getProperty(MessageConst.PROPERTY_UNIQ_CLIENT_MESSAGE_ID_KEYIDX);
    if (transactionId) msg.transactionId = transactionId;
    const group = msg.getProperty(MessageConst.PROPERTY_PRODUCER_GROUP);
    if (group === undefined) {
      this.log.warn('checkTransactionState, pick producer group failed', { addr: ctx.addr });
      return null;
    }
    if (!this.host.producerTable.has(group)) {
      this.log.debug('checkTransactionState, pick producer by group failed', { group });
      return null;
    }
    const checker = this.checkers.get(group);
    if (checker === undefined) {
      this.log.warn('checkTransactionState, pick transactionCheckListener by group failed', { group });
      return null;
    }
    checker.checkTransactionState(ctx.addr, msg, header);
    return null;
  }

  /** Java `receiveReplyMessage`: rebuild the reply, complete its request, answer SUCCESS. */
  receiveReplyMessage(request: RemotingCommand): RemotingCommand {
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
        const inflated = decompress(body, getCompressionType(sysFlag), DEFAULT_MAX_DECOMPRESSED_BYTES);
        if (inflated !== undefined) {
          body = inflated;
          sysFlag &= ~MessageSysFlag.COMPRESSED_FLAG;
        } else {
          this.log.warn('reply body compressed with an unsupported type; kept as is', { sysFlag });
        }
      }
      msg.body = Buffer.from(body);
      msg.sysFlag = sysFlag;
      msg.flag = header.flag ?? 0;
      const props = string2messageProperties(header.properties ?? '');
      props.set(MessageConst.PROPERTY_REPLY_MESSAGE_ARRIVE_TIME, String(receiveTime));
      msg.setPropertiesUnchecked(props);
      msg.bornTimestamp = Number(header.bornTimestamp ?? 0n);
      msg.reconsumeTimes = header.reconsumeTimes ?? 0;
      this.processReplyMessage(msg);
      return RemotingCommand.createResponse(ResponseCode.SUCCESS);
    } catch (err) {
      this.log.warn('unknown err when receiveReplyMsg', { err });
      return RemotingCommand.createResponse(ResponseCode.SYSTEM_ERROR, 'process reply message fail');
    }
  }

  private processReplyMessage(reply: MessageExt): void {
    const correlationId = reply.getProperty(MessageConst.PROPERTY_CORRELATION_ID) ?? '';
    const holder = RequestFutureHolder.getInstance();
    const future = holder.get(correlationId);
    if (future === undefined) {
      this.log.warn('receive reply message, but not matched any request', { correlationId, bornHost: reply.bornHost.address });
      return;
    }
    future.putResponseMessage(reply);
    holder.remove(correlationId);
    // The callback form of request() awaits the same future, so its callback runs off this turn.
  }
}
