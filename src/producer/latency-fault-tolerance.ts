import { InvalidConfigError } from '../errors';
import type { MessageQueue } from '../client/message-queue';
import { randomInt32, SendQueueIndex, type RandomInt32 } from '../client/route/send-queue-index';

/**
 * Queue selection and broker isolation of the producer (Java `MQFaultStrategy`,
 * `LatencyFaultToleranceImpl`, `TopicPublishInfo.selectOneMessageQueue`, `ThreadLocalIndex`, 5.3.3).
 *
 * Latency fault tolerance is opt-in (`sendLatencyFaultEnable`, default false). When on, each send
 * result updates a per-broker fault item: a slow or failed send makes the broker "not available"
 * for `notAvailableDuration[i]` ms, where i is the last index with `latency >= latencyMax[i]` (an
 * isolating failure counts as 10 000 ms). Selection then prefers available brokers, then reachable
 * ones, then any queue.
 */

/** Java `MQFaultStrategy.latencyMax`. */
export const DEFAULT_LATENCY_MAX_MS: readonly number[] = [50, 100, 550, 1800, 3000, 5000, 15000];
/** Java `MQFaultStrategy.notAvailableDuration`. */
export const DEFAULT_NOT_AVAILABLE_DURATION_MS: readonly number[] = [0, 0, 2000, 5000, 6000, 10000, 30000];
/** The latency an isolating failure (transport error, broker error) is counted as. */
export const ISOLATION_LATENCY_MS = 10000;

export interface Clock {
  now(): number;
}
const systemClock: Clock = { now: () => Date.now() };

/** The counter `selectOneMessageQueue` advances; `SendQueueIndex` is the standard one. */
export interface QueueIndex {
  incrementAndGet(): number;
  reset(): void;
}

interface FaultItem {
  readonly name: string;
  currentLatencyMs: number;
  /** Not available before this epoch ms. */
  startTimestamp: number;
  checkStamp: number;
  reachable: boolean;
}

/** Java `LatencyFaultToleranceImpl`: the fault items by broker name. */
export class LatencyFaultTolerance {
  private readonly items = new Map<string, FaultItem>();

  constructor(
    private readonly clock: Clock = systemClock,
    readonly detectIntervalMs = 2000,
    readonly detectTimeoutMs = 200,
  ) {}

  updateFaultItem(name: string, currentLatencyMs: number, notAvailableDurationMs: number, reachable: boolean): void {
    let item = this.items.get(name);
    if (item === undefined) {
      item = { name, currentLatencyMs, startTimestamp: 0, checkStamp: 0, reachable };
      this.items.set(name, item);
    }
    item.currentLatencyMs = currentLatencyMs;
    const now = this.clock.now();
    // The isolation window only ever grows.
    if (notAvailableDurationMs > 0 && now + notAvailableDurationMs > item.startTimestamp) {
      item.startTimestamp = now + notAvailableDurationMs;
    }
    item.reachable = reachable;
  }

  /** True for a broker with no fault item, or whose isolation window is over. */
  isAvailable(name: string): boolean {
    const item = this.items.get(name);
    return item === undefined || this.clock.now() >= item.startTimestamp;
  }

  isReachable(name: string): boolean {
    const item = this.items.get(name);
    return item === undefined || item.reachable;
  }

  remove(name: string): void {
    this.items.delete(name);
  }

  /** A reachable broker among those with a fault item, at random (Java `pickOneAtLeast`). */
  pickOneAtLeast(): string | undefined {
    const reachable = [...this.items.values()].filter((i) => i.reachable);
    return reachable.length === 0 ? undefined : reachable[Math.floor(Math.random() * reachable.length)]!.name;
  }

  /**
   * One round of Java's detector (`detectByOneRound`): for each item due for a check, resolve its
   * broker (dropping the item when the broker is gone) and mark it reachable if the probe succeeds.
   * The caller schedules it (Java: every 3 s when `startDetectorEnable`) and supplies the probe.
   */
  async detectByOneRound(
    resolve: (brokerName: string) => string | undefined,
    detect: (brokerAddr: string, timeoutMs: number) => Promise<boolean>,
  ): Promise<void> {
    for (const [name, item] of [...this.items]) {
      if (this.clock.now() < item.checkStamp) continue;
      item.checkStamp = this.clock.now() + this.detectIntervalMs;
      const addr = resolve(name);
      if (addr === undefined) {
        this.items.delete(name);
        continue;
      }
      let ok = false;
      try {
        ok = await detect(addr, this.detectTimeoutMs);
      } catch {
        ok = false;
      }
      if (ok) item.reachable = true;
    }
  }

  /** @internal For tests and diagnostics. */
  snapshot(): Array<Readonly<FaultItem>> {
    return [...this.items.values()].map((i) => ({ ...i }));
  }
}

export interface MQFaultStrategyOptions {
  sendLatencyFaultEnable?: boolean;
  startDetectorEnable?: boolean;
  latencyMaxMs?: readonly number[];
  notAvailableDurationMs?: readonly number[];
  detectTimeoutMs?: number;
  detectIntervalMs?: number;
  clock?: Clock;
  random?: RandomInt32;
}

export interface SelectOptions {
  /** The counter to advance; default one per `queues` array, kept as long as the array lives. */
  index?: QueueIndex;
  /** Re-seed the counter first (Java does on every retry, with fault tolerance on). */
  resetIndex?: boolean;
}

