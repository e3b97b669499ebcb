import { RemotingProtocolError } from '../../../src/errors';
import { compress, zlibCompress } from '../../../src/message/compression';
import {
  MESSAGE_MAGIC_CODE,
  MESSAGE_MAGIC_CODE_V2,
  MessageExt,
  decodeMessageExt,
  decodeMessageExtAt,
  decodeMessageExts,
} from '../../../src/message/message-decoder';
import { createOffsetMessageId, ipToBytes } from '../../../src/message/message-id';
import { messageProperties2String } from '../../../src/message/message-properties';
import { MessageSysFlag } from '../../../src/message/message-sys-flag';

interface StoredRecord {
  magic?: number;
  queueId?: number;
  flag?: number;
  queueOffset?: bigint;
  commitLogOffset?: bigint;
  sysFlag?: number;
  bornTimestamp?: bigint;
  bornHost?: [string, number];
  storeTimestamp?: bigint;
  storeHost?: [string, number];
  reconsumeTimes?: number;
  preparedTransactionOffset?: bigint;
  body?: Buffer;
  topic?: string;
  properties?: Record<string, string> | string;
}

/** A stored record as the broker writes it (Java MessageDecoder.encode, with V2 and IPv6 hosts). */
function record(r: StoredRecord = {}): Buffer {
  const magic = r.magic ?? MESSAGE_MAGIC_CODE;
  let sysFlag = r.sysFlag ?? 0;
  const born = ipToBytes((r.bornHost ?? ['192.168.0.2', 50000])[0])!;
  const store = ipToBytes((r.storeHost ?? ['127.0.0.1', 10911])[0])!;
  if (born.length === 16) sysFlag |= MessageSysFlag.BORNHOST_V6_FLAG;
  if (store.length === 16) sysFlag |= MessageSysFlag.STOREHOSTADDRESS_V6_FLAG;
  const body = r.body ?? Buffer.from('hello');
  const topic = Buffer.from(r.topic ?? 'TopicTest');
  const props = Buffer.from(typeof r.properties === 'string' ? r.properties : messageProperties2String(r.properties ?? { UNIQ_KEY: 'ABCD', TAGS: 'TagA' }));
  const parts: Buffer[] = [];
  const i32 = (v: number) => {
    const b = Buffer.alloc(4);
    b.writeInt32BE(v);
    parts.push(b);
  };
  const i64 = (v: bigint) => {
    const b = Buffer.alloc(8);
    b.writeBigInt64BE(v);
    parts.push(b);
  };
  i32(0); // TOTALSIZE, patched below
  i32(magic);
  i32(0x1234); // BODYCRC
  i32(r.queueId ?? 3);
  i32(r.flag ?? 9);
  i64(r.queueOffset ?? 42n);
  i64(r.commitLogOffset ?? 1024n);
  i32(sysFlag);
  i64(r.bornTimestamp ?? 1_700_000_000_000n);
  parts.push(born);
  i32((r.bornHost ?? ['', 50000])[1]);
  i64(r.storeTimestamp ?? 1_700_000_000_123n);
  parts.push(store);
  i32((r.storeHost ?? ['', 10911])[1]);
  i32(r.reconsumeTimes ?? 1);
  i64(r.preparedTransactionOffset ?? 77n);
  i32(body.length);
  parts.push(body);
  if (magic === MESSAGE_MAGIC_CODE) parts.push(Buffer.from([topic.length]));
  else {
    const b = Buffer.alloc(2);
    b.writeInt16BE(topic.length);
    parts.push(b);
  }
  parts.push(topic);
  const pl = Buffer.alloc(2);
  pl.writeInt16BE(props.length);
  parts.push(pl, props);
  const out = Buffer.concat(parts);
  out.writeInt32BE(out.length, 0);
  return out;
}

