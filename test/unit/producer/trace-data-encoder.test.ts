import { MessageQueue } from '../../../src/client/message-queue';
import { Message } from '../../../src/message/message';
import type { SendMessageContext } from '../../../src/producer/send-hooks';
import type { SendResult } from '../../../src/producer/send-result';
import { newTraceBean, newTraceContext, type TraceContext } from '../../../src/client/trace/trace-context';
import { decodeTraceData, encodeTraceContext } from '../../../src/client/trace/trace-data-encoder';
import type { AsyncTraceDispatcher } from '../../../src/client/trace/trace-dispatcher';
import { EndTransactionTraceHook, SendMessageTraceHook } from '../../../src/producer/trace/trace-hooks';

const S1 = '\u0001';
const S2 = '\u0002';

function pub(): TraceContext {
  const ctx = newTraceContext('Pub', { timeStamp: 1700000000123, regionId: 'DefaultRegion', groupName: 'pg', costTime: 7 });
  ctx.traceBeans.push(
    newTraceBean({
      topic: 'TopicA',
      msgId: 'AC11000100002A9F0000000000000001',
      tags: 'TagA',
      keys: 'k1 k2',
      storeHost: '127.0.0.1:10911',
      bodyLength: 5,
      msgType: 'Normal_Msg',
      offsetMsgId: '7F00000100002A9F0000000000000400',
    }),
  );
  return ctx;
}

describe('TraceDataEncoder (protocol.md 14.3)', () => {
  test('Pub: 14 fields in Java order, U+0001 between, U+0002 after', () => {
    const { transData, transKeys } = encodeTraceContext(pub());
    expect(transData).toBe(
      ['Pub', '1700000000123', 'DefaultRegion', 'pg', 'TopicA', 'AC11000100002A9F0000000000000001', 'TagA', 'k1 k2', '127.0.0.1:10911', '5', '7', '0', '7F00000100002A9F0000000000000400', 'true'].join(S1) + S2,
    );
    expect([...transKeys]).toEqual(['AC11000100002A9F0000000000000001', 'k1', 'k2']);
  });

  test('null tags and keys are written as the text null (Java StringBuilder)', () => {
    const ctx = pub();
    ctx.traceBeans[0]!.tags = null;
    ctx.traceBeans[0]!.keys = null;
    ctx.isSuccess = false;
    ctx.traceBeans[0]!.msgType = 'Trans_Msg_Half';
    const fields = encodeTraceContext(ctx).transData.slice(0, -1).split(S1);
    expect(fields[6]).toBe('null');
    expect(fields[7]).toBe('null');
    expect(fields[11]).toBe('1');
    expect(fields[13]).toBe('false');
    expect([...encodeTraceContext(ctx).transKeys]).toEqual(['AC11000100002A9F0000000000000001']);
  });

  test('EndTransaction: 13 fields', () => {
    const ctx = newTraceContext('EndTransaction', { timeStamp: 42, regionId: 'DefaultRegion', groupName: 'tg' });
    ctx.traceBeans.push(
      newTraceBean({
        topic: 'T',
        msgId: 'ID1',
        tags: null,
        keys: 'order-1',
        storeHost: '127.0.0.1:10911',
        msgType: 'Trans_msg_Commit',
        transactionId: 'TX1',
        transactionState: 'ROLLBACK_MESSAGE',
        fromTransactionCheck: true,
      }),
    );
    expect(encodeTraceContext(ctx).transData).toBe(
      ['EndTransaction', '42', 'DefaultRegion', 'tg', 'T', 'ID1', 'null', 'order-1', '127.0.0.1:10911', '2', 'TX1', 'ROLLBACK_MESSAGE', 'true'].join(S1) + S2,
    );
  });

  test('decode reads back what encode wrote, several records in one body', () => {
    const end = newTraceContext('EndTransaction', { timeStamp: 9, regionId: 'R', groupName: 'g' });
    end.traceBeans.push(newTraceBean({ topic: 'T', msgId: 'M', msgType: 'Trans_msg_Commit', transactionId: 'X', transactionState: 'COMMIT_MESSAGE' }));
    const body = encodeTraceContext(pub()).transData + encodeTraceContext(end).transData;
    const [a, b] = decodeTraceData(body);
    expect(a).toMatchObject({ traceType: 'Pub', timeStamp: 1700000000123, regionId: 'DefaultRegion', groupName: 'pg', costTime: 7, isSuccess: true });
    expect(a!.traceBeans[0]).toMatchObject({ topic: 'TopicA', tags: 'TagA', keys: 'k1 k2', bodyLength: 5, offsetMsgId: '7F00000100002A9F0000000000000400' });
    expect(b).toMatchObject({ traceType: 'EndTransaction', groupName: 'g' });
    expect(b!.traceBeans[0]).toMatchObject({ transactionId: 'X', transactionState: 'COMMIT_MESSAGE', msgType: 'Trans_msg_Commit', fromTransactionCheck: false });
    expect(decodeTraceData('')).toEqual([]);
    expect(decodeTraceData('Unknown\u0001x\u0002')).toEqual([]);
  });
});

