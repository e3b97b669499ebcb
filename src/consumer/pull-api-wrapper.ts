import { BrokerResponseError, ClientError, ClientErrorCode } from '../errors';
import type { MessageQueue } from '../client/message-queue';
import type { MQClientAPI } from '../client/mq-client-api';
import type { PullResponse, PullStatus } from '../client/pull-response';
import { MASTER_ID } from '../client/route/topic-route-data';
import type { SubscriptionData } from '../client/subscription-data';
import { MessageConst } from '../message/message-const';
import { decodeMessageExts, type MessageExt } from '../message/message-decoder';
import { RequestCode } from '../remoting/protocol/request-code';
import { ResponseCode } from '../remoting/protocol/response-code';
import type { PullRequestCode } from '../client/consumer-request-builders';
import { clearCommitOffsetFlag, hasPullSysFlag, PullSysFlag } from './pull-sys-flag';

/** Java `MQVersion.Version.V5_0_0.ordinal()`: the first broker version that knows LITE_PULL_MESSAGE (361). */
export const BROKER_VERSION_5_0_0 = 413;

/** Java `FindBrokerResult`. */
export interface FindBrokerResult {
  brokerAddr: string;
  slave: boolean;
}

/** What the wrapper needs of the client instance. */
export interface PullClient {
  readonly api: MQClientAPI;
  findBrokerAddressInSubscribe(brokerName: string, brokerId: number, onlyThisBroker: boolean): FindBrokerResult | undefined;
  updateTopicRouteInfoFromNameServer(topic: string): Promise<boolean>;
  /** brokerName -> (address -> the version its heartbeat answer carried), when the client heartbeats. */
  readonly brokerVersionTable?: ReadonlyMap<string, ReadonlyMap<string, number>>;
}

/** Java `PullResult`: the status, the offsets and the messages that passed the client-side tag check. */
export interface PullResult {
  pullStatus: PullStatus;
  nextBeginOffset: bigint;
  minOffset: bigint;
  maxOffset: bigint;
  msgFoundList: MessageExt[];
}

/** One pull (Java `pullKernelImpl` arguments). */
export interface PullRequestSpec {
  mq: MessageQueue;
  subExpression: string | undefined;
  expressionType: string;
  subVersion: number;
  offset: bigint;
  maxNums: number;
  maxSizeInBytes?: number;
  sysFlag: number;
  commitOffset: bigint;
  brokerSuspendMaxTimeMillis: number;
  timeoutMillis: number;
}

/**
 * Java `PullAPIWrapper`: picks the broker of each queue (the one the last answer suggested, else the
 * master), sends PULL_MESSAGE, and turns the answer into a `PullResult`: records decoded, tags re-checked
 * (the broker compares only hash codes), MIN/MAX_OFFSET set, `offsetDelta` applied.
 */
export class PullAPIWrapper {
  private readonly pullFromWhichNodeTable = new Map<string, number>();
  /** Broker addresses that answered LITE_PULL_MESSAGE with REQUEST_CODE_NOT_SUPPORTED (4.x). */
  private readonly noLitePullCode = new Set<string>();

  constructor(
    private readonly client: PullClient,
    private readonly consumerGroup: string,
  ) {}

  /** The broker id the next pull of `mq` goes to. */
  recalculatePullFromWhichNode(mq: MessageQueue): number {
    return this.pullFromWhichNodeTable.get(mq.key()) ?? MASTER_ID;
  }

  updatePullFromWhichNode(mq: MessageQueue, brokerId: number): void {
    this.pullFromWhichNodeTable.set(mq.key(), brokerId);
  }

