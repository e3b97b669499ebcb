/**
 * Decoder fuzz: 100,000 random and mutated frames (seeded, deterministic) through FrameDecoder and
 * RemotingCommand.decode. Nothing may crash or hang; the only error allowed is RemotingProtocolError.
 * What decodes must encode again (or be refused as InvalidArgumentError) and read back the same.
 */
import { InvalidArgumentError, RemotingProtocolError } from '../../../../src/errors';
import { FrameDecoder } from '../../../../src/remoting/protocol/frame-decoder';
import { newExtFields, RemotingCommand } from '../../../../src/remoting/protocol/remoting-command';
import { commandView } from '../../../helpers/expect-decodes';
import { jsonFrame, rocketmqFrame } from '../../../helpers/frame-builder';

/** mulberry32: small, fast, seedable. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const random = rng(0x5eed);
const int = (n: number): number => Math.floor(random() * n);
const pick = <T>(xs: readonly T[]): T => xs[int(xs.length)]!;
const bytes = (n: number): Buffer => Buffer.from(Array.from({ length: n }, () => int(256)));

function seedFrames(): Buffer[] {
  const ext = Object.assign(newExtFields(), {
    a: 'group',
    b: 'TopicTest',
    i: 'KEYS\u0001k\u0002WAIT\u0001true\u0002',
    'é': '中😀',
    empty: '',
  });
  const out: Buffer[] = [];
  for (const serializeType of ['JSON', 'ROCKETMQ'] as const) {
    out.push(new RemotingCommand({ code: 310, opaque: 7, extFields: ext, serializeType, body: Buffer.from('body') }).encode());
    out.push(new RemotingCommand({ code: 17, flag: 1, remark: 'no route "x"\n', serializeType }).encode());
    out.push(new RemotingCommand({ code: 0, flag: 1, extFields: newExtFields(), serializeType }).encode());
  }
  out.push(jsonFrame('{ "code" : 1, "extFields" : { "a" : "b" }, "x": [1, 2.5, {"y": null}] }'));
  out.push(rocketmqFrame({ ext: [['k', undefined], [undefined, 'v']], trailing: Buffer.from([1, 2]) }));
  return out;
}

const JSON_TOKENS = ['{', '}', '[', ']', ':', ',', '"', '\\', '\\u', '00', 'e9', 'code', 'extFields', 'remark',
  'language', 'opaque', 'flag', 'version', 'null', 'true', '1', '-', '.5', 'e9', ' ', '\u0001', 'é', '\ud83d'];

function randomJsonText(): string {
  let s = '';
  const n = int(40);
  for (let i = 0; i < n; i++) s += pick(JSON_TOKENS);
  return s;
}

function setInt32(b: Buffer, at: number, v: number): void {
  if (at + 4 <= b.length) b.writeInt32BE(v | 0, at);
}

const LENGTHS = [-1, -2147483648, 0, 1, 3, 4, 5, 21, 0x7fffffff, 0xffffff, 0x1000000, 65536];

function mutate(seed: Buffer): Buffer {
  let b = Buffer.from(seed);
  const ops = 1 + int(3);
  for (let k = 0; k < ops; k++) {
    switch (int(9)) {
      case 0: // flip bytes
        for (let j = 0, n = 1 + int(4); j < n && b.length > 0; j++) b[int(b.length)] = int(256);
        break;
      case 1: // truncate
        b = b.subarray(0, int(b.length + 1));
        break;
      case 2: // append garbage
        b = Buffer.concat([b, bytes(int(20))]);
        break;
      case 3: // total length
        setInt32(b, 0, random() < 0.5 ? pick(LENGTHS) : b.length - 4 + int(9) - 4);
        break;
      case 4: // header-info word: type byte and 24-bit length
        setInt32(b, 4, (pick([0, 1, 2, 0xff]) << 24) | (random() < 0.5 ? pick(LENGTHS) & 0xffffff : int(b.length + 8)));
        break;
      case 5: // a length inside a ROCKETMQ header (remark, ext block, key, value)
        setInt32(b, 8 + pick([13, 17, 21, 25]) + int(8), pick(LENGTHS));
        break;
      case 6: // insert bytes in the header
        if (b.length > 8) {
          const at = 8 + int(b.length - 8);
          b = Buffer.concat([b.subarray(0, at), bytes(1 + int(3)), b.subarray(at)]);
        }
        break;
      case 7: // delete bytes in the header
        if (b.length > 9) {
          const at = 8 + int(b.length - 9);
          b = Buffer.concat([b.subarray(0, at), b.subarray(at + 1 + int(3))]);
        }
        break;
      default: // keep the length prefix consistent with the new size
        setInt32(b, 0, b.length - 4);
    }
  }
  return b;
}

function randomFrame(seeds: Buffer[]): Buffer {
  const r = random();
  if (r < 0.6) return mutate(pick(seeds));
  if (r < 0.8) return jsonFrame(randomJsonText(), random() < 0.3 ? bytes(int(8)) : undefined);
  if (r < 0.9) {
    const header = bytes(int(60));
    const b = Buffer.alloc(8 + header.length);
    b.writeInt32BE(4 + header.length, 0);
    b.writeInt32BE((1 << 24) | header.length, 4);
    header.copy(b, 8);
    return b;
  }
  return bytes(int(64));
}

/** Feeds the frame in 1 to 3 chunks; returns the decoded commands or the error. */
function run(frame: Buffer): RemotingCommand[] | unknown {
  const decoder = new FrameDecoder({ maxFrameBytes: 1 << 16 });
  const cuts = [0, int(frame.length + 1), int(frame.length + 1), frame.length].sort((x, y) => x - y);
  const out: RemotingCommand[] = [];
  try {
    for (let c = 0; c < 3; c++) {
      for (const payload of decoder.push(frame.subarray(cuts[c], cuts[c + 1]))) out.push(RemotingCommand.decode(payload));
    }
  } catch (err) {
    return err;
  }
  return out;
}

