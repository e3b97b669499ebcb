import { InvalidArgumentError, RemotingProtocolError } from '../../errors';
import { newExtFields, type CommandFields, type ExtFields, type ExtFieldsSource } from './command-fields';
import { acquireSink, finishFrame, releaseSink } from './header-sink';
import { DEFAULT_HEADER_LIMITS, type HeaderLimits } from './header-limits';
import { decodeJsonHeader, writeJsonHeader } from './json-header';
import type { LanguageName } from './language-code';
import { decodeRocketMQHeader, writeRocketMQHeader } from './rocketmq-header';
import { SerializeType, serializeTypeFromByte, type SerializeTypeName } from './serialize-type';

export { newExtFields, type ExtFields, type ExtFieldsSource };

/** Flag bit 0: the command is a response. */
export const RPC_TYPE_RESPONSE = 0x1;
/** Flag bit 1: a one-way request, which gets no response. */
export const RPC_ONEWAY = 0x2;

/** `MQVersion.CURRENT_VERSION` of the Java 5.3.3 client; >= 401 gets standard-JSON routes. */
export const DEFAULT_REMOTING_VERSION = 479;
/** Known to every broker version (NODE_JS only exists since 5.3.2). */
export const DEFAULT_LANGUAGE: LanguageName = 'OTHER';

/** Placeholder for decode, which overwrites every header field. */
const DECODE_INIT: RemotingCommandInit = Object.freeze({
  code: 0,
  language: undefined,
  version: undefined,
  opaque: undefined,
  flag: undefined,
  remark: undefined,
  extFields: undefined,
  body: undefined,
  serializeType: undefined,
  fastHeaderKeys: undefined,
  extFieldsSource: undefined,
});

export interface RemotingCommandInit {
  code: number;
  language?: LanguageName;
  version?: number;
  opaque?: number;
  flag?: number;
  remark?: string;
  extFields?: ExtFields;
  body?: Buffer;
  serializeType?: SerializeTypeName;
  /**
   * Keys a Java `FastCodesHeader` writes first, in this order, in the ROCKETMQ header (the V2 send
   * header's `a`..`n`); the other keys follow in HashMap order. Only affects byte order.
   */
  fastHeaderKeys?: readonly string[];
  /**
   * Ext fields written straight from a request header (in place of `extFields`); the map is built
   * from it only if `extFields` is read or assigned.
   */
  extFieldsSource?: ExtFieldsSource;
}

/**
 * One remoting frame, request or response: Java's `RemotingCommand`. Pure: encoding and decoding only.
 */
export class RemotingCommand implements CommandFields {
  code: number;
  language: LanguageName | undefined;
  version: number;
  opaque: number;
  flag: number;
  remark: string | undefined;
  body: Buffer | undefined;
  serializeType: SerializeTypeName;
  fastHeaderKeys: readonly string[] | undefined;
  /** Set until the ext fields are first read as a map; the encoders write from it directly. */
  extFieldsSource: ExtFieldsSource | undefined;
  private ext: ExtFields | undefined;

  constructor(init: RemotingCommandInit) {
    this.code = init.code;
    this.language = init.language ?? DEFAULT_LANGUAGE;
    this.version = init.version ?? DEFAULT_REMOTING_VERSION;
    this.opaque = init.opaque ?? 0;
    this.flag = init.flag ?? 0;
    this.remark = init.remark;
    this.ext = init.extFields;
    this.body = init.body;
    this.serializeType = init.serializeType ?? 'JSON';
    this.fastHeaderKeys = init.fastHeaderKeys;
    this.extFieldsSource = init.extFieldsSource;
  }

  /** The ext fields map (null-prototype); built on first access when the command was made from a header. */
  get extFields(): ExtFields | undefined {
    const source = this.extFieldsSource;
    if (source !== undefined) {
      this.extFieldsSource = undefined;
      this.ext = source.toExtFields();
    }
    return this.ext;
  }

  set extFields(value: ExtFields | undefined) {
    this.extFieldsSource = undefined;
    this.ext = value;
  }

  static createRequest(code: number, extFields?: ExtFields, body?: Buffer): RemotingCommand {
    return new RemotingCommand({ code, extFields, body });
  }

