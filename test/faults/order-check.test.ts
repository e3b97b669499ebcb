import { checkOrder, findOverlaps } from './support/order-check';
import type { BatchBegin, BatchEnd } from './support/orderly-member';

/** Self-test of scenario c6's verdict: it must catch what it is there to catch. */

const begin = (member: string, epoch: number, at: number, bodies: string[], queue = 'T@b@0'): BatchBegin => ({ kind: 'begin', member, queue, epoch, at, bodies });

describe('c6 order check', () => {
  test('a takeover that redelivers the uncommitted tail is in order, its duplicates counted for the first member', () => {
    const v = checkOrder(
      [begin('A', 1, 1, ['k:0', 'k:1', 'j:0']), begin('A', 1, 2, ['k:2', 'k:3']), begin('B', 1, 10, ['k:2', 'k:3', 'k:4', 'j:1'])],
      new Set(['k:0', 'k:1', 'k:2', 'k:3', 'k:4', 'j:0', 'j:1']),
      5,
    );
    expect(v).toMatchObject({ deliveries: 9, unique: 7, duplicates: 2, duplicatesAfter: 2, epochViolations: [], overtakes: [], missing: [], ownerships: 2 });
    expect(v.duplicatesByFirstMember).toEqual({ A: 2 });
  });

  test('a key going backwards inside one ownership is a violation; across two ownerships it is a redelivery', () => {
    expect(checkOrder([begin('A', 1, 1, ['k:0', 'k:1']), begin('A', 1, 2, ['k:0'])], new Set()).epochViolations).toEqual(['A T@b@0#1 k 1->0']);
    expect(checkOrder([begin('A', 1, 1, ['k:0', 'k:1']), begin('A', 2, 2, ['k:0'])], new Set()).epochViolations).toEqual([]);
  });

  test('a message handled before an earlier one of its key is an overtake, even by another member', () => {
    const v = checkOrder([begin('A', 1, 1, ['k:0', 'k:2']), begin('B', 1, 5, ['k:1', 'k:3'])], new Set());
    expect(v.overtakes).toEqual(['k 2->1 (B)']);
    expect(v.epochViolations).toEqual([]);
  });

  test('acknowledged bodies never handled are missing; a key on two queues is reported', () => {
    const v = checkOrder([begin('A', 1, 1, ['k:0']), begin('A', 1, 2, ['k:1'], 'T@b@1')], new Set(['k:0', 'k:1', 'k:2']));
    expect(v.missing).toEqual(['k:2']);
    expect(v.keysOnManyQueues).toEqual(['k']);
  });

  test('a batch of a queue begun by one member while another is still inside one of that queue is an overlap', () => {
    const end = (member: string, epoch: number, at: number, queue = 'T@b@0'): BatchEnd => ({ kind: 'end', member, queue, epoch, at });
    expect(findOverlaps([begin('A', 1, 1, ['k:0']), end('A', 1, 2), begin('B', 1, 3, ['k:1']), end('B', 1, 4)])).toEqual([]);
    expect(findOverlaps([begin('A', 1, 1, ['k:0']), begin('B', 1, 3, ['k:0']), end('B', 1, 4), end('A', 1, 5)])).toEqual(['T@b@0: A until 5, B from 3']);
    // A member killed inside a batch holds it until its death only.
    expect(findOverlaps([begin('A', 1, 1, ['k:0']), begin('B', 1, 3, ['k:0'])], { A: 2 })).toEqual([]);
    expect(findOverlaps([begin('A', 1, 1, ['k:0']), begin('B', 1, 3, ['k:0'])])).toHaveLength(1);
  });
});
