import { ClientError } from '../errors';
import type { ConsumeFromWhere } from '../client/heartbeat-data';
import type { MessageQueue } from '../client/message-queue';
import { RETRY_GROUP_TOPIC_PREFIX } from '../message/namespace';
import { ResponseCode } from '../remoting/protocol/response-code';
import { parseConsumeTimestamp } from './consumer-config';
import type { OffsetStore, ReadOffsetType } from './store/offset-store';

/** The broker lookups a start offset may need. */
export interface OffsetLookups {
  maxOffset(mq: MessageQueue): Promise<bigint>;
  searchOffset(mq: MessageQueue, timestamp: number): Promise<bigint>;
}

/**
 * Java `RebalancePushImpl.computePullFromWhereWithException`: the stored offset when there is one;
 * with none stored (-1), LAST starts at the broker's max offset (a retry topic at 0), FIRST at 0,
 * TIMESTAMP at the first offset stored at or after `consumeTimestamp` (a retry topic at its max).
 * Any other read result (-2: the store could not be asked) or a failed lookup throws, and the
 * rebalance then leaves the queue for a later round instead of guessing. The push consumer reads the
 * store (READ_FROM_STORE); the lite pull consumer what it holds first (`RebalanceLitePullImpl`:
 * MEMORY_FIRST_THEN_STORE), so that an offset it committed but not yet persisted is not lost.
 */
export async function computePullFromWhere(
  mq: MessageQueue,
  where: ConsumeFromWhere,
  consumeTimestamp: string,
  store: OffsetStore,
  lookups: OffsetLookups,
  readType: ReadOffsetType = 'READ_FROM_STORE',
): Promise<bigint> {
  const last = await store.readOffset(mq, readType);
  if (last >= 0n) return last;
  if (last !== -1n) throw new ClientError(ResponseCode.QUERY_NOT_FOUND, `Failed to query consume offset from offset store of ${mq.toString()}`);
  const retry = mq.topic.startsWith(RETRY_GROUP_TOPIC_PREFIX);
  switch (where) {
    case 'CONSUME_FROM_LAST_OFFSET':
      return retry ? 0n : lookups.maxOffset(mq);
    case 'CONSUME_FROM_FIRST_OFFSET':
      return 0n;
    case 'CONSUME_FROM_TIMESTAMP': {
      if (retry) return lookups.maxOffset(mq);
      const ts = parseConsumeTimestamp(consumeTimestamp);
      if (ts === undefined) throw new ClientError(-1, `bad consumeTimestamp ${consumeTimestamp}`);
      return lookups.searchOffset(mq, ts);
    }
  }
}
