/**
 * encode then decode gives the command back, for both header types, with any text: unicode in every
 * plane, empty and absent remark and extFields. The only differences are the ones Java has too: in a
 * ROCKETMQ header an empty remark, key or value reads back as absent.
 */
import fc from 'fast-check';
import { LanguageCode, type LanguageName } from '../../../../src/remoting/protocol/language-code';
import { newExtFields, RemotingCommand } from '../../../../src/remoting/protocol/remoting-command';
import { commandView, expectDecodes, type CommandView } from '../../../helpers/expect-decodes';

const int32 = fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 });
const int16 = fc.integer({ min: -32768, max: 32767 });
const language = fc.constantFrom(...(Object.keys(LanguageCode) as LanguageName[]));
/** Well-formed text: any code point, astral ones included (lone surrogates have their own test). */
const text = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.string({ unit: 'grapheme', maxLength: 10 }),
  fc.constantFrom('', 'KEYS\u0001a b\u0002WAIT\u0001true\u0002', '\u2028\u007f\u0000"\\'),
);
const ext = fc.option(fc.dictionary(text, text, { maxKeys: 8 }), { nil: undefined });
const body = fc.option(fc.uint8Array({ maxLength: 64 }), { nil: undefined });

interface Input {
  code: number;
  language: LanguageName;
  version: number;
  opaque: number;
  flag: number;
  remark: string | undefined;
  extFields: Record<string, string> | undefined;
  body: Uint8Array | undefined;
}

function command(i: Input, serializeType: 'JSON' | 'ROCKETMQ'): RemotingCommand {
  return new RemotingCommand({
    ...i,
    serializeType,
    extFields: i.extFields ? Object.assign(newExtFields(), i.extFields) : undefined,
    body: i.body ? Buffer.from(i.body) : undefined,
  });
}

function sorted(o: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const k of Object.keys(o).sort()) out[k] = o[k]!;
  return out;
}

/** What the peer reads back. */
function expected(i: Input, serializeType: 'JSON' | 'ROCKETMQ'): CommandView {
  let extFields = i.extFields ? sorted(i.extFields) : null;
  let remark = i.remark ?? null;
  if (serializeType === 'ROCKETMQ') {
    if (remark === '') remark = null;
    if (extFields) {
      const kept = Object.entries(extFields).filter(([k, v]) => k !== '' && v !== '');
      extFields = Object.keys(extFields).length === 0 ? null : Object.fromEntries(kept);
    }
  }
  return {
    serializeType,
    code: i.code,
    language: i.language,
    version: i.version,
    opaque: i.opaque,
    flag: i.flag,
    remark,
    extFields,
    bodyHex: i.body && i.body.length > 0 ? Buffer.from(i.body).toString('hex') : null,
  };
}

const input = (code: fc.Arbitrary<number>, version: fc.Arbitrary<number>): fc.Arbitrary<Input> =>
  fc.record({
    code,
    language,
    version,
    opaque: int32,
    flag: int32,
    remark: fc.option(text, { nil: undefined }),
    extFields: ext,
    body,
  });

describe('encode then decode gives the command back', () => {
  test('JSON header', () => {
    fc.assert(
      fc.property(input(int32, int32), (i) => {
        expect(commandView(RemotingCommand.decodeFrame(command(i, 'JSON').encode()))).toEqual(expected(i, 'JSON'));
      }),
      { seed: 42, numRuns: 400 },
    );
  });

  test('ROCKETMQ header', () => {
    fc.assert(
      fc.property(input(int16, int16), (i) => {
        expect(commandView(RemotingCommand.decodeFrame(command(i, 'ROCKETMQ').encode()))).toEqual(
          expected(i, 'ROCKETMQ'),
        );
      }),
      { seed: 43, numRuns: 400 },
    );
  });

  test('through the frame decoder, chunked every way, both types back to back', () => {
    fc.assert(
      fc.property(input(int16, int16), (i) => {
        const bytes = Buffer.concat([command(i, 'JSON').encode(), command(i, 'ROCKETMQ').encode()]);
        expectDecodes(bytes, [expected(i, 'JSON'), expected(i, 'ROCKETMQ')]);
      }),
      { seed: 44, numRuns: 6 },
    );
  });

  test("encoding is stable: decode then encode again gives the same bytes", () => {
    fc.assert(
      fc.property(input(int16, int16), fc.constantFrom('JSON' as const, 'ROCKETMQ' as const), (i, t) => {
        // Not comparable: entries ROCKETMQ reads back as absent, and integer-like keys, which a
        // JavaScript object keeps first whatever their insertion order (only ties in a bucket differ).
        const keys = Object.entries(i.extFields ?? {});
        fc.pre(!keys.some(([k, v]) => k === '' || v === '' || /^(0|[1-9]\d*)$/.test(k)));
        const first = command(i, t).encode();
        const again = RemotingCommand.decodeFrame(first);
        again.language = i.language;
        expect(again.encode().equals(first)).toBe(true);
      }),
      { seed: 45, numRuns: 300 },
    );
  });
});
