import { InvalidArgumentError } from '../errors';
import { javaStringHashCode } from '../remoting/protocol/java-hash';

/**
 * One queue of a topic on one broker (Java `MessageQueue`). Immutable: code that needs another topic
 * (namespace wrapping) makes a new one with `withTopic`.
 */
export class MessageQueue {
  readonly topic: string;
  readonly brokerName: string;
  readonly queueId: number;
  /** `key()`, built once: queues are map keys on every pull and poll. */
  #key: string | undefined;

  constructor(topic: string, brokerName: string, queueId: number) {
    if (typeof topic !== 'string') throw new InvalidArgumentError('MessageQueue topic must be a string');
    if (typeof brokerName !== 'string') throw new InvalidArgumentError('MessageQueue brokerName must be a string');
    if (!Number.isInteger(queueId) || queueId < -0x80000000 || queueId > 0x7fffffff) {
      throw new InvalidArgumentError(`MessageQueue queueId must be an int32, got ${String(queueId)}`);
    }
    this.topic = topic;
    this.brokerName = brokerName;
    this.queueId = queueId;
  }

  static from(q: { topic: string; brokerName: string; queueId: number }): MessageQueue {
    return q instanceof MessageQueue ? q : new MessageQueue(q.topic, q.brokerName, q.queueId);
  }

  /** A string that is equal for equal queues and different otherwise, for use as a Map key. */
  key(): string {
    return (this.#key ??= JSON.stringify([this.topic, this.brokerName, this.queueId]));
  }

  equals(other: unknown): boolean {
    if (this === other) return true;
    if (!(other instanceof MessageQueue)) return false;
    return this.queueId === other.queueId && this.brokerName === other.brokerName && this.topic === other.topic;
  }

  withTopic(topic: string): MessageQueue {
    return topic === this.topic ? this : new MessageQueue(topic, this.brokerName, this.queueId);
  }

  /** Java's `hashCode`, for code that must match Java's bucketing of queues. */
  hashCode(): number {
    let h = 1;
    h = (Math.imul(31, h) + javaStringHashCode(this.brokerName)) | 0;
    h = (Math.imul(31, h) + this.queueId) | 0;
    h = (Math.imul(31, h) + javaStringHashCode(this.topic)) | 0;
    return h;
  }

  /** Java's ordering: topic, then broker name (UTF-16 code units, like `String.compareTo`), then queue id. */
  compareTo(o: MessageQueue): number {
    if (this.topic !== o.topic) return this.topic < o.topic ? -1 : 1;
    if (this.brokerName !== o.brokerName) return this.brokerName < o.brokerName ? -1 : 1;
    return this.queueId - o.queueId;
  }

  toString(): string {
    return `MessageQueue [topic=${this.topic}, brokerName=${this.brokerName}, queueId=${this.queueId}]`;
  }

  toJSON(): { topic: string; brokerName: string; queueId: number } {
    return { topic: this.topic, brokerName: this.brokerName, queueId: this.queueId };
  }
}
