/**
 * One fake broker: a loopback endpoint over an in-memory store. Sends and pulls live in their own
 * files; here are heartbeats, offsets, consumer lists, topics, END_TRANSACTION and the transaction
 * check-back, and the per-code script every request passes first.
 */
import type * as net from 'node:net';
import { newExtFields, type ExtFields, type RemotingCommand } from '../remoting/protocol/remoting-command';
import { RequestCode } from '../remoting/protocol/request-code';
import { ResponseCode } from '../remoting/protocol/response-code';
import { encodeMessageExt } from '../message/stored-message-encoder';
import { MessageConst } from '../message/message-const';
import { MessageSysFlag } from '../message/message-sys-flag';
import type { HostAddress } from '../message/message-decoder';
import { handleSend, realMessageOf, TRANS_HALF_TOPIC, type SendContext } from './fake-broker-send';
import { handlePull, type PullContext } from './fake-broker-pull';
import { FakeQueueLocks, handleSendBack } from './fake-broker-consumer';
import { FakeClients } from './fake-clients';
import { FakeListener, type FakeExchange, type FakeResponse } from './fake-listener';
import { applyScript, type Dispatch } from './fake-dispatch';
import type { FakeScript } from './fake-script';
import { FakeStore, type MessageToStore, type StoredMessage, type TopicConfig } from './fake-store';

export interface FakeBrokerOptions {
  brokerName: string;
  clusterName: string;
  autoCreateTopic: boolean;
  longPollingEnable: boolean;
  transactionTimeoutMs: number;
  transactionCheckIntervalMs: number;
  transactionCheckMax: number;
  delayLevelsMs: readonly number[];
  /** How long a queue lock lives unless renewed (the broker's `rebalance.lockMaxLiveTime`). */
  lockLiveMs: number;
  timerPrecisionMs: number;
  script: FakeScript;
  record: (target: string, request: RemotingCommand) => void;
}

const SEND_CODES = new Set<number>([
  RequestCode.SEND_MESSAGE,
  RequestCode.SEND_MESSAGE_V2,
  RequestCode.SEND_BATCH_MESSAGE,
  RequestCode.SEND_REPLY_MESSAGE,
  RequestCode.SEND_REPLY_MESSAGE_V2,
]);

function toBig(v: string | undefined): bigint | undefined {
  try {
    return v === undefined ? undefined : BigInt(v);
  } catch {
    return undefined;
  }
}

function hostOf(addr: string): HostAddress {
  const i = addr.lastIndexOf(':');
  const ip = addr.slice(0, i).replace(/^::ffff:/, '');
  const port = Number(addr.slice(i + 1));
  return { ip, port, address: `${ip}:${port}` };
}

export class FakeBroker implements SendContext, PullContext {
  readonly listener: FakeListener;
  store!: FakeStore;
  readonly clients: FakeClients;
  readonly shortPollingTimeMs = 1000;
  readonly locks: FakeQueueLocks;
  private readonly waiters = new Map<string, Set<() => void>>();
  private checkTimer: NodeJS.Timeout | undefined;

  constructor(private readonly options: FakeBrokerOptions) {
    this.locks = new FakeQueueLocks(options.lockLiveMs);
    this.listener = new FakeListener((ex) => this.onRequest(ex));
    this.clients = new FakeClients((socket, group) => {
      const ext = newExtFields();
      ext.consumerGroup = group;
      this.listener.sendRequest(socket, RequestCode.NOTIFY_CONSUMER_IDS_CHANGED, ext);
    });
  }

  get brokerName(): string {
    return this.options.brokerName;
  }
  get clusterName(): string {
    return this.options.clusterName;
  }
  get autoCreateTopic(): boolean {
    return this.options.autoCreateTopic;
  }
  get delayLevelsMs(): readonly number[] {
    return this.options.delayLevelsMs;
  }
  get timerPrecisionMs(): number {
    return this.options.timerPrecisionMs;
  }
  get longPollingEnable(): boolean {
    return this.options.longPollingEnable;
  }
  get addr(): string {
    return `127.0.0.1:${this.listener.port}`;
  }