/** Java `MQFaultStrategy`. */
export class MQFaultStrategy {
  readonly sendLatencyFaultEnable: boolean;
  readonly startDetectorEnable: boolean;
  readonly latencyMaxMs: readonly number[];
  readonly notAvailableDurationMs: readonly number[];
  readonly tolerance: LatencyFaultTolerance;
  private readonly random: RandomInt32;
  private readonly indexes = new WeakMap<readonly MessageQueue[], QueueIndex>();

  constructor(options: MQFaultStrategyOptions = {}) {
    this.sendLatencyFaultEnable = options.sendLatencyFaultEnable ?? false;
    this.startDetectorEnable = options.startDetectorEnable ?? false;
    this.latencyMaxMs = [...(options.latencyMaxMs ?? DEFAULT_LATENCY_MAX_MS)];
    this.notAvailableDurationMs = [...(options.notAvailableDurationMs ?? DEFAULT_NOT_AVAILABLE_DURATION_MS)];
    if (this.latencyMaxMs.length !== this.notAvailableDurationMs.length) {
      throw new InvalidConfigError('latencyMaxMs and notAvailableDurationMs must have the same length', [
        { path: 'notAvailableDurationMs', message: `length ${this.notAvailableDurationMs.length}, latencyMaxMs has ${this.latencyMaxMs.length}` },
      ]);
    }
    this.random = options.random ?? randomInt32;
    this.tolerance = new LatencyFaultTolerance(options.clock, options.detectIntervalMs, options.detectTimeoutMs);
  }

  /** Java `computeNotAvailableDuration`: the duration of the last bucket whose bound `latency` reaches. */
  computeNotAvailableDuration(latencyMs: number): number {
    for (let i = this.latencyMaxMs.length - 1; i >= 0; i--) {
      if (latencyMs >= this.latencyMaxMs[i]!) return this.notAvailableDurationMs[i]!;
    }
    return 0;
  }

  /**
   * Records the outcome of a send to `brokerName` (no-op unless `sendLatencyFaultEnable`).
   * `isolation` marks a failure that should isolate the broker (counted as 10 000 ms); `reachable`
   * false keeps it out of the second selection round until the detector or a later success says so.
   */
  updateFaultItem(brokerName: string, currentLatencyMs: number, isolation: boolean, reachable = true): void {
    if (!this.sendLatencyFaultEnable) return;
    const duration = this.computeNotAvailableDuration(isolation ? ISOLATION_LATENCY_MS : currentLatencyMs);
    this.tolerance.updateFaultItem(brokerName, currentLatencyMs, duration, reachable);
  }

  isAvailable(brokerName: string): boolean {
    return this.tolerance.isAvailable(brokerName);
  }

  isReachable(brokerName: string): boolean {
    return this.tolerance.isReachable(brokerName);
  }

  /** The counter kept for a queue list (created on first use). */
  indexFor(queues: readonly MessageQueue[]): QueueIndex {
    let index = this.indexes.get(queues);
    if (index === undefined) {
      index = new SendQueueIndex(this.random);
      this.indexes.set(queues, index);
    }
    return index;
  }

  /**
   * Java `MQFaultStrategy.selectOneMessageQueue(tpInfo, lastBrokerName, resetIndex)`; undefined for an
   * empty list. `queues` is the TopicPublishInfo's queue list; its counter is `options.index`, or one
   * kept per array (Java keeps one per TopicPublishInfo).
   *
   * - Off: up to N tries of `abs(counter % N)` for a queue not on `lastBrokerName`, else the next
   *   queue whatever its broker.
   * - On: reset the counter if asked; up to N tries for a queue on an available broker other than
   *   `lastBrokerName`; then N tries for a reachable one; then the next queue whatever its broker.
   */
  selectOneMessageQueue(
    queues: readonly MessageQueue[],
    lastBrokerName?: string | null,
    options: SelectOptions = {},
  ): MessageQueue | undefined {
    if (queues.length === 0) return undefined;
    const index = options.index ?? this.indexFor(queues);
    const notLast = (mq: MessageQueue): boolean => lastBrokerName == null || mq.brokerName !== lastBrokerName;
    if (this.sendLatencyFaultEnable) {
      if (options.resetIndex) index.reset();
      const available = pick(queues, index, (mq) => this.tolerance.isAvailable(mq.brokerName) && notLast(mq));
      if (available) return available;
      const reachable = pick(queues, index, (mq) => this.tolerance.isReachable(mq.brokerName) && notLast(mq));
      if (reachable) return reachable;
      return queues[index.incrementAndGet() % queues.length];
    }
    return pick(queues, index, notLast) ?? queues[index.incrementAndGet() % queues.length];
  }

  /** `selectOneMessageQueue(queues, undefined, { index })` (a first attempt), without a closure when fault tolerance is off. */
  selectFirstQueue(queues: readonly MessageQueue[], index: QueueIndex): MessageQueue | undefined {
    if (this.sendLatencyFaultEnable || queues.length === 0) return this.selectOneMessageQueue(queues, undefined, { index });
    return queues[Math.abs(index.incrementAndGet() % queues.length)];
  }
}

function pick(queues: readonly MessageQueue[], index: QueueIndex, accept: (mq: MessageQueue) => boolean): MessageQueue | undefined {
  for (let i = 0; i < queues.length; i++) {
    const mq = queues[Math.abs(index.incrementAndGet() % queues.length)]!;
    if (accept(mq)) return mq;
  }
  return undefined;
}