  /** Java `pullKernelImpl` (async mode): the raw answer; `processPullResult` makes it a `PullResult`. */
  async pullKernelImpl(spec: PullRequestSpec): Promise<PullResponse> {
    const { mq } = spec;
    let found = this.client.findBrokerAddressInSubscribe(mq.brokerName, this.recalculatePullFromWhichNode(mq), false);
    if (!found) {
      await this.client.updateTopicRouteInfoFromNameServer(mq.topic);
      found = this.client.findBrokerAddressInSubscribe(mq.brokerName, this.recalculatePullFromWhichNode(mq), false);
    }
    if (!found) throw new ClientError(ClientErrorCode.BROKER_NOT_EXIST_EXCEPTION, `The broker[${mq.brokerName}] not exist`);
    // A slave cannot store consumer offsets: never piggyback one on a pull from a slave.
    const sysFlag = found.slave ? clearCommitOffsetFlag(spec.sysFlag) : spec.sysFlag;
    const addr = found.brokerAddr;
    const fields = {
      consumerGroup: this.consumerGroup,
      topic: mq.topic,
      queueId: mq.queueId,
      queueOffset: spec.offset,
      maxMsgNums: spec.maxNums,
      sysFlag,
      commitOffset: spec.commitOffset,
      suspendTimeoutMillis: BigInt(spec.brokerSuspendMaxTimeMillis),
      subscription: spec.subExpression,
      subVersion: BigInt(spec.subVersion),
      ...(spec.maxSizeInBytes !== undefined ? { maxMsgBytes: spec.maxSizeInBytes } : {}),
      expressionType: spec.expressionType,
      brokerName: mq.brokerName,
    };
    const code = this.requestCodeFor(mq.brokerName, addr, sysFlag);
    try {
      return await this.client.api.pullMessage(addr, fields, spec.timeoutMillis, code);
    } catch (err) {
      // A 4.x broker has no LITE_PULL_MESSAGE: from now on it gets PULL_MESSAGE with the LITE_PULL bit, as Java 4.9's client sends.
      if (code !== RequestCode.LITE_PULL_MESSAGE || !(err instanceof BrokerResponseError) || err.responseCode !== ResponseCode.REQUEST_CODE_NOT_SUPPORTED) throw err;
      this.noLitePullCode.add(addr);
      return this.client.api.pullMessage(addr, fields, spec.timeoutMillis, RequestCode.PULL_MESSAGE);
    }
  }

  /**
   * Java 5.x's `MQClientAPIImpl.pullMessage`: LITE_PULL_MESSAGE when the LITE_PULL bit is set. Unless the
   * broker is known to be older than 5.0 (its heartbeat answer's version) or refused that code before.
   */
  private requestCodeFor(brokerName: string, addr: string, sysFlag: number): PullRequestCode {
    if (!hasPullSysFlag(sysFlag, PullSysFlag.LITE_PULL) || this.noLitePullCode.has(addr)) return RequestCode.PULL_MESSAGE;
    const version = this.client.brokerVersionTable?.get(brokerName)?.get(addr);
    return version !== undefined && version < BROKER_VERSION_5_0_0 ? RequestCode.PULL_MESSAGE : RequestCode.LITE_PULL_MESSAGE;
  }

  /** Java `processPullResult`. */
  processPullResult(mq: MessageQueue, response: PullResponse, subscription: SubscriptionData): PullResult {
    this.updatePullFromWhichNode(mq, response.suggestWhichBrokerId);
    const result: PullResult = {
      pullStatus: response.status,
      nextBeginOffset: response.nextBeginOffset,
      minOffset: response.minOffset,
      maxOffset: response.maxOffset,
      msgFoundList: [],
    };
    if (response.status !== 'FOUND' || !response.body) return result;
    let msgs = decodeMessageExts(response.body);
    if (subscription.tagsSet.length > 0 && !subscription.classFilterMode) {
      const tags = new Set(subscription.tagsSet);
      msgs = msgs.filter((m) => m.tags !== undefined && tags.has(m.tags));
    }
    const minOffset = String(response.minOffset);
    const maxOffset = String(response.maxOffset);
    for (const m of msgs) {
      if (m.getProperty(MessageConst.PROPERTY_TRANSACTION_PREPARED) === 'true') {
        m.transactionId = m.getProperty(MessageConst.PROPERTY_UNIQ_CLIENT_MESSAGE_ID_KEYIDX);
      }
      m.putProperty(MessageConst.PROPERTY_MIN_OFFSET, minOffset);
      m.putProperty(MessageConst.PROPERTY_MAX_OFFSET, maxOffset);
      m.brokerName = mq.brokerName;
      m.queueId = mq.queueId;
      if (response.offsetDelta !== undefined) m.queueOffset += response.offsetDelta;
    }
    result.msgFoundList = msgs;
    return result;
  }
}
