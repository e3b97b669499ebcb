/**
 * What rocketmq-ts sends, read back by the broker's own tools (mqadmin queryMsgById with the offset id,
 * queryMsgByUniqueKey with UNIQ_KEY, queryMsgByKey, printMsg, topicStatus) and by the Java client
 * (test/e2e/java-consumer), field by field. mqadmin costs a JVM start per call, so each call covers many messages.
 */
import { readFileSync } from 'node:fs';
import { DefaultMQProducer, Message, type SendResult } from '../../src/index';
import { consumeWithJava, type JavaConsumedMessage } from './helpers/java-consumer';
import { mqadmin, namesrvAddr, parseJavaMap, parseMessageViews, runId, waitForRoute } from './helpers/producer-e2e';

const RUN = runId();
const TOPIC = `rmqts_send_${RUN}`;
const GROUP = `rmqts_send_group_${RUN}`;

// MessageSysFlag: the producer sends COMPRESSED_FLAG (0x1) | ZLIB type (0x300). Readers that inflate the body
// (mqadmin, the Java consumer) clear 0x1 on the decoded message, so they show the type bits only: 0x300 = 768,
// exactly what a message from the Java producer shows.
const COMPRESSION_TYPE_MASK = 0x700;
const ZLIB_TYPE = 0x300;

/** A batch lands in one queue: its result carries the first member's offset, the others follow. */
function expectedQueueOffset(s: Sent): bigint {
  return s.result.queueOffset + BigInt(s.batchIndex ?? 0);
}

interface Sent {
  name: string;
  msg: Message;
  body: Buffer;
  tags?: string;
  keys: string[];
  flag: number;
  props: Record<string, string>;
  result: SendResult;
  /** Offset msgId of this message (batch results carry a comma-joined list). */
  offsetMsgId: string;
  uniqKey: string;
  batchIndex?: number;
}

function bigBody(): Buffer {
  // Compressible yet not trivial: 12 KiB of varied text.
  const parts: string[] = [];
  for (let i = 0; parts.join('').length < 12 * 1024; i++) parts.push(`line ${i}: the quick brown fox ${i * 7919}\n`);
  return Buffer.from(parts.join(''), 'utf8');
}

