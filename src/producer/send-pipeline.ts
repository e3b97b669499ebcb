import { ClientError, ClientErrorCode, ClientStateError, RemotingTimeoutError, SendRetriesExhaustedError, RequestAbortedError, RocketMQError } from '../errors';
import type { Logger } from '../logger';
import type { MessageQueue } from '../client/message-queue';
import type { MQClientInstance } from '../client/mq-client-instance';
import { brokerVIPChannel } from '../client/mq-client-api';
import { producerSendRetryChannel, type ProducerSendRetryMessage } from '../diagnostics';
import type { TopicPublishInfo } from '../client/route/topic-publish-info';
import type { RemotingCommand } from '../remoting/protocol/remoting-command';
import type { MQFaultStrategy } from './latency-fault-tolerance';
import type { ProducerConfig } from './producer-config';
import { buildSendRequest, compressLargeBody, stampMessage, type OutgoingMessage, type SendRequestSettings } from './send-request-builder';
import { classifySendError, maxSendAttempts, SEND_SUCCEEDED, type SendBudget, type SendErrorDecision, type SendRetryPolicy } from './send-error-classifier';
import type { SendHookRunner } from './send-hook-runner';
import type { CommunicationMode, SendMessageContext } from './send-hooks';
import { processSendResponse } from './send-response';
import type { SendCallback, SendResult } from './send-result';
import { AsyncSend, deliverOutcome, type AsyncSendShared } from './async-send';
import { COMPRESS_OFF_LOOP_BYTES } from '../message/compression';
import { MessageBatch } from '../message/message-batch';

const { BROKER_NOT_EXIST_EXCEPTION } = ClientErrorCode;

/** SYNC: `result`; ONEWAY: nothing; ASYNC: `completion`, which settles when the broker answers. */
export interface SendOutcome {
  result?: SendResult;
  completion?: Promise<SendResult>;
}

/** What the pipeline works with: the started producer's settings and collaborators (no callbacks into it but the route lookup). */
export interface SendPipelineDeps {
  readonly config: ProducerConfig;
  readonly producerGroup: string;
  readonly namespace: string | undefined;
  readonly factory: MQClientInstance;
  readonly faults: MQFaultStrategy;
  readonly hooks: SendHookRunner;
  readonly retryResponseCodes: ReadonlySet<number>;
  readonly log: Logger;
  /** Java `tryToFindTopicPublishInfo`, within the send's budget. */
  findRoute(topic: string, budget: SendBudget): Promise<TopicPublishInfo>;
  /** True once shutdown stopped waiting for sends in flight: no further attempt or retry starts. */
  isClosing(): boolean;
}

/** One attempt: a message to one queue, `info` set when retries may move to another broker. */
export interface Attempt {
  readonly out: OutgoingMessage;
  readonly mq: MessageQueue;
  readonly mode: CommunicationMode;
  readonly info: TopicPublishInfo | undefined;
  readonly timeoutMs: number;
  /** The whole call's budget: no request goes out once it is spent. */
  readonly budget: SendBudget;
  readonly signal: AbortSignal | undefined;
}

/** An async send in flight: where it goes now and what is left of its budget. */
interface InFlight {
  addr: string;
  brokerName: string;
  timeoutMs: number;
  retries: number;
}

/** The attempt loop's running state (`sendDefaultImpl`'s locals). */
interface LoopState {
  mq: MessageQueue | undefined;
  result: SendResult | undefined;
  readonly brokersSent: string[];
  readonly errors: unknown[];
}

export function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new RequestAbortedError('send aborted', { cause: signal.reason });
}

function lastRetriable(errors: readonly unknown[]): boolean {
  const last = errors[errors.length - 1];
  return last instanceof RocketMQError ? last.retriable : false;
}

/** The end of `sendDefaultImpl` when no attempt succeeded: every attempt's error stays in the cause. */
function exhaustedError(times: number, topic: string, st: Pick<LoopState, 'brokersSent' | 'errors'>, budget: SendBudget): Error {
  const message =
    `Send [${times}] times, still failed, cost [${Date.now() - budget.begin}]ms, Topic: ${topic}, ` +
    `BrokersSent: [${st.brokersSent.join(', ')}]`;
  const exhausted = new SendRetriesExhaustedError(message, st.errors, { retriable: lastRetriable(st.errors) });
  // The last attempt ran into the deadline: the call timed out.
  if (budget.spent()) return budget.timeoutError('sendDefaultImpl', '', exhausted);
  return exhausted;
}

