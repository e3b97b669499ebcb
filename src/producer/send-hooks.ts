import type { MessageQueue } from '../client/message-queue';
import type { Message } from '../message/message';
import type { SendResult } from './send-result';

/** Java `CommunicationMode`. */
export type CommunicationMode = 'SYNC' | 'ASYNC' | 'ONEWAY';

/** Java `MessageType` as the send hooks see it. */
export type SendMessageType = 'Normal_Msg' | 'Trans_Msg_Half' | 'Delay_Msg';

/** What a send hook sees (Java `SendMessageContext`). `sendResult`/`exception` are set for "after". */
export interface SendMessageContext {
  producerGroup: string;
  communicationMode: CommunicationMode;
  /** The client IP (Java `bornHost`). */
  bornHost: string;
  brokerAddr: string;
  message: Message;
  /** The queue sent to, with the topic as sent (namespaced when a namespace is set). */
  mq: MessageQueue;
  namespace?: string;
  msgType: SendMessageType;
  sendResult?: SendResult;
  exception?: unknown;
  /** Free slot for tracing hooks (Java `mqTraceContext`). */
  traceContext?: unknown;
}

/**
 * Java `SendMessageHook`: `sendMessageBefore` runs before each physical send, `sendMessageAfter`
 * with its result or error (for async sends also once when the request is handed over, as in Java).
 * Hook errors are logged and swallowed.
 */
export interface SendMessageHook {
  readonly hookName?: string;
  sendMessageBefore(ctx: SendMessageContext): void;
  sendMessageAfter(ctx: SendMessageContext): void;
}

/** What a check-forbidden hook sees (Java `CheckForbiddenContext`). */
export interface CheckForbiddenContext {
  nameSrvAddr: string | undefined;
  group: string;
  message: Message;
  mq: MessageQueue;
  brokerAddr: string;
  communicationMode: CommunicationMode;
  unitMode: boolean;
}

/** Java `CheckForbiddenHook`: throwing from `checkForbidden` vetoes the send. */
export interface CheckForbiddenHook {
  readonly hookName?: string;
  checkForbidden(ctx: CheckForbiddenContext): void;
}
