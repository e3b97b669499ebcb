/**
 * Consumer benchmark driver for ali-ons 3.x (devDependency): push consumption only (no orderly, lite pull or
 * pop consumer). `parallelConsumeLimit` 20, like Java's 20 consume threads. See consumer-protocol.ts.
 */
import type { WorkerArgs } from './consumer-protocol';
import { runNodeConsumer, type NodeConsumer } from './node-consumer-driver';

// ali-ons ships no types; only these few members are used.
interface AliMessage {
  storeTimestamp: number;
}
interface AliConsumer {
  subscribe(topic: string, expr: string, handler: (msg: AliMessage) => Promise<void>): void;
  ready(): Promise<void>;
  close(): Promise<void>;
}
interface AliOns {
  Consumer: new (opts: Record<string, unknown>) => AliConsumer;
}

// eslint-disable-next-line @typescript-eslint/no-require-imports
const ons = require('ali-ons') as AliOns;
// eslint-disable-next-line @typescript-eslint/no-require-imports
const version = (require('ali-ons/package.json') as { version: string }).version;
const quiet = { info() {}, warn() {}, error() {}, debug() {} };

class AliOnsConsumer implements NodeConsumer {
  readonly client = 'ali-ons';
  readonly version = version;
  private consumer: AliConsumer | undefined;

  constructor(private readonly args: WorkerArgs) {}

  start(onMessage: (storeTs: number) => void): Promise<void> | undefined {
    if (this.args.workload !== 'push-1k') return undefined;
    const consumer = new ons.Consumer({
      // Only used to look the name server up over HTTP, which nameSrv replaces; the option is asserted present.
      httpclient: {},
      nameSrv: this.args.namesrv,
      consumerGroup: this.args.group,
      instanceName: `bench-${process.pid}`,
      consumeFromWhere: 'CONSUME_FROM_FIRST_OFFSET',
      parallelConsumeLimit: 20,
      logger: quiet,
    });
    consumer.subscribe(this.args.topic, '*', async (msg) => onMessage(Number(msg.storeTimestamp)));
    this.consumer = consumer;
    return consumer.ready();
  }

  async shutdown(): Promise<void> {
    await this.consumer?.close();
  }
}

runNodeConsumer((args) => new AliOnsConsumer(args));
