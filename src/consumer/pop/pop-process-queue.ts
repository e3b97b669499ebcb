import { PULL_MAX_IDLE_TIME_MS } from '../process-queue';

/**
 * Java `PopProcessQueue`: the state of one popped queue of a push consumer in pop mode. The broker holds
 * the offsets; the client only counts what it popped and has not yet acked or handed back, which is the
 * flow control (`popThresholdForQueue`).
 */
export class PopProcessQueue {
  private waitAck = 0;
  dropped = false;
  lastPopTimestamp = Date.now();

  /** Popped messages neither acked nor given back yet (Java `getWaiAckMsgCount`). */
  get waitAckCount(): number {
    return this.waitAck;
  }

  incFoundMsg(n: number): void {
    this.waitAck += n;
  }

  /** One message acked or handed back. */
  ack(): void {
    if (this.waitAck > 0) this.waitAck--;
  }

  /** Messages abandoned without an answer (dropped queue, or their invisible time ran out). */
  release(n: number): void {
    this.waitAck = Math.max(0, this.waitAck - n);
  }

  isPullExpired(now = Date.now()): boolean {
    return now - this.lastPopTimestamp > PULL_MAX_IDLE_TIME_MS;
  }
}
