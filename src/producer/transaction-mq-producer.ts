import { wrapNamespace } from '../message/namespace';
import { ClientError, ClientErrorCode, ClientStateError, InvalidArgumentError } from '../errors';
import type { Logger } from '../logger';
import type { CheckTransactionStateRequestHeader } from '../remoting/header/check-transaction-state-request-header';
import { createRequestCommand } from '../remoting/header/create-command';
import { createHeader } from '../remoting/header/header-codec';
import { EndTransactionRequestHeader } from '../remoting/header/end-transaction-request-header';
import { RequestCode } from '../remoting/protocol/request-code';
import type { RPCHook } from '../remoting/rpc-hook';
import { DefaultMQProducer } from './default-mq-producer';
import type { DefaultMQProducerImpl } from './default-mq-producer-impl';
import { Message } from '../message/message';
import { MessageConst } from '../message/message-const';
import type { MessageExt } from '../message/message-decoder';
import { decodeOffsetMessageId } from '../message/message-id';
import type { ProducerOptions } from './producer-config';
import type { SendResult } from './send-result';
import { TransactionCheckService } from './transaction-check-service';
import {
  commitOrRollbackOf,
  toLocalTransactionState,
  type EndTransactionHook,
  type LocalTransactionState,
  type TransactionListener,
} from './transaction-listener';
import { checkMessage } from '../message/validators';

/** Java `TransactionSendResult`: the half message's send result and what the local transaction decided. */
export type TransactionSendResult = SendResult & { localTransactionState: LocalTransactionState };

/** `TransactionMQProducer` options: the producer's, plus the listener and the check-back bounds. */
export type TransactionProducerOptions = ProducerOptions & {
  /** Runs the local transaction and answers the broker's checks. Required before sending. */
  transactionListener?: TransactionListener;
  /** Java `checkThreadPoolMaxSize`: broker checks handled at once. Default 1. */
  checkConcurrency?: number;
  /** Java `checkRequestHoldMax`: checks waiting; more are dropped (the broker asks again). Default 2000. */
  checkRequestHoldMax?: number;
};

/** Java `UtilAll.exceptionSimpleDesc`-like text of a thrown value. */
function describe(err: unknown): string {
  return err instanceof Error ? `${err.name}: ${err.message}` : String(err);
}

/**
 * Java `TransactionMQProducer` (protocol.md 12.8-12.10). `sendMessageInTransaction` stores a half
 * message (`TRAN_MSG=true`, `PGROUP`), runs the listener's local transaction, and ends it with a
 * oneway END_TRANSACTION (commit 8, rollback 12, unknown 0). A half message left unknown is checked
 * back by the broker: its CHECK_TRANSACTION_STATE reaches `checkLocalTransaction`, whose answer goes
 * back as END_TRANSACTION with `fromTransactionCheck=true`.
 *
 * ```ts
 * const producer = new TransactionMQProducer({
 *   producerGroup: 'orders-tx',
 *   namesrvAddr: '127.0.0.1:9876',
 *   transactionListener: {
 *     executeLocalTransaction: async (msg) => ((await db.commitOrder(msg)) ? 'COMMIT_MESSAGE' : 'ROLLBACK_MESSAGE'),
 *     checkLocalTransaction: async (msg) => ((await db.orderExists(msg.keys)) ? 'COMMIT_MESSAGE' : 'UNKNOW'),
 *   },
 * });
 * ```
 */
export class TransactionMQProducer extends DefaultMQProducer {
  private listener: TransactionListener | undefined;
  private readonly endTransactionHooks: EndTransactionHook[];
  private readonly checks: TransactionCheckService;
  private startInFlight: Promise<void> | undefined;

  // Options form first and last, as in DefaultMQProducer: the listener's functions are typed from it, and a
  // misspelt option is what the compile error names.
  constructor(options: TransactionProducerOptions);
  constructor(producerGroup: string, rpcHook?: RPCHook);
  constructor(options: TransactionProducerOptions);
  constructor(a: TransactionProducerOptions | string, rpcHook?: RPCHook) {
    super(TransactionMQProducer.producerOptionsOf(a, rpcHook));
    this.endTransactionHooks = [];
    const own: TransactionProducerOptions = typeof a === 'object' && a !== null ? a : {};
    if (own.transactionListener !== undefined) this.transactionListener = own.transactionListener;
    this.checks = new TransactionCheckService(own.checkConcurrency ?? 1, own.checkRequestHoldMax ?? 2000, this.txLog);
  }

  /** The options the plain producer validates: ours taken out. */
  private static producerOptionsOf(a: TransactionProducerOptions | string, rpcHook: RPCHook | undefined): ProducerOptions {
    if (typeof a === 'string') return { producerGroup: a, ...(rpcHook !== undefined ? { rpcHook } : {}) };
    if (a === null || typeof a !== 'object') throw new InvalidArgumentError('TransactionMQProducer needs an options object or a producer group');
    const { transactionListener: _l, checkConcurrency: _c, checkRequestHoldMax: _h, ...rest } = a;
    return rest;
  }

