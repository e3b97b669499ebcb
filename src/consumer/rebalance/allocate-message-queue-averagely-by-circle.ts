import type { MessageQueue } from '../../client/message-queue';
import { AbstractAllocateMessageQueueStrategy } from './allocate-message-queue-strategy';

/** Java `AllocateMessageQueueAveragelyByCircle`: queue i goes to member `i % members` (round robin). */
export class AllocateMessageQueueAveragelyByCircle extends AbstractAllocateMessageQueueStrategy {
  readonly name = 'AVG_BY_CIRCLE';

  allocate(consumerGroup: string, currentCID: string, mqAll: readonly MessageQueue[], cidAll: readonly string[]): MessageQueue[] {
    if (!this.check(consumerGroup, currentCID, mqAll, cidAll)) return [];
    const index = cidAll.indexOf(currentCID);
    const result: MessageQueue[] = [];
    for (let i = index; i < mqAll.length; i += cidAll.length) result.push(mqAll[i]!);
    return result;
  }
}
