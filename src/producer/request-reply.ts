import { randomUUID } from 'node:crypto';
import { wrapNamespace } from '../message/namespace';
import type { MessageQueue } from '../client/message-queue';
import { ClientError, ClientErrorCode, InvalidArgumentError, RequestTimeoutError, RocketMQError } from '../errors';
import type { DefaultMQProducerImpl } from './default-mq-producer-impl';
import { Message, type MessageBody } from '../message/message';
import { MessageConst, REPLY_MESSAGE_FLAG } from '../message/message-const';
import type { MessageExt } from '../message/message-decoder';
import type { MessageQueueSelector } from './queue-selector';
import { RequestFutureHolder, RequestResponseFuture, type RequestCallback } from './request-response-future';
import type { SendOptions } from './send-options';
import type { SendCallback } from './send-result';

/** `MixAll.REPLY_TOPIC_POSTFIX`: replies go to `<cluster>_REPLY_TOPIC`. */
export const REPLY_TOPIC_POSTFIX = 'REPLY_TOPIC';
/** `ClientErrorCode.CREATE_REPLY_MESSAGE_EXCEPTION`. */
const { CREATE_REPLY_MESSAGE_EXCEPTION } = ClientErrorCode;

/** Where a request goes: like `send`, a fixed queue or a selector; otherwise the default selection. */
export interface RequestOptions {
  queue?: MessageQueue | { topic: string; brokerName: string; queueId: number };
  selector?: MessageQueueSelector;
  arg?: unknown;
}

function checkTimeout(timeoutMs: unknown): asserts timeoutMs is number {
  if (typeof timeoutMs !== 'number' || !Number.isInteger(timeoutMs) || timeoutMs < 1 || timeoutMs > 0x7fffffff) {
    throw new InvalidArgumentError(`request timeoutMs must be a positive integer, got ${String(timeoutMs)}`);
  }
}

/** The producer a request goes through (`DefaultMQProducer`, which calls in here: typed by shape, no import back). @internal */
export interface RequestingProducer {
  readonly defaultMQProducerImpl: DefaultMQProducerImpl;
  send(msg: Message, callback: SendCallback, options?: SendOptions): void;
}

/**
 * Java `prepareSendRequest` (protocol.md 12.7): `CORRELATION_ID` (a random UUID), `REPLY_TO_CLIENT`
 * (this client id) and `TTL` (the timeout). When the topic has no route yet it is looked up and a
 * heartbeat goes to every broker first, so the broker knows which connection to push the reply on.
 */
async function prepareSendRequest(producer: RequestingProducer, msg: Message, timeoutMs: number): Promise<string> {
  const impl = producer.defaultMQProducerImpl;
  impl.makeSureStateOK();
  if (!(msg instanceof Message)) throw new InvalidArgumentError('request needs a Message');
  const factory = impl.factory;
  const correlationId = randomUUID();
  msg.putProperty(MessageConst.PROPERTY_CORRELATION_ID, correlationId);
  msg.putProperty(MessageConst.PROPERTY_MESSAGE_REPLY_TO_CLIENT, factory.clientId);
  msg.putProperty(MessageConst.PROPERTY_MESSAGE_TTL, String(timeoutMs));
  const topic = wrapNamespace(impl.namespace, msg.topic);
  if (!factory.topicRouteTable.has(topic)) {
    const begin = Date.now();
    await impl.tryToFindTopicPublishInfo(topic);
    await factory.sendHeartbeatToAllBrokerWithLock();
    const cost = Date.now() - begin;
    if (cost > 500) impl.log.warn('prepare send request cost', { topic, cost });
  }
  return correlationId;
}

/**
 * Java `DefaultMQProducer.request` (protocol.md 12.7): sends `msg` asynchronously and resolves with
 * the reply a responder sent back (the broker pushes it with PUSH_REPLY_MESSAGE_TO_CLIENT). Rejects
 * with `RequestTimeoutError` when the request was sent but no reply came within `timeoutMs`, and with
 * a `ClientError` carrying the send failure as `cause` when the request could not be sent.
 *
 * Java 5.3.3 releases the waiter as soon as the send succeeds (a bug, fixed after 5.3.3 by
 * apache/rocketmq#9608), which makes a slow reply a timeout; this waits for the reply as intended.
 *
 * @internal (public through `DefaultMQProducer.request`)
 */