  get transactionListener(): TransactionListener | undefined {
    return this.listener;
  }

  set transactionListener(listener: TransactionListener | undefined) {
    if (
      listener !== undefined &&
      (listener === null ||
        typeof listener.executeLocalTransaction !== 'function' ||
        typeof listener.checkLocalTransaction !== 'function')
    ) {
      throw new InvalidArgumentError('a TransactionListener needs executeLocalTransaction and checkLocalTransaction');
    }
    this.listener = listener;
  }

  /** Java `registerEndTransactionHook`: told of every END_TRANSACTION sent (message trace uses it). */
  registerEndTransactionHook(hook: EndTransactionHook): void {
    if (!hook || typeof hook.endTransaction !== 'function') throw new InvalidArgumentError('an EndTransactionHook needs endTransaction');
    this.endTransactionHooks.push(hook);
  }

  private get txImpl(): DefaultMQProducerImpl {
    return this.defaultMQProducerImpl;
  }

  private get txLog(): Logger {
    return this.txImpl.log;
  }

  override start(): Promise<void> {
    const starting = this.startAndRegister();
    this.startInFlight = starting;
    const clear = (): void => {
      if (this.startInFlight === starting) this.startInFlight = undefined;
    };
    starting.then(clear, clear);
    return starting;
  }

  private async startAndRegister(): Promise<void> {
    await super.start();
    if (this.clientInstance === undefined) return;
    this.txImpl.transactionCheckHandler = {
      checkTransactionState: (addr, msg, header) => this.checkTransactionState(addr, msg, header),
    };
  }

  /** Stops taking checks, lets the running ones finish (bounded), then shuts the producer down. */
  override async shutdown(): Promise<void> {
    // A start in progress finishes first, so its check handler is unregistered too.
    if (this.startInFlight !== undefined) await this.startInFlight.catch(() => undefined);
    // Like the plain producer, only a RUNNING one shuts down: stopping the checks before start()
    // would leave a later start() running with every broker check dropped.
    if (this.serviceState === 'RUNNING') {
      this.txImpl.transactionCheckHandler = undefined;
      await this.checks.shutdown();
    }
    await super.shutdown();
  }

  /**
   * Java `sendMessageInTransaction` (protocol.md 12.8): a synchronous half-message send, then the
   * local transaction, then END_TRANSACTION. A send failure rejects (nothing was stored, nothing to
   * end); a throwing or undecided local transaction leaves the state UNKNOW, for the broker to check.
   */
  async sendMessageInTransaction(msg: Message, arg?: unknown): Promise<TransactionSendResult> {
    const listener = this.listener;
    if (listener === undefined) throw new ClientError(-1, 'TransactionListener is null');
    if (this.serviceState !== 'RUNNING') throw new ClientStateError(this.serviceState, `The producer service state not OK, ${this.serviceState}`);
    if (!(msg instanceof Message)) throw new InvalidArgumentError('sendMessageInTransaction needs a Message');
    // Java validates before touching the message: a rejected one keeps its properties.
    checkMessage(
      { topic: wrapNamespace(this.txImpl.namespace, msg.topic), body: msg.body, getUserProperty: (n) => msg.getUserProperty(n) },
      this.txImpl.config.maxMessageSize,
    );
    // A delay would hold the half message back; Java drops it.
    if (msg.delayTimeLevel !== 0) msg.clearProperty(MessageConst.PROPERTY_DELAY_TIME_LEVEL);
    msg.putProperty(MessageConst.PROPERTY_TRANSACTION_PREPARED, 'true');
    msg.putProperty(MessageConst.PROPERTY_PRODUCER_GROUP, this.producerGroup);
    const sendResult = await this.send(msg);

    let state: LocalTransactionState = 'UNKNOW';
    let localException: unknown;
    if (sendResult.sendStatus === 'SEND_OK') {
      try {
        if (sendResult.transactionId !== undefined) msg.putUserProperty(MessageConst.PROPERTY_TRANSACTION_ID, sendResult.transactionId);
        const transactionId = msg.getProperty(MessageConst.PROPERTY_UNIQ_CLIENT_MESSAGE_ID_KEYIDX);
        if (transactionId) msg.transactionId = transactionId;
        state = toLocalTransactionState(await listener.executeLocalTransaction(msg, arg));
        if (state !== 'COMMIT_MESSAGE') {
          this.txLog.info('executeLocalTransactionBranch return', { state, topic: msg.topic, transactionId: msg.transactionId });
        }
      } catch (err) {
        this.txLog.error('executeLocalTransactionBranch exception', { topic: msg.topic, transactionId: msg.transactionId, err });
        localException = err;
      }
    } else {
      // FLUSH_DISK_TIMEOUT, FLUSH_SLAVE_TIMEOUT, SLAVE_NOT_AVAILABLE: stored, but not safely.
      state = 'ROLLBACK_MESSAGE';
    }
    try {
      await this.endTransaction(msg, sendResult, state, localException);
    } catch (err) {
      this.txLog.warn(`local transaction execute ${state}, but end broker transaction failed`, { err });
    }
    return { ...sendResult, localTransactionState: state };
  }

