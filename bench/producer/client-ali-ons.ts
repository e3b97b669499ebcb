/**
 * Benchmark driver for ali-ons 3.x (devDependency), the older Node client. It has no batch and no oneway send,
 * so those workloads report it as unsupported. Run by run.ts, one process per client.
 */
import { BenchError } from './bench-error';
import { main, type DriverOptions, type NodeClient } from './node-driver';

// ali-ons ships no types; only these few members are used.
interface AliMessage {
  body: Buffer;
}
interface AliSendResult {
  sendStatus: string;
}
interface AliProducer {
  ready(): Promise<void>;
  send(msg: AliMessage): Promise<AliSendResult>;
  close(): Promise<void>;
}
interface AliOns {
  Producer: new (opts: Record<string, unknown>) => AliProducer;
  Message: new (topic: string, tags: string, body: Buffer) => AliMessage;
}

// eslint-disable-next-line @typescript-eslint/no-require-imports
const ons = require('ali-ons') as AliOns;
// eslint-disable-next-line @typescript-eslint/no-require-imports
const version = (require('ali-ons/package.json') as { version: string }).version;

const quiet = { info() {}, warn() {}, error() {}, debug() {} };

class AliOnsClient implements NodeClient {
  readonly client = 'ali-ons';
  readonly version = version;
  private readonly producer: AliProducer;

  constructor(private readonly opts: DriverOptions) {
    this.producer = new ons.Producer({
      // Only used to look the name server up over HTTP, which nameSrv replaces; the option is asserted present.
      httpclient: {},
      nameSrv: opts.namesrv,
      producerGroup: opts.group,
      instanceName: `bench-${process.pid}`,
      sendMsgTimeout: opts.sendTimeoutMs,
      compressMsgBodyOverHowmuch: opts.compressOver,
      logger: quiet,
    });
  }

  start(): Promise<void> {
    return this.producer.ready();
  }

  shutdown(): Promise<void> {
    return this.producer.close();
  }

  async send(body: Buffer): Promise<void> {
    // A new Message each time: ali-ons compresses msg.body in place.
    const r = await this.producer.send(new ons.Message(this.opts.topic, 'bench', body));
    if (r.sendStatus !== 'SEND_OK') throw new BenchError(`status ${r.sendStatus}`);
  }
}

main((opts) => new AliOnsClient(opts));
