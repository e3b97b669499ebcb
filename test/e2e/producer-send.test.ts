/**
 * What rocketmq-ts sends, read back by the broker's own tools (mqadmin queryMsgById with the offset id,
 * queryMsgByUniqueKey with UNIQ_KEY, queryMsgByKey, printMsg, topicStatus) and by the Java client
 * (test/e2e/java-consumer), field by field. mqadmin costs a JVM start per call, so each call covers many messages.
 */
import { readFileSync } from 'node:fs';
import { DefaultMQProducer, Message, type MessageQueue, type SendResult } from '../../src/index';
import { admin, describeBroker, namesrvAddr, parseQueryMsgById, rocketmqVersion, uniqueName } from './helpers/broker';
import { consumeWithJava, type JavaConsumedMessage } from './helpers/java-consumer';

// Each mqadmin call and the Java consumer start a JVM (2-6 s); jest's project-level testTimeout is not applied.
jest.setTimeout(120_000);

const RUN = uniqueName('r');
const TOPIC = `rmqts_send_${RUN}`;
const GROUP = `rmqts_send_group_${RUN}`;

// MessageSysFlag: the producer sends COMPRESSED_FLAG (0x1) | ZLIB type (0x300). Readers that inflate the body
// (mqadmin, the Java consumer) clear 0x1 on the decoded message, so they show the type bits only: 0x300 = 768,
// exactly what a message from the Java producer shows.
const COMPRESSION_TYPE_MASK = 0x700;
const ZLIB_TYPE = 0x300;

/** Parses Java's `AbstractMap.toString()`: `{a=1, b=2}`. Values must not contain ", " (ours never do). */
function parseJavaMap(text: string): Record<string, string> {
  const inner = text.trim().replace(/^\{/, '').replace(/\}$/, '');
  const out: Record<string, string> = {};
  for (const part of inner ? inner.split(', ') : []) {
    const eq = part.indexOf('=');
    if (eq > 0) out[part.slice(0, eq)] = part.slice(eq + 1);
  }
  return out;
}

