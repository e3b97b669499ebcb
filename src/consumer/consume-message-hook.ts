import type { Logger } from '../logger';
import type { MessageQueue } from '../client/message-queue';
import type { ConsumeReturnType } from '../client/trace/trace-context';
import type { MessageExt } from '../message/message-decoder';

export type { ConsumeReturnType } from '../client/trace/trace-context';

/**
 * Java `ConsumeMessageContext`: what hooks see around one listener call. `success` and `status` are
 * set before `consumeMessageAfter`; `returnType` is Java's `props[CONSUME_CONTEXT_TYPE]`.
 */
export interface ConsumeMessageContext {
  /** The group as the broker knows it (namespaced). */
  readonly consumerGroup: string;
  readonly namespace: string | undefined;
  readonly mq: MessageQueue;
  readonly msgList: readonly MessageExt[];
  success: boolean;
  status?: string;
  returnType?: ConsumeReturnType;
  /** Java `mqTraceContext`: whatever a hook keeps from before to after. */
  mqTraceContext?: unknown;
}

/** Java `ConsumeMessageHook`: called on the consume path, so it must only record and return. */
export interface ConsumeMessageHook {
  readonly hookName: string;
  consumeMessageBefore(context: ConsumeMessageContext): void;
  consumeMessageAfter(context: ConsumeMessageContext): void;
}

/**
 * Java `ConsumeMessageConcurrentlyService.ConsumeRequest`'s return type: null with a throw is
 * EXCEPTION, null RETURNNULL, anything taking `consumeTimeoutMs` or longer TIME_OUT, RECONSUME_LATER
 * FAILED, CONSUME_SUCCESS SUCCESS.
 */
export function consumeReturnType(result: unknown, threw: boolean, elapsedMs: number, consumeTimeoutMs: number): ConsumeReturnType {
  if (threw) return 'EXCEPTION';
  if (result === null || result === undefined) return 'RETURNNULL';
  if (elapsedMs >= consumeTimeoutMs) return 'TIME_OUT';
  return result === 'CONSUME_SUCCESS' ? 'SUCCESS' : 'FAILED';
}

/** The hooks of one consumer; a hook that throws is logged and never fails the consumption. */
export class ConsumeHookRunner {
  private readonly hooks: ConsumeMessageHook[] = [];

  constructor(private readonly log: Logger) {}

  register(hook: ConsumeMessageHook): void {
    this.hooks.push(hook);
  }

  /** Java `executeHookBefore` around one listener call; undefined (nothing to do after) when no hook is registered. */
  beforeCall(consumerGroup: string, namespace: string | undefined, mq: MessageQueue, msgList: readonly MessageExt[]): ConsumeMessageContext | undefined {
    if (this.hooks.length === 0) return undefined;
    const ctx: ConsumeMessageContext = { consumerGroup, namespace, mq, msgList, success: false };
    this.before(ctx);
    return ctx;
  }

  /** Java `executeHookAfter`: the call's outcome into the context, then the hooks. */
  afterCall(ctx: ConsumeMessageContext, outcome: { result: unknown; threw: boolean; elapsedMs: number; consumeTimeoutMs: number; status: string }): void {
    ctx.returnType = consumeReturnType(outcome.result, outcome.threw, outcome.elapsedMs, outcome.consumeTimeoutMs);
    ctx.status = outcome.status;
    ctx.success = outcome.status === 'CONSUME_SUCCESS';
    this.after(ctx);
  }

  before(context: ConsumeMessageContext): void {
    this.run('consumeMessageBefore', context);
  }

  after(context: ConsumeMessageContext): void {
    this.run('consumeMessageAfter', context);
  }

  private run(phase: 'consumeMessageBefore' | 'consumeMessageAfter', context: ConsumeMessageContext): void {
    for (const h of this.hooks) {
      try {
        h[phase](context);
      } catch (err) {
        this.log.warn(`consumeMessageHook ${phase} exception`, { hookName: h.hookName, err });
      }
    }
  }
}
