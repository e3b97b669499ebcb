import type { MessageQueue } from '../client/message-queue';
import { ResponseCode } from '../remoting/protocol/response-code';

/**
 * Outcome of a send that the broker accepted (Java `SendStatus`). Anything but `SEND_OK` means the
 * message is stored on the master but a flush or the replication to a slave did not finish in time.
 */
export type SendStatus = 'SEND_OK' | 'FLUSH_DISK_TIMEOUT' | 'FLUSH_SLAVE_TIMEOUT' | 'SLAVE_NOT_AVAILABLE';

export const SEND_STATUSES: readonly SendStatus[] = ['SEND_OK', 'FLUSH_DISK_TIMEOUT', 'FLUSH_SLAVE_TIMEOUT', 'SLAVE_NOT_AVAILABLE'];

/** `MixAll.DEFAULT_TRACE_REGION_ID`: the regionId when the broker sends none. */
export const DEFAULT_REGION_ID = 'DefaultRegion';

/**
 * Java `MQClientAPIImpl.processSendResponse`: the status for a send response code, or undefined when
 * the code is an error (the caller then raises a `BrokerResponseError`).
 */
export function sendStatusFromResponseCode(code: number): SendStatus | undefined {
  switch (code) {
    case ResponseCode.SUCCESS:
      return 'SEND_OK';
    case ResponseCode.FLUSH_DISK_TIMEOUT:
      return 'FLUSH_DISK_TIMEOUT';
    case ResponseCode.FLUSH_SLAVE_TIMEOUT:
      return 'FLUSH_SLAVE_TIMEOUT';
    case ResponseCode.SLAVE_NOT_AVAILABLE:
      return 'SLAVE_NOT_AVAILABLE';
    default:
      return undefined;
  }
}

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
