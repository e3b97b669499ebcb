import { BrokerResponseError } from '../../../src/errors';
import { MessageConst } from '../../../src/message/message-const';
import { decodeMessageExts } from '../../../src/message/message-decoder';
import type { RemotingCommand } from '../../../src/remoting/protocol/remoting-command';
import { ResponseCode } from '../../../src/remoting/protocol/response-code';
import type { RemotingClient } from '../../../src/remoting/remoting-client';
import { getMaxOffsetRequest, pullMessageRequest } from '../../helpers/broker-read-requests';

/**
 * Reads back, through the broker itself, every message stored in a topic: PULL_MESSAGE from offset 0
 * to the queue's max offset, on every queue of every broker given. This is the ground truth the crash
 * scenarios compare acknowledged sends with (one pull returns up to 32 messages, so 10,000 messages
 * take a few hundred round trips, not 10,000 index lookups).
 */

const VERIFIER_GROUP = 'rmqts_faults_verifier';

export interface StoredCopy {
  /** The message's KEYS property (the tests put their own id there). */
  keys: string | undefined;
  brokerName: string;
  queueId: number;
  queueOffset: bigint;
}

export interface TopicContents {
  /** UNIQ_KEY -> every stored copy of it (more than one = a duplicate). */
  byUniqKey: Map<string, StoredCopy[]>;
  /** Messages read in total (copies included). */
  total: number;
  /** Per broker and queue: the max offset seen. */
  maxOffsets: Record<string, number[]>;
}

async function getMaxOffset(client: RemotingClient, addr: string, topic: string, queueId: number): Promise<number> {
  const res = await client.invoke(addr, getMaxOffsetRequest(topic, queueId), 10_000);
  if (res.code !== ResponseCode.SUCCESS) throw new BrokerResponseError(res.code, res.remark, addr);
  return Number(res.extFields?.offset ?? 0);
}

async function pull(client: RemotingClient, addr: string, topic: string, queueId: number, offset: number): Promise<RemotingCommand> {
  return client.invoke(addr, pullMessageRequest(VERIFIER_GROUP, topic, queueId, offset), 15_000);
}

/** The max offset of queues 0..queues-1 of `topic` on one broker. */
export async function readTopicMaxOffsets(client: RemotingClient, addr: string, topic: string, queues: number): Promise<number[]> {
  const out: number[] = [];
  for (let queueId = 0; queueId < queues; queueId++) out.push(await getMaxOffset(client, addr, topic, queueId));
  return out;
}

/** Everything stored in `topic` on `brokers` (name -> address), queues 0..queues-1. */
export async function readTopic(
  client: RemotingClient,
  brokers: Record<string, string>,
  topic: string,
  queues: number,
): Promise<TopicContents> {
  const byUniqKey = new Map<string, StoredCopy[]>();
  const maxOffsets: Record<string, number[]> = {};
  let total = 0;
  for (const [brokerName, addr] of Object.entries(brokers)) {
    maxOffsets[brokerName] = [];
    for (let queueId = 0; queueId < queues; queueId++) {
      const max = await getMaxOffset(client, addr, topic, queueId);
      maxOffsets[brokerName]!.push(max);
      let offset = 0;
      // Bounded: each round either advances or is a rare retry (at most 3 retries in a row).
      let retries = 0;
      for (let round = 0; offset < max && round < max + 1000; round++) {
        const res = await pull(client, addr, topic, queueId, offset);
        const next = Number(res.extFields?.nextBeginOffset ?? offset);
        if (res.code === ResponseCode.SUCCESS) {
          retries = 0;
          for (const m of decodeMessageExts(res.body ?? Buffer.alloc(0), { readBody: false })) {
            total++;
            const key = m.getProperty(MessageConst.PROPERTY_UNIQ_CLIENT_MESSAGE_ID_KEYIDX) ?? `offset:${m.offsetMsgId}`;
            const copies = byUniqKey.get(key) ?? [];
            copies.push({ keys: m.getProperty(MessageConst.PROPERTY_KEYS), brokerName, queueId, queueOffset: m.queueOffset });
            byUniqKey.set(key, copies);
          }
          offset = next;
        } else if (res.code === ResponseCode.PULL_OFFSET_MOVED && next > offset) {
          offset = next;
        } else if (res.code === ResponseCode.PULL_RETRY_IMMEDIATELY && retries < 3) {
          retries++;
        } else if (res.code === ResponseCode.PULL_NOT_FOUND) {
          break;
        } else {
          throw new BrokerResponseError(res.code, res.remark, addr);
        }
      }
    }
  }
  return { byUniqKey, total, maxOffsets };
}