/**
 * The producer's send path (protocol.md 12.2-12.5): the attempt loop of `sendDefaultImpl`, one attempt
 * (`sendKernelImpl`) for sync, async and oneway, and the in-flight retries of an async send
 * (`sendMessageAsync`/`onExceptionImpl`). Every retry and fault-item decision comes from `classifySendError`.
 */
export class SendPipeline {
  private readonly policy: SendRetryPolicy;
  private readonly settings: SendRequestSettings;
  private readonly onCompressError = (err: unknown): void => this.d.log.error('tryToCompressMessage exception', { err });

  constructor(private readonly d: SendPipelineDeps) {
    this.policy = { retryResponseCodes: d.retryResponseCodes, startDetectorEnable: d.faults.startDetectorEnable };
    const c = d.config;
    this.settings = {
      producerGroup: d.producerGroup,
      createTopicKey: c.createTopicKey,
      defaultTopicQueueNums: c.defaultTopicQueueNums,
      compressMsgBodyOverBytes: c.compressMsgBodyOverBytes,
      compressType: c.compressType,
      compressLevel: c.compressLevel,
      unitMode: c.unitMode,
    };
  }

  /**
   * Java `sendDefaultImpl`: `maxSendAttempts` attempts, each on a queue away from the previous
   * broker, all inside the call's budget (which the route lookup already drew on).
   */
  async sendDefault(out: OutgoingMessage, mode: CommunicationMode, info: TopicPublishInfo, budget: SendBudget, signal?: AbortSignal): Promise<SendOutcome> {
    const total = maxSendAttempts(mode, this.d.config.retryTimesWhenSendFailed);
    const st: LoopState = { mq: undefined, result: undefined, brokersSent: [], errors: [] };
    let times = 0;
    for (; times < total; times++) {
      const mq = this.d.faults.selectOneMessageQueue(info.messageQueueList, st.mq?.brokerName, { index: info.sendWhichQueue, resetIndex: times > 0 });
      if (!mq) break;
      st.mq = mq;
      st.brokersSent[times] = mq.brokerName;
      const attemptBegin = Date.now();
      if (budget.spent(attemptBegin)) {
        if (st.result) return { result: st.result };
        throw this.callTimeout(st, budget);
      }
      if (times > 0) {
        if (this.d.isClosing()) break;
        this.announceRetry(out.topic, times + 1, st.errors[st.errors.length - 1]);
      }
      const curTimeout = this.attemptTimeout(budget.left(attemptBegin), times + 1 < total);
      throwIfAborted(signal);
      const outcome = await this.tryAttempt({ out, mq, mode, info, timeoutMs: curTimeout, budget, signal }, attemptBegin, st);
      if (outcome !== undefined) return outcome;
    }
    if (st.result) return { result: st.result };
    throw exhaustedError(times, out.topic, st, budget);
  }

  /** Publishes a retry on `rocketmq:producer:send:retry` (metrics); free when nobody listens. */
  private announceRetry(topic: string, attempt: number, error: unknown): void {
    if (!producerSendRetryChannel.hasSubscribers) return;
    const m: ProducerSendRetryMessage = { producerGroup: this.d.producerGroup, clientId: this.d.factory.clientId, topic, attempt, error };
    producerSendRetryChannel.publish(m);
  }

  /** `sendMsgMaxTimeoutPerRequestMs` caps every attempt but the last. */
  private attemptTimeout(left: number, notLast: boolean): number {
    const maxPerRequest = this.d.config.sendMsgMaxTimeoutPerRequestMs;
    return maxPerRequest > -1 && notLast && left > maxPerRequest ? maxPerRequest : left;
  }

  private callTimeout(st: LoopState, budget: SendBudget): RemotingTimeoutError {
    const addr = st.mq ? (this.d.factory.findBrokerAddressInPublish(st.mq.brokerName) ?? '') : '';
    return budget.timeoutError('sendDefaultImpl', addr, st.errors[st.errors.length - 1]);
  }

