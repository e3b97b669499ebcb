/**
 * Store-to-handler latency counts per whole millisecond (the broker's store timestamp has millisecond
 * resolution, so finer buckets would add nothing), capped at 10 minutes. Nearest-rank percentiles; the Java
 * and Go drivers count the same way.
 */
const CAP_MS = 600_000;

export class MsHistogram {
  private readonly counts = new Uint32Array(CAP_MS + 1);
  total = 0;

  record(ms: number): void {
    const v = ms <= 0 ? 0 : ms >= CAP_MS ? CAP_MS : Math.floor(ms);
    this.counts[v]! += 1;
    this.total++;
  }

  /** q in (0, 1]; microseconds, as the JSON lines report. */
  percentileUs(q: number): number {
    if (this.total === 0) return 0;
    const rank = Math.max(1, Math.ceil(q * this.total));
    let seen = 0;
    for (let i = 0; i <= CAP_MS; i++) {
      seen += this.counts[i]!;
      if (seen >= rank) return i * 1000;
    }
    return CAP_MS * 1000;
  }
}
