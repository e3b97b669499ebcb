import { RocketMQError } from '../../../src/errors';
import { Message } from '../../../src/message/message';
import type { DefaultMQProducer } from '../../../src/producer/default-mq-producer';

/**
 * Sync sends at a steady rate by a few workers (each awaits its send), for the consumer scenarios: the
 * message key is `<keyPrefix>-<n>`, and what matters afterwards is which keys the broker acknowledged.
 * Paced by elapsed time, so a slow stretch is caught up; a failed send is followed by a short pause so
 * an outage is lived through in time rather than burnt through in failures.
 */
export interface PacedSendOptions {
  topic: string;
  keyPrefix: string;
  ratePerSec: number;
  /** Stop once this holds (checked before each send), or after `maxSends` / `maxMs`. */
  until?: () => boolean;
  maxSends?: number;
  maxMs: number;
  bodyBytes?: number;
  workers?: number;
}

export interface PacedSendResult {
  sent: number;
  okKeys: string[];
  failed: number;
  untyped: number;
  failureKinds: Record<string, number>;
  /** Acknowledged sends that settled at or after `t` (epoch ms). */
  okAfter(t: number): number;
}

const PAUSE_AFTER_FAILURE_MS = 100;

export async function pacedSends(producer: DefaultMQProducer, o: PacedSendOptions): Promise<PacedSendResult> {
  const okKeys: string[] = [];
  const okAt: number[] = [];
  const failureKinds: Record<string, number> = {};
  let failed = 0;
  let untyped = 0;
  let n = 0;
  const t0 = Date.now();
  const body = Buffer.alloc(o.bodyBytes ?? 128, 'c');
  const done = (): boolean => (o.maxSends !== undefined && n >= o.maxSends) || Date.now() - t0 >= o.maxMs || (o.until?.() ?? false);
  const worker = async (): Promise<void> => {
    while (!done()) {
      const i = n++;
      const due = t0 + (i * 1000) / o.ratePerSec;
      if (due > Date.now()) await new Promise((r) => setTimeout(r, due - Date.now()));
      const key = `${o.keyPrefix}-${i}`;
      try {
        await producer.send(new Message(o.topic, body, { keys: key }));
        okKeys.push(key);
        okAt.push(Date.now());
      } catch (err) {
        failed++;
        if (!(err instanceof RocketMQError)) untyped++;
        const k = err instanceof RocketMQError ? err.code : String((err as Error)?.name);
        failureKinds[k] = (failureKinds[k] ?? 0) + 1;
        await new Promise((r) => setTimeout(r, PAUSE_AFTER_FAILURE_MS));
      }
    }
  };
  await Promise.all(Array.from({ length: o.workers ?? 4 }, worker));
  return { sent: n, okKeys, failed, untyped, failureKinds, okAfter: (t) => okAt.filter((x) => x >= t).length };
}
