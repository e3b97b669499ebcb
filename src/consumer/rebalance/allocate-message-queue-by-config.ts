import type { MessageQueue } from '../../client/message-queue';
import type { AllocateMessageQueueStrategy } from './allocate-message-queue-strategy';

/**
 * Java `AllocateMessageQueueByConfig`: a fixed list of queues, whatever the group looks like (no
 * input checks, as in Java). Each member must be given a disjoint list by its owner.
 */
export class AllocateMessageQueueByConfig implements AllocateMessageQueueStrategy {
  readonly name = 'CONFIG';
  private readonly messageQueueList: readonly MessageQueue[];

  constructor(messageQueueList: Iterable<MessageQueue>) {
    this.messageQueueList = [...messageQueueList];
  }

  allocate(): MessageQueue[] {
    return [...this.messageQueueList];
  }
}
