/**
 * The workloads of issue 5, in the order they run. Sizes and durations come from the command line (run.ts);
 * these are the shapes.
 */
import type { SendMode } from './worker-protocol';
import { seededRandom } from '../../src/testing/hostile-peer';

export interface Workload {
  name: string;
  mode: SendMode;
  inflight: number;
  size: number;
  batch: number;
  /** What the report leads with: latency for sync, throughput for the rest. */
  headline: 'latency' | 'throughput';
  describe: string;
}

const KIB = 1024;

export const WORKLOADS: readonly Workload[] = [
  { name: 'sync-1k', mode: 'sync', inflight: 1, size: KIB, batch: 1, headline: 'latency', describe: 'sync send, one in flight, 1 KiB' },
  { name: 'async-64-1k', mode: 'async', inflight: 64, size: KIB, batch: 1, headline: 'throughput', describe: 'async, 64 in flight, 1 KiB' },
  { name: 'async-256-1k', mode: 'async', inflight: 256, size: KIB, batch: 1, headline: 'throughput', describe: 'async, 256 in flight, 1 KiB' },
  { name: 'async-1024-1k', mode: 'async', inflight: 1024, size: KIB, batch: 1, headline: 'throughput', describe: 'async, 1024 in flight, 1 KiB' },
  {
    name: 'async-64-16k-zip',
    mode: 'async',
    inflight: 64,
    size: 16 * KIB,
    batch: 1,
    headline: 'throughput',
    describe: 'async, 64 in flight, 16 KiB compressible text, compression over 4 KiB on',
  },
  {
    name: 'async-4-4m-zip',
    mode: 'async',
    inflight: 4,
    size: 4 * 1024 * KIB,
    batch: 1,
    headline: 'throughput',
    describe: 'async, 4 in flight, 4 MiB compressible text (compressed below the 4 MiB message limit): event-loop stalls',
  },
  { name: 'batch-32x1k', mode: 'batch', inflight: 8, size: KIB, batch: 32, headline: 'throughput', describe: 'batches of 32 x 1 KiB, 8 batches in flight' },
  {
    name: 'oneway-1k',
    mode: 'oneway',
    inflight: 64,
    size: KIB,
    batch: 1,
    headline: 'throughput',
    describe: 'oneway, 1 KiB; counted by what the broker stored (64 in flight for promise-based clients)',
  },
];

// Deterministic (mulberry32), so every run sends the same bytes.
const rng = seededRandom;

const WORDS =
  'order user item price amount status created updated region warehouse sku quantity payment shipped ' +
  'delivered cancelled refund coupon discount total currency address city country zip phone email note';

/**
 * A body of `size` bytes of JSON-like text from a small vocabulary with random numbers: compressible about
 * 3-4x, like typical business payloads (an all-zero body would flatter compression).
 */
export function makeBody(size: number, seed = 42): Buffer {
  const words = WORDS.split(' ');
  const next = rng(seed + size);
  let s = '';
  while (s.length < size) {
    const w = words[Math.floor(next() * words.length)]!;
    s += `"${w}":${Math.floor(next() * 1e6)},`;
  }
  return Buffer.from(s.slice(0, size), 'latin1');
}
