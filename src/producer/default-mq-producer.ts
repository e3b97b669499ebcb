import { InvalidArgumentError } from '../errors';
import type { MessageQueue } from '../client/message-queue';
import type { MQClientInstance } from '../client/mq-client-instance';
import { wrapNamespace } from '../message/namespace';
import type { ServiceState } from '../client/service-state';
import type { RPCHook } from '../remoting/rpc-hook';
import { DefaultMQProducerImpl } from './default-mq-producer-impl';
import { Message } from '../message/message';
import type { MessageExt } from '../message/message-decoder';
import { createBatch } from '../message/message-batch';
import { parseProducerOptions, type ProducerOptions } from './producer-config';
import { request, requestWithCallback, type RequestOptions } from './request-reply';
import type { RequestCallback } from './request-response-future';
import type { CheckForbiddenHook, CommunicationMode, SendMessageHook } from './send-hooks';
import type { OutgoingMessage } from './send-request-builder';
import { isSendCallback, resolveSendOptions, type SendOptions } from './send-options';
import { producerSendTraced, traceSend } from './send-tracing';
import { deliverOutcome } from './async-send';
import type { SendCallback, SendResult } from './send-result';
import { attachProducerTrace } from './trace/producer-trace';
import type { AsyncTraceDispatcher } from '../client/trace/trace-dispatcher';
import { MessagingTelemetry, type SendInstrument } from '../client/telemetry/messaging-telemetry';

function isRpcHook(v: unknown): v is RPCHook {
  return typeof v === 'object' && v !== null && typeof (v as RPCHook).doBeforeRequest === 'function';
}

/**
 * The producer (Java `DefaultMQProducer`). Create, `start()`, send, `shutdown()`:
 *
 * ```ts
 * const producer = new DefaultMQProducer({ producerGroup: 'orders', namesrvAddr: '127.0.0.1:9876' });
 * await producer.start();
 * const result = await producer.send(new Message('OrderTopic', 'hello', { tags: 'created' }));
 * await producer.shutdown();
 * ```
 *
 * `send(msg)` is Java's synchronous send (up to 1 + retryTimesWhenSendFailed attempts within
 * `timeoutMs`); `send(msg, callback)` is Java's async send (transport retries only, the callback runs
 * exactly once); an array is sent as one batch.
 */
export class DefaultMQProducer {
  private readonly impl: DefaultMQProducerImpl;
  private shutdownPromise: Promise<void> | undefined;
  private starting: Promise<void> | undefined;
  private trace: AsyncTraceDispatcher | undefined;
  /** OpenTelemetry (`openTelemetry` option); undefined when off. */
  private readonly telemetry: MessagingTelemetry | undefined;
  private unwatchRetries: (() => void) | undefined;

  // The options form comes first and again last, on purpose: first, so that the functions inside an options
  // object are typed from it (TypeScript fixes their types with the first overload tried); last, because when no
  // overload matches TypeScript reports the last one's error, which then names a misspelt option ("'namesrvAdr'
  // does not exist in type ...") instead of "not assignable to parameter of type 'string'".
  /** Options object form: every option is validated, an unknown key is an error naming it. */
  constructor(options: ProducerOptions);
  /** Java's `DefaultMQProducer(producerGroup, rpcHook)`. */
  constructor(producerGroup: string, rpcHook?: RPCHook);
  /** @deprecated Java's client-side namespace wrapping; prefer `namespaceV2`. */
  constructor(namespace: string, producerGroup: string, rpcHook?: RPCHook);
  /** Options object form: every option is validated, an unknown key is an error naming it. */
  constructor(options: ProducerOptions);
  constructor(a: ProducerOptions | string, b?: string | RPCHook, c?: RPCHook) {
    let input: ProducerOptions;
    if (typeof a === 'string') {
      if (typeof b === 'string') input = { namespace: a, producerGroup: b, ...(c !== undefined ? { rpcHook: c } : {}) };
      else if (b === undefined || isRpcHook(b)) input = { producerGroup: a, ...(b !== undefined ? { rpcHook: b } : {}) };
      else throw new InvalidArgumentError('the second argument must be a producer group or an RPCHook');
    } else {
      input = a;
    }
    const config = parseProducerOptions(input);
    this.telemetry = MessagingTelemetry.create(config.openTelemetry);
    this.impl = new DefaultMQProducerImpl(config, config.rpcHook);
  }

  /** The group (namespaced once started, as in Java). */
  get producerGroup(): string {
    return this.impl.producerGroup;
  }

  get serviceState(): ServiceState {
    return this.impl.serviceState;
  }

  /** @internal The client instance this producer runs on (after start). */
  get clientInstance(): MQClientInstance | undefined {
    return this.impl.clientInstance;
  }

