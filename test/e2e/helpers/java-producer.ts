/**
 * Runs our Java reference producer (test/e2e/java-producer) against the broker under test and compares what it
 * sent with what rocketmq-ts reads back. `expectSameMessages` takes decoded `MessageExt`s from any reader (a raw
 * PULL_MESSAGE read-back, the push consumer), so the same comparison serves every consumer test.
 */
import type { MessageExt } from '../../../src/message/message-decoder';
import { MessageSysFlag } from '../../../src/message/message-sys-flag';
import { rocketmqVersion } from './broker';
import { buildJavaProgram, runJavaProgram } from './java-program';

/** LZ4/ZSTD compression needs a 5.x client; against a 4.9 broker the producer is built with 5.3.3. */
const PROGRAM = {
  name: 'java-producer',
  buildDirProperty: 'producer.build.dir',
  clientVersion: (v: string) => (v.startsWith('4.') ? '5.3.3' : v),
};

/** One message as the Java producer sent it (the fields SendToJson prints). */
export interface JavaSentMessage {
  name: string;
  /** SendResult's msgId (the UNIQ_KEY); per member for a batch. */
  msgId: string;
  topic: string;
  brokerName: string;
  queueId: number;
  queueOffset: number;
  offsetMsgId: string | null;
  tags: string | null;
  keys: string | null;
  flag: number;
  delayTimeLevel: number;
  /** The sysFlag compression-type bits Java set (0 when the body went uncompressed). */
  compressFlag: number;
  body: Buffer;
  /** Every property of the message after the send (UNIQ_KEY, WAIT, TAGS, KEYS, DELAY, user properties). */
  properties: Record<string, string>;
  /** A member of the batch (one SEND_BATCH_MESSAGE). */
  inBatch: boolean;
}

export interface JavaProduceResult {
  messages: JavaSentMessage[];
  exitCode: number | null;
  stderr: string;
}

/** Sends SendToJson's messages (every field, a delay level, a batch, ZLIB/LZ4/ZSTD bodies) to `topic`. */
export async function runJavaProducer(opts: { namesrvAddr: string; topic: string; group?: string; timeoutMs?: number }): Promise<JavaProduceResult> {
  const build = await buildJavaProgram(PROGRAM);
  const args = ['--namesrv', opts.namesrvAddr, '--topic', opts.topic];
  if (opts.group) args.push('--group', opts.group);
  const r = await runJavaProgram(build, 'io.rocketmqts.e2e.SendToJson', args, opts.timeoutMs ?? 60_000);
  const messages = r.lines.map((line) => {
    const raw = JSON.parse(line) as Omit<JavaSentMessage, 'body'> & { bodyBase64: string };
    const { bodyBase64, ...rest } = raw;
    // fastjson leaves out null fields
    return { ...rest, tags: raw.tags ?? null, keys: raw.keys ?? null, offsetMsgId: raw.offsetMsgId ?? null, body: Buffer.from(bodyBase64, 'base64') };
  });
  return { messages, exitCode: r.exitCode, stderr: r.stderr };
}

/** Properties the broker (CLUSTER, MSG_REGION, TRACE_ON) or a consumer (MIN/MAX_OFFSET, CONSUME_START_TIME) adds. */
const ADDED_ON_THE_WAY = new Set(['CLUSTER', 'MSG_REGION', 'TRACE_ON', 'MIN_OFFSET', 'MAX_OFFSET', 'CONSUME_START_TIME']);
/** A delayed message is stored again by the broker, with REAL_TOPIC / REAL_QID. */
const DELAY_PROPERTIES = new Set(['REAL_TOPIC', 'REAL_QID']);
const UNIQ_KEY = 'UNIQ_KEY';

function sameQueue(j: JavaSentMessage, m: MessageExt): boolean {
  return (m.brokerName ?? j.brokerName) === j.brokerName && m.queueId === j.queueId && m.topic === j.topic;
}

/**
 * Every message Java sent is received exactly once with every field equal: body (decompressed), topic, queue,
 * offset and offset id (not for delayed messages, which the broker stores again), tags, keys, flag, every
 * property Java set and no other but those added on the way; compressed bodies keep Java's compression-type
 * bits with the compressed bit cleared. No message arrives that Java did not send.
 *
 * Batch members: a 5.x broker appends the batch's own properties (its UNIQ_KEY included) to every member's, and
 * the last value wins, in Java's decoder as in ours: every member then reports the batch's id, not its own (a
 * 4.9 broker keeps the member's). Either is accepted, the batch's id only if all members share it.
 */
export function expectSameMessages(sent: readonly JavaSentMessage[], received: readonly MessageExt[]): void {
  const broker4x = rocketmqVersion().startsWith('4.');
  const sentIds = new Set(sent.map((j) => j.msgId));
  const batchIds = new Set(received.filter((m) => !sentIds.has(m.msgId)).map((m) => m.msgId));
  const unmatched = new Set(received);
  for (const j of sent) {
    const delayed = j.delayTimeLevel > 0;
    const got = received.filter((m) =>
      delayed ? m.msgId === j.msgId : sameQueue(j, m) && Number(m.queueOffset) === j.queueOffset,
    );
    expect({ name: j.name, copies: got.length }).toEqual({ name: j.name, copies: 1 });
    const m = got[0]!;
    unmatched.delete(m);
    const ownId = j.inBatch && batchIds.size === 1 && batchIds.has(m.msgId) ? j.msgId : m.msgId;
    // 5.x keeps DELAY on the message it delivers, 4.9 clears it (ScheduleMessageService): either is Java's.
    // A 4.9 broker also leaves WAIT=true out of what it stores (SendMessageProcessor saves those 9 bytes).
    const expectedProps = Object.entries(j.properties).filter(
      ([k]) =>
        !(delayed && k === 'DELAY' && !m.properties.has(k)) &&
        !(j.inBatch && k === UNIQ_KEY) &&
        !(k === 'WAIT' && broker4x && !m.properties.has(k)),
    );
    const extra = [...m.properties.keys()].filter(
      (k) => !(k in j.properties) && !ADDED_ON_THE_WAY.has(k) && !(delayed && DELAY_PROPERTIES.has(k)),
    );
    expect({
      name: j.name,
      msgId: ownId,
      topic: m.topic,
      queueId: m.queueId,
      queueOffset: delayed ? j.queueOffset : Number(m.queueOffset),
      offsetMsgId: delayed ? j.offsetMsgId : m.offsetMsgId,
      tags: m.tags ?? null,
      keys: m.keys ?? null,
      flag: m.flag,
      body: m.body.toString('base64'),
      properties: Object.fromEntries(expectedProps.map(([k]) => [k, m.getProperty(k)])),
      extraProperties: extra,
      compression: m.sysFlag & (MessageSysFlag.COMPRESSION_TYPE_COMPARATOR | MessageSysFlag.COMPRESSED_FLAG),
      reconsumeTimes: m.reconsumeTimes,
    }).toEqual({
      name: j.name,
      msgId: j.msgId,
      topic: j.topic,
      queueId: j.queueId,
      queueOffset: j.queueOffset,
      offsetMsgId: j.offsetMsgId,
      tags: j.tags,
      keys: j.keys,
      flag: j.flag,
      body: j.body.toString('base64'),
      properties: Object.fromEntries(expectedProps),
      extraProperties: [],
      compression: j.compressFlag,
      reconsumeTimes: 0,
    });
    if (delayed) expect([m.getProperty('REAL_TOPIC'), sameQueue(j, m)]).toEqual([j.topic, true]);
  }
  expect([...unmatched].map((m) => m.msgId)).toEqual([]);
}
