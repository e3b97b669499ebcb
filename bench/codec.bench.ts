/**
 * Codec benchmark (a script, not a test): encode plus decode of a SEND_MESSAGE_V2 request with a
 * 1 KiB body and realistic properties, for both header types, against ali-ons 3.x's RemotingCommand
 * measured in the same run; and the decode of a PULL_MESSAGE response carrying 32 stored 1 KiB
 * messages (the consumer's hot path: frame, response header, every record) against ali-ons' frame and
 * message decoders on the same bytes. Prints one JSON line per case.
 *
 * Method: every implementation warms up, then runs in short batches, interleaved and rotated each
 * round, so all see the same machine conditions; a case's figure is its median batch. Throughput
 * is per CPU second of this process (GC threads included), which a busy shared machine distorts far
 * less than wall time; the wall-time figure is printed beside it.
 *
 * Our codec is bundled by esbuild exactly like `npm run build` does, so the figures are those of
 * the shipped code; `--source` measures the TypeScript modules as loaded by ts-register instead.
 *
 *   node -r ./scripts/ts-register.cjs bench/codec.bench.ts [--rounds 40] [--batch 2000] [--source]
 */
import { buildSync } from 'esbuild';
import Module from 'node:module';
import path from 'node:path';

type Header = import('../src/remoting/header').SendMessageRequestHeaderV2;
type HeaderModule = typeof import('../src/remoting/header');
type DecoderModule = typeof import('../src/message/message-decoder');
type EncoderModule = typeof import('../src/message/stored-message-encoder');
interface Codec {
  RemotingCommand: typeof import('../src/remoting/protocol/remoting-command').RemotingCommand;
  createRequestCommand: HeaderModule['createRequestCommand'];
  createResponseCommand: HeaderModule['createResponseCommand'];
  decodeCommandCustomHeader: HeaderModule['decodeCommandCustomHeader'];
  SendMessageRequestHeaderV2: HeaderModule['SendMessageRequestHeaderV2'];
  PullMessageResponseHeader: HeaderModule['PullMessageResponseHeader'];
  MessageExt: DecoderModule['MessageExt'];
  decodeMessageExts: DecoderModule['decodeMessageExts'];
  encodeMessageExts: EncoderModule['encodeMessageExts'];
}

interface AliCommand {
  body: Buffer | null;
  code: number;
  extFields: Record<string, unknown>;
  encode(): Buffer;
}
interface AliCommandClass {
  createRequestCommand(code: number, header: object): AliCommand;
  decode(frame: Buffer): AliCommand;
}
interface AliByteBuffer {
  reset(): AliByteBuffer;
  put(b: Buffer): AliByteBuffer;
  flip(): AliByteBuffer;
}

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}

const ROUNDS = arg('rounds', 40);
const BATCH = arg('batch', 2000);
const WARMUP = arg('warmup', 30000);
const root = path.resolve(__dirname, '..');

/** Our codec, bundled in memory with the options of scripts/build.mjs. */
function loadCodec(): Codec {
  if (process.argv.includes('--source')) {
    return {
      ...(require('../src/remoting/protocol/remoting-command') as Pick<Codec, 'RemotingCommand'>),
      ...(require('../src/remoting/header') as HeaderModule),
      ...(require('../src/message/message-decoder') as DecoderModule),
      ...(require('../src/message/stored-message-encoder') as EncoderModule),
    } as Codec;
  }
  const out = buildSync({
    stdin: {
      contents:
        "export { RemotingCommand } from './src/remoting/protocol/remoting-command';\n" +
        'export { createRequestCommand, createResponseCommand, decodeCommandCustomHeader, SendMessageRequestHeaderV2, ' +
        "PullMessageResponseHeader } from './src/remoting/header';\n" +
        "export { MessageExt, decodeMessageExts } from './src/message/message-decoder';\n" +
        "export { encodeMessageExts } from './src/message/stored-message-encoder';\n",
      resolveDir: root,
      loader: 'ts',
      sourcefile: 'codec-bench-entry.ts',
    },
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    packages: 'external',
    write: false,
    tsconfigRaw: {
      compilerOptions: { experimentalDecorators: true, emitDecoratorMetadata: false, useDefineForClassFields: false },
    },
  });
  const filename = path.join(root, 'bench', 'codec-bench-bundle.js');
  const m = new Module(filename);
  m.filename = filename;
  m.paths = (Module as unknown as { _nodeModulePaths(dir: string): string[] })._nodeModulePaths(root);
  (m as unknown as { _compile(code: string, file: string): void })._compile(out.outputFiles[0]!.text, filename);
  return m.exports as Codec;
}

