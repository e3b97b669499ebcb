import { RocketMQError } from '../../../src/errors';
import type { TopicContents } from './store-reader';

/**
 * What the producer told us about every send, compared afterwards with what the broker actually
 * stored. Vocabulary of the figures:
 * - acked: the send returned SEND_OK;
 * - lost: acked, but no stored copy (must be 0);
 * - duplicates: stored more than once (a retry after an attempt whose answer was lost);
 * - failed: the send rejected; `failedButStored` of them are in the store anyway (the broker wrote
 *   them, the answer never came back: an unknown outcome, not a loss);
 * - untyped: failures that are not RocketMQError (must be 0).
 */

export interface SendRecord {
  index: number;
  /** UNIQ_KEY from the SendResult, or from the message after a failure. */
  uniqKey: string | undefined;
  /** Our own id, in the message's KEYS. */
  key: string;
  at: number;
  ok: boolean;
  status?: string;
  brokerName?: string;
  errorName?: string;
  errorCode?: string;
  typed?: boolean;
}

export class SendLedger {
  readonly records: SendRecord[] = [];

  ok(index: number, key: string, uniqKey: string, status: string, brokerName: string): SendRecord {
    const r: SendRecord = { index, key, uniqKey, at: Date.now(), ok: status === 'SEND_OK', status, brokerName };
    this.records.push(r);
    return r;
  }

  failed(index: number, key: string, uniqKey: string | undefined, err: unknown): SendRecord {
    const r: SendRecord = {
      index,
      key,
      uniqKey,
      at: Date.now(),
      ok: false,
      errorName: err instanceof Error ? err.name : typeof err,
      errorCode: err instanceof RocketMQError ? err.code : undefined,
      typed: err instanceof RocketMQError,
    };
    this.records.push(r);
    return r;
  }

  get acked(): SendRecord[] {
    return this.records.filter((r) => r.ok);
  }

  get failures(): SendRecord[] {
    return this.records.filter((r) => !r.ok);
  }

  /** Failures by error class/code, for the figures. */
  failureKinds(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const r of this.failures) {
      const k = `${r.errorName}${r.errorCode ? `(${r.errorCode})` : ''}${r.status ? `:${r.status}` : ''}`;
      out[k] = (out[k] ?? 0) + 1;
    }
    return out;
  }

  reconcile(stored: TopicContents): {
    sends: number;
    acked: number;
    lost: number;
    lostKeys: string[];
    duplicates: number;
    failed: number;
    failedButStored: number;
    untyped: number;
    storedTotal: number;
  } {
    const storedKeys = new Map<string, number>();
    for (const copies of stored.byUniqKey.values()) {
      for (const c of copies) if (c.keys !== undefined) storedKeys.set(c.keys, (storedKeys.get(c.keys) ?? 0) + 1);
    }
    const isStored = (r: SendRecord): boolean =>
      (r.uniqKey !== undefined && stored.byUniqKey.has(r.uniqKey)) || storedKeys.has(r.key);
    const lostKeys = this.acked.filter((r) => !isStored(r)).map((r) => r.key);
    let duplicates = 0;
    for (const copies of stored.byUniqKey.values()) if (copies.length > 1) duplicates += copies.length - 1;
    const failures = this.failures;
    return {
      sends: this.records.length,
      acked: this.acked.length,
      lost: lostKeys.length,
      lostKeys: lostKeys.slice(0, 20),
      duplicates,
      failed: failures.length,
      failedButStored: failures.filter(isStored).length,
      untyped: failures.filter((r) => r.typed === false).length,
      storedTotal: stored.total,
    };
  }
}

/** Successful sends per `bucketMs` window from `t0`, for throughput curves. */
export function throughputBuckets(records: readonly SendRecord[], t0: number, t1: number, bucketMs: number): number[] {
  const n = Math.max(1, Math.ceil((t1 - t0) / bucketMs));
  const out = new Array<number>(n).fill(0);
  for (const r of records) {
    if (!r.ok || r.at < t0 || r.at >= t1) continue;
    out[Math.floor((r.at - t0) / bucketMs)]!++;
  }
  return out;
}
