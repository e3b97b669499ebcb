import type { Logger } from '../logger';
import type { MessageQueue } from '../client/message-queue';
import type { TopicMessageQueueChangeListener } from './lite-pull-listeners';

function queuesKey(queues: readonly MessageQueue[]): string {
  return queues.map((q) => q.key()).sort().join('\n');
}

/**
 * Java `DefaultLitePullConsumerImpl.fetchTopicMessageQueuesAndCompare`: per topic with a listener, the
 * queues last seen; `check()` looks them up again and tells the listener when they changed. A listener
 * that throws is logged, never propagated.
 */
export class TopicQueueWatcher {
  private readonly listeners = new Map<string, TopicMessageQueueChangeListener>();
  private readonly known = new Map<string, string>();

  constructor(
    private readonly fetch: (topic: string) => Promise<MessageQueue[]>,
    /** The topic and queues as the listener sees them (namespace removed). */
    private readonly present: (topic: string, queues: MessageQueue[]) => [string, MessageQueue[]],
    private readonly log: Logger,
  ) {}

  register(topic: string, listener: TopicMessageQueueChangeListener): void {
    if (this.listeners.has(topic)) this.log.warn('the topic had a listener, the new one replaces it', { topic });
    this.listeners.set(topic, listener);
  }

  topics(): string[] {
    return [...this.listeners.keys()];
  }

  /** Remembers the queues of `topic` now, without telling its listener. */
  async remember(topic: string): Promise<void> {
    this.known.set(topic, queuesKey(await this.fetch(topic)));
  }

  async check(): Promise<void> {
    for (const [topic, listener] of [...this.listeners]) {
      const queues = await this.fetch(topic);
      const key = queuesKey(queues);
      if (this.known.get(topic) === key) continue;
      this.known.set(topic, key);
      try {
        listener(...this.present(topic, queues));
      } catch (err) {
        this.log.error('the topic message queue change listener threw', { topic, err });
      }
    }
  }
}
