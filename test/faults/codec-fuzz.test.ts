import { RemotingProtocolError } from '../../src/errors';
import { FrameDecoder } from '../../src/remoting/protocol/frame-decoder';
import { RemotingCommand } from '../../src/remoting/protocol/remoting-command';
import { seededRandom } from '../helpers/hostile-peer';
import { FrameFuzzer, type FuzzFrame } from './support/frame-fuzzer';

/**
 * The pure codec under the fuzzer, before any socket: whatever bytes arrive, in whatever chunking,
 * the decoder and the header codec either yield commands or throw RemotingProtocolError — never a
 * TypeError/RangeError from a read past the end, never a hang.
 */

const SEED = Number(process.env.ROCKETMQ_FUZZ_SEED ?? 0x5eed);
const FRAMES = process.env.ROCKETMQ_FAULTS_PROFILE === 'ci' ? 30_000 : 100_000;

interface DecodeOutcome {
  commands: number;
  error?: unknown;
  /** Where it failed: the framing (the decoder is then dead) or one frame's header. */
  stage?: 'frame' | 'header';
}

function decodeAll(decoder: FrameDecoder, bytes: Buffer, rnd: () => number): DecodeOutcome {
  let commands = 0;
  let pos = 0;
  while (pos < bytes.length) {
    const n = 1 + Math.floor(rnd() * 64);
    let payloads: Buffer[];
    try {
      payloads = decoder.push(bytes.subarray(pos, pos + n));
    } catch (error) {
      return { commands, error, stage: 'frame' };
    }
    for (const payload of payloads) {
      try {
        RemotingCommand.decode(payload);
      } catch (error) {
        return { commands, error, stage: 'header' };
      }
      commands++;
    }
    // Like Netty, the decoder hands over the frames completed before a bad length, then reports it.
    if (decoder.error !== undefined) return { commands, error: decoder.error, stage: 'frame' };
    pos += n;
  }
  return { commands };
}

describe('codec fuzz', () => {
  it(`${FRAMES} fuzzed frames: only RemotingProtocolError escapes, benign frames all decode (seed ${SEED})`, () => {
    const rnd = seededRandom(SEED);
    const fuzzer = new FrameFuzzer(rnd);
    const byLabel = new Map<string, { n: number; errors: number }>();
    let decoder = new FrameDecoder();
    let frames = 0;
    while (frames < FRAMES) {
      // A run of benign frames, then one frame that may break the stream.
      const run: FuzzFrame[] = [];
      const benign = Math.floor(rnd() * 40);
      for (let i = 0; i < benign; i++) run.push(fuzzer.benign());
      const r = rnd();
      run.push(r < 0.5 ? fuzzer.fatal() : r < 0.8 ? fuzzer.mutated() : fuzzer.benign());
      const stream = Buffer.concat(run.map((f) => f.bytes));
      const out = decodeAll(decoder, stream, rnd);
      frames += run.length;
      const last = run[run.length - 1]!;
      const stat = byLabel.get(last.label) ?? { n: 0, errors: 0 };
      stat.n++;
      if (out.error !== undefined) {
        stat.errors++;
        // The only acceptable failure is a typed protocol error, and only from the last frame.
        if (!(out.error instanceof RemotingProtocolError)) {
          throw new TypeError(`${last.label} raised ${String(out.error)} (seed ${SEED}, frame ${frames})`);
        }
        // Every benign frame before the bad one was decoded.
        expect(out.commands).toBe(benign);
        // A failed decoder stays failed; either way the connection that fed it is closed: start anew.
        if (out.stage === 'frame') expect(() => decoder.push(Buffer.alloc(1))).toThrow(RemotingProtocolError);
        decoder = new FrameDecoder();
      } else if (last.kind === 'fatal') {
        // A fatal frame that did not throw must at least be incomplete (the oversize prefix case is
        // refused as soon as its length is read, so this only covers truncated frames).
        expect(decoder.bufferedBytes).toBeGreaterThan(0);
        decoder = new FrameDecoder();
      } else if (last.kind === 'maybe' && decoder.bufferedBytes > 0) {
        decoder = new FrameDecoder();
      } else {
        expect(out.commands).toBe(run.length);
      }
      byLabel.set(last.label, stat);
    }
    // Every fatal kind did fail.
    for (const [label, s] of byLabel) {
      if (label !== 'mutated' && !label.startsWith('unknown-opaque') && !label.startsWith('response-to') && !label.startsWith('server-')) {
        expect({ label, errors: s.errors }).toEqual({ label, errors: s.n });
      }
    }
  });
});