  async start(port = 0): Promise<void> {
    await this.listener.listen(port);
    this.store = new FakeStore({ ip: '127.0.0.1', port: this.listener.port, address: this.addr });
    if (this.options.autoCreateTopic) {
      this.store.putTopic({ topicName: 'TBW102', readQueueNums: 8, writeQueueNums: 8, perm: 7, topicSysFlag: 0 });
    }
    // Every broker has its cluster's reply topic (request/reply).
    this.store.putTopic({ topicName: `${this.clusterName}_REPLY_TOPIC`, readQueueNums: 1, writeQueueNums: 1, perm: 6, topicSysFlag: 0 });
    this.scheduleCheck();
  }

  pushReply(header: ExtFields, body: Buffer, clientId: string | undefined): string | undefined {
    const socket = clientId === undefined ? undefined : this.clients.channelOf(clientId);
    if (!socket) return `push reply message fail, channel of <${clientId ?? ''}> not found.`;
    this.listener.sendRequest(socket, RequestCode.PUSH_REPLY_MESSAGE_TO_CLIENT, header, body, false);
    return undefined;
  }

  later(ms: number, fn: () => void): void {
    this.listener.later(ms, fn);
  }

  putVisible(m: MessageToStore): StoredMessage {
    const stored = this.store.put(m);
    const key = `${m.topic}\u0000${m.queueId}`;
    const waiting = this.waiters.get(key);
    if (waiting) {
      this.waiters.delete(key);
      for (const w of waiting) w();
    }
    return stored;
  }

  suspend(topic: string, queueId: number, ms: number, retry: () => void): void {
    const key = `${topic}\u0000${queueId}`;
    let set = this.waiters.get(key);
    if (!set) this.waiters.set(key, (set = new Set()));
    let done = false;
    const wake = (): void => {
      if (done) return;
      done = true;
      this.listener.cancel(timer);
      this.waiters.get(key)?.delete(wake);
      retry();
    };
    const timer = this.listener.later(ms, wake);
    set.add(wake);
  }

  /** A round of transaction check-back now: every half message older than the timeout is asked about. */
  checkTransactions(minAgeMs = this.options.transactionTimeoutMs): number {
    let asked = 0;
    const now = Date.now();
    for (const [offset, half] of this.store.halves) {
      if (now - half.ext.storeTimestamp < minAgeMs) continue;
      const times = Number(half.ext.getProperty(MessageConst.PROPERTY_TRANSACTION_CHECK_TIMES) ?? 0) + 1;
      if (times > this.options.transactionCheckMax) {
        this.store.halves.delete(offset);
        continue;
      }
      half.ext.putProperty(MessageConst.PROPERTY_TRANSACTION_CHECK_TIMES, String(times));
      const group = half.ext.getProperty(MessageConst.PROPERTY_PRODUCER_GROUP) ?? '';
      const socket = this.clients.producerChannel(group);
      if (!socket) continue;
      this.sendCheck(socket, half);
      asked++;
    }
    return asked;
  }

  async close(): Promise<void> {
    if (this.checkTimer) clearTimeout(this.checkTimer);
    this.checkTimer = undefined;
    this.waiters.clear();
    await this.listener.close();
  }

  private scheduleCheck(): void {
    const t = setTimeout(() => {
      try {
        this.checkTransactions();
      } catch {
        // A check round never takes the fake down.
      }
      this.scheduleCheck();
    }, this.options.transactionCheckIntervalMs);
    t.unref();
    this.checkTimer = t;
  }

  private sendCheck(socket: net.Socket, half: StoredMessage): void {
    const real = realMessageOf(half, MessageSysFlag.TRANSACTION_NOT_TYPE);
    const ext = newExtFields();
    const uniq = half.ext.getProperty(MessageConst.PROPERTY_UNIQ_CLIENT_MESSAGE_ID_KEYIDX) ?? half.ext.offsetMsgId;
    ext.topic = TRANS_HALF_TOPIC;
    ext.tranStateTableOffset = String(half.ext.queueOffset);
    ext.commitLogOffset = String(half.ext.commitLogOffset);
    ext.msgId = uniq;
    ext.transactionId = uniq;
    ext.offsetMsgId = half.ext.offsetMsgId;
    ext.bname = this.brokerName;
    // The body is the half message with its real topic and queue restored, the properties kept.
    const copy = Object.assign(Object.create(Object.getPrototypeOf(half.ext) as object) as typeof half.ext, half.ext);
    copy.topic = real.topic;
    copy.queueId = real.queueId;
    copy.setPropertiesUnchecked(new Map(half.ext.properties));
    this.listener.sendRequest(socket, RequestCode.CHECK_TRANSACTION_STATE, ext, encodeMessageExt(copy));
  }

