/** Source of random int32 values (Java `Random.nextInt()`); injectable for tests. */
export type RandomInt32 = () => number;
export const randomInt32: RandomInt32 = () => (Math.random() * 0x100000000) | 0;

/**
 * Java `ThreadLocalIndex`: a counter seeded at random, incremented before use (int32 wrap) and masked
 * non-negative. Java keeps one per thread and per TopicPublishInfo; Node has one thread, so one per
 * queue list.
 */
export class SendQueueIndex {
  private index: number | undefined;

  constructor(private readonly random: RandomInt32 = randomInt32) {}

  incrementAndGet(): number {
    const base = this.index ?? this.random();
    this.index = (base + 1) | 0;
    return this.index & 0x7fffffff;
  }

  /** A new random non-negative start (Java: `abs(random.nextInt(Integer.MAX_VALUE))`). */
  reset(): void {
    this.index = this.random() & 0x7fffffff;
  }
}