  /** @internal */
  get defaultMQProducerImpl(): DefaultMQProducerImpl {
    return this.impl;
  }

  /**
   * Java `DefaultMQProducer.start` (protocol.md 10.6). Refused with `ClientStateError` naming the state
   * when not CREATE_JUST; a group already used in the same client instance is refused naming it.
   */
  start(): Promise<void> {
    const starting = (async () => {
      this.impl.producerGroup = wrapNamespace(this.impl.namespace, this.impl.producerGroup);
      await this.impl.start();
      this.unwatchRetries = this.telemetry?.watchRetries(this.impl.producerGroup, this.impl.factory.clientId);
      await this.startTrace();
    })();
    this.starting = starting;
    return starting.finally(() => {
      if (this.starting === starting) this.starting = undefined;
    });
  }

  /** Message trace (`enableTrace`): hooks on this producer, records sent by an internal one. A failure to start it is logged, as in Java. */
  private async startTrace(): Promise<void> {
    const config = this.impl.config;
    if (!config.enableTrace || this.trace !== undefined) return;
    this.trace = attachProducerTrace(this, config, (options) => new DefaultMQProducer(options), { traceTopic: config.traceTopic });
    try {
      await this.trace.start();
    } catch (err) {
      this.impl.log.warn('trace dispatcher start failed', { err });
    }
  }

  /** @internal The message-trace dispatcher when `enableTrace` is on (after start). */
  get traceDispatcher(): AsyncTraceDispatcher | undefined {
    return this.trace;
  }

  /** Unregisters from every broker, stops every timer, closes every connection. Idempotent. */
  shutdown(): Promise<void> {
    if (this.shutdownPromise) return this.shutdownPromise;
    if (this.starting) {
      // A start still in progress finishes first, so what it opens is closed too.
      const starting = this.starting;
      return starting.then(
        () => this.shutdown(),
        () => this.shutdown(),
      );
    }
    // Java shuts down only a RUNNING producer; in CREATE_JUST a later start() stays possible.
    if (this.impl.serviceState !== 'RUNNING') return Promise.resolve();
    this.shutdownPromise = this.impl.shutdown().then(() => {
      this.unwatchRetries?.();
    }).then(() =>
      this.trace?.shutdown().catch((err: unknown) => this.impl.log.warn('trace dispatcher shutdown failed', { err })),
    );
    return this.shutdownPromise;
  }

  /** Synchronous send (Java `send(msg)`, `send(msg, mq)`, `send(msg, selector, arg)`, `send(msgs)`). */
  send(msg: Message | Message[], options?: SendOptions): Promise<SendResult>;
  /** Async send (Java `send(msg, callback)`): the callback runs exactly once, never synchronously. */
  send(msg: Message | Message[], callback: SendCallback, options?: SendOptions): void;
  send(msg: Message | Message[], b?: SendOptions | SendCallback, c?: SendOptions): Promise<SendResult> | void {
    if (isSendCallback(b)) {
      if (typeof b.onException !== 'function') throw new InvalidArgumentError('SendCallback needs onSuccess and onException');
      this.sendAsync(msg, b, c);
      return;
    }
    return this.sendSync(msg, b);
  }

  private sendSync(msg: Message | Message[], options: SendOptions | undefined): Promise<SendResult> {
    return traceSend(
      () => this.traceContext(msg, 'SYNC'),
      async () => {
        const p = resolveSendOptions(options, this.impl.config.sendMsgTimeoutMs);
        return this.withTelemetry(msg, async () => (await this.impl.send(this.outgoing(msg), 'SYNC', p)).result!);
      },
    );
  }

  private traceContext(msg: Message | Message[], mode: CommunicationMode) {
    const topic = Array.isArray(msg) ? (msg[0]?.topic ?? '') : msg instanceof Message ? msg.topic : '';
    return { producerGroup: this.impl.producerGroup, topic, mode, message: msg };
  }

  private sendAsync(msg: Message | Message[], callback: SendCallback, options: SendOptions | undefined): void {
    const begin = Date.now();
    let out: OutgoingMessage | undefined;
    if (options === undefined && this.telemetry === undefined && !producerSendTraced()) {
      try {
        out = this.outgoing(msg);
      } catch {
        // reported by the general path below
      }
      if (out !== undefined && this.impl.trySendAsync(out, this.impl.config.sendMsgTimeoutMs, begin, callback)) return;
    }
    const run = async (): Promise<SendResult> => {
      const p = resolveSendOptions(options, this.impl.config.sendMsgTimeoutMs);
      return this.withTelemetry(msg, () => this.impl.sendAsync(out ?? this.outgoing(msg), p, begin));
    };
    traceSend(() => this.traceContext(msg, 'ASYNC'), run).then(
      (result) => deliverOutcome(callback, undefined, result, this.impl.log),
      (err: unknown) => deliverOutcome(callback, err, undefined, this.impl.log),
    );
  }

