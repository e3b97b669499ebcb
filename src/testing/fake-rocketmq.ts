/**
 * `FakeRocketMQ`: a name server and brokers in this process, on loopback, with an in-memory store,
 * for tests of code that uses RocketMQ (ours or the Java client's). It answers what a 5.3 broker
 * answers for routes, cluster info, heartbeats, sends (delay levels and timer messages held until due),
 * pulls (long polling), offsets, consumer lists and transactions, and takes scripted faults per request code.
 *
 *   const fake = await FakeRocketMQ.start();
 *   // point the client at fake.namesrvAddr ...
 *   await fake.close();
 */
import type { RemotingCommand } from '../remoting/protocol/remoting-command';
import { decodeMessageExt, type MessageExt } from '../message/message-decoder';
import { FakeBroker } from './fake-broker';
import { DEFAULT_LOCK_LIVE_MS } from './fake-broker-consumer';
import { DEFAULT_DELAY_LEVELS_MS, DEFAULT_TIMER_PRECISION_MS } from './fake-schedule';
import { FakeNameServer } from './fake-name-server';
import { FakeScript, type ScriptRule, type ScriptRuleOptions } from './fake-script';

export interface FakeRocketMQOptions {
  /** Name server port; default an ephemeral one. */
  port?: number;
  /** Broker names (one endpoint each); default `['broker-a']`. */
  brokers?: readonly string[];
  /** Ports of the brokers, in order; default ephemeral. */
  brokerPorts?: readonly number[];
  /** Default `DefaultCluster`. */
  clusterName?: string;
  /** The broker's `autoCreateTopicEnable` (a send to an unknown topic creates it from TBW102). Default true. */
  autoCreateTopic?: boolean;
  /** Topics to create at start, on every broker. */
  topics?: Record<string, TopicOptions>;
  /** The broker's `longPollingEnable`; off holds an empty pull 1 s. Default true. */
  longPollingEnable?: boolean;
  /** A half message older than this is checked back. Default 6000 (the broker's transactionTimeOut). */
  transactionTimeoutMs?: number;
  /** Check-back round interval. Default 30000 (the broker's transactionCheckInterval). */
  transactionCheckIntervalMs?: number;
  /** Check-backs before a half message is dropped. Default 15. */
  transactionCheckMax?: number;
  /** Delay of each DELAY level in ms, the broker's `messageDelayLevel`; default 1s 5s 10s 30s 1m ... 2h. */
  delayLevelsMs?: readonly number[];
  /**
   * How long a queue lock of an orderly consumer (LOCK_BATCH_MQ) lives unless its owner renews it, ms; the
   * broker's `rocketmq.broker.rebalance.lockMaxLiveTime`. Default 60000.
   */
  queueLockLiveMs?: number;
  /** The timer wheel's slot, the broker's `timerPrecisionMs`: timer messages are due at a slot. Default 1000. */
  timerPrecisionMs?: number;
  /** How many received requests `requests()` keeps (oldest dropped first). Default 10000. */
  recordLimit?: number;
}

export interface TopicOptions {
  /** Read and write queues per broker. Default 4. */
  queues?: number;
  /** Default 6 (read and write). */
  perm?: number;
  /** Only on these brokers; default all. */
  brokers?: readonly string[];
}

/** A request the fake received, and where (`'namesrv'` or a broker name). */
export interface RecordedRequest {
  target: string;
  request: RemotingCommand;
}

export class FakeRocketMQ {
  private readonly rules = new FakeScript();
  private readonly recorded: RecordedRequest[] = [];
  private readonly brokerList: FakeBroker[];
  private readonly nameServer: FakeNameServer;
  private closing: Promise<void> | undefined;

  private constructor(private readonly options: FakeRocketMQOptions) {
    const record = (target: string, request: RemotingCommand): void => {
      this.recorded.push({ target, request });
      if (this.recorded.length > (options.recordLimit ?? 10_000)) this.recorded.shift();
    };
    const clusterName = options.clusterName ?? 'DefaultCluster';
    this.brokerList = (options.brokers ?? ['broker-a']).map(
      (brokerName) =>
        new FakeBroker({
          brokerName,
          clusterName,
          autoCreateTopic: options.autoCreateTopic ?? true,
          longPollingEnable: options.longPollingEnable ?? true,
          transactionTimeoutMs: options.transactionTimeoutMs ?? 6000,
          transactionCheckIntervalMs: options.transactionCheckIntervalMs ?? 30_000,
          transactionCheckMax: options.transactionCheckMax ?? 15,
          delayLevelsMs: options.delayLevelsMs ?? DEFAULT_DELAY_LEVELS_MS,
          lockLiveMs: options.queueLockLiveMs ?? DEFAULT_LOCK_LIVE_MS,
          timerPrecisionMs: options.timerPrecisionMs ?? DEFAULT_TIMER_PRECISION_MS,
          script: this.rules,
          record,
        }),
    );
    this.nameServer = new FakeNameServer(() => this.brokerList, clusterName, this.rules, record);
  }

