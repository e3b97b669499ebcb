import { expectDecodeError, expectDecodes, type CommandView } from '../../../helpers/expect-decodes';
import { ByteBuilder, frame, rocketmqFrame, rocketmqHeader } from '../../../helpers/frame-builder';

const base: CommandView = {
  serializeType: 'ROCKETMQ',
  code: 0,
  language: 'JAVA',
  version: 0,
  opaque: 0,
  flag: 0,
  remark: null,
  extFields: null,
  bodyHex: null,
};

function view(over: Partial<CommandView>): CommandView {
  return { ...base, ...over };
}

describe('ROCKETMQ header decoding', () => {
  test('every fixed field, remark, entries and body', () => {
    expectDecodes(
      rocketmqFrame(
        {
          code: 310,
          language: 7,
          version: 479,
          opaque: 123456,
          flag: 3,
          remark: 'hi',
          ext: [
            ['a', 'group'],
            ['b', 'TopicTest'],
          ],
        },
        Buffer.from('body'),
      ),
      [
        view({
          code: 310,
          language: 'OTHER',
          version: 479,
          opaque: 123456,
          flag: 3,
          remark: 'hi',
          extFields: { a: 'group', b: 'TopicTest' },
          bodyHex: Buffer.from('body').toString('hex'),
        }),
      ],
    );
  });

  test('code and version are signed shorts, opaque and flag signed ints', () => {
    expectDecodes(rocketmqFrame({ code: -1, version: -32768, opaque: -1, flag: -2147483648 }), [
      view({ code: -1, version: -32768, opaque: -1, flag: -2147483648 }),
    ]);
  });

  test('an unknown language byte decodes to null, as in Java', () => {
    expectDecodes(rocketmqFrame({ language: 99 }), [view({ language: null })]);
    expectDecodes(rocketmqFrame({ language: -1 }), [view({ language: null })]);
    expectDecodes(rocketmqFrame({ language: 13 }), [view({ language: 'NODE_JS' })]);
  });

  test('UTF-8 strings, malformed bytes as U+FFFD', () => {
    expectDecodes(
      rocketmqFrame({ remark: 'é中😀', ext: [['ключ', Buffer.from([0x61, 0xff, 0x62])]] }),
      [view({ remark: 'é中😀', extFields: { ключ: 'a\ufffdb' } })],
    );
  });

  test('zero lengths are null: the entry is dropped, and it removes an earlier value of the key', () => {
    expectDecodes(
      rocketmqFrame({
        ext: [
          ['a', undefined],
          [undefined, 'x'],
          ['b', '1'],
          ['b', undefined],
          ['c', '1'],
          ['c', '2'],
        ],
      }),
      [view({ extFields: { c: '2' } })],
    );
  });

  test('an extFields block of only null entries is an empty map', () => {
    expectDecodes(rocketmqFrame({ ext: [['a', undefined]] }), [view({ extFields: {} })]);
  });

  test('bytes after the extFields block are ignored', () => {
    expectDecodes(rocketmqFrame({ ext: [['a', 'b']], trailing: Buffer.from([9, 9, 9]) }, Buffer.from([1])), [
      view({ extFields: { a: 'b' }, bodyHex: '01' }),
    ]);
  });

  test('wire keys cannot reach a prototype', () => {
    expectDecodes(rocketmqFrame({ ext: [['__proto__', 'x']] }), (cmds) => {
      expect(Object.keys(cmds[0]!.extFields!)).toEqual(['__proto__']);
      expect(({} as Record<string, unknown>).x).toBeUndefined();
    });
  });

  test('frames of both types back to back', () => {
    const json = frame({ type: 0, header: '{"code":1}' });
    const rmq = rocketmqFrame({ code: 2 });
    expectDecodes(Buffer.concat([json, rmq, json]), (cmds) => {
      expect(cmds.map((c) => [c.serializeType, c.code])).toEqual([
        ['JSON', 1],
        ['ROCKETMQ', 2],
        ['JSON', 1],
      ]);
    });
  });

  const fixed = (n: number): Buffer => rocketmqHeader({}).subarray(0, n);

  test.each([
    ['an empty header', Buffer.alloc(0), /shorter than 21/],
    ['a header cut inside the fixed part', fixed(12), /shorter than 21/],
    ['a header of 20 bytes', fixed(20), /shorter than 21/],
    ['a negative remark length', rocketmqHeader({ remarkLength: -1 }), /remark/],
    ['a remark length past the header', rocketmqHeader({ remark: 'ab', remarkLength: 3 }), /remark/],
    ['a remark eating the extFields length', rocketmqHeader({ remark: 'abcd', remarkLength: 6 }), /remark/],
    ['a negative extFields length', rocketmqHeader({ extLength: -5 }), /extFields block/],
    ['an extFields length past the header', rocketmqHeader({ ext: [['a', 'b']], extLength: 100 }), /extFields block/],
    ['a block ending inside a key length', rocketmqHeader({ extTail: Buffer.from([0]) }), /key length/],
    ['a negative key length', rocketmqHeader({ extTail: new ByteBuilder().int16(-1).int32(0).build() }), /key of length -1/],
    ['a key past the block', rocketmqHeader({ extTail: new ByteBuilder().int16(10).utf8('ab').build() }), /key of length 10/],
    ['a block ending inside a value length', rocketmqHeader({ extTail: new ByteBuilder().int16(1).utf8('a').int16(0).build() }), /key of length 1/],
    ['a negative value length', rocketmqHeader({ extTail: new ByteBuilder().int16(1).utf8('a').int32(-1).build() }), /value of length -1/],
    ['a value past the block', rocketmqHeader({ extTail: new ByteBuilder().int16(1).utf8('a').int32(5).utf8('ab').build() }), /value of length 5/],
    [
      'an entry running past a shorter block into the body',
      rocketmqHeader({ ext: [['a', 'bcd']], extLength: 8 }),
      /value of length 3/,
    ],
  ])('%s is a RemotingProtocolError', (_name, header, message) => {
    expectDecodeError(frame({ type: 1, header, body: Buffer.from('trailing body bytes') }), message);
  });
});
