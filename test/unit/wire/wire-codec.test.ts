import {
  FrameDecoder,
  Message,
  MessageExt,
  MessageSysFlag,
  RemotingCommand,
  RequestCode,
  ResponseCode,
  SendMessageRequestHeaderV2,
  bodyCrc32,
  createRequestCommand,
  decodeCustomHeader,
  decodeMessageExts,
  decodeMessages,
  encodeMessageExt,
  encodeMessageExts,
  encodeMessages,
  languageFromByte,
  requestCodeName,
  requestCodeNameOf,
  requestCodeOf,
  responseCodeNameOf,
  responseCodeOf,
} from '../../../src/wire';

function storedMessage(topic: string, body: string, queueOffset: bigint): MessageExt {
  const m = new MessageExt(topic, Buffer.from(body), { tags: 'TagA', keys: ['k1', 'k2'] });
  m.queueId = 3;
  m.queueOffset = queueOffset;
  m.commitLogOffset = 1000n + queueOffset;
  m.bornTimestamp = 1_700_000_000_000;
  m.storeTimestamp = 1_700_000_000_005;
  m.bornHost = { ip: '10.0.0.7', port: 51000, address: '10.0.0.7:51000' };
  m.storeHost = { ip: '::1', port: 10911, address: '[::1]:10911' };
  m.reconsumeTimes = 2;
  return m;
}

describe('code tables', () => {
  it('map names to codes and back', () => {
    expect(requestCodeOf('SEND_MESSAGE_V2')).toBe(310);
    expect(requestCodeNameOf(105)).toBe('GET_ROUTEINFO_BY_TOPIC');
    expect(requestCodeOf('NOPE')).toBeUndefined();
    expect(requestCodeOf('toString')).toBeUndefined();
    expect(requestCodeName(99999)).toBe('99999');
    expect(responseCodeOf('TOPIC_NOT_EXIST')).toBe(17);
    expect(responseCodeNameOf(17)).toBe('TOPIC_NOT_EXIST');
    expect(responseCodeNameOf(99999)).toBeUndefined();
    expect(languageFromByte(0)).toBe('JAVA');
  });
});

describe('decodeCustomHeader', () => {
  it('decodes a V2 send request header as its class, for both header encodings', () => {
    const h = new SendMessageRequestHeaderV2();
    Object.assign(h, { a: 'PG', b: 'T', c: 'TBW102', d: 4, e: 1, f: 0, g: 123n, h: 0, i: 'TAGS\u0001x\u0002', j: 0, k: false, m: false });
    for (const serializeType of ['JSON', 'ROCKETMQ'] as const) {
      const frame = createRequestCommand(RequestCode.SEND_MESSAGE_V2, h, Buffer.from('x'), { serializeType }).encode();
      const cmd = RemotingCommand.decodeFrame(frame);
      const decoded = decodeCustomHeader(cmd);
      expect(decoded.typed).toBe(true);
      if (!decoded.typed) return;
      expect(decoded.className).toBe('SendMessageRequestHeaderV2');
      expect(decoded.header).toMatchObject({ a: 'PG', b: 'T', e: 1, g: 123n });
    }
  });

  it('decodes a response by the request code it answers, and falls back to raw ext fields', () => {
    const resp = RemotingCommand.createResponse(ResponseCode.SUCCESS, undefined, 7);
    resp.extFields = { msgId: 'ID', queueId: '2', queueOffset: '99' };
    const typed = decodeCustomHeader(resp, RequestCode.SEND_MESSAGE_V2);
    expect(typed).toMatchObject({ typed: true, className: 'SendMessageResponseHeader', header: { queueOffset: 99n } });
    expect(decodeCustomHeader(resp)).toMatchObject({ typed: false, header: { msgId: 'ID' } });
    const unknown = RemotingCommand.createRequest(4242, { x: '1' });
    expect(decodeCustomHeader(unknown)).toMatchObject({ typed: false, reason: 'no header class for request code 4242', header: { x: '1' } });
  });
});

describe('stored messages', () => {
  it('encodeMessageExt is the inverse of decodeMessageExts (IPv4 and IPv6 hosts, long topics)', () => {
    const long = 'T'.repeat(200);
    const body = encodeMessageExts([storedMessage('TopicA', 'hello', 5n), storedMessage(long, 'world', 6n)]);
    const [a, b] = decodeMessageExts(body);
    expect(a!.topic).toBe('TopicA');
    expect(a!.body.toString()).toBe('hello');
    expect(a!.tags).toBe('TagA');
    expect(a!.keys).toBe('k1 k2');
    expect(a!.queueOffset).toBe(5n);
    expect(a!.bornHost.address).toBe('10.0.0.7:51000');
    expect(a!.storeHost.address).toBe('[0:0:0:0:0:0:0:1]:10911'); // Java's Inet6Address text form
    expect(a!.sysFlag & MessageSysFlag.STOREHOSTADDRESS_V6_FLAG).not.toBe(0);
    expect(a!.bodyCRC).toBe(bodyCrc32(Buffer.from('hello')));
    expect(a!.reconsumeTimes).toBe(2);
    expect(b!.topic).toBe(long);
    expect(encodeMessageExt(a!)).toEqual(body.subarray(0, a!.storeSize));
  });

  it('computes the CRC as java.util.zip.CRC32 masked to 31 bits', () => {
    expect(bodyCrc32(Buffer.from('123456789'))).toBe(0xcbf43926 & 0x7fffffff);
  });

  it('batch bodies round-trip', () => {
    const msgs = [new Message('T', 'a', { tags: 'x' }), new Message('T', 'bb', { keys: 'k' })];
    const back = decodeMessages(encodeMessages(msgs));
    expect(back.map((m) => m.body.toString())).toEqual(['a', 'bb']);
    expect(back[0]!.tags).toBe('x');
  });

  it('FrameDecoder splits frames across chunks', () => {
    const f = RemotingCommand.createRequest(105, { topic: 'T' }).encode();
    const d = new FrameDecoder();
    const both = Buffer.concat([f, f]);
    const out = [...d.push(both.subarray(0, 5)), ...d.push(both.subarray(5))];
    expect(out.map((p) => RemotingCommand.decode(p).extFields?.topic)).toEqual(['T', 'T']);
  });
});
