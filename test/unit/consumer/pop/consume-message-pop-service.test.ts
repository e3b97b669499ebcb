import { silentLogger } from '../../../../src/logger';
import { MessageQueue } from '../../../../src/client/message-queue';
import { MessageExt } from '../../../../src/message/message-decoder';
import { MessageConst } from '../../../../src/message/message-const';
import type { MessageListenerConcurrently } from '../../../../src/consumer/consume-message-concurrently-service';
import { ConsumeMessagePopService, POP_DELAY_LEVEL_S, popDeadline } from '../../../../src/consumer/pop/consume-message-pop-service';
import { buildExtraInfo } from '../../../../src/consumer/pop/extra-info';
import { PopProcessQueue } from '../../../../src/consumer/pop/pop-process-queue';
import { until } from '../../../helpers/fake-rocketmq';

const mq = new MessageQueue('ns%T', 'broker-a', -1);

function popped(n: number, opts: { popTime?: number; invisibleMs?: number; reconsumeTimes?: number; bornAgoMs?: number } = {}): MessageExt[] {
  return Array.from({ length: n }, (_, i) => {
    const m = new MessageExt('ns%T', Buffer.from(String(i)));
    m.queueOffset = BigInt(i);
    m.reconsumeTimes = opts.reconsumeTimes ?? 0;
    m.bornTimestamp = Date.now() - (opts.bornAgoMs ?? 0);
    const handle = buildExtraInfo({
      ckQueueOffset: 0n,
      popTime: BigInt(opts.popTime ?? Date.now()),
      invisibleTime: BigInt(opts.invisibleMs ?? 60_000),
      reviveQid: 0,
      topic: 'ns%T',
      brokerName: 'broker-a',
      queueId: 1,
      msgQueueOffset: BigInt(i),
    });
    m.putProperty(MessageConst.PROPERTY_POP_CK, handle);
    return m;
  });
}

function setup(listener: MessageListenerConcurrently, opts: { batch?: number; maxReconsumeTimes?: number } = {}) {
  const acked: Array<{ offset: bigint; wireTopic: string }> = [];
  const delayed: Array<{ offset: bigint; ms: number }> = [];
  const seenTopics: string[] = [];
  const service = new ConsumeMessagePopService(
    {
      consumerGroup: 'ns%G',
      namespace: 'ns',
      consumeMessageBatchMaxSize: opts.batch ?? 1,
      maxReconsumeTimes: opts.maxReconsumeTimes ?? 16,
      log: silentLogger,
      consumeTimeoutMs: 15 * 60_000,
      ack: async (m, wireTopic) => void acked.push({ offset: m.queueOffset, wireTopic }),
      changeInvisibleTime: async (m, _t, ms) => void delayed.push({ offset: m.queueOffset, ms }),
    },
    async (msgs, ctx) => {
      seenTopics.push(...msgs.map((m) => m.topic));
      return listener(msgs, ctx);
    },
    4,
  );
  const pq = new PopProcessQueue();
  return { service, pq, acked, delayed, seenTopics };
}

