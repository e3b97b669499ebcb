import { RemotingProtocolError } from '../../errors';

/** Java's `com.rocketmq.remoting.frameMaxLength` default: 16 MiB. */
export const DEFAULT_MAX_FRAME_BYTES = 16 * 1024 * 1024;

export interface FrameDecoderOptions {
  /** Largest accepted frame, length prefix included (Netty checks 4 + totalLen). */
  maxFrameBytes?: number;
}

/**
 * Streaming splitter of `int32 length | payload` frames. Frames that lie whole inside a chunk are
 * emitted as views of that chunk; a frame spanning chunks is gathered into one buffer sized exactly
 * once its length is known, so there is no per-chunk concatenation. Emitted payloads are never
 * referenced again by the decoder. After a protocol error the decoder stays failed: the connection
 * that fed it must be closed.
 *
 * Like Netty, which fires the frames it decoded before the error, `push` returns the frames a chunk
 * completed before a bad length and only then fails: `error` is set and the next `push` throws it.
 * A chunk whose first new length is bad throws at once.
 */
export class FrameDecoder {
  private readonly maxFrameBytes: number;
  /** Up to 4 bytes of a length prefix split across chunks. */
  private readonly lenBuf = Buffer.alloc(4);
  private lenHave = 0;
  /** The payload being gathered, when a frame spans chunks. */
  private partial: Buffer | undefined;
  private partialHave = 0;
  private failed: RemotingProtocolError | undefined;

  constructor(options: FrameDecoderOptions = {}) {
    this.maxFrameBytes = options.maxFrameBytes ?? DEFAULT_MAX_FRAME_BYTES;
  }

  /** Bytes held for an incomplete frame. */
  get bufferedBytes(): number {
    return this.lenHave + this.partialHave;
  }

  /** The protocol error that stopped this decoder, if any. */
  get error(): RemotingProtocolError | undefined {
    return this.failed;
  }

  push(chunk: Buffer): Buffer[] {
    if (this.failed) throw this.failed;
    const frames: Buffer[] = [];
    let pos = 0;
    const n = chunk.length;
    while (pos < n) {
      if (this.partial) {
        const want = this.partial.length - this.partialHave;
        const take = Math.min(want, n - pos);
        chunk.copy(this.partial, this.partialHave, pos, pos + take);
        this.partialHave += take;
        pos += take;
        if (this.partialHave === this.partial.length) {
          frames.push(this.partial);
          this.partial = undefined;
          this.partialHave = 0;
        }
        continue;
      }
      let payloadLen: number;
      if (this.lenHave === 0 && n - pos >= 4) {
        payloadLen = chunk.readInt32BE(pos);
        pos += 4;
      } else {
        const take = Math.min(4 - this.lenHave, n - pos);
        chunk.copy(this.lenBuf, this.lenHave, pos, pos + take);
        this.lenHave += take;
        pos += take;
        if (this.lenHave < 4) break;
        payloadLen = this.lenBuf.readInt32BE(0);
        this.lenHave = 0;
      }
      const problem = this.checkLength(payloadLen);
      if (problem) {
        this.failed = problem;
        this.partial = undefined;
        this.partialHave = 0;
        if (frames.length === 0) throw problem;
        return frames;
      }
      if (n - pos >= payloadLen) {
        frames.push(chunk.subarray(pos, pos + payloadLen));
        pos += payloadLen;
      } else {
        this.partial = Buffer.allocUnsafe(payloadLen);
        this.partialHave = 0;
      }
    }
    return frames;
  }

  private checkLength(payloadLen: number): RemotingProtocolError | undefined {
    if (payloadLen < 4) {
      return new RemotingProtocolError(`frame length ${payloadLen} is smaller than the header-info word`);
    }
    if (payloadLen + 4 > this.maxFrameBytes) {
      return new RemotingProtocolError(`frame of ${payloadLen + 4} bytes exceeds the limit of ${this.maxFrameBytes} bytes`);
    }
    return undefined;
  }

  /** Drops any partial frame (the connection closed). */
  reset(): void {
    this.partial = undefined;
    this.partialHave = 0;
    this.lenHave = 0;
    this.failed = undefined;
  }
}