describe('decoder fuzz', () => {
  test('100,000 random and mutated frames: only typed errors, and what decodes re-encodes', () => {
    const seeds = seedFrames();
    const unexpected: string[] = [];
    let decoded = 0;
    let refused = 0;
    for (let i = 0; i < 100_000; i++) {
      const frame = randomFrame(seeds);
      const result = run(frame);
      if (!Array.isArray(result)) {
        if (result instanceof RemotingProtocolError) refused++;
        else if (unexpected.length < 5) unexpected.push(`${frame.toString('hex')}: ${String(result)}`);
        continue;
      }
      for (const cmd of result) {
        decoded++;
        let again: Buffer;
        try {
          again = cmd.encode();
        } catch (err) {
          // A language Java does not know has no ROCKETMQ byte; that is the only refusal.
          if (!(err instanceof InvalidArgumentError) && unexpected.length < 5) unexpected.push(`re-encode: ${String(err)}`);
          continue;
        }
        const back = commandView(RemotingCommand.decodeFrame(again));
        const view = commandView(cmd);
        if (view.language === null) back.language = null;
        // A ROCKETMQ map whose entries were all null reads as empty, and an empty map is written as none.
        if (view.serializeType === 'ROCKETMQ' && view.extFields && Object.keys(view.extFields).length === 0) {
          view.extFields = null;
        }
        if (JSON.stringify(back) !== JSON.stringify(view) && unexpected.length < 5) {
          unexpected.push(`${frame.toString('hex')}: ${JSON.stringify(view)} came back as ${JSON.stringify(back)}`);
        }
      }
    }
    expect(unexpected).toEqual([]);
    // The corpus must exercise both outcomes substantially.
    expect(decoded).toBeGreaterThan(5_000);
    expect(refused).toBeGreaterThan(30_000);
  }, 600_000);
});