const codec = loadCodec();
const AliRemotingCommand = require('ali-ons/lib/protocol/command/remoting_command') as AliCommandClass;
const AliMessageDecoder = require('ali-ons/lib/message/message_decoder') as { decodes(b: AliByteBuffer): { body: Buffer; properties: object }[] };
// ali-ons' own byte buffer (its mq_client_api.js keeps one and refills it per pull response).
const AliByteBufferClass = require(require.resolve('byte', { paths: [require.resolve('ali-ons')] })) as {
  allocate(n: number): AliByteBuffer;
};

// ---- the message: 1 KiB body, properties as DefaultMQProducer writes them ----

const BODY = Buffer.alloc(1024, 0x61);
const PROPERTIES = Array.from({ length: 256 }, (_, i) => {
  const uniq = `7F0000010B2A18B4AAC2${(0x5bb1f5c40000 + i).toString(16).toUpperCase()}`;
  return `KEYS\u0001order-${10000 + i} user-${i % 97}\u0002TAGS\u0001TagA\u0002UNIQ_KEY\u0001${uniq}\u0002WAIT\u0001true\u0002`;
});
const BORN = 1_700_000_000_000;

function ourHeader(i: number): Header {
  const h = new codec.SendMessageRequestHeaderV2();
  h.a = 'please_rename_unique_group_name';
  h.b = 'TopicTest';
  h.c = 'TBW102';
  h.d = 4;
  h.e = i & 3;
  h.f = 0;
  h.g = BigInt(BORN + i);
  h.h = 0;
  h.i = PROPERTIES[i & 255];
  h.j = 0;
  h.k = false;
  h.m = false;
  h.n = 'broker-a';
  return h;
}

/**
 * The same fields as ours (ali-ons itself sends a..l only; m and n are added so both frames carry
 * the same ext fields), numbers and booleans as JSON values, as its mq_client_api.js writes them.
 */
function aliHeader(i: number): object {
  return {
    a: 'please_rename_unique_group_name',
    b: 'TopicTest',
    c: 'TBW102',
    d: 4,
    e: i & 3,
    f: 0,
    g: BORN + i,
    h: 0,
    i: PROPERTIES[i & 255],
    j: 0,
    k: false,
    l: undefined,
    m: false,
    n: 'broker-a',
  };
}

// ---- a PULL_MESSAGE response: 32 stored 1 KiB messages, as a 5.x broker answers a push consumer ----

function pullFrame(): Buffer {
  const records = Array.from({ length: 32 }, (_, i) => {
    const m = new codec.MessageExt('TopicTest', Buffer.alloc(1024, 0x62 + (i % 8)), { tags: 'TagA', keys: `order-${i}` });
    m.putProperty('UNIQ_KEY', `7F0000010B2A18B4AAC2${(0x5bb1f5c40000 + i).toString(16).toUpperCase()}`);
    m.putProperty('MIN_OFFSET', '0');
    m.putProperty('MAX_OFFSET', '1032');
    m.queueId = 3;
    m.queueOffset = BigInt(1000 + i);
    m.commitLogOffset = BigInt(5_000_000 + i * 1200);
    m.bornTimestamp = BORN + i;
    m.storeTimestamp = BORN + i + 2;
    m.bornHost = { ip: '127.0.0.1', port: 50000, address: '127.0.0.1:50000' };
    m.storeHost = { ip: '127.0.0.1', port: 10911, address: '127.0.0.1:10911' };
    return m;
  });
  const header = new codec.PullMessageResponseHeader();
  header.suggestWhichBrokerId = 0n;
  header.nextBeginOffset = 1032n;
  header.minOffset = 0n;
  header.maxOffset = 1032n;
  const cmd = codec.createResponseCommand(0, undefined, header, { opaque: 7 });
  cmd.body = codec.encodeMessageExts(records);
  return cmd.encode();
}

const PULL_FRAME = pullFrame();
const PULL_PAYLOAD = PULL_FRAME.subarray(4);
const aliPullBuffer = AliByteBufferClass.allocate(PULL_FRAME.length);

/** Frame, response header, every record with its body and properties read (what a listener gets). */
function oursPull(): number {
  const cmd = codec.RemotingCommand.decode(PULL_PAYLOAD);
  const h = codec.decodeCommandCustomHeader(cmd, codec.PullMessageResponseHeader);
  const msgs = codec.decodeMessageExts(cmd.body!);
  let n = Number(h.nextBeginOffset);
  for (const m of msgs) n += m.body.length + (m.getProperty('UNIQ_KEY')?.length ?? 0);
  sink += n;
  return PULL_FRAME.length;
}

/** The same steps as ali-ons' mq_client_api.js pullMessage: decode, its header, MessageDecoder.decodes. */
function aliPull(): number {
  const cmd = AliRemotingCommand.decode(PULL_FRAME) as AliCommand & { decodeCommandCustomHeader(): { nextBeginOffset: unknown } };
  const h = cmd.decodeCommandCustomHeader();
  aliPullBuffer.reset();
  aliPullBuffer.put(cmd.body!).flip();
  const msgs = AliMessageDecoder.decodes(aliPullBuffer);
  let n = Number(h.nextBeginOffset);
  for (const m of msgs) n += m.body.length + ((m.properties as Record<string, string>).UNIQ_KEY?.length ?? 0);
  sink += n;
  return PULL_FRAME.length;
}

