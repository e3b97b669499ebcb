import { InvalidArgumentError, RemotingProtocolError } from '../../../../src/errors';
import {
  DEFAULT_LANGUAGE,
  DEFAULT_REMOTING_VERSION,
  markProtocolType,
  newExtFields,
  RemotingCommand,
  RPC_ONEWAY,
  RPC_TYPE_RESPONSE,
  type ExtFields,
} from '../../../../src/remoting/protocol/remoting-command';
import { javaHashMapOrder } from '../../../../src/remoting/protocol/java-hash';
import { commandView } from '../../../helpers/expect-decodes';
import { frame, fromHex } from '../../../helpers/frame-builder';

function ext(entries: Record<string, string>): ExtFields {
  return Object.assign(newExtFields(), entries);
}

function jsonHeaderText(cmd: RemotingCommand): string {
  const f = cmd.encode();
  return f.toString('utf8', 8, 8 + (f.readInt32BE(4) & 0xffffff));
}

function roundTrip(cmd: RemotingCommand): RemotingCommand {
  return RemotingCommand.decodeFrame(cmd.encode());
}

describe('RemotingCommand basics', () => {
  test('defaults: JSON, language OTHER, version 479, opaque 0, flag 0', () => {
    const cmd = new RemotingCommand({ code: 105 });
    expect(cmd).toMatchObject({ code: 105, language: 'OTHER', version: 479, opaque: 0, flag: 0, serializeType: 'JSON' });
    expect(DEFAULT_LANGUAGE).toBe('OTHER');
    expect(DEFAULT_REMOTING_VERSION).toBe(479);
  });

  test('flag bits: response is bit 0, oneway bit 1', () => {
    const req = RemotingCommand.createRequest(10).markOneway();
    expect(req.flag).toBe(RPC_ONEWAY);
    expect(req.isOneway).toBe(true);
    expect(req.isResponse).toBe(false);
    const res = RemotingCommand.createResponse(0, 'ok', 7);
    expect(res.flag).toBe(RPC_TYPE_RESPONSE);
    expect(res.isResponse).toBe(true);
    expect(res.opaque).toBe(7);
  });

  test('addExtField creates an extFields map that inherits nothing', () => {
    const cmd = new RemotingCommand({ code: 1 }).addExtField('k', 'v');
    expect(cmd.extFields).toEqual({ k: 'v' });
    const e = cmd.extFields!;
    expect('toString' in e).toBe(false);
    expect(e['constructor']).toBeUndefined();
    e['__proto__'] = 'x';
    expect(Object.keys(e)).toEqual(['k', '__proto__']);
    expect(({} as Record<string, unknown>).x).toBeUndefined();
  });

  test('markProtocolType puts the type in the top byte and the length in the low 24 bits', () => {
    expect(markProtocolType(131, 'JSON')).toBe(131);
    expect(markProtocolType(41, 'ROCKETMQ')).toBe(0x01000029);
    expect(markProtocolType(0x1ffffff, 'ROCKETMQ')).toBe(0x01ffffff);
  });
});

describe('frame layout', () => {
  const cmd = (serializeType: 'JSON' | 'ROCKETMQ', body?: Buffer): RemotingCommand =>
    new RemotingCommand({
      code: 105,
      language: 'JAVA',
      opaque: 1,
      extFields: ext({ topic: 'TopicTest' }),
      serializeType,
      body,
    });

  test('protocol.md 1.3: the JSON request, 131-byte header', () => {
    const f = cmd('JSON').encode();
    expect(f.subarray(0, 8).toString('hex')).toBe('0000008700000083');
    expect(f.toString('utf8', 8)).toBe(
      '{"code":105,"extFields":{"topic":"TopicTest"},"flag":0,"language":"JAVA","opaque":1,"serializeTypeCurrentRPC":"JSON","version":479}',
    );
  });

  test('protocol.md 1.4: the ROCKETMQ request, 41-byte header', () => {
    expect(cmd('ROCKETMQ').encode()).toEqual(
      fromHex(
        '0000002d 01000029 0069 00 01df 00000001 00000000 00000000 00000014 0005 746f706963 00000009 546f70696354657374',
      ),
    );
  });

  test.each(['JSON', 'ROCKETMQ'] as const)('%s: the body follows the header; the length prefix counts it', (t) => {
    const body = Buffer.from('hello body');
    const f = cmd(t, body).encode();
    const headerLen = f.readInt32BE(4) & 0xffffff;
    expect(f.readInt32BE(0)).toBe(f.length - 4);
    expect(f.readInt32BE(4) >>> 24).toBe(t === 'JSON' ? 0 : 1);
    expect(f.subarray(8 + headerLen)).toEqual(body);
  });

  test.each(['JSON', 'ROCKETMQ'] as const)('%s: encodeHeader is the frame without the body', (t) => {
    const body = Buffer.alloc(100, 7);
    const whole = cmd(t, body).encode();
    const head = cmd(t, body).encodeHeader();
    expect(Buffer.concat([head, body])).toEqual(whole);
    expect(head.readInt32BE(0)).toBe(whole.length - 4);
  });

  test('an empty body is no body', () => {
    const f = cmd('JSON', Buffer.alloc(0)).encode();
    expect(RemotingCommand.decodeFrame(f).body).toBeUndefined();
  });
});

