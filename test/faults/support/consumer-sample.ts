/** One `@@s` line of children/push-consumer.ts: the consumer process's memory and stats() at a moment. */
export interface ConsumerSample {
  /** ms since the consumer started. */
  t: number;
  rssMiB: number;
  heapUsedMiB: number;
  heapTotalMiB: number;
  externalMiB: number;
  arrayBuffersMiB: number;
  ownedQueues: number;
  /** Owned queues of the scenario's topic (the others are %RETRY% queues). */
  topicQueues: number;
  pullRequestsInFlight: number;
  activeHandlers: number;
  cachedMsgCount: number;
  cachedMsgBytes: number;
  /** The fullest queue: messages and body bytes held. */
  maxQueueCount: number;
  maxQueueBytes: number;
  /** The handlers are still held back (PC_STALL_MS). */
  stalled: boolean;
  deliveries: number;
  distinct: number;
  duplicates: number;
  outOfRange: number;
}