  /** Java `sendOneway`: written once, no answer, no retry. */
  sendOneway(msg: Message, options?: SendOptions): Promise<void> {
    return traceSend(
      () => this.traceContext(msg, 'ONEWAY'),
      async () => {
        const p = resolveSendOptions(options, this.impl.config.sendMsgTimeoutMs);
        await this.withTelemetry(msg, async () => {
          await this.impl.send(this.outgoing(msg), 'ONEWAY', p);
          return undefined;
        });
      },
    );
  }

  /** The writable queues of `topic` from a fresh route lookup (namespace stripped). */
  fetchPublishMessageQueues(topic: string): Promise<MessageQueue[]> {
    return this.impl.fetchPublishMessageQueues(wrapNamespace(this.impl.namespace, topic));
  }

  /** Java `createTopic(key, newTopic, queueNum)`: UPDATE_AND_CREATE_TOPIC to every master of `key`'s route. */
  async createTopic(key: string, newTopic: string, queueNum: number): Promise<void> {
    await this.impl.createTopic(key, wrapNamespace(this.impl.namespace, newTopic), queueNum);
  }

  /** Adds a broker response code that synchronous sends retry. */
  addRetryResponseCode(code: number): void {
    if (!Number.isInteger(code)) throw new InvalidArgumentError(`response code must be an integer, got ${String(code)}`);
    this.impl.retryResponseCodes.add(code);
  }

  registerSendMessageHook(hook: SendMessageHook): void {
    if (!hook || typeof hook.sendMessageBefore !== 'function' || typeof hook.sendMessageAfter !== 'function') {
      throw new InvalidArgumentError('a SendMessageHook needs sendMessageBefore and sendMessageAfter');
    }
    this.impl.sendMessageHooks.push(hook);
  }

  /**
   * Java `request` (protocol.md 12.7): sends `msg` and resolves with the responder's reply, or rejects
   * with `RequestTimeoutError` when none comes within `timeoutMs`. `options` picks a queue or a selector.
   */
  request(msg: Message, timeoutMs: number, options?: RequestOptions): Promise<MessageExt>;
  /** Callback form: exactly one of `onSuccess` / `onException` runs, once. */
  request(msg: Message, callback: RequestCallback, timeoutMs: number, options?: RequestOptions): void;
  request(
    msg: Message,
    b: number | RequestCallback,
    c?: number | RequestOptions,
    d?: RequestOptions,
  ): Promise<MessageExt> | void {
    if (typeof b === 'object' && b !== null) {
      requestWithCallback(this, msg, b, c as number, d);
      return;
    }
    return request(this, msg, b, c as RequestOptions | undefined);
  }

  registerCheckForbiddenHook(hook: CheckForbiddenHook): void {
    if (!hook || typeof hook.checkForbidden !== 'function') throw new InvalidArgumentError('a CheckForbiddenHook needs checkForbidden');
    this.impl.checkForbiddenHooks.push(hook);
  }

  /**
   * Runs one send inside its OpenTelemetry span (when `openTelemetry` is on): the span's context goes
   * into the message(s) before they are encoded, and the span ends with the outcome.
   */
  private withTelemetry<T extends SendResult | undefined>(msg: Message | Message[], run: () => Promise<T>): Promise<T> {
    const telemetry = this.telemetry;
    const messages = Array.isArray(msg) ? msg : [msg];
    // Anything but messages is refused by the send itself, with its usual error.
    if (!telemetry || messages.length === 0 || !messages.every((m) => m instanceof Message)) return run();
    const topic = messages[0]!.topic;
    const instrument: SendInstrument = telemetry.startSend(msg, {
      topic,
      producerGroup: this.impl.producerGroup,
      clientId: this.impl.clientInstance?.clientId ?? '',
    });
    return run().then(
      (result) => {
        instrument.end({ msgId: result?.msgId });
        return result;
      },
      (error: unknown) => {
        instrument.end({ error });
        throw error;
      },
    );
  }

  /** A message or a batch, with the topic as it goes on the wire. */
  private outgoing(msg: Message | Message[]): OutgoingMessage {
    if (Array.isArray(msg)) {
      const batch = createBatch(msg, { maxMessageSize: this.impl.config.maxMessageSize, namespace: this.impl.namespace });
      return { msg: batch, topic: batch.topic };
    }
    if (!(msg instanceof Message)) throw new InvalidArgumentError('send needs a Message or an array of Messages');
    return { msg, topic: wrapNamespace(this.impl.namespace, msg.topic) };
  }
}