describe('decodeMessageExt (protocol.md 5.6)', () => {
  it('decodes every field of a V1 record', () => {
    const m = decodeMessageExt(record());
    expect(m).toBeInstanceOf(MessageExt);
    expect(m.topic).toBe('TopicTest');
    expect(m.body.toString()).toBe('hello');
    expect(m.queueId).toBe(3);
    expect(m.flag).toBe(9);
    expect(m.queueOffset).toBe(42n);
    expect(m.commitLogOffset).toBe(1024n);
    expect(m.sysFlag).toBe(0);
    expect(m.bornTimestamp).toBe(1_700_000_000_000);
    expect(m.bornHost).toEqual({ ip: '192.168.0.2', port: 50000, address: '192.168.0.2:50000' });
    expect(m.storeTimestamp).toBe(1_700_000_000_123);
    expect(m.storeHost.address).toBe('127.0.0.1:10911');
    expect(m.reconsumeTimes).toBe(1);
    expect(m.preparedTransactionOffset).toBe(77n);
    expect(m.bodyCRC).toBe(0x1234);
    expect(m.storeSize).toBe(record().length);
    expect(m.tags).toBe('TagA');
    expect(m.offsetMsgId).toBe(createOffsetMessageId('127.0.0.1', 10911, 1024n));
    expect(m.msgId).toBe('ABCD');
  });

  it('uses the offset id as msgId when there is no UNIQ_KEY', () => {
    const m = decodeMessageExt(record({ properties: {} }));
    expect(m.msgId).toBe(m.offsetMsgId);
    expect(m.properties.size).toBe(0);
  });

  it('reads V2 records (two-byte topic length) and long topics', () => {
    const topic = 'T'.repeat(200);
    const m = decodeMessageExt(record({ magic: MESSAGE_MAGIC_CODE_V2, topic }));
    expect(m.topic).toBe(topic);
  });

  it('reads IPv6 born and store hosts', () => {
    const m = decodeMessageExt(record({ bornHost: ['2001:db8::1', 1], storeHost: ['::1', 10911] }));
    expect(m.bornHost.ip).toBe('2001:db8:0:0:0:0:0:1');
    expect(m.storeHost.address).toBe('[0:0:0:0:0:0:0:1]:10911');
    expect(m.offsetMsgId).toHaveLength(56);
  });

  it('inflates a zlib body and clears the compressed bit', () => {
    const text = Buffer.from('x'.repeat(5000));
    for (const typeBits of [0, MessageSysFlag.COMPRESSION_ZLIB_TYPE]) {
      const m = decodeMessageExt(record({ body: zlibCompress(text), sysFlag: MessageSysFlag.COMPRESSED_FLAG | typeBits }));
      expect(m.body).toEqual(text);
      expect(m.isBodyCompressed).toBe(false);
      expect(m.sysFlag).toBe(typeBits);
    }
  });

  it('keeps the body compressed when asked; inflates LZ4 like ZLIB', () => {
    const z = zlibCompress(Buffer.from('abc'));
    const off = decodeMessageExt(record({ body: z, sysFlag: 0x301 }), { decompressBody: false });
    expect(off.body).toEqual(z);
    expect(off.isBodyCompressed).toBe(true);
    const text = Buffer.from('lz4 body '.repeat(100));
    const lz4 = decodeMessageExt(record({ body: compress(text, 'LZ4'), sysFlag: 0x101 }));
    expect(lz4.body).toEqual(text);
    expect(lz4.isBodyCompressed).toBe(false);
    expect(lz4.sysFlag).toBe(0x100);
  });

  it('bounds what all bodies of one frame inflate to, and each body', () => {
    const text = Buffer.alloc(10_000, 'a');
    const rec = record({ body: zlibCompress(text), sysFlag: 0x301 });
    const frame = Buffer.concat([rec, rec, rec]);
    expect(decodeMessageExts(frame, { maxTotalDecompressedBytes: 30_000 })).toHaveLength(3);
    expect(() => decodeMessageExts(frame, { maxTotalDecompressedBytes: 29_999 })).toThrow(RemotingProtocolError);
    expect(() => decodeMessageExts(frame, { maxTotalDecompressedBytes: 20_000 })).toThrow(/more than 20000 bytes in total/);
    expect(() => decodeMessageExts(frame, { maxDecompressedBytes: 9_999 })).toThrow(RemotingProtocolError);
    // one record at a time: each call has its own frame bound
    expect(decodeMessageExtAt(frame, rec.length, { maxTotalDecompressedBytes: 10_000 }).next).toBe(2 * rec.length);
  });

  it('skips the body with readBody false', () => {
    const m = decodeMessageExt(record(), { readBody: false });
    expect(m.body.length).toBe(0);
    expect(m.topic).toBe('TopicTest');
  });

  it('decodes concatenated records and reports the next offset', () => {
    const a = record({ queueOffset: 1n });
    const b = record({ queueOffset: 2n, body: Buffer.from('second') });
    const all = Buffer.concat([a, b]);
    expect(decodeMessageExtAt(all, 0).next).toBe(a.length);
    expect(decodeMessageExts(all).map((m) => [m.queueOffset, m.body.toString()])).toEqual([
      [1n, 'hello'],
      [2n, 'second'],
    ]);
    expect(decodeMessageExts(Buffer.alloc(0))).toEqual([]);
  });

  it('caps the bytes inflated across all records of one body', () => {
    // Each record inflates to 1 MiB from about 1 KB; together they pass a 3 MiB total.
    const bomb = zlibCompress(Buffer.alloc(1024 * 1024));
    const one = record({ body: bomb, sysFlag: MessageSysFlag.COMPRESSED_FLAG });
    const body = Buffer.concat([one, one, one, one]);
    const options = { maxTotalDecompressedBytes: 3 * 1024 * 1024 };
    expect(() => decodeMessageExts(body, options)).toThrow(RemotingProtocolError);
    expect(() => decodeMessageExts(body, options)).toThrow(/more than 3145728 bytes in total/);
    // Exactly at the total is fine, and each call has its own allowance.
    expect(decodeMessageExts(Buffer.concat([one, one, one]), options)).toHaveLength(3);
    expect(decodeMessageExts(Buffer.concat([one, one, one]), options)).toHaveLength(3);
    // Without decompression nothing counts.
    expect(decodeMessageExts(body, { ...options, decompressBody: false })).toHaveLength(4);
    // The per-body bound still applies on its own.
    expect(() => decodeMessageExts(one, { maxDecompressedBytes: 1024 })).toThrow(RemotingProtocolError);
  });

  describe('malformed input gives RemotingProtocolError', () => {
    const good = record();
    const patched = (pos: number, v: number, width: 1 | 2 | 4 = 4) => {
      const b = Buffer.from(good);
      if (width === 4) b.writeInt32BE(v, pos);
      else if (width === 2) b.writeInt16BE(v, pos);
      else b.writeInt8(v, pos);
      return b;
    };
    const bodyLenPos = 4 * 5 + 8 * 2 + 4 + 8 + 8 + 8 + 8 + 4 + 8;
    const topicLenPos = bodyLenPos + 4 + 5;
    const propLenPos = topicLenPos + 1 + 'TopicTest'.length;

    it.each([
      ['a bad magic', patched(4, 12345)],
      ['a TOTALSIZE past the end', patched(0, good.length + 1)],
      ['a TOTALSIZE below the minimum', patched(0, 10)],
      ['a negative body length', patched(bodyLenPos, -1)],
      ['a body length past the record', patched(bodyLenPos, 1_000_000)],
      ['a negative topic length', patched(topicLenPos, -5, 1)],
      ['a topic length past the record', patched(topicLenPos, 120, 1)],
      ['a negative properties length', patched(propLenPos, -2, 2)],
      ['a properties length past the record', patched(propLenPos, 30000, 2)],
      ['a corrupt zlib body', record({ body: Buffer.from('not zlib'), sysFlag: 0x301 })],
      ['an unknown compression type', record({ body: Buffer.from('x'), sysFlag: 0x701 })],
      ['fewer than 4 bytes', Buffer.from([0, 0])],
    ])('%s', (_name, buf) => {
      expect(() => decodeMessageExts(buf)).toThrow(RemotingProtocolError);
    });

    it('every truncation of a good record', () => {
      for (let cut = 1; cut < good.length; cut++) {
        expect(() => decodeMessageExt(good.subarray(0, cut))).toThrow(RemotingProtocolError);
      }
    });

    it('random bytes never hang and only throw protocol errors', () => {
      let seed = 12345;
      const rnd = () => ((seed = (Math.imul(seed, 1103515245) + 12345) | 0) >>> 16) & 0xff;
      for (let i = 0; i < 300; i++) {
        const b = Buffer.from(Array.from({ length: 1 + (rnd() % 200) }, rnd));
        if (i % 3 === 0 && b.length >= 4) b.writeInt32BE(b.length, 0);
        try {
          decodeMessageExts(b);
        } catch (e) {
          expect(e).toBeInstanceOf(RemotingProtocolError);
        }
      }
    });
  });
});
