import { InvalidArgumentError } from '../../errors';
import { getDefaultLogger, type Logger } from '../../logger';
import type { MessageQueue } from '../../client/message-queue';

/**
 * Java `AllocateMessageQueueStrategy`: which of a topic's queues one member of a consumer group
 * takes. Every member runs the same strategy on the same sorted inputs (`RebalanceImpl` sorts the
 * queues and the client ids), so the answers partition the queues without any coordination; a
 * strategy must therefore give exactly Java's answer, or a mixed Java/TS group disagrees on ownership.
 */
export interface AllocateMessageQueueStrategy {
  /** Java `getName()` (shown in consumer running info). */
  readonly name: string;
  allocate(consumerGroup: string, currentCID: string, mqAll: readonly MessageQueue[], cidAll: readonly string[]): MessageQueue[];
}

export interface AllocateStrategyOptions {
  logger?: Logger;
}

/**
 * Java `AbstractAllocateMessageQueueStrategy.check`: empty inputs are programming errors (thrown);
 * a current client id that is not a member (a stale consumer list) gets no queue this round.
 */
export abstract class AbstractAllocateMessageQueueStrategy implements AllocateMessageQueueStrategy {
  abstract readonly name: string;
  protected readonly logger: Logger;

  constructor(options: AllocateStrategyOptions = {}) {
    this.logger = options.logger ?? getDefaultLogger().child('rebalance');
  }

  abstract allocate(consumerGroup: string, currentCID: string, mqAll: readonly MessageQueue[], cidAll: readonly string[]): MessageQueue[];

  protected check(consumerGroup: string, currentCID: string, mqAll: readonly MessageQueue[], cidAll: readonly string[]): boolean {
    if (typeof currentCID !== 'string' || currentCID.length === 0) throw new InvalidArgumentError('currentCID is empty');
    if (!Array.isArray(mqAll) || mqAll.length === 0) throw new InvalidArgumentError('mqAll is null or mqAll empty');
    if (!Array.isArray(cidAll) || cidAll.length === 0) throw new InvalidArgumentError('cidAll is null or cidAll empty');
    if (!cidAll.includes(currentCID)) {
      this.logger.info('[BUG] the current consumer id is not in the consumer list', { consumerGroup, currentCID, cidAll });
      return false;
    }
    return true;
  }
}
