import { consumerRequest } from '../../../src/client/consumer-request-builders';
import { ResponseCode } from '../../../src/remoting/protocol/response-code';
import type { RemotingClient } from '../../../src/remoting/remoting-client';

/**
 * Polls a group's committed offsets on the brokers themselves (QUERY_CONSUMER_OFFSET, what
 * `mqadmin consumerProgress` reads), queue by queue, and keeps every reading: the ground truth for
 * "committed offsets never move backwards". A broker that is down just yields no reading.
 */
export interface OffsetReading {
  at: number;
  offset: number;
}

export class OffsetWatch {
  /** `<brokerName>/<queueId>` -> readings in time order. */
  readonly readings = new Map<string, OffsetReading[]>();
  failures = 0;
  private timer: NodeJS.Timeout | undefined;
  private polling: Promise<void> | undefined;

  constructor(
    private readonly client: RemotingClient,
    private readonly brokers: Record<string, string>,
    private readonly group: string,
    private readonly topic: string,
    private readonly queues: number,
  ) {}

  async pollOnce(): Promise<void> {
    const work: Promise<void>[] = [];
    for (const [brokerName, addr] of Object.entries(this.brokers)) {
      for (let queueId = 0; queueId < this.queues; queueId++) {
        work.push(
          (async () => {
            try {
              const res = await this.client.invoke(addr, consumerRequest.queryConsumerOffset(brokerName, this.group, this.topic, queueId), 3000);
              if (res.code !== ResponseCode.SUCCESS) return; // QUERY_NOT_FOUND before the first commit
              const key = `${brokerName}/${queueId}`;
              const list = this.readings.get(key) ?? [];
              list.push({ at: Date.now(), offset: Number(res.extFields?.offset ?? -1) });
              this.readings.set(key, list);
            } catch {
              this.failures++;
            }
          })(),
        );
      }
    }
    await Promise.all(work);
  }

  /** Polls every `intervalMs` (one poll at a time) until stop(). */
  start(intervalMs: number): this {
    const tick = (): void => {
      this.polling = this.pollOnce().finally(() => {
        if (this.timer !== undefined) this.timer = setTimeout(tick, intervalMs);
      });
    };
    this.timer = setTimeout(tick, 0);
    return this;
  }

  async stop(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    await this.polling;
  }

  /** Per queue, the highest committed offset read before `t` (epoch ms). */
  maxBefore(t: number): Record<string, number> {
    const out: Record<string, number> = {};
    for (const [q, list] of this.readings) {
      for (const r of list) if (r.at < t && r.offset > (out[q] ?? -1)) out[q] = r.offset;
    }
    return out;
  }

  /** The latest reading of each queue. */
  latest(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const [q, list] of this.readings) if (list.length > 0) out[q] = list[list.length - 1]!.offset;
    return out;
  }

  /** Readings lower than an earlier reading of the same queue, taken in [from, to). */
  regressions(from = 0, to = Infinity): { queue: string; at: number; from: number; to: number }[] {
    const out: { queue: string; at: number; from: number; to: number }[] = [];
    for (const [q, list] of this.readings) {
      let max = -1;
      for (const r of list) {
        if (r.at < from || r.at >= to) continue;
        if (r.offset < max) out.push({ queue: q, at: r.at, from: max, to: r.offset });
        else max = r.offset;
      }
    }
    return out;
  }
}
