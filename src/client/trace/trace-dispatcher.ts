import { InvalidArgumentError } from '../../errors';
import { getDefaultLogger, type Logger } from '../../logger';
import { Message } from '../../message/message';
import { CONTENT_SPLITOR, DEFAULT_TRACE_TOPIC, type TraceContext } from './trace-context';
import { encodeTraceContext, type TraceTransferBean } from './trace-data-encoder';

/**
 * What the dispatcher sends trace messages with: the producer's internal `DefaultMQProducer`, or the
 * consumer's `TraceMessageSender` (the client layer's own send path: consumers cannot use a producer).
 */
export interface TraceProducer {
  start(): Promise<void>;
  shutdown(): Promise<void>;
  /** Resolves once the broker stored the message; rejects otherwise. */
  send(msg: Message, options: { timeoutMs: number }): Promise<unknown>;
}

export interface TraceDispatcherOptions {
  /** Where the records go; blank means `RMQ_SYS_TRACE_TOPIC`. */
  traceTopic?: string;
  /** Java `traceMsgBatchNum`: contexts per batch, at most 20. Default 10. */
  batchNum?: number;
  /** Contexts waiting to be sent; beyond this they are dropped and counted. Default 2048 (Java). */
  maxQueueSize?: number;
  /** A non-empty queue is flushed at least this often. Default 5000 ms (Java). */
  flushIntervalMs?: number;
  /** Records are concatenated into one message until its text reaches this size. Default 128000. */
  maxMessageSize?: number;
  /** Timeout of each trace send. Default 5000 ms. */
  sendTimeoutMs?: number;
  /** Trace sends in flight at once; a full window leaves contexts queued. Default 64. */
  maxInflightSends?: number;
  /** Bound on how long `shutdown()` waits for trace sends still in flight. Default 5000 ms (Java). */
  shutdownWaitMs?: number;
  logger?: Logger;
}

function positiveInt(name: string, v: number | undefined, def: number): number {
  if (v === undefined) return def;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 1) throw new InvalidArgumentError(`${name} must be a positive integer, got ${String(v)}`);
  return v;
}

/**
 * Java `AsyncTraceDispatcher` (protocol.md 14.4): a bounded queue of trace contexts, batched into
 * trace messages (records grouped by traced topic and trace topic, joined up to 128000 chars, keyed
 * by every msgId and key) and sent asynchronously through its own producer. Event-driven instead of
 * Java's polling thread: a full batch is sent on the next turn, a partial one after `flushIntervalMs`.
 * Send failures are logged only; `shutdown()` flushes what is queued first.
 */
export class AsyncTraceDispatcher {
  readonly traceTopic: string;
  private readonly batchNum: number;
  private readonly maxQueueSize: number;
  private readonly flushIntervalMs: number;
  private readonly maxMessageSize: number;
  private readonly sendTimeoutMs: number;
  private readonly maxInflight: number;
  private readonly shutdownWaitMs: number;
  private readonly log: Logger;
  private readonly queue: TraceContext[] = [];
  private readonly inflight = new Set<Promise<void>>();
  private discarded = 0;
  private sentMessages = 0;
  private failedMessages = 0;
  private lastFlush = Date.now();
  private timer: NodeJS.Timeout | undefined;
  private drainScheduled = false;
  private state: 'CREATED' | 'RUNNING' | 'STOPPED' = 'CREATED';

  constructor(
    private readonly producer: TraceProducer,
    options: TraceDispatcherOptions = {},
  ) {
    const topic = options.traceTopic;
    this.traceTopic = topic !== undefined && topic.trim() !== '' ? topic : DEFAULT_TRACE_TOPIC;
    this.batchNum = Math.min(positiveInt('batchNum', options.batchNum, 10), 20);
    this.maxQueueSize = positiveInt('maxQueueSize', options.maxQueueSize, 2048);
    this.flushIntervalMs = positiveInt('flushIntervalMs', options.flushIntervalMs, 5000);
    this.maxMessageSize = positiveInt('maxMessageSize', options.maxMessageSize, 128000);
    this.sendTimeoutMs = positiveInt('sendTimeoutMs', options.sendTimeoutMs, 5000);
    this.maxInflight = positiveInt('maxInflightSends', options.maxInflightSends, 64);
    this.shutdownWaitMs = positiveInt('shutdownWaitMs', options.shutdownWaitMs, 5000);
    this.log = (options.logger ?? getDefaultLogger()).child('trace');
  }

  /** Contexts dropped because the queue was full (Java `discardCount`). */
  get discardCount(): number {
    return this.discarded;
  }

  /** Contexts waiting to be sent. */
  get queuedCount(): number {
    return this.queue.length;
  }

  /** Trace messages the broker accepted / that failed. */
  get stats(): { sent: number; failed: number; discarded: number } {
    return { sent: this.sentMessages, failed: this.failedMessages, discarded: this.discarded };
  }

