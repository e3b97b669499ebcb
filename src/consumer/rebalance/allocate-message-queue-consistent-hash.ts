import { InvalidArgumentError } from '../../errors';
import type { MessageQueue } from '../../client/message-queue';
import { AbstractAllocateMessageQueueStrategy, type AllocateStrategyOptions } from './allocate-message-queue-strategy';
import { ConsistentHashRouter, type HashFunction } from './consistent-hash-router';

export interface ConsistentHashOptions extends AllocateStrategyOptions {
  /** Virtual nodes per member (Java default 10). */
  virtualNodeCnt?: number;
  /** Ring hash; Java's MD5 hash by default. Every member of the group must use the same one. */
  hashFunction?: HashFunction;
}

/**
 * Java `AllocateMessageQueueConsistentHash`: members on an MD5 ring with virtual nodes; a queue goes
 * to the member owning the hash of `MessageQueue.toString()`. Few queues move when members come and go.
 */
export class AllocateMessageQueueConsistentHash extends AbstractAllocateMessageQueueStrategy {
  readonly name = 'CONSISTENT_HASH';
  readonly virtualNodeCnt: number;
  private readonly hashFunction: HashFunction | undefined;

  constructor(options: ConsistentHashOptions = {}) {
    super(options);
    const v = options.virtualNodeCnt ?? 10;
    if (!Number.isInteger(v) || v < 0) throw new InvalidArgumentError(`illegal virtualNodeCnt :${String(v)}`);
    this.virtualNodeCnt = v;
    this.hashFunction = options.hashFunction;
  }

  allocate(consumerGroup: string, currentCID: string, mqAll: readonly MessageQueue[], cidAll: readonly string[]): MessageQueue[] {
    if (!this.check(consumerGroup, currentCID, mqAll, cidAll)) return [];
    const router = new ConsistentHashRouter(cidAll, this.virtualNodeCnt, this.hashFunction);
    return mqAll.filter((mq) => router.routeNode(mq.toString()) === currentCID);
  }
}