describe('messages produced by rocketmq-ts, read back by the broker and the Java client', () => {
  let producer: DefaultMQProducer;
  const sent: Sent[] = [];
  const byName = (name: string): Sent => {
    const s = sent.find((x) => x.name === name);
    if (!s) throw new Error(`no sent message named ${name}`);
    return s;
  };

  beforeAll(async () => {
    producer = new DefaultMQProducer({ producerGroup: GROUP, namesrvAddr: namesrvAddr() });
    await producer.start();
    await producer.createTopic('TBW102', TOPIC, 4);
    await waitForRoute(producer, TOPIC);

    const one = async (
      name: string,
      body: Buffer,
      o: { tags?: string; keys?: string[]; flag?: number; props?: Record<string, string> },
    ): Promise<void> => {
      const msg = new Message(TOPIC, body, { tags: o.tags, keys: o.keys, flag: o.flag });
      for (const [k, v] of Object.entries(o.props ?? {})) msg.putUserProperty(k, v);
      const result = await producer.send(msg);
      sent.push({
        name,
        msg,
        body,
        tags: o.tags,
        keys: o.keys ?? [],
        flag: o.flag ?? 0,
        props: o.props ?? {},
        result,
        offsetMsgId: result.offsetMsgId,
        uniqKey: result.msgId,
      });
    };

    await one('plain', Buffer.from('hello from rocketmq-ts: ünïcødé ✓', 'utf8'), {
      tags: 'TagA',
      keys: [`k1_${RUN}`, `k2_${RUN}`],
      flag: 7,
      props: { color: 'blue', answer: '42' },
    });
    await one('binary', Buffer.from(Array.from({ length: 256 }, (_, i) => i)), { tags: 'Bin', keys: [`bin_${RUN}`] });
    await one('compressed', bigBody(), { tags: 'Big', keys: [`big_${RUN}`], props: { size: 'large' } });

    const members = [0, 1, 2, 3].map((i) => {
      const body = Buffer.from(`batch member ${i} of ${RUN}`, 'utf8');
      const msg = new Message(TOPIC, body, { tags: 'Batch', keys: [`batch${i}_${RUN}`], flag: 100 + i });
      msg.putUserProperty('member', String(i));
      return { msg, body, i };
    });
    const batchResult = await producer.send(members.map((m) => m.msg));
    const offsetIds = batchResult.offsetMsgId.split(',');
    const uniqKeys = batchResult.msgId.split(',');
    expect(offsetIds).toHaveLength(members.length);
    expect(uniqKeys).toHaveLength(members.length);
    for (const m of members) {
      sent.push({
        name: `batch${m.i}`,
        msg: m.msg,
        body: m.body,
        tags: 'Batch',
        keys: [`batch${m.i}_${RUN}`],
        flag: 100 + m.i,
        props: { member: String(m.i) },
        result: batchResult,
        offsetMsgId: offsetIds[m.i]!,
        uniqKey: uniqKeys[m.i]!,
        batchIndex: m.i,
      });
    }
  }, 60_000);

  afterAll(async () => {
    await producer?.shutdown();
  });

  test('every send returned SEND_OK with both ids and a queue of the topic', () => {
    for (const s of sent) {
      expect(s.result.sendStatus).toBe('SEND_OK');
      expect(s.uniqKey).toMatch(/^[0-9A-F]{32}([0-9A-F]{24})?$/);
      expect(s.offsetMsgId).toMatch(/^[0-9A-F]{32}([0-9A-F]{24})?$/);
      expect(s.result.messageQueue.topic).toBe(TOPIC);
    }
  });

  test('mqadmin queryMsgById (offset ids) shows body, tags, keys, flag-carrying properties and the zlib sysFlag', async () => {
    const out = await mqadmin(['queryMsgById', '-t', TOPIC, '-i', sent.map((s) => s.offsetMsgId).join(',')]);
    const views = parseMessageViews(out);
    expect(views).toHaveLength(sent.length);
    for (const s of sent) {
      const v = views.find((x) => x.fields['OffsetID'] === s.offsetMsgId);
      expect(v).toBeDefined();
      const props = parseJavaMap(v!.fields['Properties'] ?? '');
      expect(v!.fields['Topic']).toBe(TOPIC);
      expect(v!.fields['Tags']).toBe(`[${s.tags}]`);
      expect(v!.fields['Keys']).toBe(`[${s.keys.join(' ')}]`);
      expect(props['UNIQ_KEY']).toBe(s.uniqKey);
      expect(props['WAIT']).toBe('true');
      for (const [k, val] of Object.entries(s.props)) expect(props[k]).toBe(val);
      expect(Number(v!.fields['Queue ID'])).toBe(s.result.messageQueue.queueId);
      expect(BigInt(v!.fields['Queue Offset']!)).toBe(expectedQueueOffset(s));
      // The admin tool writes the (decompressed) body to a file and prints its path.
      expect(readFileSync(v!.fields['Message Body Path']!)).toEqual(s.body);
      const sysFlag = Number(v!.fields['System Flag']);
      expect({ name: s.name, zlib: (sysFlag & COMPRESSION_TYPE_MASK) === ZLIB_TYPE }).toEqual({
        name: s.name,
        zlib: s.name === 'compressed',
      });
    }
  });

  test('mqadmin queryMsgByUniqueKey finds a single message and a batch member by UNIQ_KEY', async () => {
    for (const name of ['plain', 'batch2']) {
      const s = byName(name);
      const out = await mqadmin(['queryMsgByUniqueKey', '-t', TOPIC, '-i', s.uniqKey]);
      const [v] = parseMessageViews(out);
      expect(v).toBeDefined();
      expect(v!.fields['Tags']).toBe(`[${s.tags}]`);
      expect(v!.fields['Keys']).toBe(`[${s.keys.join(' ')}]`);
      expect(readFileSync(v!.fields['Message Body Path']!)).toEqual(s.body);
      expect(parseJavaMap(v!.fields['Properties'] ?? '')['UNIQ_KEY']).toBe(s.uniqKey);
    }
  });

  test('mqadmin queryMsgByKey finds the message under each of its keys (the broker index)', async () => {
    const s = byName('plain');
    for (const key of s.keys) {
      const out = await mqadmin(['queryMsgByKey', '-t', TOPIC, '-k', key]);
      const rows = out
        .split('\n')
        .map((l) => /^([0-9A-F]{32,56})\s+(\d+)\s+(\d+)\s*$/.exec(l.trim()))
        .filter((m): m is RegExpExecArray => m !== null);
      expect(rows.map((r) => r[1])).toContain(s.uniqKey);
    }
  });

  test('mqadmin printMsg lists every message of the topic, batch members included, with flag and properties', async () => {
    const out = await mqadmin(['printMsg', '-t', TOPIC, '-d', 'true']);
    for (const s of sent) {
      const line = out.split('\n').find((l) => l.startsWith(`MSGID: ${s.uniqKey} `));
      expect(line).toBeDefined();
      expect(line).toContain(`flag=${s.flag},`);
      expect(line).toContain(`TAGS=${s.tags}`);
      for (const [k, v] of Object.entries(s.props)) expect(line).toMatch(new RegExp(`[{ ]${k}=${v}[,}]`));
      if (s.name !== 'binary') expect(line!.endsWith(`BODY: ${s.body.toString('utf8')}`)).toBe(true);
      if (s.name === 'compressed') {
        // Stored compressed: the record in the commit log is far smaller than the body it carries.
        const storeSize = Number(/storeSize=(\d+),/.exec(line!)?.[1]);
        expect(storeSize).toBeLessThan(s.body.length / 2);
      }
    }
  });

  test('the Java consumer receives every message with the fields that were sent', async () => {
    const r = await consumeWithJava({ namesrvAddr: namesrvAddr(), topic: TOPIC, count: sent.length, timeoutMs: 30_000 });
    expect({ exitCode: r.exitCode, got: r.messages.length }).toEqual({ exitCode: 0, got: sent.length });
    const byId = new Map<string, JavaConsumedMessage>(r.messages.map((m) => [m.msgId ?? '', m]));
    for (const s of sent) {
      const m = byId.get(s.uniqKey);
      expect(m).toBeDefined();
      expect({
        name: s.name,
        topic: m!.topic,
        tags: m!.tags,
        keys: m!.keys,
        flag: m!.flag,
        offsetMsgId: m!.offsetMsgId,
        body: m!.body.toString('base64'),
        userProperties: m!.userProperties,
        waitStoreMsgOK: m!.waitStoreMsgOK,
      }).toEqual({
        name: s.name,
        topic: TOPIC,
        tags: s.tags ?? null,
        keys: s.keys.length ? s.keys.join(' ') : null,
        flag: s.flag,
        offsetMsgId: s.offsetMsgId,
        body: s.body.toString('base64'),
        userProperties: s.props,
        waitStoreMsgOK: 'true',
      });
      expect(m!.queueId).toBe(s.result.messageQueue.queueId);
      expect(BigInt(m!.queueOffset)).toBe(expectedQueueOffset(s));
      expect({ name: s.name, zlib: (m!.sysFlag & COMPRESSION_TYPE_MASK) === ZLIB_TYPE }).toEqual({
        name: s.name,
        zlib: s.name === 'compressed',
      });
    }
  }, 90_000);

  describe('delay-level and timer messages', () => {
    const DELAY_TOPIC = `rmqts_delay_${RUN}`;
    const scheduled: Array<{ name: string; body: Buffer; result: SendResult; prop: [string, string | RegExp] }> = [];

    beforeAll(async () => {
      await producer.createTopic('TBW102', DELAY_TOPIC, 2);
      await waitForRoute(producer, DELAY_TOPIC);
      const deliverAt = Date.now() + 3000;
      const plan: Array<[string, Message, [string, string | RegExp]]> = [
        ['delay level 1', new Message(DELAY_TOPIC, 'delayed by level 1', { delayTimeLevel: 1 }), ['DELAY', '1']],
        ['timer delay 2 s', new Message(DELAY_TOPIC, 'timer: 2000 ms', { delayTimeMs: 2000 }), ['TIMER_DELAY_MS', '2000']],
        ['timer deliver-at', new Message(DELAY_TOPIC, 'timer: deliver at', { deliverTimeMs: deliverAt }), ['TIMER_DELIVER_MS', String(deliverAt)]],
      ];
      for (const [name, msg, prop] of plan) {
        msg.putUserProperty('kind', name.replace(/ /g, '_'));
        const result = await producer.send(msg);
        scheduled.push({ name, body: Buffer.from(msg.body), result, prop });
      }
    }, 60_000);

    test('are stored with their schedule properties (mqadmin queryMsgById on the offset ids)', async () => {
      const out = await mqadmin(['queryMsgById', '-t', DELAY_TOPIC, '-i', scheduled.map((s) => s.result.offsetMsgId).join(',')]);
      const views = parseMessageViews(out);
      expect(views).toHaveLength(scheduled.length);
      for (const s of scheduled) {
        expect(s.result.sendStatus).toBe('SEND_OK');
        const v = views.find((x) => x.fields['OffsetID'] === s.result.offsetMsgId);
        expect(v).toBeDefined();
        const props = parseJavaMap(v!.fields['Properties'] ?? '');
        // Held in the broker's schedule/timer topic until due, the real topic kept aside.
        expect({ name: s.name, realTopic: props['REAL_TOPIC'] }).toEqual({ name: s.name, realTopic: DELAY_TOPIC });
        expect(props['UNIQ_KEY']).toBe(s.result.msgId);
        expect(props[s.prop[0]]).toMatch(s.prop[1]);
        expect(readFileSync(v!.fields['Message Body Path']!)).toEqual(s.body);
      }
    });

    test('reach the Java consumer once due, same UNIQ_KEY and body', async () => {
      const r = await consumeWithJava({ namesrvAddr: namesrvAddr(), topic: DELAY_TOPIC, count: scheduled.length, timeoutMs: 40_000 });
      expect({ exitCode: r.exitCode, got: r.messages.length }).toEqual({ exitCode: 0, got: scheduled.length });
      for (const s of scheduled) {
        const m = r.messages.find((x) => x.msgId === s.result.msgId);
        expect(m).toBeDefined();
        expect(m!.body).toEqual(s.body);
        expect(m!.userProperties).toEqual({ kind: s.name.replace(/ /g, '_') });
        expect(m!.realTopic).toBe(DELAY_TOPIC);
        expect(m!.systemProperties[s.prop[0]]).toMatch(s.prop[1]);
      }
    }, 90_000);
  });
});
