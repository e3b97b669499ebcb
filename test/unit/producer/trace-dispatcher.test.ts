import { MessageQueue } from '../../../src/client/message-queue';
import { InvalidArgumentError } from '../../../src/errors';
import { silentLogger } from '../../../src/logger';
import type { Message } from '../../../src/message/message';
import type { SendResult } from '../../../src/producer/send-result';
import { newTraceBean, newTraceContext, type TraceContext } from '../../../src/client/trace/trace-context';
import { decodeTraceData } from '../../../src/client/trace/trace-data-encoder';
import { AsyncTraceDispatcher, type TraceProducer } from '../../../src/client/trace/trace-dispatcher';

class FakeTraceProducer implements TraceProducer {
  readonly sent: Message[] = [];
  started = false;
  stopped = false;
  failNext = 0;
  /** Sends wait for this when set. */
  gate: Promise<void> | undefined;

  async start(): Promise<void> {
    this.started = true;
  }
  async shutdown(): Promise<void> {
    this.stopped = true;
  }
  async send(msg: Message): Promise<SendResult> {
    if (this.gate) await this.gate;
    if (this.failNext > 0) {
      this.failNext--;
      throw new Error('broker down');
    }
    this.sent.push(msg);
    return {
      sendStatus: 'SEND_OK',
      msgId: 'X',
      offsetMsgId: 'Y',
      messageQueue: new MessageQueue(msg.topic, 'b', 0),
      queueOffset: 0n,
      regionId: 'DefaultRegion',
      traceOn: true,
    };
  }
}

function ctx(i: number, topic = 'T'): TraceContext {
  const c = newTraceContext('Pub', { timeStamp: 1000 + i, regionId: 'DefaultRegion', groupName: 'g' });
  c.traceBeans.push(newTraceBean({ topic, msgId: `ID${i}`, keys: `key${i}`, msgType: 'Normal_Msg' }));
  return c;
}

async function until(cond: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 500; i++) {
    if (cond()) return;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`timed out waiting for ${what}`);
}

let dispatchers: AsyncTraceDispatcher[] = [];
afterEach(async () => {
  await Promise.all(dispatchers.map((d) => d.shutdown()));
  dispatchers = [];
});

function make(producer: TraceProducer, options: ConstructorParameters<typeof AsyncTraceDispatcher>[1] = {}): AsyncTraceDispatcher {
  const d = new AsyncTraceDispatcher(producer, { logger: silentLogger, ...options });
  dispatchers.push(d);
  return d;
}

describe('AsyncTraceDispatcher (protocol.md 14.4)', () => {
  test('a full batch goes out as one trace message keyed by msgIds and keys', async () => {
    const p = new FakeTraceProducer();
    const d = make(p);
    await d.start();
    for (let i = 0; i < 10; i++) d.append(ctx(i));
    await until(() => p.sent.length === 1, 'one trace message');
    const msg = p.sent[0]!;
    expect(msg.topic).toBe('RMQ_SYS_TRACE_TOPIC');
    const records = decodeTraceData(msg.body.toString('utf8'));
    expect(records.map((r) => r.traceBeans[0]!.msgId)).toEqual(Array.from({ length: 10 }, (_, i) => `ID${i}`));
    expect(msg.keyList).toContain('ID3');
    expect(msg.keyList).toContain('key7');
  });

  test('a partial batch waits for the flush interval; custom topic; batches grouped by traced topic', async () => {
    const p = new FakeTraceProducer();
    const d = make(p, { traceTopic: 'MyTrace', flushIntervalMs: 50 });
    await d.start();
    d.append(ctx(1, 'A'));
    d.append(ctx(2, 'B'));
    d.append(ctx(3, 'A'));
    expect(p.sent).toHaveLength(0);
    await until(() => p.sent.length === 2, 'two trace messages');
    expect(p.sent.every((m) => m.topic === 'MyTrace')).toBe(true);
    const topics = p.sent.map((m) => decodeTraceData(m.body.toString()).map((r) => r.traceBeans[0]!.topic));
    expect(topics).toEqual([['A', 'A'], ['B']]);
  });

  test('the queue is bounded: overflow is dropped and counted', async () => {
    const p = new FakeTraceProducer();
    const d = make(p, { maxQueueSize: 5, batchNum: 20 });
    for (let i = 0; i < 8; i++) d.append(ctx(i));
    expect(d.queuedCount).toBe(5);
    expect(d.discardCount).toBe(3);
  });

  test('shutdown flushes what is queued, then stops the producer; later appends are dropped', async () => {
    const p = new FakeTraceProducer();
    const d = make(p, { batchNum: 20 });
    await d.start();
    for (let i = 0; i < 3; i++) d.append(ctx(i));
    await d.shutdown();
    expect(p.sent).toHaveLength(1);
    expect(decodeTraceData(p.sent[0]!.body.toString())).toHaveLength(3);
    expect(p.stopped).toBe(true);
    expect(d.append(ctx(9))).toBe(false);
    expect(d.discardCount).toBe(1);
  });

  test('records are joined until the message reaches maxMessageSize, then a new message starts', async () => {
    const p = new FakeTraceProducer();
    const d = make(p, { maxMessageSize: 100 });
    await d.start();
    for (let i = 0; i < 4; i++) d.append(ctx(i));
    await d.flush();
    const counts = p.sent.map((m) => decodeTraceData(m.body.toString()).length);
    expect(counts.reduce((a, b) => a + b, 0)).toBe(4);
    expect(p.sent.length).toBeGreaterThan(1);
    for (const m of p.sent) expect(m.body.length).toBeLessThan(100 + 80);
  });

  test('a failed trace send is logged and counted, never thrown', async () => {
    const p = new FakeTraceProducer();
    p.failNext = 1;
    const d = make(p, { batchNum: 1 });
    await d.start();
    d.append(ctx(1));
    d.append(ctx(2));
    await d.flush();
    await until(() => d.stats.sent + d.stats.failed === 2, 'both sends settled');
    expect(d.stats).toMatchObject({ sent: 1, failed: 1 });
  });

  test('sends in flight are bounded; contexts wait in the queue meanwhile', async () => {
    const p = new FakeTraceProducer();
    let open!: () => void;
    p.gate = new Promise<void>((r) => (open = r));
    const d = make(p, { batchNum: 1, maxInflightSends: 2 });
    await d.start();
    for (let i = 0; i < 5; i++) d.append(ctx(i));
    await new Promise((r) => setTimeout(r, 30));
    expect(d.queuedCount).toBe(3);
    open();
    p.gate = undefined;
    await until(() => p.sent.length === 5, 'all five sent');
  });

  test('bad options are refused', () => {
    expect(() => new AsyncTraceDispatcher(new FakeTraceProducer(), { batchNum: 0 })).toThrow(InvalidArgumentError);
    expect(new AsyncTraceDispatcher(new FakeTraceProducer(), { traceTopic: '  ' }).traceTopic).toBe('RMQ_SYS_TRACE_TOPIC');
  });
});
