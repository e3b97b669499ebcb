import type { MessageQueue } from '../client/message-queue';
import type { SendStatus } from '../client/send-status';

// The status of an accepted send is the client layer's (a consumer's trace sender reads it too).
export { SEND_STATUSES, sendStatusFromResponseCode, type SendStatus } from '../client/send-status';

/** `MixAll.DEFAULT_TRACE_REGION_ID`: the regionId when the broker sends none. */
export const DEFAULT_REGION_ID = 'DefaultRegion';

/** Java `SendResult` (protocol.md 4.3). */
export interface SendResult {
  sendStatus: SendStatus;
  /** The client id, `UNIQ_KEY`; for a batch, the inner messages' ids joined with `,`. */
  msgId: string;
  /** The broker's id (store host + commit-log offset); for a batch, a comma-separated list. */
  offsetMsgId: string;
  /** Topic without the client-side namespace, the broker written to, the queue actually written. */
  messageQueue: MessageQueue;
  /** Consume-queue offset; for a batch, the offset of its first message. */
  queueOffset: bigint;
  /** The broker's `transactionId` (the message's UNIQ_KEY). */
  transactionId?: string;
  /** The broker's `MSG_REGION`, `DefaultRegion` when absent. */
  regionId: string;
  /** False only when the broker says `TRACE_ON=false`. */
  traceOn: boolean;
  /** Handle to recall a delay or timer message (RocketMQ 5.3+). */
  recallHandle?: string;
}

/** Callback form of an async send (Java `SendCallback`). Exactly one of the two is called, once. */
export interface SendCallback {
  onSuccess(result: SendResult): void;
  onException(error: Error): void;
}
