import { silentLogger } from '../../../src/logger';
import { DefaultMQProducer } from '../../../src/producer/default-mq-producer';
import { Message } from '../../../src/message/message';
import type { MessageExt } from '../../../src/message/message-decoder';
import { FakeRocketMQ } from '../../../src/testing';
import { timerOutMs } from '../../../src/testing/fake-schedule';

let fake: FakeRocketMQ | undefined;
let producer: DefaultMQProducer | undefined;

afterEach(async () => {
  await producer?.shutdown();
  await fake?.close();
  producer = undefined;
  fake = undefined;
});

async function start(options: Parameters<typeof FakeRocketMQ.start>[0]): Promise<{ fake: FakeRocketMQ; producer: DefaultMQProducer }> {
  fake = await FakeRocketMQ.start({ topics: { T: { queues: 1 } }, ...options });
  producer = new DefaultMQProducer({ producerGroup: 'pg_schedule', namesrvAddr: fake.namesrvAddr, logger: silentLogger });
  await producer.start();
  return { fake, producer };
}

/** Waits (bounded) until the topic holds `count` messages. */
async function delivered(f: FakeRocketMQ, topic: string, count: number, timeoutMs = 10_000): Promise<MessageExt[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const got = f.messages(topic);
    if (got.length >= count) return got;
    if (Date.now() > deadline) throw new Error(`${topic} holds ${got.length} of ${count} messages after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

function decodeRecallHandle(handle: string): string[] {
  return Buffer.from(handle.replace(/-/g, '+').replace(/_/g, '/'), 'base64').toString('utf8').split(' ');
}

describe('FakeRocketMQ timer messages (the broker timer wheel)', () => {
  test('TIMER_OUT_MS is the due time rounded down to the slot, one slot earlier when exactly on one', () => {
    expect(timerOutMs(12_345, 1000)).toBe(12_000);
    expect(timerOutMs(13_000, 1000)).toBe(12_000);
    expect(timerOutMs(13_001, 100)).toBe(13_000);
  });

  test('held in rmq_sys_wheel_timer until its slot, then stored in its topic with the wheel properties; the send answers a recall handle', async () => {
    const { fake: f, producer: p } = await start({ timerPrecisionMs: 100 });
    const first = await p.send(new Message('T', 'timer one', { delayTimeMs: 400 }));
    const second = await p.send(new Message('T', 'timer two', { delayTimeMs: 400 }));
    // The answer describes the held record: consecutive offsets in the wheel's queue.
    expect([first.queueOffset, second.queueOffset]).toEqual([0n, 1n]);
    expect(f.messages('T')).toEqual([]);
    const [handleVersion, handleTopic, handleBroker, handleTime, handleId] = decodeRecallHandle(first.recallHandle!);
    expect([handleVersion, handleTopic, handleBroker, handleId]).toEqual(['v1', 'T', 'broker-a', first.msgId]);

    const got = await delivered(f, 'T', 2);
    const m = got.find((x) => x.msgId === first.msgId)!;
    const out = Number(m.getProperty('TIMER_OUT_MS'));
    expect(Number(handleTime)).toBe(out + 1);
    expect(out % 100).toBe(0);
    expect(out).toBeLessThanOrEqual(m.bornTimestamp + 400 + 50);
    expect(out).toBeGreaterThan(m.bornTimestamp + 400 - 100 - 50);
    expect(m.storeTimestamp).toBeGreaterThanOrEqual(out);
    const enqueued = Number(m.getProperty('TIMER_ENQUEUE_MS'));
    expect(enqueued % 100).toBe(0);
    expect(enqueued).toBeLessThanOrEqual(out);
    expect(Number(m.getProperty('TIMER_DEQUEUE_MS'))).toBeGreaterThanOrEqual(out);
    expect({ realTopic: m.getProperty('REAL_TOPIC'), realQid: m.getProperty('REAL_QID'), delayMs: m.getProperty('TIMER_DELAY_MS') }).toEqual({
      realTopic: 'T',
      realQid: '0',
      delayMs: '400',
    });
    expect(m.body.toString()).toBe('timer one');
  });

  test('deliverTimeMs exactly on a slot is due one slot earlier; a due time in the past is stored at once, untouched', async () => {
    const { fake: f, producer: p } = await start({ timerPrecisionMs: 100 });
    const at = Math.ceil((Date.now() + 500) / 100) * 100;
    const onSlot = await p.send(new Message('T', 'on a slot', { deliverTimeMs: at }));
    const past = await p.send(new Message('T', 'in the past', { deliverTimeMs: Date.now() - 1000 }));
    expect(past.recallHandle).toBeUndefined();
    const now = f.messages('T');
    expect(now.map((m) => m.body.toString())).toEqual(['in the past']);
    expect(now[0]!.getProperty('TIMER_OUT_MS')).toBeUndefined();
    const got = await delivered(f, 'T', 2);
    expect(got.find((m) => m.msgId === onSlot.msgId)!.getProperty('TIMER_OUT_MS')).toBe(String(at - 100));
  });

  test('a DELAY level wins over timer properties (dropped), is held in its own schedule queue, capped at the highest level', async () => {
    const { fake: f, producer: p } = await start({ delayLevelsMs: [100, 200] });
    const msg = new Message('T', 'level and timer', { delayTimeLevel: 1, properties: { k: 'v' } });
    msg.putProperty('TIMER_DELAY_MS', '60000');
    const level1 = await p.send(msg);
    const level1Again = await p.send(new Message('T', 'level 1 again', { delayTimeLevel: 1 }));
    const capped = await p.send(new Message('T', 'level 9', { delayTimeLevel: 9 }));
    // Queue level-1 of the schedule topic: levels 1 and 1 share queue 0, the capped level 2 has queue 1 to itself.
    expect([level1.queueOffset, level1Again.queueOffset, capped.queueOffset]).toEqual([0n, 1n, 0n]);
    expect(level1.recallHandle).toBeUndefined();
    const got = await delivered(f, 'T', 3);
    const byId = new Map(got.map((m) => [m.msgId, m]));
    const m = byId.get(level1.msgId)!;
    expect([m.getProperty('DELAY'), m.getProperty('TIMER_DELAY_MS'), m.getProperty('TIMER_OUT_MS'), m.getUserProperty('k')]).toEqual(['1', undefined, undefined, 'v']);
    expect(m.storeTimestamp).toBeGreaterThanOrEqual(m.bornTimestamp + 100);
    expect(byId.get(capped.msgId)!.getProperty('DELAY')).toBe('2');
  });

  test('timerPrecisionMs must be a positive integer', async () => {
    await expect(FakeRocketMQ.start({ timerPrecisionMs: 0 })).rejects.toBeInstanceOf(RangeError);
    await expect(FakeRocketMQ.start({ timerPrecisionMs: 1.5 })).rejects.toBeInstanceOf(RangeError);
  });
});