  /** Java `DefaultMQProducerImpl.endTransaction` (protocol.md 12.9). */
  private async endTransaction(msg: Message, sendResult: SendResult, state: LocalTransactionState, localException: unknown): Promise<void> {
    const impl = this.txImpl;
    const factory = impl.factory;
    const id = decodeOffsetMessageId(sendResult.offsetMsgId ? sendResult.offsetMsgId : sendResult.msgId);
    const brokerName = sendResult.messageQueue.brokerName;
    const brokerAddr = factory.findBrokerAddressInPublish(brokerName);
    this.runEndTransactionHooks(msg, sendResult.msgId, brokerAddr, state, false);
    if (brokerAddr === undefined) throw new ClientError(ClientErrorCode.BROKER_NOT_EXIST_EXCEPTION, `The broker[${brokerName}] not exist`);
    const header = createHeader(EndTransactionRequestHeader, {
      topic: wrapNamespace(impl.namespace, msg.topic),
      transactionId: sendResult.transactionId,
      commitLogOffset: id.offset,
      brokerName,
      commitOrRollback: commitOrRollbackOf(state),
      producerGroup: this.producerGroup,
      tranStateTableOffset: sendResult.queueOffset,
      msgId: sendResult.msgId,
    });
    const remark = localException !== undefined ? `executeLocalTransactionBranch exception: ${String(localException)}` : undefined;
    const request = createRequestCommand(RequestCode.END_TRANSACTION, header, undefined, remark !== undefined ? { remark } : {});
    await factory.remotingClient.invokeOneway(brokerAddr, request, impl.config.sendMsgTimeoutMs);
  }

  /** The broker's CHECK_TRANSACTION_STATE, queued for the listener (Java's check executor). */
  private checkTransactionState(brokerAddr: string, msg: MessageExt, header: CheckTransactionStateRequestHeader): void {
    const group = this.producerGroup;
    const accepted = this.checks.submit(async () => {
      const listener = this.listener;
      if (listener === undefined) {
        this.txLog.warn('CheckTransactionState, pick transactionCheckListener by group failed', { group });
        return;
      }
      let state: LocalTransactionState = 'UNKNOW';
      let exception: unknown;
      try {
        state = toLocalTransactionState(await listener.checkLocalTransaction(msg));
      } catch (err) {
        this.txLog.error('Broker call checkTransactionState, but checkLocalTransactionState exception', { err });
        exception = err;
      }
      const uniqueKey = msg.getProperty(MessageConst.PROPERTY_UNIQ_CLIENT_MESSAGE_ID_KEYIDX) ?? msg.msgId;
      if (state !== 'COMMIT_MESSAGE') {
        this.txLog.warn('when broker check, client answers', { state, msgId: uniqueKey, transactionId: header.transactionId });
      }
      this.runEndTransactionHooks(msg, uniqueKey, brokerAddr, state, true);
      const end = createHeader(EndTransactionRequestHeader, {
        topic: header.topic,
        commitLogOffset: header.commitLogOffset,
        producerGroup: group,
        tranStateTableOffset: header.tranStateTableOffset,
        fromTransactionCheck: true,
        brokerName: header.brokerName,
        msgId: uniqueKey,
        transactionId: header.transactionId,
        commitOrRollback: commitOrRollbackOf(state),
      });
      const remark = exception !== undefined ? `checkLocalTransactionState Exception: ${describe(exception)}` : undefined;
      const request = createRequestCommand(RequestCode.END_TRANSACTION, end, undefined, remark !== undefined ? { remark } : {});
      await this.txImpl.factory.remotingClient.invokeOneway(brokerAddr, request, 3000);
    });
    if (!accepted) this.txLog.warn('transaction check dropped (the broker will ask again)', { group, transactionId: header.transactionId });
  }

  private runEndTransactionHooks(
    msg: Message,
    msgId: string,
    brokerAddr: string | undefined,
    state: LocalTransactionState,
    fromTransactionCheck: boolean,
  ): void {
    if (this.endTransactionHooks.length === 0) return;
    const ctx = {
      producerGroup: this.producerGroup,
      brokerAddr,
      message: msg,
      msgId,
      transactionId: msg.transactionId,
      transactionState: state,
      fromTransactionCheck,
    };
    for (const hook of this.endTransactionHooks) {
      try {
        hook.endTransaction(ctx);
      } catch (err) {
        this.txLog.warn('failed to executeEndTransactionHook', { hook: hook.hookName, err });
      }
    }
  }
}
