/**
 * Benchmark driver for rocketmq-ts itself (src/, through the public API of src/index.ts, bundled like the
 * package). `api=callback`: async sends and batches use `send(msg, callback)`, the form of Java's async send;
 * `api=promise`: N `await producer.send(msg)` in flight (Java's sync send with its retries), what most Node
 * code writes. Run by run.ts, one process per client.
 */
import { BenchError } from './bench-error';
import { main, type Done, type DriverOptions, type NodeClient } from './node-driver';
import { DefaultMQProducer, Message, type SendResult } from '../../src/index';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const version = (require('../../package.json') as { version: string }).version;

const TAG = 'bench';

function checkOk(r: SendResult): void {
  if (r.sendStatus !== 'SEND_OK') throw new BenchError(`status ${r.sendStatus}`);
}

class RocketMQTsClient implements NodeClient {
  readonly client = 'rocketmq-ts';
  readonly version = version;
  private readonly producer: DefaultMQProducer;
  readonly sendWithCallback?: (body: Buffer, done: Done) => void;
  private readonly useCallback: boolean;

  constructor(private readonly opts: DriverOptions) {
    this.producer = new DefaultMQProducer({
      producerGroup: opts.group,
      namesrvAddr: opts.namesrv,
      instanceName: `bench-${process.pid}`,
      sendMsgTimeoutMs: opts.sendTimeoutMs,
      compressMsgBodyOverBytes: opts.compressOver,
    });
    this.useCallback = opts.extra.get('api') === 'callback';
    if (this.useCallback) this.sendWithCallback = (body, done) => this.sendCb(this.message(body), done);
  }

  private message(body: Buffer): Message {
    return new Message(this.opts.topic, body, { tags: TAG });
  }

  private sendCb(msg: Message | Message[], done: Done): void {
    this.producer.send(msg, {
      onSuccess: (r) => done(r.sendStatus === 'SEND_OK' ? undefined : new BenchError(`status ${r.sendStatus}`)),
      onException: (err) => done(err),
    });
  }

  start(): Promise<void> {
    return this.producer.start();
  }

  shutdown(): Promise<void> {
    return this.producer.shutdown();
  }

  async send(body: Buffer): Promise<void> {
    checkOk(await this.producer.send(this.message(body)));
  }

  async sendBatch(body: Buffer, count: number): Promise<void> {
    const msgs: Message[] = [];
    for (let i = 0; i < count; i++) msgs.push(this.message(body));
    if (this.useCallback) {
      await new Promise<void>((resolve, reject) => this.sendCb(msgs, (err) => (err ? reject(err) : resolve())));
      return;
    }
    checkOk(await this.producer.send(msgs));
  }

  sendOneway(body: Buffer): Promise<void> {
    return this.producer.sendOneway(this.message(body));
  }
}

main((opts) => new RocketMQTsClient(opts));