  /** One attempt of the loop: the outcome to return, or undefined to go on to the next attempt. */
  private async tryAttempt(a: Attempt, attemptBegin: number, st: LoopState): Promise<SendOutcome | undefined> {
    try {
      const outcome = await this.sendToQueue(a);
      this.updateFault(a.mq.brokerName, Date.now() - attemptBegin, SEND_SUCCEEDED);
      if (a.mode !== 'SYNC') return outcome;
      st.result = outcome.result!;
      if (st.result.sendStatus !== 'SEND_OK' && this.d.config.retryAnotherBrokerWhenNotStoreOK) return undefined;
      return outcome;
    } catch (err) {
      const latency = Date.now() - attemptBegin;
      st.errors.push(err);
      this.d.log.warn('sendKernelImpl exception, resend at once', { latency, broker: a.mq.brokerName, err });
      const decision = classifySendError(err, 'attempt', this.policy);
      this.updateFault(a.mq.brokerName, latency, decision);
      if (decision.retry) return undefined;
      if (decision.keepEarlierResult && st.result) return { result: st.result };
      throw err;
    }
  }

  private updateFault(brokerName: string, latencyMs: number, d: SendErrorDecision): void {
    this.d.faults.updateFaultItem(brokerName, latencyMs, d.isolation, d.reachable);
  }

  /**
   * Java `sendKernelImpl` (protocol.md 12.4): one send to one queue's master. UNIQ_KEY and INSTANCE_ID
   * are set on the message; the body is compressed into the request only.
   */
  async sendToQueue(a: Attempt): Promise<SendOutcome> {
    // Shutdown gave up on the sends in flight: nothing more goes to the closing client.
    if (this.d.isClosing()) throw new ClientStateError('SHUTDOWN_ALREADY', 'The producer is shutting down: no new attempt');
    const begin = Date.now();
    // A known address needs no await; an unknown one makes Java look the route up once more.
    const { brokerName, brokerAddr } = this.findBroker(a.mq) ?? (await this.refreshBroker(a.mq, a.budget));
    const hooks = this.d.hooks;
    stampMessage(a.out.msg, this.d.namespace);
    const context = hooks.hasHooks() ? this.runBeforeHooks(a, brokerAddr) : undefined;
    // A large body deflates in the zlib thread pool (no await otherwise); that time counts against the budget below.
    const deflating = compressLargeBody(a.out.msg, this.settings, this.onCompressError);
    const request = buildSendRequest(a.out, a.mq, brokerName, this.settings, this.onCompressError, deflating && (await deflating));
    try {
      const now = Date.now();
      const left = Math.min(a.timeoutMs - (now - begin), a.budget.left(now));
      if (left <= 0) {
        if (a.budget.spent(now)) throw a.budget.timeoutError('sendKernelImpl', brokerAddr);
        throw new RemotingTimeoutError({ addr: brokerAddr, timeoutMs: a.timeoutMs, requestCode: request.code }, 'sendKernelImpl call timeout');
      }
      const target: InFlight = { addr: brokerAddr, brokerName, timeoutMs: left, retries: 0 };
      const outcome = a.mode === 'ASYNC' ? { completion: this.completeAsync(a, request, target, context) } : await this.sendAndWait(a, request, target);
      // For async sends Java runs the after hooks here (without a result) and again on completion.
      if (context) hooks.after(context, { result: outcome.result });
      return outcome;
    } catch (err) {
      hooks.after(context, { error: err });
      throw err;
    }
  }

  /** Check-forbidden hooks (a veto throws), then the send hooks' "before". */
  private runBeforeHooks(a: Attempt, brokerAddr: string): SendMessageContext | undefined {
    const attempt = {
      producerGroup: this.d.producerGroup,
      namespace: this.d.namespace,
      namesrvAddr: this.d.config.namesrvAddr,
      bornHost: this.d.factory.config.clientIP,
      unitMode: this.d.config.unitMode,
      msg: a.out.msg,
      mq: a.mq,
      brokerAddr,
      mode: a.mode,
    };
    this.d.hooks.checkForbidden(attempt);
    return this.d.hooks.before(attempt);
  }

  private findBroker(mq: MessageQueue): { brokerName: string; brokerAddr: string } | undefined {
    const brokerName = this.d.factory.getBrokerNameFromMessageQueue(mq);
    const brokerAddr = this.d.factory.findBrokerAddressInPublish(brokerName);
    return brokerAddr === undefined ? undefined : { brokerName, brokerAddr: brokerVIPChannel(this.d.config.vipChannelEnabled, brokerAddr) };
  }

