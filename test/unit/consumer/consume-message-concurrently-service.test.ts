import { silentLogger } from '../../../src/logger';
import { MessageQueue } from '../../../src/client/message-queue';
import { MessageExt } from '../../../src/message/message-decoder';
import { MessageConst } from '../../../src/message/message-const';
import {
  ConsumeMessageConcurrentlyService,
  type ConsumeHost,
  type MessageListenerConcurrently,
} from '../../../src/consumer/consume-message-concurrently-service';
import { ProcessQueue } from '../../../src/consumer/process-queue';
import type { OffsetStore } from '../../../src/consumer/store/offset-store';
import { until, untilImmediate } from '../../helpers/fake-rocketmq';

const mq = new MessageQueue('T', 'b', 0);

function msgs(...offsets: number[]): MessageExt[] {
  return offsets.map((o) => {
    const m = new MessageExt('T', Buffer.from(String(o)));
    m.queueOffset = BigInt(o);
    return m;
  });
}

function setup(listener: MessageListenerConcurrently, opts: { batch?: number; threads?: number; sendBackOk?: boolean; model?: ConsumeHost['messageModel'] } = {}) {
  const offsets: bigint[] = [];
  const sentBack: Array<{ offset: bigint; delay: number; topic: string }> = [];
  const host: ConsumeHost = {
    consumerGroup: 'ns%G',
    messageModel: opts.model ?? 'CLUSTERING',
    namespace: 'ns',
    consumeMessageBatchMaxSize: opts.batch ?? 1,
    consumeTimeoutMs: 60_000,
    offsetStore: { updateOffset: (_q: MessageQueue, o: bigint) => offsets.push(o) } as unknown as OffsetStore,
    log: silentLogger,
    sendMessageBack: async (m, delay) => {
      sentBack.push({ offset: m.queueOffset, delay, topic: m.topic });
      return opts.sendBackOk ?? true;
    },
  };
  const service = new ConsumeMessageConcurrentlyService(host, listener, opts.threads ?? 20);
  const pq = new ProcessQueue();
  return { service, pq, offsets, sentBack };
}

describe('ConsumeMessageConcurrentlyService', () => {
  test('success acknowledges; the committed offset is the smallest still in flight', async () => {
    const release: Array<() => void> = [];
    const { service, pq, offsets } = setup(async (batch) => {
      if (batch[0]!.queueOffset === 0n) await new Promise<void>((r) => release.push(r));
      return 'CONSUME_SUCCESS';
    });
    const list = msgs(0, 1, 2);
    pq.putMessage(list);
    service.submitConsumeRequest(list, pq, mq);
    await until(() => offsets.length === 2, 'two acks');
    expect(offsets).toEqual([0n, 0n]);
    release[0]!();
    await until(() => offsets.length === 3, 'third ack');
    expect(offsets[2]).toBe(3n);
  });

  test('a throw is RECONSUME_LATER: sent back with the context delay level, then acknowledged', async () => {
    const { service, pq, offsets, sentBack } = setup(async (_b, ctx) => {
      ctx.delayLevelWhenNextConsume = 2;
      throw new Error('boom');
    });
    const list = msgs(5);
    pq.putMessage(list);
    service.submitConsumeRequest(list, pq, mq);
    await until(() => offsets.length === 1, 'ack after send-back');
    expect(sentBack).toEqual([{ offset: 5n, delay: 2, topic: 'ns%T' }]);
    expect(offsets).toEqual([6n]);
  });

  test('ackIndex: later messages of the batch are sent back', async () => {
    const { service, pq, offsets, sentBack } = setup(async (_b, ctx) => {
      ctx.ackIndex = 0;
      return 'CONSUME_SUCCESS';
    }, { batch: 3 });
    const list = msgs(1, 2, 3);
    pq.putMessage(list);
    service.submitConsumeRequest(list, pq, mq);
    await until(() => offsets.length === 1, 'ack');
    expect(sentBack.map((s) => s.offset)).toEqual([2n, 3n]);
    expect(offsets).toEqual([4n]);
  });

  test('when the send-back fails the message stays in flight and is consumed again here after 5 s', async () => {
    jest.useFakeTimers({ doNotFake: ['setImmediate', 'nextTick', 'queueMicrotask'] });
    try {
      let calls = 0;
      const { service, pq, offsets } = setup(async () => (++calls === 1 ? 'RECONSUME_LATER' : 'CONSUME_SUCCESS'), { sendBackOk: false });
      const list = msgs(9);
      pq.putMessage(list);
      service.submitConsumeRequest(list, pq, mq);
      await untilImmediate(() => list[0]!.reconsumeTimes === 1, 'first attempt');
      await new Promise((r) => setImmediate(r));
      // Still held, so still the offset to commit.
      expect(offsets).toEqual([9n]);
      expect(pq.msgCount).toBe(1);
      jest.advanceTimersByTime(5000);
      await untilImmediate(() => offsets.length === 2, 'local re-consume');
      expect(calls).toBe(2);
      expect(offsets).toEqual([9n, 10n]);
    } finally {
      jest.useRealTimers();
    }
  });

  test('the handler sees the original topic of a retried message, without the namespace; consumeThreadMax bounds concurrency', async () => {
    let running = 0;
    let peak = 0;
    const topics: string[] = [];
    const { service, pq, offsets } = setup(async (batch) => {
      topics.push(batch[0]!.topic);
      running++;
      peak = Math.max(peak, running);
      await new Promise((r) => setImmediate(r));
      running--;
      return 'CONSUME_SUCCESS';
    }, { threads: 2 });
    const list = msgs(0, 1, 2, 3, 4);
    for (const m of list) {
      m.topic = '%RETRY%ns%G';
      m.putProperty('RETRY_TOPIC', 'ns%T');
    }
    pq.putMessage(list);
    service.submitConsumeRequest(list, pq, mq);
    await until(() => offsets.length === 5, 'all acked');
    expect(peak).toBe(2);
    expect(new Set(topics)).toEqual(new Set(['T']));
  });

  test('shutdown waits for running handlers and starts no new ones', async () => {
    let release: () => void = () => {};
    let started = 0;
    const { service, pq } = setup(async () => {
      started++;
      await new Promise<void>((r) => (release = r));
      return 'CONSUME_SUCCESS';
    }, { threads: 1 });
    const list = msgs(0, 1);
    pq.putMessage(list);
    service.submitConsumeRequest(list, pq, mq);
    await until(() => started === 1, 'first handler');
    const done = service.shutdown(10_000);
    release();
    await expect(done).resolves.toBe(true);
    expect(started).toBe(1);
    expect(pq.msgCount).toBe(1);
  });

  test('BROADCASTING: a failed message and one held past consumeTimeout are dropped (acknowledged), never sent back', async () => {
    const { service, pq, offsets, sentBack } = setup(async () => 'RECONSUME_LATER', { model: 'BROADCASTING' });
    const list = msgs(0, 1);
    pq.putMessage(list);
    service.submitConsumeRequest(list, pq, mq);
    await until(() => offsets.length === 2, 'both acknowledged');
    expect(offsets.at(-1)).toBe(2n);

    const stuck = msgs(2);
    stuck[0]!.putProperty(MessageConst.PROPERTY_CONSUME_START_TIMESTAMP, String(Date.now() - 120_000));
    pq.putMessage(stuck);
    await service.cleanExpiredMsg(pq, mq);
    expect(offsets.at(-1)).toBe(3n);
    expect(sentBack).toEqual([]);
    await service.shutdown(1000);
  });
});
