import type { MessageQueue } from '../../client/message-queue';
import { AbstractAllocateMessageQueueStrategy, type AllocateStrategyOptions } from './allocate-message-queue-strategy';

/**
 * Java `String.split("@")`: trailing empty strings are dropped (so `"a@"` is one part and `"@"` none),
 * a leading empty string is kept.
 */
export function javaSplitAt(s: string): string[] {
  const parts = s.split('@');
  while (parts.length > 0 && parts[parts.length - 1] === '') parts.pop();
  return parts;
}

/**
 * Java `AllocateMessageQueueByMachineRoom`: only queues of brokers named `idc@name` whose idc is one
 * of `consumeridcs` are shared out, in equal consecutive ranges, the remainder one each to the first
 * members.
 */
export class AllocateMessageQueueByMachineRoom extends AbstractAllocateMessageQueueStrategy {
  readonly name = 'MACHINE_ROOM';
  readonly consumeridcs: ReadonlySet<string>;

  constructor(consumeridcs: Iterable<string>, options: AllocateStrategyOptions = {}) {
    super(options);
    this.consumeridcs = new Set(consumeridcs);
  }

  allocate(consumerGroup: string, currentCID: string, mqAll: readonly MessageQueue[], cidAll: readonly string[]): MessageQueue[] {
    if (!this.check(consumerGroup, currentCID, mqAll, cidAll)) return [];
    const currentIndex = cidAll.indexOf(currentCID);
    const premqAll = mqAll.filter((mq) => {
      const parts = javaSplitAt(mq.brokerName);
      return parts.length === 2 && this.consumeridcs.has(parts[0]!);
    });
    const mod = Math.floor(premqAll.length / cidAll.length);
    const rem = premqAll.length % cidAll.length;
    const result = premqAll.slice(mod * currentIndex, mod * currentIndex + mod);
    if (rem > currentIndex) result.push(premqAll[currentIndex + mod * cidAll.length]!);
    return result;
  }
}
