import { RemotingCommand, RPC_ONEWAY, RPC_TYPE_RESPONSE } from '../../../src/remoting/protocol/remoting-command';
import {
  headerOverrunFrame,
  invalidJsonHeaderFrame,
  negativeLengthPrefix,
  oversizeFramePrefix,
  randomBytes,
  rawFrame,
  unknownSerializeTypeFrame,
} from '../../helpers/hostile-peer';

/**
 * Seeded generator of hostile frames for the fuzz runs. `benign` frames are well framed and decodable
 * but unexpected (unknown opaques, random codes, responses flagged oneway, server requests with random
 * codes): a client must digest any number of them on one connection. `fatal` frames break the framing
 * or the header: the client must close that connection with a typed error and carry on. `maybe` frames
 * are valid frames with overwritten bytes: either outcome is fine, a crash or a hang is not.
 */

export type FrameKind = 'benign' | 'fatal' | 'maybe';

export interface FuzzFrame {
  kind: FrameKind;
  label: string;
  bytes: Buffer;
  /** The opaque a benign frame carries. */
  opaque?: number;
}

const WORDS = ['topic', 'queueId', 'msgId', 'offset', '__proto__', 'constructor', 'a', 'b', 'k', '\u0000', 'ключ', '"', '\\'];

export class FrameFuzzer {
  /** Opaques the fuzzer must never use, because a real request is waiting on them. */
  readonly reserved = new Set<number>();

  constructor(private readonly rnd: () => number) {}

  private int(max: number): number {
    return Math.floor(this.rnd() * max);
  }

  private pick<T>(xs: readonly T[]): T {
    return xs[this.int(xs.length)]!;
  }

  private opaque(): number {
    for (;;) {
      const o = (this.int(0x100000000) | 0) >>> 0;
      const v = o | 0;
      if (!this.reserved.has(v)) return v;
    }
  }

  private text(maxLen: number): string {
    const n = this.int(maxLen + 1);
    let s = '';
    for (let i = 0; i < n; i++) s += this.rnd() < 0.8 ? String.fromCharCode(32 + this.int(95)) : this.pick(WORDS);
    return s;
  }

  private extFields(): Record<string, string> | undefined {
    if (this.rnd() < 0.3) return undefined;
    const ext: Record<string, string> = Object.create(null) as Record<string, string>;
    const n = this.int(6);
    for (let i = 0; i < n; i++) ext[this.rnd() < 0.5 ? this.pick(WORDS) : this.text(8) || 'x'] = this.text(24) || 'v';
    return ext;
  }

  /** A decodable command the client did not ask for. */
  benign(): FuzzFrame {
    const r = this.rnd();
    const serializeType = this.rnd() < 0.5 ? 'JSON' : 'ROCKETMQ';
    const body = this.rnd() < 0.3 ? randomBytes(this.rnd, this.int(256)) : undefined;
    let flag: number;
    let label: string;
    if (r < 0.45) {
      flag = RPC_TYPE_RESPONSE;
      label = 'unknown-opaque-response';
    } else if (r < 0.65) {
      flag = RPC_TYPE_RESPONSE | RPC_ONEWAY;
      label = 'response-to-oneway';
    } else if (r < 0.8) {
      flag = RPC_ONEWAY;
      label = 'server-oneway-request';
    } else {
      flag = 0;
      label = 'server-request';
    }
    // Server requests use codes a client does not serve (plus a few real ones with junk headers).
    const code =
      flag & RPC_TYPE_RESPONSE
        ? this.int(400) - 10
        : this.pick([999, 12345, 31000, -1, 40, 39, 220, 221, 307, 309, 326, this.int(32000)]);
    const opaque = this.opaque();
    const cmd = new RemotingCommand({
      code,
      opaque,
      flag,
      remark: this.rnd() < 0.5 ? this.text(40) : undefined,
      extFields: this.extFields(),
      body,
      serializeType,
      version: this.int(500),
      language: this.pick(['JAVA', 'CPP', 'GO', 'OTHER', 'RUST'] as const),
    });
    return { kind: 'benign', label, bytes: cmd.encode(), opaque };
  }

  /** Bytes that no correct client can keep reading after. */
  fatal(): FuzzFrame {
    const r = this.int(8);
    switch (r) {
      case 0:
        return { kind: 'fatal', label: 'oversize-frame', bytes: oversizeFramePrefix(64 * 1024 * 1024 + this.int(1 << 20)) };
      case 1:
        return { kind: 'fatal', label: 'negative-length', bytes: negativeLengthPrefix() };
      case 2:
        return { kind: 'fatal', label: 'invalid-json-header', bytes: invalidJsonHeaderFrame(this.text(30) + '{') };
      case 3:
        return { kind: 'fatal', label: 'header-overrun', bytes: headerOverrunFrame() };
      case 4:
        return { kind: 'fatal', label: 'unknown-serialize-type', bytes: unknownSerializeTypeFrame() };
      case 5:
        // JSON that parses but is not an object, or has fields of the wrong type.
        return {
          kind: 'fatal',
          label: 'wrong-json-shape',
          bytes: rawFrame(Buffer.from(this.pick(['[]', '42', '"x"', 'null', '{"code":"zero"}', '{"opaque":1.5}', '{"extFields":[1]}']))),
        };
      case 6: {
        // A ROCKETMQ header whose remark length runs past the header.
        const h = Buffer.alloc(21);
        h.writeInt32BE(0x7fff, 13);
        return { kind: 'fatal', label: 'rocketmq-remark-overrun', bytes: rawFrame(h, Buffer.alloc(0), 1) };
      }
      default: {
        // Random bytes after a plausible length prefix: the header-info word is random too.
        const junk = randomBytes(this.rnd, 8 + this.int(200));
        junk.writeInt32BE(junk.length - 4, 0);
        // Keep the type byte invalid or the header length out of range so the frame is surely undecodable.
        junk[4] = 2 + this.int(250);
        return { kind: 'fatal', label: 'random-bytes', bytes: junk };
      }
    }
  }

  /** A valid frame with a few header or body bytes overwritten: it may or may not decode. */
  mutated(): FuzzFrame {
    const f = Buffer.from(this.benign().bytes);
    const flips = 1 + this.int(4);
    for (let i = 0; i < flips; i++) {
      const at = 8 + this.int(Math.max(1, f.length - 8));
      if (at < f.length) f[at] = this.int(256);
    }
    return { kind: 'maybe', label: 'mutated', bytes: f };
  }
}