  private onRequest(ex: FakeExchange): void {
    this.options.record(this.brokerName, ex.request);
    if (!this.closedHooked.has(ex.socket)) {
      this.closedHooked.add(ex.socket);
      ex.socket.once('close', () => this.clients.channelClosed(ex.socket));
    }
    const dispatch: Dispatch = (reply) => this.handle(ex, reply);
    applyScript(this.options.script, this.brokerName, this.listener, ex, dispatch);
  }

  private readonly closedHooked = new WeakSet<net.Socket>();

  private handle(ex: FakeExchange, reply: (r: FakeResponse) => void): void {
    const r = ex.request;
    const ext = r.extFields;
    if (SEND_CODES.has(r.code)) {
      reply(handleSend(this, r.code, ext, r.body ?? Buffer.alloc(0), hostOf(ex.clientAddr)));
      return;
    }
    switch (r.code) {
      case RequestCode.PULL_MESSAGE:
      case RequestCode.LITE_PULL_MESSAGE:
        handlePull(this, ext, reply);
        return;
      case RequestCode.HEART_BEAT:
        reply(this.heartbeat(r, ex.socket));
        return;
      case RequestCode.UNREGISTER_CLIENT:
        this.clients.unregister(ext?.clientID ?? '', ext?.producerGroup, ext?.consumerGroup);
        reply({ code: ResponseCode.SUCCESS });
        return;
      case RequestCode.GET_CONSUMER_LIST_BY_GROUP: {
        const group = ext?.consumerGroup ?? '';
        const ids = this.clients.consumerIds(group);
        if (ids.length === 0) reply({ code: ResponseCode.SYSTEM_ERROR, remark: `no consumer for this group, ${group}` });
        else reply({ code: ResponseCode.SUCCESS, body: Buffer.from(JSON.stringify({ consumerIdList: ids }), 'utf8') });
        return;
      }
      case RequestCode.QUERY_CONSUMER_OFFSET:
        reply(this.queryOffset(ext));
        return;
      case RequestCode.UPDATE_CONSUMER_OFFSET: {
        const offset = toBig(ext?.commitOffset);
        if (offset !== undefined) this.store.commitConsumerOffset(ext?.consumerGroup ?? '', ext?.topic ?? '', Number(ext?.queueId ?? 0), offset);
        reply({ code: ResponseCode.SUCCESS });
        return;
      }
      case RequestCode.GET_MAX_OFFSET:
        reply(this.offsetAnswer(this.store.maxOffset(ext?.topic ?? '', Number(ext?.queueId ?? 0))));
        return;
      case RequestCode.GET_MIN_OFFSET:
        reply(this.offsetAnswer(0n));
        return;
      case RequestCode.SEARCH_OFFSET_BY_TIMESTAMP: {
        const boundary = ext?.boundaryType === 'UPPER' ? 'UPPER' : 'LOWER';
        reply(this.offsetAnswer(this.store.searchOffset(ext?.topic ?? '', Number(ext?.queueId ?? 0), Number(ext?.timestamp ?? 0), boundary)));
        return;
      }
      case RequestCode.UPDATE_AND_CREATE_TOPIC:
        reply(this.createTopic(ext));
        return;
      case RequestCode.CONSUMER_SEND_MSG_BACK:
        reply(handleSendBack(this, ext));
        return;
      case RequestCode.LOCK_BATCH_MQ:
        reply(this.locks.lock(r.body));
        return;
      case RequestCode.UNLOCK_BATCH_MQ:
        reply(this.locks.unlock(r.body));
        return;
      case RequestCode.END_TRANSACTION:
        reply(this.endTransaction(ext));
        return;
      default:
        reply({ code: ResponseCode.REQUEST_CODE_NOT_SUPPORTED, remark: `${ex.clientAddr} request type ${r.code} not supported` });
    }
  }