interface Case {
  case: string;
  serializeType: 'JSON' | 'ROCKETMQ';
  impl: 'rocketmq-ts' | 'ali-ons';
  /** One encode plus decode; returns the frame's size. */
  run(i: number): number;
  cpuNs: number[];
  wallNs: number[];
  bytes: number;
  /** Frames per run() call are 1; a pull case also reports messages (32 per frame). */
  per?: number;
}

let sink = 0;

/** Reads every ext value of a decoded frame, so a lazily decoding codec pays for what a caller uses. */
function readExt(ext: Record<string, unknown> | undefined): number {
  let n = 0;
  if (ext) for (const k in ext) if (ext[k] !== undefined) n++;
  return n;
}

function ours(serializeType: 'JSON' | 'ROCKETMQ'): Case['run'] {
  return (i) => {
    const frame = codec.createRequestCommand(310, ourHeader(i), BODY, { serializeType, opaque: i }).encode();
    const back = codec.RemotingCommand.decode(frame.subarray(4));
    sink += back.code + readExt(back.extFields);
    return frame.length;
  };
}

function aliOns(i: number): number {
  const cmd = AliRemotingCommand.createRequestCommand(310, aliHeader(i));
  cmd.body = BODY;
  const frame = cmd.encode();
  const back = AliRemotingCommand.decode(frame);
  sink += back.code + readExt(back.extFields);
  return frame.length;
}

const cases: Case[] = [
  { case: 'send-v2-1k', serializeType: 'JSON', impl: 'rocketmq-ts', run: ours('JSON'), cpuNs: [], wallNs: [], bytes: 0 },
  { case: 'send-v2-1k', serializeType: 'ROCKETMQ', impl: 'rocketmq-ts', run: ours('ROCKETMQ'), cpuNs: [], wallNs: [], bytes: 0 },
  { case: 'send-v2-1k', serializeType: 'JSON', impl: 'ali-ons', run: aliOns, cpuNs: [], wallNs: [], bytes: 0 },
  { case: 'pull-32x1k-decode', serializeType: 'JSON', impl: 'rocketmq-ts', run: oursPull, cpuNs: [], wallNs: [], bytes: 0, per: 32 },
  { case: 'pull-32x1k-decode', serializeType: 'JSON', impl: 'ali-ons', run: aliPull, cpuNs: [], wallNs: [], bytes: 0, per: 32 },
];

function batch(c: Case, start: number, n: number): { cpu: number; wall: number; bytes: number } {
  const cpu0 = process.cpuUsage();
  const wall0 = process.hrtime.bigint();
  let bytes = 0;
  for (let i = start; i < start + n; i++) bytes += c.run(i);
  const wall = Number(process.hrtime.bigint() - wall0);
  const cpu = process.cpuUsage(cpu0);
  return { cpu: (cpu.user + cpu.system) * 1000, wall, bytes };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

/** A pull frame costs ~30x a send frame: fewer of them per batch keeps the batches of similar length. */
const batchOf = (c: Case): number => (c.per ? Math.max(1, Math.round(BATCH / c.per)) : BATCH);
for (const c of cases) batch(c, 0, c.per ? Math.round(WARMUP / c.per) : WARMUP);
let counter = 0;
for (let r = 0; r < ROUNDS; r++) {
  for (let k = 0; k < cases.length; k++) {
    const c = cases[(k + r) % cases.length]!;
    const n = batchOf(c);
    const res = batch(c, counter, n);
    counter += n;
    c.cpuNs.push(res.cpu / n);
    c.wallNs.push(res.wall / n);
    c.bytes = res.bytes / n;
  }
}

for (const c of cases) {
  const aliCpu = median(cases.find((x) => x.impl === 'ali-ons' && x.case === c.case)!.cpuNs);
  const cpu = median(c.cpuNs);
  const framesPerS = 1e9 / cpu;
  console.log(
    JSON.stringify({
      case: c.case,
      serializeType: c.serializeType,
      impl: c.impl,
      frames_per_s: Math.round(framesPerS),
      mb_per_s: Number(((framesPerS * c.bytes) / 1e6).toFixed(1)),
      frame_bytes: Math.round(c.bytes),
      ...(c.per ? { msgs_per_s: Math.round(framesPerS * c.per) } : {}),
      vs_ali_ons: Number((aliCpu / cpu).toFixed(2)),
      wall_frames_per_s: Math.round(1e9 / median(c.wallNs)),
      clock: 'cpu',
      rounds: ROUNDS,
      batch: batchOf(c),
      code: process.argv.includes('--source') ? 'source' : 'bundle',
    }),
  );
}
if (sink === 0.5) console.log('unreachable'); // keeps the results alive