describe('JSON header as fastjson writes it', () => {
  test('fields sorted; null remark and extFields omitted; empty ones kept', () => {
    expect(jsonHeaderText(new RemotingCommand({ code: 1 }))).toBe(
      '{"code":1,"flag":0,"language":"OTHER","opaque":0,"serializeTypeCurrentRPC":"JSON","version":479}',
    );
    expect(jsonHeaderText(new RemotingCommand({ code: 1, remark: '', extFields: newExtFields() }))).toBe(
      '{"code":1,"extFields":{},"flag":0,"language":"OTHER","opaque":0,"remark":"","serializeTypeCurrentRPC":"JSON","version":479}',
    );
  });

  test('a null language is omitted (the peer reads JAVA)', () => {
    const cmd = new RemotingCommand({ code: 1 });
    cmd.language = undefined;
    expect(jsonHeaderText(cmd)).not.toContain('language');
    expect(roundTrip(cmd).language).toBe('JAVA');
  });

  test('extFields in Java HashMap order; null and undefined values skipped', () => {
    const e = ext({ queueId: '0', topic: 'T', producerGroup: 'G', bname: 'b' });
    (e as Record<string, unknown>).nothing = undefined;
    (e as Record<string, unknown>).nil = null;
    expect(jsonHeaderText(new RemotingCommand({ code: 1, extFields: e }))).toContain(
      '"extFields":{"queueId":"0","producerGroup":"G","bname":"b","topic":"T"}',
    );
  });

  test('non-string values of plain JavaScript callers are written as strings', () => {
    const e = newExtFields();
    (e as Record<string, unknown>).n = 5;
    expect(jsonHeaderText(new RemotingCommand({ code: 1, extFields: e }))).toContain('"extFields":{"n":"5"}');
  });

  test.each([
    ['\u0000\u0001\u0007', '\\u0000\\u0001\\u0007'],
    ['\b\t\n\f\r', '\\b\\t\\n\\f\\r'],
    ['\u000b\u000e\u001a\u001f', '\\u000B\\u000E\\u001A\\u001F'],
    ['"\\/', '\\"\\\\/'],
    ['\u007f\u0080\u009f\u00a0', '\\u007F\\u0080\\u009F\u00a0'],
    ['\u2027\u2028\u2029\u202a', '\u2027\\u2028\\u2029\u202a'],
    ['KEYS\u0001k\u0002WAIT\u0001true\u0002', 'KEYS\\u0001k\\u0002WAIT\\u0001true\\u0002'],
    ['中文 é 😀', '中文 é 😀'],
  ])('escapes %j as fastjson does', (raw, escaped) => {
    const text = jsonHeaderText(new RemotingCommand({ code: 1, remark: raw, extFields: ext({ [raw]: raw }) }));
    expect(text).toContain(`"remark":"${escaped}"`);
    expect(text).toContain(`"extFields":{"${escaped}":"${escaped}"}`);
  });

  test('a long string with nothing to escape is written whole', () => {
    const long = 'x'.repeat(200);
    expect(jsonHeaderText(new RemotingCommand({ code: 1, remark: long }))).toContain(`"remark":"${long}"`);
  });

  test("lone surrogates become '?', as Java's UTF-8 encoder writes them", () => {
    const cmd = new RemotingCommand({ code: 1, remark: 'a\ud800b\udc00c', extFields: ext({ k: '\ud83d' }) });
    expect(jsonHeaderText(cmd)).toContain('"remark":"a?b?c"');
    expect(roundTrip(cmd).extFields).toEqual({ k: '?' });
  });

  test('opaque and flag are int32: an unsigned value is written as its two\'s complement', () => {
    const cmd = new RemotingCommand({ code: 1, opaque: 0xffffffff, flag: 0x80000000 });
    expect(jsonHeaderText(cmd)).toContain('"flag":-2147483648');
    expect(roundTrip(cmd)).toMatchObject({ opaque: -1, flag: -2147483648 });
  });

  test.each([
    ['code', { code: 1.5 }],
    ['opaque', { code: 1, opaque: 2 ** 40 }],
    ['flag', { code: 1, flag: Number.NaN }],
    ['version', { code: 1, version: -(2 ** 33) }],
  ])('a %s that is not an int32 is refused', (what, init) => {
    expect(() => new RemotingCommand(init).encode()).toThrow(InvalidArgumentError);
    expect(() => new RemotingCommand(init).encode()).toThrow(what);
  });

  test('codes above int16 are fine in JSON (the POP family)', () => {
    expect(roundTrip(new RemotingCommand({ code: 200050 })).code).toBe(200050);
  });
});

