import type { BatchBegin, BatchRecord } from './orderly-member';

/**
 * The verdict of scenario c6 on what the orderly members handled, from their `begin` records (one per
 * listener call, bodies `key:seq`) and the set of bodies the producer had acknowledged.
 *
 * - Within one continuous ownership of a queue (member, queue, epoch) every key's sequence numbers go up.
 * - Across members, per key, the deliveries in time order with the redeliveries of sequences already seen
 *   taken out go strictly up: no message was handled before an earlier one of its key.
 * - Every acknowledged body was handled at least once.
 * - Every redelivery is counted, and attributed to the member that first handled the body.
 */

export interface OrderVerdict {
  deliveries: number;
  unique: number;
  duplicates: number;
  /** Duplicates by the member that had handled the body first. */
  duplicatesByFirstMember: Record<string, number>;
  /** Duplicates whose redelivery began after `sinceMs` (the kill). */
  duplicatesAfter: number;
  /** A key went backwards inside one continuous ownership: `member queue#epoch key prev->seq`. */
  epochViolations: string[];
  /** A key's first-seen sequence in global order did not go up: `key prev->seq (member)`. */
  overtakes: string[];
  /** Acknowledged bodies nobody handled. */
  missing: string[];
  /** Keys handled on more than one queue (the hash selector would have failed to pin them). */
  keysOnManyQueues: string[];
  ownerships: number;
}

interface Delivery {
  key: string;
  seq: number;
  body: string;
  member: string;
  at: number;
  /** Position in the member's own record stream, to keep its order on equal timestamps. */
  order: number;
}

function parseBody(body: string): { key: string; seq: number } {
  const i = body.lastIndexOf(':');
  if (i <= 0) throw new TypeError(`unexpected body ${JSON.stringify(body)}`);
  return { key: body.slice(0, i), seq: Number(body.slice(i + 1)) };
}

export function checkOrder(begins: readonly BatchBegin[], acked: ReadonlySet<string>, sinceMs = Infinity): OrderVerdict {
  const epochViolations: string[] = [];
  const lastInEpoch = new Map<string, number>();
  const queuesOfKey = new Map<string, Set<string>>();
  const ownerships = new Set<string>();
  const byKey = new Map<string, Delivery[]>();
  const orderOfMember = new Map<string, number>();
  for (const b of begins) {
    const epochId = `${b.member} ${b.queue}#${b.epoch}`;
    ownerships.add(epochId);
    for (const body of b.bodies) {
      const { key, seq } = parseBody(body);
      const slot = `${epochId} ${key}`;
      const prev = lastInEpoch.get(slot);
      if (prev !== undefined && seq <= prev) epochViolations.push(`${slot} ${prev}->${seq}`);
      lastInEpoch.set(slot, seq);
      (queuesOfKey.get(key) ?? queuesOfKey.set(key, new Set()).get(key)!).add(b.queue);
      const order = (orderOfMember.get(b.member) ?? 0) + 1;
      orderOfMember.set(b.member, order);
      (byKey.get(key) ?? byKey.set(key, []).get(key)!).push({ key, seq, body, member: b.member, at: b.at, order });
    }
  }

  const overtakes: string[] = [];
  const firstBy = new Map<string, string>();
  const duplicatesByFirstMember: Record<string, number> = {};
  let deliveries = 0;
  let duplicatesAfter = 0;
  for (const [key, list] of byKey) {
    list.sort((x, y) => x.at - y.at || (x.member === y.member ? x.order - y.order : 0));
    let last = -1;
    for (const d of list) {
      deliveries++;
      const first = firstBy.get(d.body);
      if (first !== undefined) {
        duplicatesByFirstMember[first] = (duplicatesByFirstMember[first] ?? 0) + 1;
        if (d.at >= sinceMs) duplicatesAfter++;
        continue;
      }
      firstBy.set(d.body, d.member);
      if (d.seq <= last) overtakes.push(`${key} ${last}->${d.seq} (${d.member})`);
      last = Math.max(last, d.seq);
    }
  }
  const missing = [...acked].filter((b) => !firstBy.has(b)).sort();
  const keysOnManyQueues = [...queuesOfKey].filter(([, qs]) => qs.size > 1).map(([k]) => k);
  return {
    deliveries,
    unique: firstBy.size,
    duplicates: deliveries - firstBy.size,
    duplicatesByFirstMember,
    duplicatesAfter,
    epochViolations,
    overtakes,
    missing,
    keysOnManyQueues,
    ownerships: ownerships.size,
  };
}

/**
 * Two members inside a batch of the same queue at once (the broker lock handed over while a handler still
 * ran): `queue: A until t, B from t'`. A member that never ended its batch is taken to hold it until `deadAt`
 * (its kill) or forever.
 */
export function findOverlaps(records: readonly BatchRecord[], deadAt: Record<string, number> = {}): string[] {
  const open = new Map<string, { member: string; from: number; until: number }[]>();
  const spans: { queue: string; member: string; from: number; until: number }[] = [];
  for (const r of records) {
    const key = `${r.member} ${r.queue}`;
    if (r.kind === 'begin') {
      const span = { queue: r.queue, member: r.member, from: r.at, until: deadAt[r.member] ?? Infinity };
      (open.get(key) ?? open.set(key, []).get(key)!).push(span);
      spans.push(span);
    } else {
      const span = open.get(key)?.shift();
      if (span) span.until = r.at;
    }
  }
  const found: string[] = [];
  const byQueue = new Map<string, typeof spans>();
  for (const s of spans) (byQueue.get(s.queue) ?? byQueue.set(s.queue, []).get(s.queue)!).push(s);
  for (const [queue, list] of byQueue) {
    list.sort((x, y) => x.from - y.from);
    for (let i = 1; i < list.length; i++) {
      for (let j = i - 1; j >= 0 && j >= i - 8; j--) {
        const prev = list[j]!;
        if (prev.member !== list[i]!.member && prev.until > list[i]!.from) found.push(`${queue}: ${prev.member} until ${prev.until}, ${list[i]!.member} from ${list[i]!.from}`);
      }
    }
  }
  return found;
}
