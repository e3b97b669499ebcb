import type { Logger } from '../logger';
import type { MessageQueue } from '../client/message-queue';
import type { Message } from '../message/message';
import { MessageConst } from '../message/message-const';
import type {
  CheckForbiddenHook,
  CommunicationMode,
  SendMessageContext,
  SendMessageHook,
  SendMessageType,
} from './send-hooks';

/** Where one attempt goes, as the hooks see it. */
export interface HookedAttempt {
  readonly producerGroup: string;
  readonly namespace: string | undefined;
  readonly namesrvAddr: readonly string[];
  readonly bornHost: string;
  readonly unitMode: boolean;
  readonly msg: Message;
  readonly mq: MessageQueue;
  readonly brokerAddr: string;
  readonly mode: CommunicationMode;
}

function messageType(msg: Message): SendMessageType {
  if (msg.getProperty('__STARTDELIVERTIME') !== undefined || msg.getProperty(MessageConst.PROPERTY_DELAY_TIME_LEVEL) !== undefined) {
    return 'Delay_Msg';
  }
  if (msg.getProperty(MessageConst.PROPERTY_TRANSACTION_PREPARED) === 'true') return 'Trans_Msg_Half';
  return 'Normal_Msg';
}

/**
 * The producer's send and check-forbidden hooks (Java `executeSendMessageHookBefore/After`,
 * `executeCheckForbiddenHook`). Send hook errors are logged and swallowed; a check-forbidden hook vetoes by throwing.
 */
export class SendHookRunner {
  constructor(
    readonly sendMessageHooks: SendMessageHook[],
    readonly checkForbiddenHooks: CheckForbiddenHook[],
    private readonly log: Logger,
  ) {}

  hasHooks(): boolean {
    return this.sendMessageHooks.length > 0 || this.checkForbiddenHooks.length > 0;
  }

  checkForbidden(a: HookedAttempt): void {
    for (const hook of this.checkForbiddenHooks) {
      hook.checkForbidden({
        nameSrvAddr: a.namesrvAddr.join(';') || undefined,
        group: a.producerGroup,
        message: a.msg,
        mq: a.mq,
        brokerAddr: a.brokerAddr,
        communicationMode: a.mode,
        unitMode: a.unitMode,
      });
    }
  }

  /** The context of the "before" hooks, or undefined when there are no send hooks. */
  before(a: HookedAttempt): SendMessageContext | undefined {
    if (this.sendMessageHooks.length === 0) return undefined;
    const context: SendMessageContext = {
      producerGroup: a.producerGroup,
      communicationMode: a.mode,
      bornHost: a.bornHost,
      brokerAddr: a.brokerAddr,
      message: a.msg,
      mq: a.mq,
      namespace: a.namespace,
      msgType: messageType(a.msg),
    };
    for (const hook of this.sendMessageHooks) {
      try {
        hook.sendMessageBefore(context);
      } catch (err) {
        this.log.warn('failed to executeSendMessageHookBefore', { hook: hook.hookName, err });
      }
    }
    return context;
  }

  /** Runs every send hook's `after` with the outcome set on the context. */
  after(context: SendMessageContext | undefined, outcome: { result?: SendMessageContext['sendResult']; error?: unknown }): void {
    if (!context) return;
    if ('error' in outcome) context.exception = outcome.error;
    else context.sendResult = outcome.result;
    for (const hook of this.sendMessageHooks) {
      try {
        hook.sendMessageAfter(context);
      } catch (err) {
        this.log.warn('failed to executeSendMessageHookAfter', { hook: hook.hookName, err });
      }
    }
  }
}
