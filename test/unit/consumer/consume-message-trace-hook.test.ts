import { silentLogger } from '../../../src/logger';
import { MessageQueue } from '../../../src/client/message-queue';
import type { TraceContext } from '../../../src/client/trace/trace-context';
import { encodeTraceContext } from '../../../src/client/trace/trace-data-encoder';
import { MessageConst } from '../../../src/message/message-const';
import { MessageExt } from '../../../src/message/message-decoder';
import { ConsumeMessageConcurrentlyService, type ConsumeHost, type MessageListenerConcurrently } from '../../../src/consumer/consume-message-concurrently-service';
import { ConsumeHookRunner, consumeReturnType } from '../../../src/consumer/consume-message-hook';
import { ProcessQueue } from '../../../src/consumer/process-queue';
import type { OffsetStore } from '../../../src/consumer/store/offset-store';
import { ConsumeMessageTraceHook } from '../../../src/consumer/trace/consume-message-trace-hook';
import { until } from '../../helpers/fake-rocketmq';

const mq = new MessageQueue('ns%T', 'b', 0);

function message(id: string, init: { keys?: string; reconsumeTimes?: number; traceOn?: string; region?: string; topic?: string } = {}): MessageExt {
  const m = new MessageExt(init.topic ?? 'ns%T', Buffer.from(id));
  m.putProperty(MessageConst.PROPERTY_UNIQ_CLIENT_MESSAGE_ID_KEYIDX, id);
  m.queueOffset = BigInt(Number.parseInt(id.replace(/\D/g, '') || '0', 10));
  m.reconsumeTimes = init.reconsumeTimes ?? 0;
  if (init.keys !== undefined) m.putProperty(MessageConst.PROPERTY_KEYS, init.keys);
  if (init.traceOn !== undefined) m.putProperty(MessageConst.PROPERTY_TRACE_SWITCH, init.traceOn);
  if (init.region !== undefined) m.putProperty(MessageConst.PROPERTY_MSG_REGION, init.region);
  return m;
}

/** A concurrently service with the trace hook whose dispatcher only collects. */
function setup(listener: MessageListenerConcurrently, batch = 1, consumeTimeoutMs = 60_000) {
  const appended: TraceContext[] = [];
  const hooks = new ConsumeHookRunner(silentLogger);
  hooks.register(new ConsumeMessageTraceHook({ append: (c) => appended.push(c) > 0 }));
  const host: ConsumeHost = {
    consumerGroup: 'ns%G',
    messageModel: 'CLUSTERING',
    namespace: 'ns',
    consumeMessageBatchMaxSize: batch,
    consumeTimeoutMs,
    offsetStore: { updateOffset: () => undefined } as unknown as OffsetStore,
    log: silentLogger,
    hooks,
    sendMessageBack: async () => true,
  };
  const service = new ConsumeMessageConcurrentlyService(host, listener, 4);
  const consume = (...list: MessageExt[]) => {
    const pq = new ProcessQueue();
    pq.putMessage(list);
    service.submitConsumeRequest(list, pq, mq);
  };
  return { appended, consume };
}

describe('consumption trace (Java ConsumeMessageTraceHookImpl)', () => {
  test('SubBefore before the listener, SubAfter after it: same request id, group and beans without namespace, success, context code SUCCESS', async () => {
    let seenBefore = 0;
    const { appended, consume } = setup(async () => {
      seenBefore = appended.length;
      return 'CONSUME_SUCCESS';
    });
    consume(message('M1', { keys: 'k1 k2', reconsumeTimes: 2, region: 'DefaultRegion' }));
    await until(() => appended.length === 2, 'two records');
    expect(seenBefore).toBe(1);
    const [before, after] = appended as [TraceContext, TraceContext];
    expect(before).toMatchObject({ traceType: 'SubBefore', groupName: 'G', regionId: 'DefaultRegion' });
    expect(before.traceBeans[0]).toMatchObject({ topic: 'T', msgId: 'M1', keys: 'k1 k2', retryTimes: 2 });
    expect(after).toMatchObject({ traceType: 'SubAfter', groupName: 'G', requestId: before.requestId, isSuccess: true, contextCode: 0 });
    expect(after.traceBeans).toBe(before.traceBeans);
    expect(after.costTime).toBeGreaterThanOrEqual(0);
    const text = encodeTraceContext(after).transData.split('\u0001');
    expect(text[0]).toBe('SubAfter');
    expect(text[8]).toBe('G\u0002');
  });

  test.each([
    ['RECONSUME_LATER', async () => 'RECONSUME_LATER' as const, 4],
    ['a throw', async () => { throw new Error('boom'); }, 2],
    ['null', async () => null as never, 3],
  ])('%s: SubAfter not successful, context code is the ConsumeReturnType ordinal', async (_name, listener, code) => {
    const { appended, consume } = setup(listener as MessageListenerConcurrently);
    consume(message('M7'));
    await until(() => appended.length === 2, 'two records');
    expect(appended[1]).toMatchObject({ traceType: 'SubAfter', isSuccess: false, contextCode: code });
  });

  test('a batch is one context per phase with a bean per message (one record each); TRACE_ON=false messages are left out', async () => {
    const { appended, consume } = setup(async () => 'CONSUME_SUCCESS', 3);
    consume(message('M1'), message('M2', { traceOn: 'false' }), message('M3'));
    await until(() => appended.length === 2, 'two contexts');
    expect(appended[0]!.traceBeans.map((b) => b.msgId)).toEqual(['M1', 'M3']);
    expect(encodeTraceContext(appended[0]!).transData.split('\u0002').filter(Boolean)).toHaveLength(2);
    expect(encodeTraceContext(appended[1]!).transData.split('\u0002').filter(Boolean)).toHaveLength(2);
  });

  test('no traced message in the batch: no record at all', async () => {
    let called = false;
    const { appended, consume } = setup(async () => {
      called = true;
      return 'CONSUME_SUCCESS';
    });
    consume(message('M1', { traceOn: 'false' }));
    await until(() => called, 'listener');
    await new Promise((r) => setImmediate(r));
    expect(appended).toEqual([]);
  });

  test('consumeReturnType follows Java ConsumeRequest.run', () => {
    expect(consumeReturnType('CONSUME_SUCCESS', false, 10, 1000)).toBe('SUCCESS');
    expect(consumeReturnType('RECONSUME_LATER', false, 10, 1000)).toBe('FAILED');
    expect(consumeReturnType('CONSUME_SUCCESS', false, 1000, 1000)).toBe('TIME_OUT');
    expect(consumeReturnType(undefined, false, 10, 1000)).toBe('RETURNNULL');
    expect(consumeReturnType(undefined, true, 5000, 1000)).toBe('EXCEPTION');
  });

  test('a hook that throws is logged and consumption goes on', async () => {
    const warned: string[] = [];
    const runner = new ConsumeHookRunner({ ...silentLogger, warn: (msg: string) => warned.push(msg), child: () => silentLogger } as never);
    runner.register({ hookName: 'bad', consumeMessageBefore: () => { throw new Error('x'); }, consumeMessageAfter: () => undefined });
    runner.before({ consumerGroup: 'G', namespace: undefined, mq, msgList: [], success: false });
    expect(warned).toEqual(['consumeMessageHook consumeMessageBefore exception']);
  });
});
