import { InvalidArgumentError } from '../../errors';
import type { MessageQueue } from '../../client/message-queue';
import {
  AbstractAllocateMessageQueueStrategy,
  type AllocateMessageQueueStrategy,
  type AllocateStrategyOptions,
} from './allocate-message-queue-strategy';

/** Java `AllocateMachineRoomNearby.MachineRoomResolver`: where a broker and a consumer are deployed. */
export interface MachineRoomResolver {
  brokerDeployIn(mq: MessageQueue): string | undefined;
  consumerDeployIn(clientId: string): string | undefined;
}

/** Groups items by a non-empty room name, rooms in Java `TreeMap` (UTF-16) order. */
function byRoom<T>(items: readonly T[], roomOf: (item: T) => string | undefined, what: (item: T) => string): Map<string, T[]> {
  const rooms = new Map<string, T[]>();
  for (const item of items) {
    const room = roomOf(item);
    if (typeof room !== 'string' || room.length === 0) throw new InvalidArgumentError(`Machine room is null for ${what(item)}`);
    const list = rooms.get(room);
    if (list) list.push(item);
    else rooms.set(room, [item]);
  }
  return new Map([...rooms].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/**
 * Java `AllocateMachineRoomNearby`: queues are shared, with the wrapped strategy, among the consumers
 * of their own machine room; queues of a room without consumers are shared among all consumers.
 */
export class AllocateMachineRoomNearby extends AbstractAllocateMessageQueueStrategy {
  readonly name: string;

  constructor(
    private readonly inner: AllocateMessageQueueStrategy,
    private readonly resolver: MachineRoomResolver,
    options: AllocateStrategyOptions = {},
  ) {
    super(options);
    if (!inner) throw new InvalidArgumentError('allocateMessageQueueStrategy is null');
    if (!resolver) throw new InvalidArgumentError('machineRoomResolver is null');
    this.name = `MACHINE_ROOM_NEARBY-${inner.name}`;
  }

  allocate(consumerGroup: string, currentCID: string, mqAll: readonly MessageQueue[], cidAll: readonly string[]): MessageQueue[] {
    if (!this.check(consumerGroup, currentCID, mqAll, cidAll)) return [];
    const mr2Mq = byRoom(mqAll, (mq) => this.resolver.brokerDeployIn(mq), (mq) => `mq ${mq.toString()}`);
    const mr2c = byRoom(cidAll, (cid) => this.resolver.consumerDeployIn(cid), (cid) => `consumer id ${cid}`);
    const result: MessageQueue[] = [];
    const currentRoom = this.resolver.consumerDeployIn(currentCID) ?? '';
    const mqHere = mr2Mq.get(currentRoom);
    mr2Mq.delete(currentRoom);
    if (mqHere && mqHere.length > 0) {
      result.push(...this.inner.allocate(consumerGroup, currentCID, mqHere, mr2c.get(currentRoom) ?? []));
    }
    for (const [room, mqs] of mr2Mq) {
      if (!mr2c.has(room)) result.push(...this.inner.allocate(consumerGroup, currentCID, mqs, cidAll));
    }
    return result;
  }
}