describe('ROCKETMQ header as Java writes it', () => {
  const rmq = (init: Partial<ConstructorParameters<typeof RemotingCommand>[0]>): RemotingCommand =>
    new RemotingCommand({ code: 1, serializeType: 'ROCKETMQ', ...init });

  test.each([
    ['code', { code: 32768 }],
    ['code', { code: -32769 }],
    ['code', { code: 200050 }],
    ['version', { version: 40000 }],
  ])('refuses a %s outside int16 with a typed error naming JSON', (what, init) => {
    const cmd = rmq(init);
    expect(() => cmd.encode()).toThrow(InvalidArgumentError);
    expect(() => cmd.encode()).toThrow(new RegExp(`${what} .*int16.*JSON`));
  });

  test('int16 edges are fine, and read back signed', () => {
    expect(roundTrip(rmq({ code: 32767, version: -32768 }))).toMatchObject({ code: 32767, version: -32768 });
  });

  test('refuses a command without a language', () => {
    const cmd = rmq({});
    cmd.language = undefined;
    expect(() => cmd.encode()).toThrow(InvalidArgumentError);
  });

  test('null and empty remark are both length 0, read back as absent', () => {
    expect(rmq({ remark: '' }).encode()).toEqual(rmq({}).encode());
    expect(roundTrip(rmq({ remark: '' })).remark).toBeUndefined();
  });

  test('empty and absent extFields are both length 0, read back as absent', () => {
    expect(rmq({ extFields: newExtFields() }).encode()).toEqual(rmq({}).encode());
    expect(roundTrip(rmq({ extFields: newExtFields() })).extFields).toBeUndefined();
  });

  test('an empty value is written with length 0 (as Java does) and reads back as absent', () => {
    const f = rmq({ extFields: ext({ a: '', b: 'x' }) }).encode();
    expect(f.subarray(8 + 17).toString('hex')).toBe('0000000f' + '0001' + '61' + '00000000' + '0001' + '62' + '00000001' + '78');
    expect(RemotingCommand.decodeFrame(f).extFields).toEqual({ b: 'x' });
  });

  test('FastCodesHeader keys come first in their order, the rest in HashMap order', () => {
    const cmd = rmq({
      extFields: ext({ zz: '1', b: '2', a: '3', topic: '4', queueId: '5' }),
      fastHeaderKeys: ['b', 'a', 'missing'],
    });
    const decoded = roundTrip(cmd);
    expect(Object.keys(decoded.extFields!)).toEqual(['b', 'a', ...javaHashMapOrder(['zz', 'topic', 'queueId'])]);
  });

  test('strings are UTF-8 with byte lengths', () => {
    const cmd = rmq({ remark: 'é', extFields: ext({ 中: '😀' }) });
    const f = cmd.encode();
    expect(f.readInt32BE(8 + 13)).toBe(2);
    expect(roundTrip(cmd)).toMatchObject({ remark: 'é', extFields: { 中: '😀' } });
  });

  test('long strings take the native path and still come back', () => {
    const cmd = rmq({ remark: 'r'.repeat(1000), extFields: ext({ k: 'v'.repeat(5000), u: 'é'.repeat(300) }) });
    expect(commandView(roundTrip(cmd))).toMatchObject({ remark: 'r'.repeat(1000) });
    expect(roundTrip(cmd).extFields).toEqual({ k: 'v'.repeat(5000), u: 'é'.repeat(300) });
  });

  test("lone surrogates become '?'", () => {
    expect(roundTrip(rmq({ remark: 'x\udfff', extFields: ext({ k: '\ud800' }) }))).toMatchObject({
      remark: 'x?',
      extFields: { k: '?' },
    });
  });

  test('a key longer than 32767 bytes is refused', () => {
    expect(() => rmq({ extFields: ext({ ['k'.repeat(32768)]: 'v' }) }).encode()).toThrow(InvalidArgumentError);
    expect(roundTrip(rmq({ extFields: ext({ ['k'.repeat(32767)]: 'v' }) })).extFields).toEqual({ ['k'.repeat(32767)]: 'v' });
  });

  test('the 24-bit header length limit is enforced', () => {
    expect(() => rmq({ remark: 'x'.repeat(0x1000000) }).encode()).toThrow(/header limit/);
  });
});