  /** Java: an unknown broker address makes `sendKernelImpl` look the topic up once more. */
  private async refreshBroker(mq: MessageQueue, budget: SendBudget): Promise<{ brokerName: string; brokerAddr: string }> {
    await this.d.findRoute(mq.topic, budget);
    const found = this.findBroker(mq);
    if (found === undefined) {
      const brokerName = this.d.factory.getBrokerNameFromMessageQueue(mq);
      throw new ClientError(BROKER_NOT_EXIST_EXCEPTION, `The broker[${brokerName}] not exist`);
    }
    return found;
  }

  /** Sync: the broker's answer as a SendResult; oneway: once written. */
  private async sendAndWait(a: Attempt, request: RemotingCommand, t: InFlight): Promise<SendOutcome> {
    const api = this.d.factory.api;
    if (a.mode === 'ONEWAY') {
      await api.sendMessageOneway(t.addr, request, t.timeoutMs);
      return {};
    }
    const response = await api.sendMessage(t.addr, request, t.timeoutMs, a.signal);
    return { result: processSendResponse(this.d.namespace, t.brokerName, a.out.msg, a.out.topic, response, t.addr) };
  }

  /**
   * Java `MQClientAPIImpl.sendMessageAsync` + `onExceptionImpl` (protocol.md 12.5): transport failures
   * the classifier retries go again (the same request under a new opaque), up to
   * `retryTimesWhenSendAsyncFailed` more times while the call's budget lasts, on a queue of another broker
   * when the publish info is known. A broker answer is never retried.
   */
  private async completeAsync(a: Attempt, request: RemotingCommand, t: InFlight, context: SendMessageContext | undefined): Promise<SendResult> {
    for (;;) {
      const begin = Date.now();
      let response: RemotingCommand;
      try {
        response = await this.d.factory.api.sendMessage(t.addr, request, t.timeoutMs, a.signal);
      } catch (err) {
        const cost = Date.now() - begin;
        const decision = classifySendError(err, 'async-transport', this.policy);
        this.updateFault(t.brokerName, cost, decision);
        t.retries++;
        if (a.budget.spent()) return this.failAsync(context, a.budget.timeoutError('async send', t.addr, err));
        if (!decision.retry || t.retries > this.d.config.retryTimesWhenSendAsyncFailed || this.d.isClosing()) {
          return this.failAsync(context, err);
        }
        this.moveAsyncRetry(a, t, err, context);
        this.announceRetry(a.out.topic, t.retries + 1, err);
        continue;
      }
      return this.settleAsync(a, t, response, Date.now() - begin, context);
    }
  }

  /** Points an async retry at another broker's queue (same broker without publish info). */
  private moveAsyncRetry(a: Pick<Attempt, 'info' | 'out' | 'budget'>, t: InFlight, err: unknown, context: SendMessageContext | undefined): void {
    if (a.info) {
      const mq = this.d.faults.selectOneMessageQueue(a.info.messageQueueList, t.brokerName, { index: a.info.sendWhichQueue, resetIndex: false });
      if (mq) t.brokerName = this.d.factory.getBrokerNameFromMessageQueue(mq);
    }
    const next = this.d.factory.findBrokerAddressInPublish(t.brokerName);
    this.d.log.warn(`async send msg by retry ${t.retries} times`, { topic: a.out.topic, brokerAddr: next, brokerName: t.brokerName, err });
    if (next === undefined) {
      // Java would send to a name server here (null address); fail instead.
      this.failAsync(context, new ClientError(BROKER_NOT_EXIST_EXCEPTION, `The broker[${t.brokerName}] not exist`, { cause: err }));
    }
    t.addr = next!;
    t.timeoutMs = a.budget.left();
  }

  private settleAsync(a: Pick<Attempt, 'out'>, t: InFlight, response: RemotingCommand, latency: number, context: SendMessageContext | undefined): SendResult {
    let result: SendResult;
    try {
      result = processSendResponse(this.d.namespace, t.brokerName, a.out.msg, a.out.topic, response, t.addr);
    } catch (err) {
      this.updateFault(t.brokerName, latency, classifySendError(err, 'async-response', this.policy));
      return this.failAsync(context, err);
    }
    if (context) this.d.hooks.after(context, { result });
    this.updateFault(t.brokerName, latency, SEND_SUCCEEDED);
    return result;
  }

