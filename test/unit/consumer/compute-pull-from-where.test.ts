import { MessageQueue } from '../../../src/client/message-queue';
import { computePullFromWhere } from '../../../src/consumer/compute-pull-from-where';
import { formatConsumeTimestamp, parseConsumeTimestamp } from '../../../src/consumer/consumer-config';
import type { OffsetStore } from '../../../src/consumer/store/offset-store';

const mq = new MessageQueue('T', 'b', 0);
const retry = new MessageQueue('%RETRY%G', 'b', 0);
const store = (v: bigint): OffsetStore => ({ readOffset: async () => v }) as unknown as OffsetStore;
const searched: number[] = [];
const lookups = {
  maxOffset: async () => 100n,
  searchOffset: async (_mq: MessageQueue, ts: number) => {
    searched.push(ts);
    return 42n;
  },
};
const TS = '20240102030405';

test.each([
  ['CONSUME_FROM_LAST_OFFSET', mq, 7n, 7n],
  ['CONSUME_FROM_LAST_OFFSET', mq, -1n, 100n],
  ['CONSUME_FROM_LAST_OFFSET', retry, -1n, 0n],
  ['CONSUME_FROM_FIRST_OFFSET', mq, -1n, 0n],
  ['CONSUME_FROM_FIRST_OFFSET', mq, 9n, 9n],
  ['CONSUME_FROM_TIMESTAMP', mq, -1n, 42n],
  ['CONSUME_FROM_TIMESTAMP', retry, -1n, 100n],
  ['CONSUME_FROM_TIMESTAMP', mq, 3n, 3n],
] as const)('%s on %s with stored %s starts at %s', async (where, q, stored, expected) => {
  await expect(computePullFromWhere(q, where, TS, store(stored), lookups)).resolves.toBe(expected);
});

test('a failed offset read (-2) or lookup means the queue is not taken', async () => {
  await expect(computePullFromWhere(mq, 'CONSUME_FROM_FIRST_OFFSET', TS, store(-2n), lookups)).rejects.toThrow(/Failed to query/);
  const failing = { ...lookups, maxOffset: async () => Promise.reject(new Error('down')) };
  await expect(computePullFromWhere(mq, 'CONSUME_FROM_LAST_OFFSET', TS, store(-1n), failing)).rejects.toThrow('down');
});

test('consumeTimestamp is local yyyyMMddHHmmss', async () => {
  searched.length = 0;
  await computePullFromWhere(mq, 'CONSUME_FROM_TIMESTAMP', TS, store(-1n), lookups);
  expect(searched).toEqual([new Date(2024, 0, 2, 3, 4, 5).getTime()]);
  const now = new Date(2025, 11, 31, 23, 59, 58).getTime();
  expect(formatConsumeTimestamp(now)).toBe('20251231235958');
  expect(parseConsumeTimestamp('2025123123595')).toBeUndefined();
});