describe('frames share a slab safely', () => {
  test.each(['JSON', 'ROCKETMQ'] as const)('%s: many frames in a row never overlap, whatever their size', (t) => {
    const frames: Array<[Buffer, string]> = [];
    for (let i = 0; i < 400; i++) {
      const body = Buffer.alloc((i * 997) % 40000, i & 0xff);
      const remark = 'r'.repeat((i * 31) % 3000);
      const cmd = new RemotingCommand({ code: i, opaque: i, remark, body, serializeType: t, extFields: ext({ k: String(i) }) });
      frames.push([cmd.encode(), commandView(cmd).bodyHex ?? '']);
    }
    frames.forEach(([f, bodyHex], i) => {
      const back = RemotingCommand.decodeFrame(f);
      expect([back.code, back.opaque, back.extFields?.k]).toEqual([i, i, String(i)]);
      expect(back.body ? back.body.toString('hex') : '').toBe(bodyHex);
    });
  });

  test('writing into one frame leaves the next one alone', () => {
    const a = new RemotingCommand({ code: 1, body: Buffer.from('aaaa') }).encode();
    const b = new RemotingCommand({ code: 2, body: Buffer.from('bbbb') }).encode();
    const before = Buffer.from(b);
    a.fill(0xee);
    expect(b).toEqual(before);
  });

  test('a header that outgrows the slab moves to its own buffer, at any point', () => {
    for (const size of [60000, 70000, 200000]) {
      const cmd = new RemotingCommand({ code: 1, serializeType: 'ROCKETMQ', extFields: ext({ a: 'x'.repeat(size), b: 'y' }) });
      expect(RemotingCommand.decodeFrame(cmd.encode()).extFields).toEqual({ a: 'x'.repeat(size), b: 'y' });
    }
  });

  test('an encode nested in another one (a value whose toString encodes) is independent', () => {
    const inner = new RemotingCommand({ code: 7, remark: 'inner' });
    let innerFrame: Buffer | undefined;
    const tricky = {
      toString(): string {
        innerFrame = inner.encode();
        return 'v';
      },
    };
    const e = newExtFields();
    (e as Record<string, unknown>).k = tricky;
    const outer = new RemotingCommand({ code: 8, extFields: e, remark: 'outer' }).encode();
    expect(RemotingCommand.decodeFrame(outer)).toMatchObject({ code: 8, remark: 'outer', extFields: { k: 'v' } });
    expect(RemotingCommand.decodeFrame(innerFrame!)).toMatchObject({ code: 7, remark: 'inner' });
  });

  test('a failed encode leaves the encoder usable', () => {
    expect(() => new RemotingCommand({ code: 1e6, serializeType: 'ROCKETMQ' }).encode()).toThrow(InvalidArgumentError);
    expect(RemotingCommand.decodeFrame(new RemotingCommand({ code: 3 }).encode()).code).toBe(3);
  });
});

describe('decode', () => {
  test('honours each frame\'s type byte', () => {
    const json = new RemotingCommand({ code: 5, opaque: 9 }).encode();
    const rmq = new RemotingCommand({ code: 5, opaque: 9, serializeType: 'ROCKETMQ' }).encode();
    expect(RemotingCommand.decodeFrame(json).serializeType).toBe('JSON');
    expect(RemotingCommand.decodeFrame(rmq).serializeType).toBe('ROCKETMQ');
  });

  test('the body is a view of the payload, not a copy', () => {
    const f = new RemotingCommand({ code: 5, body: Buffer.from('abc') }).encode();
    const payload = f.subarray(4);
    const cmd = RemotingCommand.decode(payload);
    expect(cmd.body!.buffer).toBe(payload.buffer);
    expect(cmd.body!.toString()).toBe('abc');
  });

  test.each([
    ['a payload without header-info word', Buffer.from([0, 0, 0]), /header-info/],
    ['a header length past the frame end', frame({ type: 0, header: '{}', headerLength: 3 }).subarray(4), /exceeds/],
    ['an unknown serialize type', frame({ type: 2, header: '{}' }).subarray(4), /serialize type 2/],
    ['a type byte of 0xff', frame({ type: 0xff, header: '{}' }).subarray(4), /serialize type 255/],
  ])('refuses %s', (_name, payload, message) => {
    expect(() => RemotingCommand.decode(payload)).toThrow(RemotingProtocolError);
    expect(() => RemotingCommand.decode(payload)).toThrow(message);
  });

  test('decodeFrame checks the length prefix', () => {
    const f = new RemotingCommand({ code: 5 }).encode();
    expect(() => RemotingCommand.decodeFrame(f.subarray(0, 3))).toThrow(RemotingProtocolError);
    expect(() => RemotingCommand.decodeFrame(Buffer.concat([f, Buffer.from([0])]))).toThrow(/does not match/);
  });
});