  async start(): Promise<void> {
    if (this.state !== 'CREATED') return;
    await this.producer.start();
    this.state = 'RUNNING';
    this.lastFlush = Date.now();
    this.timer = setInterval(() => this.onTick(), Math.min(this.flushIntervalMs, 1000));
    this.timer.unref();
    if (this.queue.length > 0) this.scheduleDrain();
  }

  /** Queues a context; false (and counted) when the queue is full or the dispatcher stopped. */
  append(ctx: TraceContext): boolean {
    if (this.state === 'STOPPED' || this.queue.length >= this.maxQueueSize) {
      this.discarded++;
      this.log.debug('trace context dropped', { discarded: this.discarded, queued: this.queue.length });
      return false;
    }
    this.queue.push(ctx);
    if (this.queue.length >= this.batchNum) this.scheduleDrain();
    return true;
  }

  /** Sends everything queued and waits for the sends. */
  async flush(): Promise<void> {
    if (this.state !== 'RUNNING') return;
    for (let guard = 0; this.queue.length > 0 && guard < 1_000_000; guard++) {
      if (this.inflight.size >= this.maxInflight) await Promise.race(this.inflight);
      else this.sendBatch(this.queue.splice(0, this.batchNum));
    }
    await Promise.all(this.inflight);
  }

  /** Flushes, waits (bounded) for sends in flight, stops the internal producer. Idempotent. */
  async shutdown(): Promise<void> {
    if (this.state === 'STOPPED') return;
    const wasRunning = this.state === 'RUNNING';
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    if (wasRunning) {
      let bound: NodeJS.Timeout | undefined;
      const limit = new Promise<void>((resolve) => {
        bound = setTimeout(resolve, this.shutdownWaitMs);
        bound.unref();
      });
      await Promise.race([this.flush().catch((err: unknown) => this.log.warn('trace flush failed', { err })), limit]);
      clearTimeout(bound);
    }
    this.state = 'STOPPED';
    if (this.queue.length > 0) {
      this.discarded += this.queue.length;
      this.queue.length = 0;
    }
    if (wasRunning) await this.producer.shutdown();
  }

  private onTick(): void {
    if (this.queue.length > 0 && Date.now() - this.lastFlush >= this.flushIntervalMs) this.drain(true);
  }

  private scheduleDrain(): void {
    if (this.drainScheduled || this.state !== 'RUNNING') return;
    this.drainScheduled = true;
    setImmediate(() => {
      this.drainScheduled = false;
      this.drain(false);
    });
  }

  /** Full batches (or everything, when due) while the send window has room. */
  private drain(due: boolean): void {
    try {
      while (this.state === 'RUNNING' && this.inflight.size < this.maxInflight) {
        if (this.queue.length === 0 || (!due && this.queue.length < this.batchNum)) break;
        this.sendBatch(this.queue.splice(0, this.batchNum));
      }
    } catch (err) {
      this.log.warn('trace dispatch failed', { err });
    }
  }

  /** Java `AsyncDataSendTask.sendTraceData`: group by (topic, trace topic), then `flushData` per group. */
  private sendBatch(contexts: TraceContext[]): void {
    this.lastFlush = Date.now();
    const groups = new Map<string, TraceTransferBean[]>();
    for (const ctx of contexts) {
      if (ctx.traceBeans.length === 0) continue;
      const key = ctx.traceBeans[0]!.topic + CONTENT_SPLITOR + this.traceTopic;
      let list = groups.get(key);
      if (!list) groups.set(key, (list = []));
      list.push(encodeTraceContext(ctx));
    }
    for (const beans of groups.values()) {
      let data = '';
      let keys = new Set<string>();
      for (const bean of beans) {
        for (const k of bean.transKeys) keys.add(k);
        data += bean.transData;
        if (data.length >= this.maxMessageSize) {
          this.sendTraceData(keys, data);
          data = '';
          keys = new Set();
        }
      }
      if (data.length > 0) this.sendTraceData(keys, data);
    }
  }

  private sendTraceData(keys: Set<string>, data: string): void {
    let msg: Message;
    try {
      msg = new Message(this.traceTopic, data, { keys: [...keys].filter((k) => k.length > 0) });
    } catch (err) {
      this.failedMessages++;
      this.log.warn('trace message could not be built', { err });
      return;
    }
    const p: Promise<void> = this.producer.send(msg, { timeoutMs: this.sendTimeoutMs }).then(
      () => {
        this.sentMessages++;
      },
      (err: unknown) => {
        this.failedMessages++;
        this.log.warn('send trace data failed', { traceTopic: this.traceTopic, bytes: data.length, err });
      },
    );
    this.inflight.add(p);
    void p.finally(() => {
      this.inflight.delete(p);
      if (this.queue.length >= this.batchNum) this.scheduleDrain();
    });
  }
}