/** A topic created on the broker reaches the NameServer with the broker's registration: poll briefly. */
async function waitForRoute(producer: DefaultMQProducer, topic: string, timeoutMs = 30_000): Promise<MessageQueue[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const queues = await producer.fetchPublishMessageQueues(topic).catch((err: unknown) => {
      if (Date.now() >= deadline) throw err;
      return [];
    });
    if (queues.length > 0) return queues;
    if (Date.now() >= deadline) throw new Error(`no route for ${topic} after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 300));
  }
}

/** A batch lands in one queue: its result carries the first member's offset, the others follow. */
function expectedQueueOffset(s: Sent): bigint {
  return s.result.queueOffset + BigInt(s.batchIndex ?? 0);
}

/**
 * mqadmin prints "WARN: No Consumer" without a line break, so the next message's "OffsetID:" lands on the same
 * line: split it off before parsing.
 */
function parseViews(out: string): Array<Record<string, string>> {
  return parseQueryMsgById(out.replace(/WARN: No Consumer(?=\S)/g, 'WARN: No Consumer\n'));
}

interface Sent {
  name: string;
  body: Buffer;
  tags: string;
  keys: string[];
  flag: number;
  props: Record<string, string>;
  result: SendResult;
  /** Offset msgId of this message (batch results carry a comma-joined list). */
  offsetMsgId: string;
  /** The msgId the send returned for this message (UNIQ_KEY; for a batch member, its entry in the list). */
  msgId: string;
  /**
   * UNIQ_KEY as stored. For a batch member this is the batch's own UNIQ_KEY (result.transactionId), not the
   * member's: the broker appends the batch's properties to each member's, and the later UNIQ_KEY wins. The Java
   * 5.3.3 producer gets exactly the same from a 5.3.3 broker (checked with the Java client while writing this).
   * Other versions differ (see the batch send below), so for batch members it is read back from the broker.
   */
  storedUniqKey: string;
  batchIndex?: number;
}

function bigBody(): Buffer {
  // Compressible yet not trivial: 12 KiB of varied text.
  const parts: string[] = [];
  for (let i = 0; parts.join('').length < 12 * 1024; i++) parts.push(`line ${i}: the quick brown fox ${i * 7919}\n`);
  return Buffer.from(parts.join(''), 'utf8');
}

/**
 * Whether the stored message keeps WAIT=true: a 4.9.7 broker drops it from a single message (the same client sends
 * it to every version; 5.x stores it), while batch members get it from the batch's properties appended to theirs.
 */
const storesWait = (s: { batchIndex?: number }): boolean => !rocketmqVersion().startsWith('4.') || s.batchIndex !== undefined;

/** mqadmin queryMsgById: 4.9's has no -t (topic) or -f (body charset) option and exits 1 when given them. */
function queryMsgById(topic: string, ids: string[], utf8Body = false): Promise<string> {
  if (rocketmqVersion().startsWith('4.')) return admin('queryMsgById', '-i', ids.join(','));
  return admin('queryMsgById', '-t', topic, ...(utf8Body ? ['-f', 'UTF-8'] : []), '-i', ids.join(','));
}

describeBroker('messages produced by rocketmq-ts, read back by the broker and the Java client', () => {
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
      o: { tags: string; keys: string[]; flag?: number; props?: Record<string, string> },
    ): Promise<void> => {
      const msg = new Message(TOPIC, body, { tags: o.tags, keys: o.keys, flag: o.flag });
      for (const [k, v] of Object.entries(o.props ?? {})) msg.putUserProperty(k, v);
      const result = await producer.send(msg);
      sent.push({
        name,
        body,
        tags: o.tags,
        keys: o.keys,
        flag: o.flag ?? 0,
        props: o.props ?? {},
        result,
        offsetMsgId: result.offsetMsgId,
        msgId: result.msgId,
        storedUniqKey: result.msgId,
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
    const msgIds = batchResult.msgId.split(',');
    // The UNIQ_KEY a batch member is stored under depends on the broker: 5.3.3 stores the batch's own (and returns
    // it as transactionId), 4.9.7 the batch's too but returns none, 5.5.0 the member's own. Read it back.
    const memberViews = parseViews(await queryMsgById(TOPIC, offsetIds));
    const storedKey = (offsetId: string | undefined): string =>
      parseJavaMap(memberViews.find((v) => v['OffsetID'] === offsetId)?.['Properties'] ?? '')['UNIQ_KEY'] ?? '';
    for (const m of members) {
      sent.push({
        name: `batch${m.i}`,
        body: m.body,
        tags: 'Batch',
        keys: [`batch${m.i}_${RUN}`],
        flag: 100 + m.i,
        props: { member: String(m.i) },
        result: batchResult,
        offsetMsgId: offsetIds[m.i] ?? '',
        msgId: msgIds[m.i] ?? '',
        storedUniqKey: storedKey(offsetIds[m.i]),
        batchIndex: m.i,
      });
    }
  }, 60_000);

  afterAll(async () => {
    await producer?.shutdown();
  });

  test('every send returned SEND_OK, both ids, and a queue of the topic; a batch one id per member', () => {
    const ID = /^[0-9A-F]{32}([0-9A-F]{24})?$/;
    for (const s of sent) {
      expect(s.result.sendStatus).toBe('SEND_OK');
      expect(s.msgId).toMatch(ID);
      expect(s.offsetMsgId).toMatch(ID);
      expect(s.storedUniqKey).toMatch(ID);
      expect(s.result.messageQueue.topic).toBe(TOPIC);
    }
    const batch = sent.filter((s) => s.batchIndex !== undefined);
    expect(new Set(batch.map((s) => s.msgId)).size).toBe(batch.length);
    expect(new Set(batch.map((s) => s.offsetMsgId)).size).toBe(batch.length);
  });

  test('mqadmin queryMsgById (offset ids): topic, tags, keys, properties, queue, body and the zlib sysFlag', async () => {
    const out = await queryMsgById(TOPIC, sent.map((s) => s.offsetMsgId), true);
    const views = parseViews(out);
    expect(views).toHaveLength(sent.length);
    for (const s of sent) {
      const v = views.find((x) => x['OffsetID'] === s.offsetMsgId);
      if (!v) throw new Error(`queryMsgById did not print ${s.name} (${s.offsetMsgId}):\n${out}`);
      const props = parseJavaMap(v['Properties'] ?? '');
      expect({
        name: s.name,
        topic: v['Topic'],
        tags: v['Tags'],
        keys: v['Keys'],
        uniqKey: props['UNIQ_KEY'],
        wait: props['WAIT'],
        user: Object.fromEntries(Object.keys(s.props).map((k) => [k, props[k]])),
        queueId: Number(v['Queue ID']),
        queueOffset: BigInt(v['Queue Offset'] ?? -1),
        zlib: (Number(v['System Flag']) & COMPRESSION_TYPE_MASK) === ZLIB_TYPE,
      }).toEqual({
        name: s.name,
        topic: TOPIC,
        tags: `[${s.tags}]`,
        keys: `[${s.keys.join(' ')}]`,
        uniqKey: s.storedUniqKey,
        wait: storesWait(s) ? 'true' : undefined,
        user: s.props,
        queueId: s.result.messageQueue.queueId,
        queueOffset: expectedQueueOffset(s),
        zlib: s.name === 'compressed',
      });
      if (s.batchIndex === undefined) {
        // The admin tool writes the (inflated) body to a file named after the UNIQ_KEY and prints its path.
        expect(readFileSync(v['Message Body Path'] ?? '')).toEqual(s.body);
      } else if (rocketmqVersion().startsWith('4.')) {
        // Batch members share that file name (same stored UNIQ_KEY), and 4.9's queryMsgById cannot print bodies
        // (no -f): their bodies are checked by the Java consumer test.
        expect(v['Message Body Path']).toBeDefined();
      } else {
        // Batch members share that file name (same stored UNIQ_KEY): use the printed body instead.
        expect(v['Message Body']).toBe(s.body.toString('utf8'));
      }
    }
  });

  test('mqadmin queryMsgByUniqueKey finds a message by its UNIQ_KEY, and a batch member by the stored one', async () => {
    // One JVM per call, one after the other: side by side they starve each other on small CI machines (mqadmin's
    // own 3 s name-server timeout then fires).
    for (const name of ['plain', 'batch2']) {
      const s = byName(name);
      const out = await admin('queryMsgByUniqueKey', '-t', TOPIC, '-i', s.storedUniqKey);
      const [v] = parseViews(out);
      if (!v) throw new Error(`queryMsgByUniqueKey found nothing for ${name}:\n${out}`);
      expect(parseJavaMap(v['Properties'] ?? '')['UNIQ_KEY']).toBe(s.storedUniqKey);
      if (s.batchIndex === undefined) {
        expect(v['Tags']).toBe(`[${s.tags}]`);
        expect(v['Keys']).toBe(`[${s.keys.join(' ')}]`);
        expect(readFileSync(v['Message Body Path'] ?? '')).toEqual(s.body);
      } else {
        // Every member is indexed under the batch's key; the tool shows one of them.
        expect(v['Tags']).toBe('[Batch]');
      }
    }
  });

  test('mqadmin queryMsgByKey finds messages by any of their keys (the broker index)', async () => {
    // The second key of a two-key message, and a batch member's key.
    const lookups = [
      ['plain', `k2_${RUN}`],
      ['batch3', `batch3_${RUN}`],
    ] as const;
    for (const [i, [name, key]] of lookups.entries()) {
      const out = await admin('queryMsgByKey', '-t', TOPIC, '-k', key);
      const rows = out
        .split('\n')
        // 5.5 adds an #IndexKey column
        .map((l) => /^([0-9A-F]{32,56})\s+(\d+)\s+(\d+)(\s+\S+)?$/.exec(l.trim()))
        .filter((m): m is RegExpExecArray => m !== null)
        .map((m) => ({ id: m[1], queueId: Number(m[2]), offset: BigInt(m[3]!) }));
      const s = byName(name);
      const want = { id: s.storedUniqKey, queueId: s.result.messageQueue.queueId, offset: expectedQueueOffset(s) };
      if (!rows.some((r) => r.id === want.id && r.queueId === want.queueId && r.offset === want.offset)) {
        throw new Error(`queryMsgByKey ${lookups[i]![1]} did not list ${name} ${JSON.stringify({ ...want, offset: String(want.offset) })}:\n${out}`);
      }
    }
  });

  test('mqadmin printMsg lists every message of the topic, batch members included, with flag and properties', async () => {
    const out = await admin('printMsg', '-t', TOPIC, '-d', 'true');
    const lines = out.split('\n').filter((l) => l.startsWith('MSGID: '));
    expect(lines).toHaveLength(sent.length);
    for (const s of sent) {
      // Identify each record by its offset id (printMsg's MSGID is the stored UNIQ_KEY, shared within a batch).
      const line = lines.find((l) => l.includes(`msgId=${s.offsetMsgId},`));
      if (!line) throw new Error(`printMsg did not list ${s.name} (${s.offsetMsgId}):\n${out.slice(0, 4000)}`);
      expect(line.startsWith(`MSGID: ${s.storedUniqKey} `)).toBe(true);
      expect(line).toContain(`flag=${s.flag},`);
      expect(line).toContain(`TAGS=${s.tags}`);
      for (const [k, v] of Object.entries(s.props)) expect(line).toMatch(new RegExp(`[{ ]${k}=${v}[,}]`));
      if (s.name === 'plain' || s.batchIndex !== undefined) expect(line.endsWith(`BODY: ${s.body.toString('utf8')}`)).toBe(true);
      if (s.name === 'compressed') {
        // Stored compressed: the record in the commit log is far smaller than the body it carries.
        const storeSize = Number(/storeSize=(\d+),/.exec(line)?.[1]);
        expect(storeSize).toBeLessThan(s.body.length / 2);
      }
    }
  });

  test('the Java consumer receives every message with the fields that were sent', async () => {
    const r = await consumeWithJava({ namesrvAddr: namesrvAddr(), topic: TOPIC, count: sent.length, timeoutMs: 30_000 });
    expect({ exitCode: r.exitCode, got: r.messages.length }).toEqual({ exitCode: 0, got: sent.length });
    const byOffsetId = new Map<string, JavaConsumedMessage>(r.messages.map((m) => [m.offsetMsgId, m]));
    for (const s of sent) {
      const m = byOffsetId.get(s.offsetMsgId);
      if (!m) throw new Error(`the Java consumer did not receive ${s.name} (${s.offsetMsgId}):\n${r.stderr}`);
      expect({
        name: s.name,
        topic: m.topic,
        tags: m.tags,
        keys: m.keys,
        flag: m.flag,
        msgId: m.msgId,
        body: m.body.toString('base64'),
        userProperties: m.userProperties,
        waitStoreMsgOK: m.waitStoreMsgOK,
        queueId: m.queueId,
        queueOffset: BigInt(m.queueOffset),
        zlib: (m.sysFlag & COMPRESSION_TYPE_MASK) === ZLIB_TYPE,
      }).toEqual({
        name: s.name,
        topic: TOPIC,
        tags: s.tags,
        keys: s.keys.join(' '),
        flag: s.flag,
        msgId: s.storedUniqKey,
        body: s.body.toString('base64'),
        userProperties: s.props,
        waitStoreMsgOK: storesWait(s) ? 'true' : null,
        queueId: s.result.messageQueue.queueId,
        queueOffset: expectedQueueOffset(s),
        zlib: s.name === 'compressed',
      });
      expect(m.bornTimestamp).toBeGreaterThan(0);
      expect(m.storeTimestamp).toBeGreaterThanOrEqual(m.bornTimestamp - 60_000);
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
      const out = await queryMsgById(DELAY_TOPIC, scheduled.map((s) => s.result.offsetMsgId));
      const views = parseViews(out);
      expect(views).toHaveLength(scheduled.length);
      for (const s of scheduled) {
        expect(s.result.sendStatus).toBe('SEND_OK');
        const v = views.find((x) => x['OffsetID'] === s.result.offsetMsgId);
        expect(v).toBeDefined();
        const props = parseJavaMap(v!['Properties'] ?? '');
        // Held in the broker's schedule/timer topic until due, the real topic kept aside.
        expect({ name: s.name, realTopic: props['REAL_TOPIC'] }).toEqual({ name: s.name, realTopic: DELAY_TOPIC });
        expect(props['UNIQ_KEY']).toBe(s.result.msgId);
        expect(props[s.prop[0]]).toMatch(s.prop[1]);
        expect(readFileSync(v!['Message Body Path']!)).toEqual(s.body);
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
