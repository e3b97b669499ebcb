/**
 * One fake broker's memory: topic configs, a commit log of stored records (offsets grow by record
 * size, as the real one's do), a consume queue per (topic, queue), consumer offsets, and half
 * (prepared transaction) messages kept aside until END_TRANSACTION. Nothing is ever deleted, so every
 * queue's min offset is 0.
 */
import { javaStringHashCode } from '../remoting/protocol/java-hash';
import { MessageExt, type HostAddress } from '../message/message-decoder';
import { createOffsetMessageId } from '../message/message-id';
import { encodeMessageExt } from '../message/stored-message-encoder';

export interface TopicConfig {
  topicName: string;
  readQueueNums: number;
  writeQueueNums: number;
  perm: number;
  topicSysFlag: number;
}

/** A record as the broker keeps it: the decoded view and its stored bytes. */
export interface StoredMessage {
  readonly ext: MessageExt;
  readonly record: Buffer;
  /** Java `tagsCode` of the consume queue: hash of the TAGS property (0 without tags). */
  readonly tagsCode: number;
}

/** What a send hands the store (everything but the offsets and store fields). */
export interface MessageToStore {
  topic: string;
  queueId: number;
  body: Buffer;
  flag: number;
  sysFlag: number;
  properties: Map<string, string>;
  bornTimestamp: number;
  bornHost: HostAddress;
  reconsumeTimes: number;
  preparedTransactionOffset?: bigint;
}

export const PERM_PRIORITY = 8;
export const PERM_READ = 4;
export const PERM_WRITE = 2;
export const PERM_INHERIT = 1;

const queueKey = (topic: string, queueId: number): string => `${topic}\u0000${queueId}`;

export class FakeStore {
  readonly topics = new Map<string, TopicConfig>();
  /** Half messages by commit-log offset. */
  readonly halves = new Map<bigint, StoredMessage>();
  /** Queue offset of the next half message (the half topic's single queue). */
  nextHalfOffset = 0n;
  /** Every record by commit-log offset (CONSUMER_SEND_MSG_BACK looks messages up by it). */
  readonly byOffset = new Map<bigint, StoredMessage>();
  private readonly queues = new Map<string, StoredMessage[]>();
  private readonly offsets = new Map<string, bigint>();
  private physicalOffset = 0n;

  constructor(readonly storeHost: HostAddress) {}

  putTopic(config: TopicConfig): void {
    this.topics.set(config.topicName, config);
  }

  queue(topic: string, queueId: number): readonly StoredMessage[] {
    return this.queues.get(queueKey(topic, queueId)) ?? [];
  }

  maxOffset(topic: string, queueId: number): bigint {
    return BigInt(this.queue(topic, queueId).length);
  }

  /** Writes a record to the commit log; `visible` false keeps it out of the consume queues (half message). */
  append(m: MessageToStore, queueOffset: bigint): StoredMessage {
    const ext = new MessageExt(m.topic, m.body);
    ext.flag = m.flag;
    ext.setPropertiesUnchecked(new Map(m.properties));
    ext.queueId = m.queueId;
    ext.sysFlag = m.sysFlag;
    ext.bornTimestamp = m.bornTimestamp;
    ext.bornHost = m.bornHost;
    ext.storeHost = this.storeHost;
    ext.storeTimestamp = Date.now();
    ext.reconsumeTimes = m.reconsumeTimes;
    ext.preparedTransactionOffset = m.preparedTransactionOffset ?? 0n;
    ext.queueOffset = queueOffset;
    ext.commitLogOffset = this.physicalOffset;
    ext.offsetMsgId = createOffsetMessageId(this.storeHost.ip, this.storeHost.port, this.physicalOffset);
    ext.brokerName = undefined;
    const record = encodeMessageExt(ext);
    ext.storeSize = record.length;
    ext.bodyCRC = record.readInt32BE(8);
    this.physicalOffset += BigInt(record.length);
    const tags = ext.tags;
    const stored = { ext, record, tagsCode: tags ? javaStringHashCode(tags) : 0 };
    this.byOffset.set(ext.commitLogOffset, stored);
    return stored;
  }

  /** Appends to the commit log and the (topic, queue) consume queue. */
  put(m: MessageToStore): StoredMessage {
    const key = queueKey(m.topic, m.queueId);
    let q = this.queues.get(key);
    if (!q) this.queues.set(key, (q = []));
    const stored = this.append(m, BigInt(q.length));
    q.push(stored);
    return stored;
  }

  /** Index of the first message stored at or after `timestamp` (LOWER), or the last at or before it (UPPER). */
  searchOffset(topic: string, queueId: number, timestamp: number, boundary: 'LOWER' | 'UPPER'): bigint {
    const q = this.queue(topic, queueId);
    if (boundary === 'UPPER') {
      for (let i = q.length - 1; i >= 0; i--) if (q[i]!.ext.storeTimestamp <= timestamp) return BigInt(i);
      return 0n;
    }
    for (let i = 0; i < q.length; i++) if (q[i]!.ext.storeTimestamp >= timestamp) return BigInt(i);
    return BigInt(q.length);
  }

  consumerOffset(group: string, topic: string, queueId: number): bigint | undefined {
    return this.offsets.get(`${group}\u0000${queueKey(topic, queueId)}`);
  }

  commitConsumerOffset(group: string, topic: string, queueId: number, offset: bigint): void {
    this.offsets.set(`${group}\u0000${queueKey(topic, queueId)}`, offset);
  }
}

/** The broker's offset message ids of a stored batch, comma-separated as in a batch send response. */
export function offsetMsgIds(stored: readonly StoredMessage[]): string {
  return stored.map((s) => s.ext.offsetMsgId).join(',');
}
