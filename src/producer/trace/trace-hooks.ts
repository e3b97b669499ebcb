import { withoutAnyNamespace } from '../../message/namespace';
import { MessageConst } from '../../message/message-const';
import type { SendMessageContext, SendMessageHook } from '../send-hooks';
import { DEFAULT_REGION_ID } from '../send-result';
import type { EndTransactionContext, EndTransactionHook } from '../transaction-listener';
import { newTraceBean, newTraceContext, type TraceContext } from '../../client/trace/trace-context';
import type { AsyncTraceDispatcher } from '../../client/trace/trace-dispatcher';

/**
 * Java `SendMessageTraceHookImpl` (protocol.md 14.3): a Pub record per send the broker answered.
 * The context is built before the send (its timestamp starts the cost clock) and queued after it,
 * unless the send failed, was oneway, or the broker switched tracing off (`TRACE_ON=false`).
 */
export class SendMessageTraceHook implements SendMessageHook {
  readonly hookName = 'SendMessageTraceHook';

  constructor(private readonly dispatcher: AsyncTraceDispatcher) {}

  sendMessageBefore(ctx: SendMessageContext): void {
    if (ctx.message.topic.startsWith(this.dispatcher.traceTopic)) return;
    const msg = ctx.message;
    const trace = newTraceContext('Pub', { groupName: withoutAnyNamespace(ctx.producerGroup) });
    trace.traceBeans.push(
      newTraceBean({
        topic: withoutAnyNamespace(msg.topic),
        tags: msg.tags ?? null,
        keys: msg.keys ?? null,
        storeHost: ctx.brokerAddr,
        bodyLength: msg.body.length,
        msgType: ctx.msgType,
      }),
    );
    ctx.traceContext = trace;
  }

  sendMessageAfter(ctx: SendMessageContext): void {
    const trace = ctx.traceContext as TraceContext | undefined;
    const result = ctx.sendResult;
    if (trace === undefined || trace.traceType !== 'Pub' || result === undefined) return;
    if (ctx.message.topic.startsWith(this.dispatcher.traceTopic)) return;
    if (!result.regionId || !result.traceOn) return;
    // An async send runs the after hooks twice (hand-over, then the result): queue once.
    ctx.traceContext = undefined;
    const bean = trace.traceBeans[0]!;
    trace.costTime = Math.trunc((Date.now() - trace.timeStamp) / trace.traceBeans.length);
    trace.isSuccess = result.sendStatus === 'SEND_OK';
    trace.regionId = result.regionId;
    bean.msgId = result.msgId;
    bean.offsetMsgId = result.offsetMsgId;
    this.dispatcher.append(trace);
  }
}

/** Java `EndTransactionTraceHookImpl`: an EndTransaction record per END_TRANSACTION sent. */
export class EndTransactionTraceHook implements EndTransactionHook {
  readonly hookName = 'EndTransactionTraceHook';

  constructor(private readonly dispatcher: AsyncTraceDispatcher) {}

  endTransaction(ctx: EndTransactionContext): void {
    const msg = ctx.message;
    if (msg.topic.startsWith(this.dispatcher.traceTopic)) return;
    const region = msg.getProperty(MessageConst.PROPERTY_MSG_REGION);
    const trace = newTraceContext('EndTransaction', {
      groupName: withoutAnyNamespace(ctx.producerGroup),
      regionId: region ? region : DEFAULT_REGION_ID,
    });
    trace.traceBeans.push(
      newTraceBean({
        topic: withoutAnyNamespace(msg.topic),
        tags: msg.tags ?? null,
        keys: msg.keys ?? null,
        storeHost: ctx.brokerAddr ?? '',
        msgType: 'Trans_msg_Commit',
        msgId: ctx.msgId,
        transactionState: ctx.transactionState,
        transactionId: ctx.transactionId ?? null,
        fromTransactionCheck: ctx.fromTransactionCheck,
      }),
    );
    this.dispatcher.append(trace);
  }
}
