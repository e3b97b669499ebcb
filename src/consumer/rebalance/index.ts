export {
  AbstractAllocateMessageQueueStrategy,
  type AllocateMessageQueueStrategy,
  type AllocateStrategyOptions,
} from './allocate-message-queue-strategy';
export { AllocateMessageQueueAveragely } from './allocate-message-queue-averagely';
export { AllocateMessageQueueAveragelyByCircle } from './allocate-message-queue-averagely-by-circle';
export { AllocateMessageQueueConsistentHash, type ConsistentHashOptions } from './allocate-message-queue-consistent-hash';
export { AllocateMessageQueueByMachineRoom } from './allocate-message-queue-by-machine-room';
export { AllocateMessageQueueByConfig } from './allocate-message-queue-by-config';
export { AllocateMachineRoomNearby, type MachineRoomResolver } from './allocate-machine-room-nearby';
export { ConsistentHashRouter, md5Hash, type HashFunction } from './consistent-hash-router';
