/**
 * Log-linear latency histogram in microseconds: exact below 1024 µs, then 512 sub-buckets per power of two
 * (0.2 % resolution). Fixed size, so recording costs no allocation and no memory grows with the run; the Java
 * harness (java/.../ProducerBench.java) and the Go driver (go/main.go) use the same layout and percentile rule.
 */
const EXACT = 1024;
const SUB = 512;
const SIZE = EXACT + 22 * SUB;
const MAX_US = 0x7fffffff;

function indexOf(v: number): number {
  if (v < EXACT) return v;
  const e = 31 - Math.clz32(v);
  const shift = e - 9;
  return EXACT + (e - 10) * SUB + ((v >>> shift) - SUB);
}

/** Midpoint of a bucket. */
function valueAt(idx: number): number {
  if (idx < EXACT) return idx;
  const k = idx - EXACT;
  const shift = Math.floor(k / SUB) + 1;
  const lo = ((k % SUB) + SUB) * 2 ** shift;
  return lo + 2 ** shift / 2;
}

export class Histogram {
  private readonly counts = new Float64Array(SIZE);
  total = 0;
  max = 0;

  record(us: number): void {
    const v = us <= 0 ? 0 : us >= MAX_US ? MAX_US : Math.round(us);
    this.counts[indexOf(v)] += 1;
    this.total++;
    if (v > this.max) this.max = v;
  }

  /** Nearest-rank percentile, q in (0, 1]. */
  percentile(q: number): number {
    if (this.total === 0) return 0;
    const rank = Math.max(1, Math.ceil(q * this.total));
    let seen = 0;
    for (let i = 0; i < SIZE; i++) {
      seen += this.counts[i]!;
      if (seen >= rank) return Math.min(valueAt(i), this.max);
    }
    return this.max;
  }
}
