import { RemotingProtocolError } from '../../../../src/errors';
import { DEFAULT_MAX_FRAME_BYTES, FrameDecoder } from '../../../../src/remoting/protocol/frame-decoder';
import { RemotingCommand } from '../../../../src/remoting/protocol/remoting-command';
import { chunkings, expectDecodeError, expectDecodes } from '../../../helpers/expect-decodes';
import { ByteBuilder, frame, jsonFrame, rocketmqFrame } from '../../../helpers/frame-builder';

describe('FrameDecoder', () => {
  test('the default limit is Java\'s 16 MiB', () => {
    expect(DEFAULT_MAX_FRAME_BYTES).toBe(16 * 1024 * 1024);
  });

  test('many frames in one chunk, any chunking', () => {
    const frames = [jsonFrame('{"code":1}'), rocketmqFrame({ code: 2 }, Buffer.alloc(300, 1)), jsonFrame('{"code":3}')];
    expectDecodes(Buffer.concat(frames), (cmds) => expect(cmds.map((c) => c.code)).toEqual([1, 2, 3]));
  });

  test('a frame of the smallest size: the header-info word and nothing else', () => {
    // header length 0: an empty JSON header, which is not JSON
    expectDecodeError(frame({ type: 0, header: '' }), /not valid JSON/);
  });

  test('an incomplete frame stays buffered, and the next chunks complete it', () => {
    const f = jsonFrame('{"code":7}', Buffer.alloc(50));
    const d = new FrameDecoder();
    expect(d.push(f.subarray(0, 2))).toEqual([]);
    expect(d.bufferedBytes).toBe(2);
    expect(d.push(f.subarray(2, 20))).toEqual([]);
    expect(d.bufferedBytes).toBe(16); // payload bytes; the length prefix is held as the frame's size
    const out = d.push(f.subarray(20));
    expect(out).toHaveLength(1);
    expect(RemotingCommand.decode(out[0]!).code).toBe(7);
    expect(d.bufferedBytes).toBe(0);
  });

  test('a frame gathered across chunks does not share memory with the chunks', () => {
    const f = jsonFrame('{"code":7}', Buffer.from('body'));
    const a = Buffer.from(f.subarray(0, 10));
    const b = Buffer.from(f.subarray(10));
    const d = new FrameDecoder();
    d.push(a);
    const [payload] = d.push(b);
    a.fill(0);
    b.fill(0);
    expect(RemotingCommand.decode(payload!).body!.toString()).toBe('body');
  });

  test.each([
    ['a negative length', new ByteBuilder().int32(-1).int32(0).build(), /-1/],
    ['the most negative length', new ByteBuilder().int32(-2147483648).build(), /smaller than/],
    ['a length of 0', new ByteBuilder().int32(0).build(), /smaller than/],
    ['a length of 3', new ByteBuilder().int32(3).hex('000000').build(), /smaller than/],
    ['a length over 16 MiB', new ByteBuilder().int32(16 * 1024 * 1024 - 3).build(), /exceeds the limit/],
    ['a header length past the frame', frame({ type: 0, header: '{}', headerLength: 100 }), /header length 100 exceeds/],
    ['a header length of 0xffffff in a small frame', frame({ type: 1, header: '', headerLength: 0xffffff }), /exceeds/],
  ])('%s is a RemotingProtocolError', (_name, bytes, message) => {
    expectDecodeError(bytes, message);
  });

  test('the limit counts the length prefix, as Netty does; exactly the limit is accepted', () => {
    const f = jsonFrame('{"code":1}', Buffer.alloc(100));
    expectDecodes(f, (cmds) => expect(cmds).toHaveLength(1), { maxFrameBytes: f.length });
    expectDecodeError(f, /exceeds the limit of/, { maxFrameBytes: f.length - 1 });
  });

  test('the length is refused before any payload arrives (no allocation for it)', () => {
    const d = new FrameDecoder({ maxFrameBytes: 1024 });
    expect(() => d.push(new ByteBuilder().int32(2000).build())).toThrow(RemotingProtocolError);
    expect(d.bufferedBytes).toBe(0);
  });

  test('after an error the decoder stays failed; reset clears it', () => {
    const d = new FrameDecoder();
    expect(() => d.push(new ByteBuilder().int32(-1).build())).toThrow(RemotingProtocolError);
    expect(() => d.push(jsonFrame('{}'))).toThrow(RemotingProtocolError);
    d.reset();
    expect(d.push(jsonFrame('{}'))).toHaveLength(1);
  });

  test('frames completed before a bad length are delivered, then the decoder fails (as Netty does)', () => {
    const good = jsonFrame('{"code":1}');
    const bytes = Buffer.concat([good, good, new ByteBuilder().int32(-7).build(), good]);
    for (const { name, chunks } of chunkings(bytes)) {
      const d = new FrameDecoder();
      const codes: number[] = [];
      let thrown: unknown;
      for (const chunk of chunks) {
        try {
          for (const p of d.push(chunk)) codes.push(RemotingCommand.decode(p).code);
        } catch (err) {
          thrown = err;
          break;
        }
      }
      expect([name, codes]).toEqual([name, [1, 1]]);
      expect(d.error).toBeInstanceOf(RemotingProtocolError);
      expect(() => d.push(good)).toThrow(d.error);
      if (thrown !== undefined) expect(thrown).toBe(d.error);
    }
  });

  test('a chunk whose first length is bad throws at once', () => {
    const d = new FrameDecoder();
    expect(() => d.push(new ByteBuilder().int32(-7).build())).toThrow(RemotingProtocolError);
    expect(d.error).toBeInstanceOf(RemotingProtocolError);
  });

  test('reset drops a partial frame', () => {
    const d = new FrameDecoder();
    d.push(jsonFrame('{"code":1}').subarray(0, 9));
    expect(d.bufferedBytes).toBe(5);
    d.reset();
    expect(d.bufferedBytes).toBe(0);
    expect(d.push(jsonFrame('{"code":2}')).map((p) => RemotingCommand.decode(p).code)).toEqual([2]);
  });
});
