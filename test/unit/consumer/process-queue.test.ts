import { MessageExt } from '../../../src/message/message-decoder';
import { ProcessQueue } from '../../../src/consumer/process-queue';

function msg(offset: number, bytes = 10, maxOffset?: number): MessageExt {
  const m = new MessageExt('T', Buffer.alloc(bytes));
  m.queueOffset = BigInt(offset);
  if (maxOffset !== undefined) m.putProperty('MAX_OFFSET', String(maxOffset));
  return m;
}

describe('ProcessQueue', () => {
  test('counts, sizes, span; the commit offset is the smallest in flight, else max + 1', () => {
    const pq = new ProcessQueue();
    expect(pq.removeMessage([msg(1)])).toBe(-1n);
    const ms = [msg(5), msg(6, 20), msg(7), msg(8, 10, 100)];
    pq.putMessage(ms);
    pq.putMessage([ms[0]!]);
    expect(pq.msgCount).toBe(4);
    expect(pq.msgSize).toBe(50);
    expect(pq.getMaxSpan()).toBe(3n);
    expect(pq.msgAccCnt).toBe(92n);
    // 6 and 8 done, 5 still running: only offsets below 5 are safe.
    expect(pq.removeMessage([ms[1]!, ms[3]!])).toBe(5n);
    expect(pq.removeMessage([ms[0]!])).toBe(7n);
    expect(pq.removeMessage([ms[2]!])).toBe(9n);
    expect(pq.msgCount).toBe(0);
    expect(pq.msgSize).toBe(0);
  });

  test('an out-of-order insert keeps offsets sorted', () => {
    const pq = new ProcessQueue();
    pq.putMessage([msg(10), msg(11)]);
    pq.putMessage([msg(3)]);
    expect(pq.firstKey()).toBe(3n);
    expect(pq.heldMessages().map((m) => m.queueOffset)).toEqual([3n, 10n, 11n]);
    expect(pq.getMaxSpan()).toBe(8n);
  });

  test('pull expiry after 120 s without a pull', () => {
    const pq = new ProcessQueue();
    expect(pq.isPullExpired(pq.lastPullTimestamp + 120_000)).toBe(false);
    expect(pq.isPullExpired(pq.lastPullTimestamp + 120_001)).toBe(true);
  });

  test('orderly: take lowest first, commit answers the offset after the batch, a suspended batch comes back in front', () => {
    const pq = new ProcessQueue();
    expect(pq.commit()).toBe(-1n);
    pq.putMessage([msg(4), msg(5, 20), msg(6), msg(7)]);
    const first = pq.takeMessages(2);
    expect(first.map((m) => m.queueOffset)).toEqual([4n, 5n]);
    // Taken messages still count for flow control until committed.
    expect([pq.msgCount, pq.msgSize, pq.hasTempMessage()]).toEqual([4, 50, true]);
    pq.makeMessageToConsumeAgain(first);
    expect(pq.takeMessages(3).map((m) => m.queueOffset)).toEqual([4n, 5n, 6n]);
    expect(pq.commit()).toBe(7n);
    expect([pq.msgCount, pq.msgSize]).toEqual([1, 10]);
    pq.putMessage([msg(8)]);
    expect(pq.takeMessages(5).map((m) => m.queueOffset)).toEqual([7n, 8n]);
    expect(pq.hasTempMessage()).toBe(false);
    expect(pq.takeMessages(1)).toEqual([]);
    expect(pq.commit()).toBe(9n);
    expect([pq.msgCount, pq.msgSize]).toEqual([0, 0]);
  });

  test('orderly: a lock is valid while held and renewed within its live time', () => {
    const pq = new ProcessQueue();
    expect(pq.isLockValid(30_000)).toBe(false);
    pq.locked = true;
    pq.lastLockTimestamp = 1000;
    expect(pq.isLockValid(30_000, 31_000)).toBe(true);
    expect(pq.isLockExpired(30_000, 31_001)).toBe(true);
    expect(pq.isLockValid(30_000, 31_001)).toBe(false);
  });
});
