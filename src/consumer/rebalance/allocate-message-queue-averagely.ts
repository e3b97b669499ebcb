import type { MessageQueue } from '../../client/message-queue';
import { AbstractAllocateMessageQueueStrategy } from './allocate-message-queue-strategy';

/**
 * Java `AllocateMessageQueueAveragely` (the default): consecutive ranges, the first `mqs % cids`
 * members taking one queue more. With more members than queues, the last members get nothing.
 */
export class AllocateMessageQueueAveragely extends AbstractAllocateMessageQueueStrategy {
  readonly name = 'AVG';

  allocate(consumerGroup: string, currentCID: string, mqAll: readonly MessageQueue[], cidAll: readonly string[]): MessageQueue[] {
    if (!this.check(consumerGroup, currentCID, mqAll, cidAll)) return [];
    const index = cidAll.indexOf(currentCID);
    const mqs = mqAll.length;
    const cids = cidAll.length;
    const mod = mqs % cids;
    const base = Math.floor(mqs / cids);
    const averageSize = mqs <= cids ? 1 : mod > 0 && index < mod ? base + 1 : base;
    const startIndex = mod > 0 && index < mod ? index * averageSize : index * averageSize + mod;
    const range = Math.min(averageSize, mqs - startIndex);
    return range > 0 ? mqAll.slice(startIndex, startIndex + range) : [];
  }
}