export async function request(producer: RequestingProducer, msg: Message, timeoutMs: number, options: RequestOptions = {}): Promise<MessageExt> {
  checkTimeout(timeoutMs);
  const begin = Date.now();
  const correlationId = await prepareSendRequest(producer, msg, timeoutMs);
  const holder = RequestFutureHolder.getInstance();
  const future = new RequestResponseFuture(correlationId, timeoutMs, producer.defaultMQProducerImpl.log);
  holder.put(future);
  try {
    const cost = Date.now() - begin;
    const sendOptions: SendOptions = { ...options, timeoutMs: Math.max(1, timeoutMs - cost) };
    producer.send(
      msg,
      {
        onSuccess: () => {
          future.sendRequestOk = true;
        },
        onException: (err) => {
          future.sendRequestOk = false;
          future.cause = err;
          future.putResponseMessage(undefined);
        },
      },
      sendOptions,
    );
    const reply = await future.waitResponseMessage(timeoutMs - cost);
    if (reply !== undefined) return reply;
    if (future.sendRequestOk && future.cause === undefined) {
      throw new RequestTimeoutError(
        correlationId,
        timeoutMs,
        `send request message to <${msg.topic}> OK, but wait reply message timeout, ${timeoutMs} ms.`,
      );
    }
    const cause = future.cause;
    throw new ClientError(-1, `send request message to <${msg.topic}> fail`, {
      cause,
      retriable: cause instanceof RocketMQError ? cause.retriable : false,
    });
  } finally {
    holder.remove(correlationId);
  }
}

/**
 * The callback form of `request` (Java `request(msg, callback, timeout)`): `callback.onSuccess` with
 * the reply or `callback.onException` with the error, exactly once, never synchronously.
 *
 * @internal (public through `DefaultMQProducer.request`)
 */
export function requestWithCallback(
  producer: RequestingProducer,
  msg: Message,
  callback: RequestCallback,
  timeoutMs: number,
  options: RequestOptions = {},
): void {
  if (!callback || typeof callback.onSuccess !== 'function' || typeof callback.onException !== 'function') {
    throw new InvalidArgumentError('a RequestCallback needs onSuccess and onException');
  }
  const log = producer.defaultMQProducerImpl.log;
  request(producer, msg, timeoutMs, options).then(
    (reply) => {
      try {
        callback.onSuccess(reply);
      } catch (err) {
        log.warn('RequestCallback.onSuccess threw', { err });
      }
    },
    (err: unknown) => {
      try {
        callback.onException(err instanceof Error ? err : new ClientError(-1, String(err)));
      } catch (cbErr) {
        log.warn('RequestCallback.onException threw', { err: cbErr });
      }
    },
  );
}

/**
 * Java `MessageUtil.createReplyMessage`, for the responder: a message to `<CLUSTER>_REPLY_TOPIC`
 * (the broker stamps `CLUSTER` on every stored request) with `MSG_TYPE=reply` and the request's
 * `CORRELATION_ID`, `REPLY_TO_CLIENT` and `TTL`. Sent with `producer.send`, it goes as
 * SEND_REPLY_MESSAGE_V2 (325) and the broker pushes it to the requester.
 */
export function createReplyMessage(requestMessage: Message, body: MessageBody): Message {
  if (!(requestMessage instanceof Message)) {
    throw new ClientError(CREATE_REPLY_MESSAGE_EXCEPTION, 'create reply message fail, requestMessage cannot be null.');
  }
  const cluster = requestMessage.getProperty(MessageConst.PROPERTY_CLUSTER);
  if (cluster === undefined) {
    throw new ClientError(
      CREATE_REPLY_MESSAGE_EXCEPTION,
      `create reply message fail, requestMessage error, property[${MessageConst.PROPERTY_CLUSTER}] is null.`,
    );
  }
  const reply = new Message(`${cluster}_${REPLY_TOPIC_POSTFIX}`, body);
  reply.putProperty(MessageConst.PROPERTY_MESSAGE_TYPE, REPLY_MESSAGE_FLAG);
  for (const key of [MessageConst.PROPERTY_CORRELATION_ID, MessageConst.PROPERTY_MESSAGE_REPLY_TO_CLIENT, MessageConst.PROPERTY_MESSAGE_TTL]) {
    const v = requestMessage.getProperty(key);
    if (v !== undefined) reply.putProperty(key, v);
  }
  return reply;
}

/** Java `MessageUtil.getReplyToClient`. */
export function getReplyToClient(msg: Message): string | undefined {
  return msg.getProperty(MessageConst.PROPERTY_MESSAGE_REPLY_TO_CLIENT);
}
