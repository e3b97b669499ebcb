/**
 * The messages the consumers read: 1 KiB bodies sent by one rocketmq-ts producer inside the orchestrator,
 * either as a backlog as fast as the broker takes them, or as a steady stream at a fixed rate.
 */
import { DefaultMQProducer, Message } from '../../src/index';

const BODY = Buffer.alloc(1024, 'rocketmq-ts consumer bench ');
const WINDOW = 256;

export class LoadProducer {
  private readonly producer: DefaultMQProducer;

  constructor(namesrv: string) {
    this.producer = new DefaultMQProducer({ producerGroup: `bench_consumer_load_${process.pid}`, namesrvAddr: namesrv, sendMsgTimeoutMs: 10_000 });
  }

  start(): Promise<void> {
    return this.producer.start();
  }

  shutdown(): Promise<void> {
    return this.producer.shutdown();
  }

  /** `n` messages with at most WINDOW in flight; resolves when every one was acknowledged. */
  async backlog(topic: string, n: number): Promise<void> {
    let next = 0;
    const lane = async (): Promise<void> => {
      while (next < n) {
        next++;
        await this.producer.send(new Message(topic, BODY, { tags: 'bench' }));
      }
    };
    await Promise.all(Array.from({ length: Math.min(WINDOW, n) }, lane));
  }

  /** `ratePerS` messages a second for `seconds`, paced every 10 ms; resolves when all were acknowledged. */
  async steady(topic: string, ratePerS: number, seconds: number): Promise<void> {
    const total = ratePerS * seconds;
    const t0 = Date.now();
    const pending: Array<Promise<unknown>> = [];
    let sent = 0;
    while (sent < total) {
      const due = Math.min(total, Math.floor(((Date.now() - t0) * ratePerS) / 1000));
      for (; sent < due; sent++) pending.push(this.producer.send(new Message(topic, BODY, { tags: 'bench' })));
      await new Promise((r) => setTimeout(r, 10));
    }
    await Promise.all(pending);
  }
}