  /**
   * The async send of `sendDefaultImpl` (one attempt) with no promise per stage: the request is built and
   * handed to the remoting client at once, the broker's answer comes back to the send's own record
   * (`asyncAnswered`), which also carries the transport retries. Returns false, with nothing sent and the
   * message untouched, when the send needs the general path: hooks, a shutdown under way, no queue, an
   * unknown broker address, a body to deflate off the loop.
   */
  trySendAsync(out: OutgoingMessage, info: TopicPublishInfo, budget: SendBudget, callback: SendCallback, shared: AsyncSendShared): boolean {
    const d = this.d;
    if (d.hooks.hasHooks() || d.isClosing()) return false;
    const msg = out.msg;
    if (msg.body.length >= COMPRESS_OFF_LOOP_BYTES && msg.body.length >= this.settings.compressMsgBodyOverBytes && !(msg instanceof MessageBatch)) return false;
    const mq = d.faults.selectFirstQueue(info.messageQueueList, info.sendWhichQueue);
    if (!mq) return false;
    const found = this.findBroker(mq);
    if (found === undefined) return false;
    const attemptBegin = Date.now();
    let send: AsyncSend;
    try {
      stampMessage(msg, d.namespace);
      const request = buildSendRequest(out, mq, found.brokerName, this.settings, this.onCompressError);
      const now = Date.now();
      const left = budget.left(now);
      if (left <= 0) throw budget.timeoutError('sendKernelImpl', found.brokerAddr);
      send = new AsyncSend(shared, out, info, budget, callback, found.brokerAddr, found.brokerName, left, request);
    } catch (err) {
      const error = this.soleAttemptFailed(err, out.topic, mq.brokerName, attemptBegin, budget);
      // The callback never runs inside the send call.
      queueMicrotask(() => deliverOutcome(callback, error, undefined, d.log));
      return true;
    }
    this.updateFault(found.brokerName, Date.now() - attemptBegin, SEND_SUCCEEDED);
    shared.inflight.add(send);
    send.begin = Date.now();
    d.factory.remotingClient.invokeReceiver(send.addr, send.request!, send.timeoutMs, send);
    return true;
  }

  /** `tryAttempt`'s catch and the end of `sendDefaultImpl` for a send of one attempt that failed before its hand-over. */
  private soleAttemptFailed(err: unknown, topic: string, brokerName: string, attemptBegin: number, budget: SendBudget): unknown {
    const latency = Date.now() - attemptBegin;
    this.d.log.warn('sendKernelImpl exception, resend at once', { latency, broker: brokerName, err });
    const decision = classifySendError(err, 'attempt', this.policy);
    this.updateFault(brokerName, latency, decision);
    if (!decision.retry) return err;
    return exhaustedError(1, topic, { brokersSent: [brokerName], errors: [err] }, budget);
  }

  /** `completeAsync` for a send of `trySendAsync`: its answer, or a transport failure that may be retried. */
  asyncAnswered(s: AsyncSend, err: RocketMQError | null, response: RemotingCommand | undefined): void {
    const cost = Date.now() - s.begin;
    if (err === null) {
      let result: SendResult;
      try {
        result = this.settleAsync(s, s, response!, cost, undefined);
      } catch (e) {
        s.done(e, undefined);
        return;
      }
      s.done(undefined, result);
      return;
    }
    const decision = classifySendError(err, 'async-transport', this.policy);
    this.updateFault(s.brokerName, cost, decision);
    s.retries++;
    if (s.budget.spent()) return s.done(s.budget.timeoutError('async send', s.addr, err), undefined);
    if (!decision.retry || s.retries > this.d.config.retryTimesWhenSendAsyncFailed || this.d.isClosing()) return s.done(err, undefined);
    try {
      this.moveAsyncRetry(s, s, err, undefined);
    } catch (e) {
      s.done(e, undefined);
      return;
    }
    this.announceRetry(s.out.topic, s.retries + 1, err);
    s.begin = Date.now();
    this.d.factory.remotingClient.invokeReceiver(s.addr, s.request!, s.timeoutMs, s);
  }

  private failAsync(context: SendMessageContext | undefined, err: unknown): never {
    this.d.hooks.after(context, { error: err });
    throw err;
  }
}