  static async start(options: FakeRocketMQOptions = {}): Promise<FakeRocketMQ> {
    const precision = options.timerPrecisionMs;
    if (precision !== undefined && !(Number.isInteger(precision) && precision > 0)) {
      throw new RangeError(`timerPrecisionMs must be a positive integer, got ${precision}`);
    }
    const fake = new FakeRocketMQ(options);
    try {
      await fake.nameServer.listener.listen(options.port ?? 0);
      for (let i = 0; i < fake.brokerList.length; i++) await fake.brokerList[i]!.start(options.brokerPorts?.[i] ?? 0);
      for (const [topic, t] of Object.entries(options.topics ?? {})) fake.createTopic(topic, t);
    } catch (e) {
      await fake.close();
      throw e;
    }
    return fake;
  }

  /** `127.0.0.1:port` of the name server: the client's `namesrvAddr`. */
  get namesrvAddr(): string {
    return this.nameServer.addr;
  }

  /** Broker name -> `127.0.0.1:port`. */
  get brokerAddrs(): Record<string, string> {
    return Object.fromEntries(this.brokerList.map((b) => [b.brokerName, b.addr]));
  }

  /** Creates (or reconfigures) a topic, as UPDATE_AND_CREATE_TOPIC would. */
  createTopic(topic: string, options: TopicOptions = {}): void {
    const queues = options.queues ?? 4;
    for (const b of this.brokers(options.brokers)) {
      b.store.putTopic({ topicName: topic, readQueueNums: queues, writeQueueNums: queues, perm: options.perm ?? 6, topicSysFlag: 0 });
    }
  }

  /** Removes a topic from every broker (its messages stay readable by offset until recreated). */
  deleteTopic(topic: string): void {
    for (const b of this.brokerList) b.store.topics.delete(topic);
  }

  /** Scripts the answers to requests with `code`; see ScriptAction. */
  script(code: number, options: ScriptRuleOptions): ScriptRule {
    return this.rules.add(code, options);
  }

  /** Removes every script rule. */
  clearScripts(): void {
    this.rules.clear();
  }

  /** Received requests, oldest first, optionally only those with `code`. */
  requests(code?: number): RecordedRequest[] {
    return this.recorded.filter((r) => code === undefined || r.request.code === code);
  }

  /** The visible messages of a topic (one queue, or all queues of all brokers), decoded from their stored records. */
  messages(topic: string, queueId?: number): MessageExt[] {
    const out: MessageExt[] = [];
    for (const b of this.brokerList) {
      const config = b.store.topics.get(topic);
      const ids = queueId !== undefined ? [queueId] : Array.from({ length: config?.readQueueNums ?? 0 }, (_, i) => i);
      for (const id of ids) {
        for (const s of b.store.queue(topic, id)) {
          const m = decodeMessageExt(s.record);
          m.brokerName = b.brokerName;
          out.push(m);
        }
      }
    }
    return out;
  }

  /** A consumer group's committed offset of a queue (first broker by default), or undefined. */
  consumerOffset(group: string, topic: string, queueId: number, brokerName?: string): bigint | undefined {
    return this.brokers(brokerName ? [brokerName] : undefined)[0]?.store.consumerOffset(group, topic, queueId);
  }

  /** Client ids of a consumer group, as GET_CONSUMER_LIST_BY_GROUP answers (first broker by default). */
  consumerIds(group: string, brokerName?: string): string[] {
    return this.brokers(brokerName ? [brokerName] : undefined)[0]?.clients.consumerIds(group) ?? [];
  }

  /**
   * The client id holding a live lock (LOCK_BATCH_MQ) on a queue for a consumer group, or undefined; the
   * first broker unless `brokerName` is given.
   */
  queueLockOwner(group: string, topic: string, queueId: number, brokerName?: string): string | undefined {
    const b = this.brokers(brokerName ? [brokerName] : undefined)[0];
    return b?.locks.owner(group, { topic, brokerName: b.brokerName, queueId });
  }

  /** Half messages awaiting END_TRANSACTION, over all brokers. */
  get pendingTransactions(): number {
    return this.brokerList.reduce((n, b) => n + b.store.halves.size, 0);
  }

  /**
   * Runs a check-back round now: each half message at least `minAgeMs` old (default 0) is sent to a
   * producer of its group as CHECK_TRANSACTION_STATE. Returns how many were asked.
   */
  checkTransactions(minAgeMs = 0): number {
    return this.brokerList.reduce((n, b) => n + b.checkTransactions(minAgeMs), 0);
  }

  /** Closes every listener, connection and timer. */
  close(): Promise<void> {
    this.closing ??= Promise.all([this.nameServer.close(), ...this.brokerList.map((b) => b.close())]).then(() => undefined);
    return this.closing;
  }

  private brokers(names: readonly string[] | undefined): FakeBroker[] {
    if (!names) return this.brokerList;
    const found = this.brokerList.filter((b) => names.includes(b.brokerName));
    if (found.length !== names.length) throw new RangeError(`unknown broker in ${JSON.stringify(names)}`);
    return found;
  }
}
