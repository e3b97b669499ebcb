import { RemotingProtocolError } from '../../../../src/errors';
import { checkJsonHeaderBytes, checkJsonHeaderText, checkRocketMQExtFields, DEFAULT_HEADER_LIMITS } from '../../../../src/remoting/protocol/header-limits';
import { RemotingCommand } from '../../../../src/remoting/protocol/remoting-command';
import { resolveRemotingClientOptions } from '../../../../src/remoting/remoting-client-options';
import { InvalidConfigError } from '../../../../src/errors';
import { manyExtFieldsFrame, rawFrame } from '../../../helpers/hostile-peer';

const jsonFrameOf = (text: string): Buffer => rawFrame(Buffer.from(text, 'latin1')).subarray(4);

/** The payload FrameDecoder hands over: the frame without its length prefix. */
const payload = (frame: Buffer): Buffer => frame.subarray(4);

describe('ext-field limits of decoded headers', () => {
  const max = DEFAULT_HEADER_LIMITS.maxExtFields;

  test.each(['JSON', 'ROCKETMQ'] as const)('%s: exactly the limit decodes; one more is a protocol error', (type) => {
    const ok = RemotingCommand.decode(payload(manyExtFieldsFrame(7, max, type)));
    expect(Object.keys(ok.extFields!)).toHaveLength(max);
    expect(() => RemotingCommand.decode(payload(manyExtFieldsFrame(7, max + 1, type)))).toThrow(RemotingProtocolError);
  });

  test('the JSON general path (whitespace) is bounded too, before JSON.parse', () => {
    const spaced = (n: number): string =>
      payload(manyExtFieldsFrame(7, n, 'JSON')).subarray(4).toString('latin1').replace('{"code"', '{ "code"');
    // Just over: parsed, then counted.
    expect(() => RemotingCommand.decode(jsonFrameOf(spaced(max + 1)))).toThrow(
      /more than 4096 ext fields/,
    );
    // Far over: refused from a count of quotes, never parsed.
    expect(() => checkJsonHeaderText(spaced(2 * max), DEFAULT_HEADER_LIMITS)).toThrow(RemotingProtocolError);
    const small = { maxExtFields: 3, maxExtFieldsBytes: 1000 };
    // Escaped quotes inside values do not count as keys.
    expect(() => checkJsonHeaderText('{ "extFields":{"a":"\\"\\"\\"\\"\\"\\"\\"\\"\\"\\"\\"\\"\\"\\"\\"\\"\\"\\"\\"\\""}}', small)).not.toThrow();
  });

  test.each(['JSON', 'ROCKETMQ'] as const)('%s: total ext size and count are configurable', (type) => {
    const frame = payload(manyExtFieldsFrame(7, 100, type));
    expect(() => RemotingCommand.decode(frame, { maxExtFields: 99, maxExtFieldsBytes: 1 << 20 })).toThrow(/more than 99 ext fields/);
    expect(() => RemotingCommand.decode(frame, { maxExtFields: 1000, maxExtFieldsBytes: 200 })).toThrow(/exceed 200 bytes/);
    expect(RemotingCommand.decode(frame, { maxExtFields: 100, maxExtFieldsBytes: 1000 }).opaque).toBe(7);
  });

  test('a 15 MB frame of 1.4 M fields is refused, and decoding stops at the limit', () => {
    for (const type of ['JSON', 'ROCKETMQ'] as const) {
      const frame = payload(manyExtFieldsFrame(7, 1_400_000, type));
      expect(frame.length).toBeGreaterThan(10_000_000);
      expect(() => RemotingCommand.decode(frame)).toThrow(/more than 4096 ext fields/);
      // Past field 4097 the frame is garbage: the limit error, not a parse error, shows nothing
      // beyond the limit was read (the unbounded decode took about a second on this frame).
      const cut = payload(manyExtFieldsFrame(7, max + 1, type));
      const poisoned = Buffer.concat([cut.subarray(0, cut.length - 2), Buffer.from('\u0000garbage')]);
      expect(() => RemotingCommand.decode(poisoned)).toThrow(/more than 4096 ext fields/);
    }
  });

  test('large headers are checked on their bytes, before becoming text', () => {
    const rmq = payload(manyExtFieldsFrame(7, 20_000, 'ROCKETMQ'));
    // Ext block of the frame built above: after the 21 fixed header bytes (no remark).
    const extEnd = 4 + rmq.readInt32BE(4 + 17) + 21;
    expect(() => checkRocketMQExtFields(rmq, 4 + 21, extEnd, DEFAULT_HEADER_LIMITS)).toThrow(/more than 4096 ext fields/);
    expect(() => checkRocketMQExtFields(rmq, 4 + 21, extEnd, { maxExtFields: 20_000, maxExtFieldsBytes: 1 << 30 })).not.toThrow();
    // A bad length stops the walk quietly; the decoder itself reports it.
    expect(() => checkRocketMQExtFields(Buffer.from([0x7f, 0xff, 0, 0, 0, 0]), 0, 6, DEFAULT_HEADER_LIMITS)).not.toThrow();
    const json = payload(manyExtFieldsFrame(7, 20_000, 'JSON'));
    expect(() => checkJsonHeaderBytes(json, 4, json.length, DEFAULT_HEADER_LIMITS)).toThrow(RemotingProtocolError);
    expect(() => checkJsonHeaderBytes(json, 4, json.length, { maxExtFields: 20_000, maxExtFieldsBytes: 1 << 30 })).not.toThrow();
  });

  test('client options carry the limits and validate them', () => {
    expect(resolveRemotingClientOptions({}).headerLimits).toEqual(DEFAULT_HEADER_LIMITS);
    expect(resolveRemotingClientOptions({ maxExtFields: 10, maxExtFieldsBytes: 20 }).headerLimits).toEqual({
      maxExtFields: 10,
      maxExtFieldsBytes: 20,
    });
    expect(() => resolveRemotingClientOptions({ maxExtFields: 0 })).toThrow(InvalidConfigError);
  });
});
