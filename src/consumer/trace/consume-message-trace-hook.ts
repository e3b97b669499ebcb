import { CONSUME_RETURN_TYPES, newTraceBean, newTraceContext, type TraceContext } from '../../client/trace/trace-context';
import { MessageConst } from '../../message/message-const';
import { createUniqId } from '../../message/message-id';
import { withoutAnyNamespace } from '../../message/namespace';
import type { ConsumeMessageContext, ConsumeMessageHook } from '../consume-message-hook';

/** Where the hook's records go (an `AsyncTraceDispatcher`). */
export interface TraceAppender {
  append(ctx: TraceContext): boolean;
}

/**
 * Java `ConsumeMessageTraceHookImpl`: before the listener, one SubBefore context holding a bean per
 * message (messages whose `TRACE_ON` property is "false" are left out; none left, no record); after
 * it, a SubAfter context with the same request id and beans, the success flag, the cost time per
 * message and the `ConsumeReturnType` ordinal as context code. Each context encodes one record per bean.
 */
export class ConsumeMessageTraceHook implements ConsumeMessageHook {
  readonly hookName = 'ConsumeMessageTraceHook';

  constructor(private readonly dispatcher: TraceAppender) {}

  consumeMessageBefore(context: ConsumeMessageContext): void {
    if (context.msgList.length === 0) return;
    const trace = newTraceContext('SubBefore', { groupName: withoutAnyNamespace(context.consumerGroup), requestId: createUniqId() });
    context.mqTraceContext = trace;
    for (const msg of context.msgList) {
      if (msg.getProperty(MessageConst.PROPERTY_TRACE_SWITCH) === 'false') continue;
      // As Java: the region of the last traced message names the record's region (null when absent).
      trace.regionId = msg.getProperty(MessageConst.PROPERTY_MSG_REGION) ?? null;
      trace.traceBeans.push(
        newTraceBean({
          topic: withoutAnyNamespace(msg.topic),
          msgId: msg.msgId,
          tags: msg.tags ?? null,
          keys: msg.keys ?? null,
          bodyLength: msg.storeSize,
          retryTimes: msg.reconsumeTimes,
        }),
      );
    }
    if (trace.traceBeans.length === 0) return;
    trace.timeStamp = Date.now();
    this.dispatcher.append(trace);
  }

  consumeMessageAfter(context: ConsumeMessageContext): void {
    const before = context.mqTraceContext as TraceContext | undefined;
    if (context.msgList.length === 0 || before === undefined || before.traceBeans.length === 0) return;
    const after = newTraceContext('SubAfter', {
      regionId: before.regionId,
      groupName: before.groupName,
      requestId: before.requestId,
      isSuccess: context.success,
      costTime: Math.trunc((Date.now() - before.timeStamp) / context.msgList.length),
      traceBeans: before.traceBeans,
    });
    if (context.returnType !== undefined) after.contextCode = CONSUME_RETURN_TYPES.indexOf(context.returnType);
    this.dispatcher.append(after);
  }
}
