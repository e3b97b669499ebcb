/**
 * Runs a decoder case through FrameDecoder and RemotingCommand.decode the ways a socket may deliver
 * it: whole, byte by byte, and split in two at every offset. Every way must give the same commands,
 * or the same typed error.
 */
import { RemotingProtocolError } from '../../src/errors';
import { FrameDecoder, type FrameDecoderOptions } from '../../src/remoting/protocol/frame-decoder';
import { RemotingCommand } from '../../src/remoting/protocol/remoting-command';

/** A decoded command in the shape of a fixture's `.expected.json`. */
export interface CommandView {
  serializeType: 'JSON' | 'ROCKETMQ';
  code: number;
  language: string | null;
  version: number;
  opaque: number;
  flag: number;
  remark: string | null;
  extFields: Record<string, string> | null;
  bodyHex: string | null;
}

export function commandView(cmd: RemotingCommand): CommandView {
  let extFields: Record<string, string> | null = null;
  if (cmd.extFields) {
    extFields = {};
    for (const k of Object.keys(cmd.extFields).sort()) extFields[k] = cmd.extFields[k]!;
  }
  return {
    serializeType: cmd.serializeType,
    code: cmd.code,
    language: cmd.language ?? null,
    version: cmd.version,
    opaque: cmd.opaque,
    flag: cmd.flag,
    remark: cmd.remark ?? null,
    extFields,
    bodyHex: cmd.body && cmd.body.length > 0 ? cmd.body.toString('hex') : null,
  };
}

export interface Chunking {
  name: string;
  chunks: Buffer[];
}

/** Whole, byte by byte, and every two-way split; each chunk is its own copy. */
export function chunkings(bytes: Buffer): Chunking[] {
  const copy = (b: Buffer): Buffer => Buffer.from(b);
  const out: Chunking[] = [{ name: 'whole', chunks: [copy(bytes)] }];
  if (bytes.length > 1) {
    out.push({ name: 'byte by byte', chunks: [...bytes].map((b) => Buffer.from([b])) });
    for (let i = 1; i < bytes.length; i++) {
      out.push({ name: `split at ${i}`, chunks: [copy(bytes.subarray(0, i)), copy(bytes.subarray(i))] });
    }
  }
  return out;
}

export interface DecodeResult {
  commands: RemotingCommand[];
  /** Bytes the decoder still holds at the end (an incomplete frame). */
  buffered: number;
}

/** Feeds the chunks to a fresh FrameDecoder and decodes every frame; errors propagate, deferred ones too. */
export function decodeChunks(chunks: Buffer[], options?: FrameDecoderOptions): DecodeResult {
  const decoder = new FrameDecoder(options);
  const commands: RemotingCommand[] = [];
  for (const chunk of chunks) {
    for (const payload of decoder.push(chunk)) commands.push(RemotingCommand.decode(payload));
  }
  // Frames before a bad length are delivered first; the error then stays on the decoder.
  if (decoder.error) throw decoder.error;
  return { commands, buffered: decoder.bufferedBytes };
}

/**
 * Asserts that `bytes` decode, however chunked, to exactly `expected` (views, in order) with nothing
 * left over; or runs `check` on the commands of each chunking.
 */
export function expectDecodes(
  bytes: Buffer,
  expected: CommandView[] | ((commands: RemotingCommand[], chunking: string) => void),
  options?: FrameDecoderOptions,
): void {
  for (const { name, chunks } of chunkings(bytes)) {
    let result: DecodeResult;
    try {
      result = decodeChunks(chunks, options);
    } catch (err) {
      throw new Error(`${name}: decoding failed: ${(err as Error).message}`, { cause: err });
    }
    if (result.buffered !== 0) throw new Error(`${name}: ${result.buffered} bytes left in the decoder`);
    if (typeof expected === 'function') expected(result.commands, name);
    else {
      const views = result.commands.map(commandView);
      try {
        expect(views).toEqual(expected);
      } catch (err) {
        throw new Error(`${name}: ${(err as Error).message}`, { cause: err });
      }
    }
  }
}

/**
 * Asserts that `bytes` give a RemotingProtocolError (with a message matching `message`, if given)
 * however they are chunked, and never anything else.
 */
export function expectDecodeError(bytes: Buffer, message?: RegExp, options?: FrameDecoderOptions): void {
  for (const { name, chunks } of chunkings(bytes)) {
    let thrown: unknown;
    try {
      decodeChunks(chunks, options);
    } catch (err) {
      thrown = err;
    }
    if (!(thrown instanceof RemotingProtocolError)) {
      throw new Error(`${name}: expected a RemotingProtocolError, got ${thrown === undefined ? 'no error' : String(thrown)}`);
    }
    if (message && !message.test(thrown.message)) {
      throw new Error(`${name}: error message ${JSON.stringify(thrown.message)} does not match ${String(message)}`);
    }
  }
}