  private offsetAnswer(offset: bigint): FakeResponse {
    const ext = newExtFields();
    ext.offset = String(offset);
    return { code: ResponseCode.SUCCESS, extFields: ext };
  }

  private heartbeat(r: RemotingCommand, socket: net.Socket): FakeResponse {
    let body: Parameters<FakeClients['heartbeat']>[0];
    try {
      body = JSON.parse((r.body ?? Buffer.alloc(0)).toString('utf8') || '{}') as typeof body;
    } catch {
      return { code: ResponseCode.SYSTEM_ERROR, remark: 'heartbeat body is not JSON' };
    }
    for (const group of this.clients.heartbeat(body, socket)) {
      // The broker creates the group's retry topic on its first heartbeat.
      const retry = `%RETRY%${group}`;
      if (!this.store.topics.has(retry)) {
        this.store.putTopic({ topicName: retry, readQueueNums: 1, writeQueueNums: 1, perm: 6, topicSysFlag: 0 });
      }
    }
    const ext = newExtFields();
    ext.IS_SUPPORT_HEART_BEAT_V2 = 'true';
    ext.IS_SUB_CHANGE = 'true';
    return { code: ResponseCode.SUCCESS, extFields: ext };
  }

  /** ConsumerManageProcessor.queryConsumerOffset: 0 for a group new to a queue whose first message is still held. */
  private queryOffset(ext: ExtFields | undefined): FakeResponse {
    const group = ext?.consumerGroup ?? '';
    const topic = ext?.topic ?? '';
    const queueId = Number(ext?.queueId ?? 0);
    const stored = this.store.consumerOffset(group, topic, queueId);
    if (stored !== undefined && stored >= 0n) return this.offsetAnswer(stored);
    if (ext?.setZeroIfNotFound === 'false') {
      return { code: ResponseCode.QUERY_NOT_FOUND, remark: 'Not found, do not set to zero, maybe this group boot first' };
    }
    if (this.store.maxOffset(topic, queueId) > 0n) return this.offsetAnswer(0n);
    return { code: ResponseCode.QUERY_NOT_FOUND, remark: 'Not found, V3_0_6_SNAPSHOT maybe this group consumer boot first' };
  }

  private createTopic(ext: ExtFields | undefined): FakeResponse {
    const topic = ext?.topic ?? '';
    if (!topic) return { code: ResponseCode.SYSTEM_ERROR, remark: 'The topic is blank' };
    const config: TopicConfig = {
      topicName: topic,
      readQueueNums: Number(ext?.readQueueNums ?? 16),
      writeQueueNums: Number(ext?.writeQueueNums ?? 16),
      perm: Number(ext?.perm ?? 6),
      topicSysFlag: Number(ext?.topicSysFlag ?? 0),
    };
    this.store.putTopic(config);
    return { code: ResponseCode.SUCCESS };
  }

  /** EndTransactionProcessor: commit makes the half message visible, rollback drops it, unknown leaves it. */
  private endTransaction(ext: ExtFields | undefined): FakeResponse {
    const kind = Number(ext?.commitOrRollback ?? 0);
    if (kind === MessageSysFlag.TRANSACTION_NOT_TYPE) return { code: ResponseCode.SUCCESS };
    const offset = toBig(ext?.commitLogOffset);
    const half = offset === undefined ? undefined : this.store.halves.get(offset);
    if (!half) return { code: ResponseCode.SYSTEM_ERROR, remark: 'Find prepared transaction message failed' };
    if (half.ext.getProperty(MessageConst.PROPERTY_PRODUCER_GROUP) !== ext?.producerGroup) {
      return { code: ResponseCode.SYSTEM_ERROR, remark: 'The producer group wrong' };
    }
    if (String(half.ext.queueOffset) !== ext?.tranStateTableOffset) {
      return { code: ResponseCode.SYSTEM_ERROR, remark: 'The transaction state table offset wrong' };
    }
    this.store.halves.delete(offset!);
    if (kind === MessageSysFlag.TRANSACTION_COMMIT_TYPE) this.putVisible(realMessageOf(half, kind));
    return { code: ResponseCode.SUCCESS };
  }
}
