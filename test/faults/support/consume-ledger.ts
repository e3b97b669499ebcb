/**
 * What the consumers of a fault scenario handed to their handlers: every delivery of every message,
 * by the test's own key, with the queue and offset it came from and who consumed it. Compared with the
 * producer's SEND_OK keys it gives lost (acknowledged, never consumed) and duplicates (consumed twice).
 */
export interface Consumption {
  key: string;
  /** Which consumer (process or instance) ran the handler. */
  by: string;
  /** `<brokerName>/<queueId>`. */
  queue: string;
  offset: number;
  at: number;
}

export class ConsumeLedger {
  private readonly byKey = new Map<string, Consumption[]>();
  private readonly times: number[] = [];
  private readonly all: Consumption[] = [];
  private readonly perConsumer = new Map<string, number>();
  total = 0;

  record(c: Consumption): void {
    this.total++;
    this.times.push(c.at);
    this.all.push(c);
    this.perConsumer.set(c.by, (this.perConsumer.get(c.by) ?? 0) + 1);
    const copies = this.byKey.get(c.key);
    if (copies) copies.push(c);
    else this.byKey.set(c.key, [c]);
  }

  /** Every delivery, in the order recorded. */
  deliveries(): readonly Consumption[] {
    return this.all;
  }

  /** Deliveries to one consumer. */
  countBy(by: string): number {
    return this.perConsumer.get(by) ?? 0;
  }

  get distinct(): number {
    return this.byKey.size;
  }

  has(key: string): boolean {
    return this.byKey.has(key);
  }

  /** Deliveries beyond the first, over all keys. */
  get duplicates(): number {
    return this.total - this.byKey.size;
  }

  /** Every key delivered more than once, with all its deliveries. */
  duplicated(): Consumption[][] {
    return [...this.byKey.values()].filter((c) => c.length > 1);
  }

  /** The keys of `expected` never delivered. */
  missing(expected: Iterable<string>): string[] {
    const out: string[] = [];
    for (const k of expected) if (!this.byKey.has(k)) out.push(k);
    return out;
  }

  /** Deliveries at or after `t` (epoch ms), and the first of them. */
  since(t: number): { count: number; first: number | undefined } {
    let count = 0;
    let first: number | undefined;
    for (const at of this.times) {
      if (at < t) continue;
      count++;
      if (first === undefined || at < first) first = at;
    }
    return { count, first };
  }

  between(t0: number, t1: number): number {
    let n = 0;
    for (const at of this.times) if (at >= t0 && at < t1) n++;
    return n;
  }
}
