import {
  bigintOf,
  FastjsonObject,
  messageQueueMapOf,
  parseFastjson,
} from '../../client/body/fastjson-map';
import type { MessageQueue } from '../../client/message-queue';
import { javaHashSetOrder } from '../../remoting/protocol/java-hash';

/**
 * Java `OffsetSerializeWrapper`: the broadcasting consumer's offsets file, `{"offsetTable":{...}}` with
 * `MessageQueue` beans as map keys, written by fastjson's pretty printer (tabs, one bean field a line).
 * Entries go in Java's hash order of `MessageQueue.hashCode` (what Java's map gives for up to 11
 * queues; any order reads back the same).
 */

export interface OffsetEntry {
  mq: MessageQueue;
  offset: bigint;
}

/** The file text Java's `toJson(true)` writes for this table. */
export function encodeOffsetSerializeWrapper(table: Iterable<OffsetEntry>): string {
  const entries = javaHashSetOrder([...table], (e) => e.mq.hashCode());
  if (entries.length === 0) return '{\n\t"offsetTable":{}\n}';
  const items = entries.map(
    ({ mq, offset }) =>
      `{\n\t\t\t"brokerName":${JSON.stringify(mq.brokerName)},\n\t\t\t"queueId":${mq.queueId},` +
      `\n\t\t\t"topic":${JSON.stringify(mq.topic)}\n\t\t}:${offset}`,
  );
  return `{\n\t"offsetTable":{${items.join(',')}\n\t}\n}`;
}

/** Reads an offsets file (Java's or ours, pretty or compact); malformed text is a RemotingProtocolError. */
export function parseOffsetSerializeWrapper(text: string): OffsetEntry[] {
  const what = 'offsets file';
  const root = parseFastjson(text, what);
  if (!(root instanceof FastjsonObject)) return [];
  return messageQueueMapOf(root.get('offsetTable'), what).map(([mq, v]) => ({ mq, offset: bigintOf(v, what) }));
}
