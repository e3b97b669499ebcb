/**
 * Stored records from fixtures/golden/stored-records.json: written by the broker's own writer
 * (rocketmq-store MessageExtEncoder: V1 and V2 magic, IPv4 and IPv6 hosts, ZLIB/LZ4/ZSTD bodies, inner
 * batches), with what Java's client decodes from them (MessageDecoder.decodesBatch + PullAPIWrapper's
 * inner-batch unwrap). Our decoder must read the same messages, and our encoder write the same bytes.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { MESSAGE_MAGIC_CODE, MESSAGE_MAGIC_CODE_V2, decodeMessageExts, type MessageExt } from '../../../src/message/message-decoder';
import { isInnerBatch } from '../../../src/message/inner-batch';
import { encodeMessageExts } from '../../../src/message/stored-message-encoder';

interface JavaHost {
  ip: string;
  port: number;
}
interface JavaMessage {
  topic: string;
  msgId: string | null;
  offsetMsgId: string | null;
  storeSize: number;
  bodyCRC: number;
  queueId: number;
  flag: number;
  queueOffset: string;
  commitLogOffset: string;
  sysFlag: number;
  bornTimestamp: number;
  bornHost: JavaHost;
  storeTimestamp: number;
  storeHost: JavaHost;
  reconsumeTimes: number;
  preparedTransactionOffset: string;
  tags: string | null;
  keys: string | null;
  delayTimeLevel: number;
  properties: Record<string, string>;
  bodyBase64: string;
}
interface Case {
  name: string;
  magic?: number;
  recordBase64: string;
  decoded: JavaMessage[];
}

const golden = JSON.parse(readFileSync(join(__dirname, '../../../fixtures/golden/stored-records.json'), 'utf8')) as {
  magicV1: number;
  magicV2: number;
  cases: Case[];
};

function view(m: MessageExt): JavaMessage {
  return {
    topic: m.topic,
    msgId: m.msgId,
    offsetMsgId: m.offsetMsgId,
    storeSize: m.storeSize,
    bodyCRC: m.bodyCRC,
    queueId: m.queueId,
    flag: m.flag,
    queueOffset: m.queueOffset.toString(),
    commitLogOffset: m.commitLogOffset.toString(),
    sysFlag: m.sysFlag,
    bornTimestamp: m.bornTimestamp,
    bornHost: { ip: m.bornHost.ip, port: m.bornHost.port },
    storeTimestamp: m.storeTimestamp,
    storeHost: { ip: m.storeHost.ip, port: m.storeHost.port },
    reconsumeTimes: m.reconsumeTimes,
    preparedTransactionOffset: m.preparedTransactionOffset.toString(),
    tags: m.tags ?? null,
    keys: m.keys ?? null,
    delayTimeLevel: m.delayTimeLevel,
    properties: Object.fromEntries([...m.properties].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))),
    bodyBase64: m.body.toString('base64'),
  };
}

describe('golden: stored records written by the broker, decoded by the Java client', () => {
  it('uses the same magic codes and covers V1, V2, IPv6, the three codecs and inner batches', () => {
    expect([golden.magicV1, golden.magicV2]).toEqual([MESSAGE_MAGIC_CODE, MESSAGE_MAGIC_CODE_V2]);
    const names = golden.cases.map((c) => c.name).join(' ');
    for (const part of ['v1', 'v2', 'ipv6', 'zlib', 'lz4', 'zstd', 'inner-batch']) expect(names).toContain(part);
    expect(golden.cases.filter((c) => c.magic === MESSAGE_MAGIC_CODE_V2).length).toBeGreaterThanOrEqual(2);
  });

  it.each(golden.cases.map((c) => [c.name, c] as const))('%s: every field as Java decodes it', (_n, c) => {
    const ours = decodeMessageExts(Buffer.from(c.recordBase64, 'base64'));
    expect(ours).toHaveLength(c.decoded.length);
    ours.forEach((m, i) => {
      const java = c.decoded[i]!;
      const mine = view(m);
      if (java.offsetMsgId === null) {
        // Inner-batch members: Java leaves the offset id null; ours is the holding record's.
        expect(mine.offsetMsgId).toMatch(/^[0-9A-F]{32}([0-9A-F]{24})?$/);
        mine.offsetMsgId = null;
      }
      expect(mine).toEqual(java);
    });
  });

  it.each(golden.cases.map((c) => [c.name, c] as const))('%s: our encoder writes the same bytes', (_n, c) => {
    const bytes = Buffer.from(c.recordBase64, 'base64');
    const stored = decodeMessageExts(bytes, { decompressBody: false, unwrapInnerBatch: false });
    expect(encodeMessageExts(stored).equals(bytes)).toBe(true);
  });

  it('inner-batch members: queue offsets follow the record, the record itself is not handed out', () => {
    const c = golden.cases.find((x) => x.name === 'inner-batch-zlib')!;
    const bytes = Buffer.from(c.recordBase64, 'base64');
    const [outer] = decodeMessageExts(bytes, { unwrapInnerBatch: false });
    expect(isInnerBatch(outer!)).toBe(true);
    expect(outer!.getProperty('INNER_NUM')).toBe('3');
    const members = decodeMessageExts(bytes);
    expect(members.map((m) => m.queueOffset)).toEqual([outer!.queueOffset, outer!.queueOffset + 1n, outer!.queueOffset + 2n]);
    expect(members.some(isInnerBatch)).toBe(true); // members keep the record's sysFlag, as in Java
    expect(members.map((m) => m.body.length)).toEqual(c.decoded.map((d) => Buffer.from(d.bodyBase64, 'base64').length));
  });
});
