/**
 * Delay levels and 5.x timer messages against the real broker: the message reaches its topic only when due.
 * A delayed message first lands in SCHEDULE_TOPIC_XXXX (levels) or the timer wheel (timer properties); the copy
 * the broker later puts into the real topic carries the time it was put there (its store timestamp), which is
 * what a consumer can see. Levels 1 and 2 are 1 s and 5 s with the broker's default messageDelayLevel. The
 * timer wheel rounds the due time down to timerPrecisionMs (1 s) and records it as TIMER_OUT_MS.
 */
import { DefaultMQProducer, Message, type MessageExt, type SendResult } from '../../src/index';
import { describeBroker, namesrvAddr, uniqueName } from './helpers/broker';
import { eventually, TopicReader } from './helpers/feature-support';

jest.setTimeout(180_000);

const TIMER_PRECISION_MS = 1000;

describeBroker('feature: delay levels and timer messages against a real broker', () => {
  const topic = uniqueName('rmqts_delay');
  let producer: DefaultMQProducer;
  let reader: TopicReader;

  beforeAll(async () => {
    producer = new DefaultMQProducer({ producerGroup: uniqueName('rmqts_delayg'), namesrvAddr: namesrvAddr() });
    await producer.start();
    reader = new TopicReader(namesrvAddr());
    await producer.createTopic('TBW102', topic, 2);
    await eventually(async () => ((await producer.fetchPublishMessageQueues(topic)).length > 0 ? true : undefined), `route of ${topic}`, 60_000);
  });

  afterAll(async () => {
    await producer?.shutdown();
    await reader?.close();
  });

  test('each message becomes visible in its topic no earlier than due, and within the run', async () => {
    const deliverAt = Date.now() + 3000;
    const cases: Array<{ name: string; msg: Message; delayMs: number; timer: boolean }> = [
      { name: 'now', msg: new Message(topic, 'now'), delayMs: 0, timer: false },
      { name: 'level1', msg: new Message(topic, 'level1', { delayTimeLevel: 1 }), delayMs: 1000, timer: false },
      { name: 'level2', msg: new Message(topic, 'level2', { delayTimeLevel: 2 }), delayMs: 5000, timer: false },
      { name: 'timerMs', msg: new Message(topic, 'timerMs', { delayTimeMs: 3000 }), delayMs: 3000, timer: true },
      { name: 'timerSec', msg: new Message(topic, 'timerSec', { delayTimeSec: 2 }), delayMs: 2000, timer: true },
      { name: 'deliverAt', msg: new Message(topic, 'deliverAt', { deliverTimeMs: deliverAt }), delayMs: deliverAt - Date.now(), timer: true },
    ];
    const sent: Array<{ c: (typeof cases)[number]; result: SendResult; sentAt: number }> = [];
    for (const c of cases) {
      const sentAt = Date.now();
      sent.push({ c, result: await producer.send(c.msg), sentAt });
    }

    // Watch the topic: when did each message first show up, and when was it last seen absent?
    const firstSeen = new Map<string, { at: number; msg: MessageExt }>();
    const lastAbsent = new Map<string, number>();
    await eventually(async () => {
      const polledAt = Date.now();
      const present = new Map((await reader.readAll(topic)).map((m) => [m.getProperty('UNIQ_KEY')!, m]));
      for (const { result } of sent) {
        const m = present.get(result.msgId);
        if (m && !firstSeen.has(result.msgId)) firstSeen.set(result.msgId, { at: polledAt, msg: m });
        if (!m) lastAbsent.set(result.msgId, polledAt);
      }
      return firstSeen.size === sent.length ? true : undefined;
    }, 'every message delivered to the topic', 60_000, 200);

    for (const { c, result, sentAt } of sent) {
      const { msg } = firstSeen.get(result.msgId)!;
      expect(msg.body.toString()).toBe(c.name);
      // The copy in the topic was put there when due: never before born + delay (minus the wheel's rounding).
      const earliest = msg.bornTimestamp + c.delayMs - (c.timer ? TIMER_PRECISION_MS : 0);
      expect(msg.storeTimestamp).toBeGreaterThanOrEqual(earliest);
      // And it did come: within a generous bound for a loaded CI machine.
      expect(msg.storeTimestamp - msg.bornTimestamp).toBeLessThan(c.delayMs + 20_000);
      // Nothing was visible before it was stored.
      const absent = lastAbsent.get(result.msgId);
      if (absent !== undefined && c.delayMs > 0) expect(absent).toBeLessThanOrEqual(msg.storeTimestamp + 1000);
      expect(sentAt).toBeLessThanOrEqual(msg.storeTimestamp + 50);
      if (c.timer) {
        const out = Number(msg.getProperty('TIMER_OUT_MS'));
        expect(out % TIMER_PRECISION_MS).toBe(0);
        expect(msg.storeTimestamp).toBeGreaterThanOrEqual(out);
        if (c.name === 'deliverAt') {
          expect(out).toBeLessThanOrEqual(deliverAt);
          expect(out).toBeGreaterThan(deliverAt - TIMER_PRECISION_MS - 1);
        }
      }
    }
    // A delayed copy keeps the producer's id; the immediate one was not delayed at all.
    const now = firstSeen.get(sent[0]!.result.msgId)!.msg;
    expect(now.getProperty('DELAY')).toBeUndefined();
    expect(firstSeen.get(sent[1]!.result.msgId)!.msg.getProperty('DELAY')).toBe('1');
  });
});
