import fc from 'fast-check';
import { decodeJsonGeneric, decodeJsonHeader } from '../../../../src/remoting/protocol/json-header';
import { newExtFields, RemotingCommand } from '../../../../src/remoting/protocol/remoting-command';
import { expectDecodeError, expectDecodes, type CommandView } from '../../../helpers/expect-decodes';
import { jsonFrame } from '../../../helpers/frame-builder';

const base: CommandView = {
  serializeType: 'JSON',
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

/** Both decoders on the same text: the canonical scanner (with its fallback) and JSON.parse alone. */
function bothPaths(text: string): [unknown, unknown] {
  const buf = Buffer.from(text, 'utf8');
  return [decodeJsonHeader(buf, 0, buf.length), decodeJsonGeneric(text)];
}

describe('JSON header decoding', () => {
  test('fastjson output of a Java request', () => {
    expectDecodes(
      jsonFrame(
        '{"code":105,"extFields":{"topic":"TopicTest"},"flag":0,"language":"JAVA","opaque":1,"serializeTypeCurrentRPC":"JSON","version":479}',
      ),
      [view({ code: 105, version: 479, opaque: 1, extFields: { topic: 'TopicTest' } })],
    );
  });

  test('a response with remark, ext fields and body', () => {
    expectDecodes(
      jsonFrame(
        '{"code":17,"extFields":{"MSG_REGION":"DefaultRegion","TRACE_ON":"true"},"flag":1,"language":"JAVA","opaque":-5,"remark":"No topic route info","serializeTypeCurrentRPC":"JSON","version":479}',
        Buffer.from([1, 2, 3]),
      ),
      [
        view({
          code: 17,
          flag: 1,
          opaque: -5,
          version: 479,
          remark: 'No topic route info',
          extFields: { MSG_REGION: 'DefaultRegion', TRACE_ON: 'true' },
          bodyHex: '010203',
        }),
      ],
    );
  });

  test('absent fields take Java defaults: code/version/opaque/flag 0, language JAVA', () => {
    expectDecodes(jsonFrame('{}'), [view({})]);
  });

  test('escapes of every kind, non-ASCII text, surrogate pairs written as escapes', () => {
    expectDecodes(
      jsonFrame(
        '{"code":1,"extFields":{"k\\u0001":"a\\"b\\\\c\\/d\\b\\f\\n\\r\\t\\u000B\\u00e9\\ud83d\\ude00","é中":"😀"},"remark":"Tést\\u2028"}',
      ),
      [
        view({
          code: 1,
          remark: 'Tést\u2028',
          extFields: { 'k\u0001': 'a"b\\c/d\b\f\n\r\t\u000bé😀', 'é中': '😀' },
        }),
      ],
    );
  });

  test('whitespace, unknown keys and nested unknown values go the general way, same result', () => {
    expectDecodes(
      jsonFrame(' { "code" : 2 , "x" : [1, {"y": null}], "extFields" : { "a" : "b" } , "z": 1.5e3, "t": true }\n'),
      [view({ code: 2, extFields: { a: 'b' } })],
    );
  });

  test('unknown scalar keys are skipped by the scanner', () => {
    expectDecodes(jsonFrame('{"code":3,"newField":"x","other":12,"b":false,"c":null,"serializeTypeCurrentRPC":"JSON"}'), [
      view({ code: 3 }),
    ]);
  });

  test('language by name, by ordinal, unknown, null', () => {
    expectDecodes(jsonFrame('{"language":"GO"}'), [view({ language: 'GO' })]);
    expectDecodes(jsonFrame('{"language":9}'), [view({ language: 'GO' })]);
    expectDecodes(jsonFrame('{"language":"COBOL"}'), [view({ language: null })]);
    expectDecodes(jsonFrame('{"language":99}'), [view({ language: null })]);
    expectDecodes(jsonFrame('{"language":null}'), [view({ language: null })]);
  });

  test('null remark, null extFields, null ext values', () => {
    expectDecodes(jsonFrame('{"remark":null,"extFields":null}'), [view({})]);
    expectDecodes(jsonFrame('{"extFields":{"a":null,"b":"x"}}'), [view({ extFields: { b: 'x' } })]);
    expectDecodes(jsonFrame('{"extFields":{}}'), [view({ extFields: {} })]);
  });

  test('duplicate keys: the last one wins, a later null removes', () => {
    expectDecodes(jsonFrame('{"code":1,"code":2,"extFields":{"a":"1","a":"2","b":"1","b":null}}'), [
      view({ code: 2, extFields: { a: '2' } }),
    ]);
  });

  test('lenient like fastjson: numeric strings for ints, scalars for ext values', () => {
    expectDecodes(jsonFrame('{"code":"105","opaque":"-7","extFields":{"n":5,"t":true}}'), [
      view({ code: 105, opaque: -7, extFields: { n: '5', t: 'true' } }),
    ]);
  });

  test('raw control characters inside strings are taken as they are, as fastjson reads them', () => {
    expectDecodes(jsonFrame('{"remark":"a\tb\u0001"}'), [
      view({ remark: 'a\tb\u0001' }),
    ]);
  });

  test('ints are wrapped to int32 like the ROCKETMQ fields', () => {
    expectDecodes(jsonFrame('{"opaque":4294967295,"flag":-0}'), [view({ opaque: -1 })]);
  });

  test('wire keys cannot reach a prototype', () => {
    expectDecodes(jsonFrame('{"extFields":{"__proto__":"x","constructor":"y"}}'), (cmds) => {
      const e = cmds[0]!.extFields!;
      expect(Object.keys(e)).toEqual(['__proto__', 'constructor']);
      expect(e['__proto__']).toBe('x');
      expect(({} as Record<string, unknown>).x).toBeUndefined();
    });
  });

  test('malformed UTF-8 becomes U+FFFD, as in Java', () => {
    const text = Buffer.concat([Buffer.from('{"remark":"a'), Buffer.from([0xc3, 0x28, 0xff]), Buffer.from('b"}')]);
    expectDecodes(jsonFrameBytes(text), [view({ remark: 'a\ufffd(\ufffdb' })]);
  });

  test.each([
    ['an empty header', ''],
    ['text that is not JSON', 'hello'],
    ['an unterminated object', '{"code":1'],
    ['an unterminated string', '{"remark":"abc'],
    ['trailing garbage', '{"code":1}x'],
    ['an array', '[1,2]'],
    ['null', 'null'],
    ['a string', '"x"'],
    ['a number for remark', '{"remark":5}'],
    ['an object for remark', '{"remark":{}}'],
    ['a float for code', '{"code":1.5}'],
    ['a string that is no number for code', '{"code":"x"}'],
    ['an array for extFields', '{"extFields":[]}'],
    ['a string for extFields', '{"extFields":"a"}'],
    ['an object as ext value', '{"extFields":{"a":{"b":"c"}}}'],
    ['a bad escape', '{"remark":"\\x"}'],
    ['a short unicode escape', '{"remark":"\\u12"}'],
    ['a boolean for language', '{"language":true}'],
  ])('%s is a RemotingProtocolError', (_name, text) => {
    expectDecodeError(jsonFrame(text));
  });

  test('the scanner and JSON.parse agree on fastjson output of any command', () => {
    const str = fc.string({ unit: 'binary', maxLength: 20 });
    fc.assert(
      fc.property(
        fc.record({
          code: fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }),
          opaque: fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }),
          remark: fc.option(str, { nil: undefined }),
          ext: fc.option(fc.dictionary(str, str, { maxKeys: 6 }), { nil: undefined }),
        }),
        ({ code, opaque, remark, ext }) => {
          const cmd = new RemotingCommand({
            code,
            opaque,
            remark,
            extFields: ext ? Object.assign(newExtFields(), ext) : undefined,
          });
          const f = cmd.encode();
          const text = f.toString('utf8', 8);
          const [fast, generic] = bothPaths(text);
          expect(fast).toEqual(generic);
        },
      ),
      { seed: 1, numRuns: 200 },
    );
  });

  test('the scanner and JSON.parse agree on reordered and unusual but valid JSON', () => {
    for (const text of [
      '{"version":1,"code":2}',
      '{"extFields":{"a":"b"},"code":3,"extFields":{"c":"d"}}',
      '{"remark":"","extFields":{"":""}}',
      '{"code":-0,"flag":0}',
      '{"code":9007199254740993}',
    ]) {
      const [fast, generic] = bothPaths(text);
      expect(fast).toEqual(generic);
    }
  });
});

function jsonFrameBytes(header: Buffer): Buffer {
  const out = Buffer.alloc(8 + header.length);
  out.writeInt32BE(4 + header.length, 0);
  out.writeInt32BE(header.length, 4);
  header.copy(out, 8);
  return out;
}