  static createResponse(code: number, remark?: string, opaque = 0): RemotingCommand {
    return new RemotingCommand({ code, remark, opaque, flag: RPC_TYPE_RESPONSE });
  }

  get isResponse(): boolean {
    return (this.flag & RPC_TYPE_RESPONSE) !== 0;
  }

  get isOneway(): boolean {
    return (this.flag & RPC_ONEWAY) !== 0;
  }

  markResponse(): this {
    this.flag |= RPC_TYPE_RESPONSE;
    return this;
  }

  markOneway(): this {
    this.flag |= RPC_ONEWAY;
    return this;
  }

  addExtField(key: string, value: string): this {
    if (!this.extFields) this.extFields = newExtFields();
    this.extFields[key] = value;
    return this;
  }

  /** The whole frame: length prefix, header-info word, header, body. */
  encode(): Buffer {
    return this.encodeFrame(true);
  }

  /**
   * The frame without its body: the caller writes the body as a second buffer (no copy of large bodies).
   * The length prefix already counts the body.
   */
  encodeHeader(): Buffer {
    return this.encodeFrame(false);
  }

  private encodeFrame(withBody: boolean): Buffer {
    const body = this.body;
    const bodyLen = body ? body.length : 0;
    const sink = acquireSink(withBody ? bodyLen : 0);
    try {
      const start = sink.start;
      sink.pos = start + 8; // the length prefix and the header-info word are filled in last
      if (this.serializeType === 'ROCKETMQ') writeRocketMQHeader(this, sink);
      else writeJsonHeader(this, sink);
      const headerLen = sink.pos - sink.start - 8;
      if (headerLen > 0xffffff) {
        throw new InvalidArgumentError(`header of ${headerLen} bytes exceeds the 16 MiB header limit`);
      }
      sink.int32At(sink.start, 4 + headerLen + bodyLen);
      sink.int32At(sink.start + 4, markProtocolType(headerLen, this.serializeType));
      return finishFrame(sink, withBody ? body : undefined);
    } finally {
      releaseSink(sink);
    }
  }

  /**
   * Decodes a frame payload: everything after the 4-byte length prefix (what FrameDecoder emits).
   * The body is a view of `payload`, not a copy. Malformed input throws RemotingProtocolError.
   */
  static decode(payload: Buffer, limits: Readonly<HeaderLimits> = DEFAULT_HEADER_LIMITS): RemotingCommand {
    const total = payload.length;
    if (total < 4) throw new RemotingProtocolError(`frame of ${total} bytes has no header-info word`);
    const info = payload.readInt32BE(0);
    const typeByte = info >>> 24;
    const headerLen = info & 0xffffff;
    if (headerLen > total - 4) {
      throw new RemotingProtocolError(`header length ${headerLen} exceeds the frame's ${total - 4} bytes after the header-info word`);
    }
    const serializeType = serializeTypeFromByte(typeByte);
    if (serializeType === undefined) throw new RemotingProtocolError(`unknown serialize type ${typeByte}`);
    // The header decoders fill in the command itself (no intermediate objects to collect).
    const cmd = new RemotingCommand(DECODE_INIT);
    if (serializeType === 'ROCKETMQ') decodeRocketMQHeader(payload, 4, 4 + headerLen, cmd, limits);
    else decodeJsonHeader(payload, 4, 4 + headerLen, cmd, limits);
    cmd.serializeType = serializeType;
    if (total - 4 - headerLen > 0) cmd.body = payload.subarray(4 + headerLen);
    return cmd;
  }

  /** Decodes a whole frame, length prefix included (fixtures, tests). */
  static decodeFrame(frame: Buffer): RemotingCommand {
    if (frame.length < 4) throw new RemotingProtocolError('frame shorter than its length prefix');
    const total = frame.readInt32BE(0);
    if (total !== frame.length - 4) {
      throw new RemotingProtocolError(`length prefix ${total} does not match ${frame.length - 4} bytes`);
    }
    return RemotingCommand.decode(frame.subarray(4));
  }
}

export function markProtocolType(headerLen: number, type: SerializeTypeName): number {
  return ((SerializeType[type] << 24) | (headerLen & 0xffffff)) | 0;
}
