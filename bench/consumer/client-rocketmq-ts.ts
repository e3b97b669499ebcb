/** Consumer benchmark driver for rocketmq-ts (bundled by esbuild as users get it). See consumer-protocol.ts. */
import { DefaultLitePullConsumer, DefaultMQPushConsumer, type MessageExt } from '../../src/index';
import type { WorkerArgs } from './consumer-protocol';
import { runNodeConsumer, type NodeConsumer } from './node-consumer-driver';
// eslint-disable-next-line @typescript-eslint/no-require-imports
const version = (require('../../package.json') as { version: string }).version;

class RocketmqTsConsumer implements NodeConsumer {
  readonly client = 'rocketmq-ts';
  readonly version = version;
  private push: DefaultMQPushConsumer | undefined;
  private lite: DefaultLitePullConsumer | undefined;

  constructor(private readonly args: WorkerArgs) {}

  start(onMessage: (storeTs: number) => void): Promise<void> | undefined {
    const { workload } = this.args;
    if (workload === 'litepull-1k') return this.startLitePull(onMessage);
    const push = new DefaultMQPushConsumer({
      consumerGroup: this.args.group,
      namesrvAddr: this.args.namesrv,
      instanceName: `bench-${process.pid}`,
      consumeFromWhere: 'CONSUME_FROM_FIRST_OFFSET',
      // pop-1k: the broker allocates and the group is in POP mode (set by the orchestrator).
      clientRebalance: workload !== 'pop-1k',
    });
    push.subscribe(this.args.topic, '*');
    if (workload === 'push-orderly-1k') {
      push.registerMessageListener({
        orderly: async (msgs: MessageExt[]) => {
          for (const m of msgs) onMessage(m.storeTimestamp);
          return 'SUCCESS';
        },
      });
    } else {
      push.registerMessageListener(async (msgs: MessageExt[]) => {
        for (const m of msgs) onMessage(m.storeTimestamp);
        return 'CONSUME_SUCCESS';
      });
    }
    this.push = push;
    return push.start();
  }

  /** Java's defaults (pullBatchSize 10), polled in a loop as the Java driver does. */
  private async startLitePull(onMessage: (storeTs: number) => void): Promise<void> {
    const lite = new DefaultLitePullConsumer({
      consumerGroup: this.args.group,
      namesrvAddr: this.args.namesrv,
      instanceName: `bench-${process.pid}`,
      consumeFromWhere: 'CONSUME_FROM_FIRST_OFFSET',
    });
    lite.subscribe(this.args.topic, '*');
    await lite.start();
    this.lite = lite;
    void (async () => {
      for await (const msgs of lite.messages()) for (const m of msgs) onMessage(m.storeTimestamp);
    })().catch((err: unknown) => process.stderr.write(`poll loop failed: ${String(err)}\n`));
  }

  async shutdown(): Promise<void> {
    await this.push?.shutdown();
    await this.lite?.shutdown();
  }
}

runNodeConsumer((args) => new RocketmqTsConsumer(args));
