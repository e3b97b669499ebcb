import { decodeMessages } from './message-batch';
import { MessageExt } from './message-ext';
import { MessageSysFlag } from './message-sys-flag';

/**
 * Inner batches (Java 5.x batch consume queues): a broker whose topic uses a batch consume queue stores
 * a whole SEND_BATCH_MESSAGE as one record flagged INNER_BATCH | NEED_UNWRAP, its body the producer's
 * `encodeMessages` list and its properties `INNER_NUM`, the batch `UNIQ_KEY` and `CLUSTER`. The client
 * unwraps it after decoding (Java `PullAPIWrapper.processPullResult` with `MessageDecoder.decodeMessage`).
 */

const UNWRAP_BITS = MessageSysFlag.INNER_BATCH_FLAG | MessageSysFlag.NEED_UNWRAP_FLAG;

/** True when the record holds an inner batch the client must unwrap (both bits, as Java checks). */
export function isInnerBatch(m: MessageExt): boolean {
  return (m.sysFlag & UNWRAP_BITS) === UNWRAP_BITS;
}

/**
 * The members of an inner-batch record: each has its own flag, body and properties; topic, queue,
 * hosts, timestamps, sysFlag and commit-log offset are the record's; the queue offset is the record's
 * plus the member's index. Like Java, bodyCRC, storeSize, reconsumeTimes and the prepared transaction
 * offset stay 0. A malformed list is a RemotingProtocolError.
 */
export function unwrapInnerBatch(outer: MessageExt): MessageExt[] {
  return decodeMessages(outer.body).map((member, i) => {
    const m = new MessageExt(outer.topic, member.body);
    m.flag = member.flag;
    m.setPropertiesUnchecked(new Map(member.properties));
    m.brokerName = outer.brokerName;
    m.queueId = outer.queueId;
    m.queueOffset = outer.queueOffset + BigInt(i);
    m.commitLogOffset = outer.commitLogOffset;
    m.sysFlag = outer.sysFlag;
    m.bornTimestamp = outer.bornTimestamp;
    m.bornHost = outer.bornHost;
    m.storeTimestamp = outer.storeTimestamp;
    m.storeHost = outer.storeHost;
    m.offsetMsgId = outer.offsetMsgId;
    return m;
  });
}

/** `messages` with every inner-batch record replaced by its members, in order. */
export function unwrapInnerBatches(messages: MessageExt[]): MessageExt[] {
  if (!messages.some(isInnerBatch)) return messages;
  return messages.flatMap((m) => (isInnerBatch(m) ? unwrapInnerBatch(m) : [m]));
}