describe('trace hooks', () => {
  function fakeDispatcher(): AsyncTraceDispatcher & { appended: TraceContext[] } {
    const appended: TraceContext[] = [];
    return { traceTopic: 'RMQ_SYS_TRACE_TOPIC', appended, append: (c: TraceContext) => appended.push(c) > 0 } as never;
  }

  function context(msg: Message): SendMessageContext {
    return {
      producerGroup: 'ns%pg',
      communicationMode: 'SYNC',
      bornHost: '10.0.0.1',
      brokerAddr: '127.0.0.1:10911',
      message: msg,
      mq: new MessageQueue(msg.topic, 'broker-a', 1),
      msgType: 'Normal_Msg',
    };
  }

  const result: SendResult = {
    sendStatus: 'SEND_OK',
    msgId: 'UNIQ',
    offsetMsgId: 'OFFSET',
    messageQueue: new MessageQueue('T', 'broker-a', 1),
    queueOffset: 3n,
    regionId: 'DefaultRegion',
    traceOn: true,
  };

  test('Pub: built before the send, queued once after it with the result (async runs "after" twice)', () => {
    const d = fakeDispatcher();
    const hook = new SendMessageTraceHook(d);
    const ctx = context(new Message('ns%T', 'hello', { tags: 'tg', keys: ['a', 'b'] }));
    hook.sendMessageBefore(ctx);
    hook.sendMessageAfter(ctx); // async hand-over: no result yet
    expect(d.appended).toHaveLength(0);
    ctx.sendResult = result;
    hook.sendMessageAfter(ctx);
    hook.sendMessageAfter(ctx);
    expect(d.appended).toHaveLength(1);
    expect(d.appended[0]).toMatchObject({ traceType: 'Pub', groupName: 'pg', regionId: 'DefaultRegion', isSuccess: true });
    expect(d.appended[0]!.traceBeans[0]).toMatchObject({
      topic: 'T',
      tags: 'tg',
      keys: 'a b',
      storeHost: '127.0.0.1:10911',
      bodyLength: 5,
      msgId: 'UNIQ',
      offsetMsgId: 'OFFSET',
    });
  });

  test('no record for a failed send, for TRACE_ON=false, or for the trace topic itself', () => {
    const d = fakeDispatcher();
    const hook = new SendMessageTraceHook(d);
    const failed = context(new Message('T', 'x'));
    hook.sendMessageBefore(failed);
    failed.exception = new Error('boom');
    hook.sendMessageAfter(failed);
    const off = context(new Message('T', 'x'));
    hook.sendMessageBefore(off);
    off.sendResult = { ...result, traceOn: false };
    hook.sendMessageAfter(off);
    const own = context(new Message('RMQ_SYS_TRACE_TOPIC', 'x'));
    hook.sendMessageBefore(own);
    own.sendResult = result;
    hook.sendMessageAfter(own);
    expect(d.appended).toHaveLength(0);
  });

  test('EndTransaction record', () => {
    const d = fakeDispatcher();
    new EndTransactionTraceHook(d).endTransaction({
      producerGroup: 'tg',
      brokerAddr: '127.0.0.1:10911',
      message: new Message('T', 'x', { keys: 'k' }),
      msgId: 'M',
      transactionId: 'X',
      transactionState: 'UNKNOW',
      fromTransactionCheck: true,
    });
    expect(d.appended[0]).toMatchObject({ traceType: 'EndTransaction', regionId: 'DefaultRegion', groupName: 'tg' });
    expect(d.appended[0]!.traceBeans[0]).toMatchObject({ msgType: 'Trans_msg_Commit', transactionState: 'UNKNOW', fromTransactionCheck: true, keys: 'k' });
  });
});