describe('ConsumeMessagePopService (push consumer, pop mode)', () => {
  test('success acks every message under the wire topic; the handler sees the topic without the namespace', async () => {
    const { service, pq, acked, seenTopics } = setup(async () => 'CONSUME_SUCCESS');
    const list = popped(3);
    pq.incFoundMsg(3);
    service.submitPopConsumeRequest(list, pq, mq);
    await until(() => acked.length === 3, 'three acks');
    expect(acked.map((a) => a.wireTopic)).toEqual(['ns%T', 'ns%T', 'ns%T']);
    expect(seenTopics).toEqual(['T', 'T', 'T']);
    expect(pq.waitAckCount).toBe(0);
  });

  test('RECONSUME_LATER and a throw delay the message by the pop delay level of its reconsume times', async () => {
    let calls = 0;
    const { service, pq, delayed, acked } = setup(async () => {
      if (calls++ === 0) throw new Error('boom');
      return 'RECONSUME_LATER';
    });
    pq.incFoundMsg(2);
    service.submitPopConsumeRequest(popped(1, { reconsumeTimes: 0 }), pq, mq);
    service.submitPopConsumeRequest(popped(1, { reconsumeTimes: 1 }), pq, mq);
    await until(() => delayed.length === 2, 'two delays');
    expect(delayed.map((d) => d.ms).sort((a, b) => a - b)).toEqual([POP_DELAY_LEVEL_S[0]! * 1000, POP_DELAY_LEVEL_S[1]! * 1000]);
    expect(acked).toEqual([]);
    expect(pq.waitAckCount).toBe(0);
  });

  test('ackIndex splits a batch; delayLevelWhenNextConsume picks the level', async () => {
    const { service, pq, acked, delayed } = setup(
      async (_msgs, ctx) => {
        ctx.ackIndex = 0;
        ctx.delayLevelWhenNextConsume = 3;
        return 'CONSUME_SUCCESS';
      },
      { batch: 3 },
    );
    pq.incFoundMsg(3);
    service.submitPopConsumeRequest(popped(3), pq, mq);
    await until(() => acked.length + delayed.length === 3, 'three outcomes');
    expect(acked.map((a) => a.offset)).toEqual([0n]);
    expect(delayed).toEqual([
      { offset: 1n, ms: POP_DELAY_LEVEL_S[3]! * 1000 },
      { offset: 2n, ms: POP_DELAY_LEVEL_S[3]! * 1000 },
    ]);
  });

  test('over the reconsume limit: a young message waits for the level its age reached, an old one is acked', async () => {
    const { service, pq, acked, delayed } = setup(async () => 'RECONSUME_LATER', { maxReconsumeTimes: 2 });
    pq.incFoundMsg(2);
    service.submitPopConsumeRequest(popped(1, { reconsumeTimes: 2, bornAgoMs: 45_000 }), pq, mq);
    const last = POP_DELAY_LEVEL_S[POP_DELAY_LEVEL_S.length - 1]!;
    service.submitPopConsumeRequest(popped(1, { reconsumeTimes: 5, bornAgoMs: last * 2000 + 60_000 }), pq, mq);
    await until(() => acked.length + delayed.length === 2, 'two outcomes');
    // 45 s old: past level 1 (30 s), so level 2 (60 s).
    expect(delayed.map((d) => d.ms)).toEqual([POP_DELAY_LEVEL_S[2]! * 1000]);
    expect(acked).toHaveLength(1);
  });

  test('a message whose invisible time ran out, or of a dropped queue, is neither consumed nor answered', async () => {
    let calls = 0;
    const { service, pq, acked, delayed } = setup(async () => {
      calls++;
      return 'CONSUME_SUCCESS';
    });
    const expired = popped(1, { popTime: Date.now() - 70_000, invisibleMs: 60_000 });
    expect(popDeadline(expired[0]!)).toBeLessThan(Date.now());
    pq.incFoundMsg(1);
    service.submitPopConsumeRequest(expired, pq, mq);
    const dropped = new PopProcessQueue();
    dropped.incFoundMsg(1);
    dropped.dropped = true;
    service.submitPopConsumeRequest(popped(1), dropped, mq);
    await service.shutdown(1000);
    await until(() => pq.waitAckCount === 0 && dropped.waitAckCount === 0, 'released');
    expect(calls).toBe(0);
    expect(acked).toEqual([]);
    expect(delayed).toEqual([]);
  });

  test('a queue dropped while its handler runs reports nothing (the broker gives the message out again)', async () => {
    let release!: () => void;
    const { service, pq, acked, delayed } = setup(async () => {
      await new Promise<void>((r) => (release = r));
      return 'CONSUME_SUCCESS';
    });
    pq.incFoundMsg(1);
    service.submitPopConsumeRequest(popped(1), pq, mq);
    await until(() => release !== undefined, 'handler running');
    pq.dropped = true;
    release();
    expect(await service.shutdown(5000)).toBe(true);
    expect(acked).toEqual([]);
    expect(delayed).toEqual([]);
  });
});
