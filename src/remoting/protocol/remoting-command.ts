import { InvalidArgumentError, RemotingProtocolError } from '../../errors';
import { javaHashMapOrder } from './java-hash';
import { LanguageCode, languageFromByte, type LanguageName } from './language-code';
import { SerializeType, serializeTypeFromByte, type SerializeTypeName } from './serialize-type';

/** Flag bit 0: the command is a response. */
export const RPC_TYPE_RESPONSE = 0x1;
/** Flag bit 1: a one-way request, which gets no response. */
export const RPC_ONEWAY = 0x2;

/** `MQVersion.CURRENT_VERSION` of the Java 5.3.3 client; >= 401 gets standard-JSON routes. */
export const DEFAULT_REMOTING_VERSION = 479;
/** Known to every broker version (NODE_JS only exists since 5.3.2). */
export const DEFAULT_LANGUAGE: LanguageName = 'OTHER';

export type ExtFields = Record<string, string>;

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
}

/** A null-prototype map, so wire keys like `__proto__` can never reach an object's prototype. */
export function newExtFields(): ExtFields {
  return Object.create(null) as ExtFields;
}

/**
 * One remoting frame, request or response: Java's `RemotingCommand`. Pure: encoding and decoding only.
 */
export class RemotingCommand {
  code: number;
  language: LanguageName | undefined;
  version: number;
  opaque: number;
  flag: number;
  remark: string | undefined;
  extFields: ExtFields | undefined;
  body: Buffer | undefined;
  serializeType: SerializeTypeName;
  fastHeaderKeys: readonly string[] | undefined;

  constructor(init: RemotingCommandInit) {
    this.code = init.code;
    this.language = init.language ?? DEFAULT_LANGUAGE;
    this.version = init.version ?? DEFAULT_REMOTING_VERSION;
    this.opaque = init.opaque ?? 0;
    this.flag = init.flag ?? 0;
    this.remark = init.remark;
    this.extFields = init.extFields;
    this.body = init.body;
    this.serializeType = init.serializeType ?? 'JSON';
    this.fastHeaderKeys = init.fastHeaderKeys;
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
    const header = this.encodeHeaderBytes();
    const bodyLen = this.body ? this.body.length : 0;
    const out = Buffer.allocUnsafe(8 + header.length + bodyLen);
    out.writeInt32BE(4 + header.length + bodyLen, 0);
    out.writeInt32BE(markProtocolType(header.length, this.serializeType), 4);
    header.copy(out, 8);
    if (this.body) this.body.copy(out, 8 + header.length);
    return out;
  }

  /**
   * The frame without its body: the caller writes the body as a second buffer (no copy of large bodies).
   * The length prefix already counts the body.
   */
  encodeHeader(): Buffer {
    const header = this.encodeHeaderBytes();
    const bodyLen = this.body ? this.body.length : 0;
    const out = Buffer.allocUnsafe(8 + header.length);
    out.writeInt32BE(4 + header.length + bodyLen, 0);
    out.writeInt32BE(markProtocolType(header.length, this.serializeType), 4);
    header.copy(out, 8);
    return out;
  }

  private encodeHeaderBytes(): Buffer {
    return this.serializeType === 'ROCKETMQ' ? encodeRocketMQHeader(this) : Buffer.from(encodeJsonHeader(this), 'utf8');
  }

  /** Decodes a frame payload: everything after the 4-byte length prefix. */
  static decode(payload: Buffer): RemotingCommand {
    if (payload.length < 4) throw new RemotingProtocolError(`frame of ${payload.length} bytes has no header-info word`);
    const info = payload.readInt32BE(0);
    const typeByte = (info >>> 24) & 0xff;
    const headerLen = info & 0xffffff;
    if (headerLen > payload.length - 4) {
      throw new RemotingProtocolError(`header length ${headerLen} exceeds frame length ${payload.length - 4}`);
    }
    const serializeType = serializeTypeFromByte(typeByte);
    if (!serializeType) throw new RemotingProtocolError(`unknown serialize type ${typeByte}`);
    const cmd =
      serializeType === 'ROCKETMQ'
        ? decodeRocketMQHeader(payload, 4, 4 + headerLen)
        : decodeJsonHeader(payload.toString('utf8', 4, 4 + headerLen));
    cmd.serializeType = serializeType;
    const bodyLen = payload.length - 4 - headerLen;
    if (bodyLen > 0) cmd.body = payload.subarray(4 + headerLen);
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

/** Ext-field keys in the order Java writes them: fast keys first, then HashMap iteration order. */
function orderedExtKeys(cmd: RemotingCommand, includeFast: boolean): string[] {
  const ext = cmd.extFields;
  if (!ext) return [];
  const fast = cmd.fastHeaderKeys;
  const all = Object.keys(ext).filter((k) => ext[k] !== undefined && ext[k] !== null);
  if (!fast || !includeFast) return javaHashMapOrder(all);
  const fastSet = new Set(fast);
  const head = fast.filter((k) => ext[k] !== undefined && ext[k] !== null);
  return head.concat(javaHashMapOrder(all.filter((k) => !fastSet.has(k))));
}

// ---- JSON header (fastjson's output for RemotingCommand: sorted fields, nulls omitted) ----

const NEEDS_ESCAPE = /[\u0000-\u001f"\\]/;

function jsonString(s: string): string {
  if (!NEEDS_ESCAPE.test(s)) return `"${s}"`;
  let out = '"';
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 0x22) out += '\\"';
    else if (c === 0x5c) out += '\\\\';
    else if (c === 0x08) out += '\\b';
    else if (c === 0x09) out += '\\t';
    else if (c === 0x0a) out += '\\n';
    else if (c === 0x0c) out += '\\f';
    else if (c === 0x0d) out += '\\r';
    else if (c < 0x20) out += '\\u00' + c.toString(16).toUpperCase().padStart(2, '0');
    else out += s[i];
  }
  return out + '"';
}

function encodeJsonHeader(cmd: RemotingCommand): string {
  if (cmd.language === undefined) throw new InvalidArgumentError('command has no language');
  let s = `{"code":${cmd.code}`;
  if (cmd.extFields) {
    const ext = cmd.extFields;
    const parts = orderedExtKeys(cmd, false).map((k) => `${jsonString(k)}:${jsonString(String(ext[k]))}`);
    s += `,"extFields":{${parts.join(',')}}`;
  }
  s += `,"flag":${cmd.flag},"language":"${cmd.language}","opaque":${cmd.opaque}`;
  if (cmd.remark !== undefined && cmd.remark !== null) s += `,"remark":${jsonString(cmd.remark)}`;
  s += `,"serializeTypeCurrentRPC":"JSON","version":${cmd.version}}`;
  return s;
}

function intField(obj: Record<string, unknown>, key: string, fallback: number): number {
  const v = obj[key];
  if (v === undefined || v === null) return fallback;
  if (typeof v === 'number' && Number.isInteger(v)) return v | 0;
  throw new RemotingProtocolError(`JSON header field ${key} is not an integer`);
}

function decodeJsonHeader(text: string): RemotingCommand {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    throw new RemotingProtocolError('JSON header is not valid JSON', { cause: err });
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new RemotingProtocolError('JSON header is not an object');
  }
  const o = parsed as Record<string, unknown>;
  const lang = o.language;
  let language: LanguageName | undefined;
  if (lang === undefined || lang === null) language = 'JAVA';
  else if (typeof lang === 'string') language = Object.hasOwn(LanguageCode, lang) ? (lang as LanguageName) : undefined;
  else if (typeof lang === 'number') language = languageFromByte(lang);
  else throw new RemotingProtocolError('JSON header field language is not a string');
  const remark = o.remark;
  if (remark !== undefined && remark !== null && typeof remark !== 'string') {
    throw new RemotingProtocolError('JSON header field remark is not a string');
  }
  let extFields: ExtFields | undefined;
  const rawExt = o.extFields;
  if (rawExt !== undefined && rawExt !== null) {
    if (typeof rawExt !== 'object' || Array.isArray(rawExt)) {
      throw new RemotingProtocolError('JSON header field extFields is not an object');
    }
    extFields = newExtFields();
    for (const [k, v] of Object.entries(rawExt as Record<string, unknown>)) {
      if (v === null || v === undefined) continue;
      if (typeof v === 'object') throw new RemotingProtocolError(`extFields.${k} is not a scalar`);
      extFields[k] = String(v);
    }
  }
  const cmd = new RemotingCommand({
    code: intField(o, 'code', 0),
    version: intField(o, 'version', 0),
    opaque: intField(o, 'opaque', 0),
    flag: intField(o, 'flag', 0),
    remark: typeof remark === 'string' ? remark : undefined,
    extFields,
  });
  cmd.language = language; // undefined when the peer sent a name we do not know (Java: null)
  return cmd;
}

// ---- ROCKETMQ binary header ----

function checkInt16(v: number, what: string): void {
  if (!Number.isInteger(v) || v < -32768 || v > 32767) {
    throw new InvalidArgumentError(
      `${what} ${v} does not fit the ROCKETMQ header's int16; use the JSON serialize type for this request`,
    );
  }
}

function encodeRocketMQHeader(cmd: RemotingCommand): Buffer {
  checkInt16(cmd.code, 'code');
  checkInt16(cmd.version, 'version');
  if (cmd.language === undefined) throw new InvalidArgumentError('command has no language');
  const remark = cmd.remark ? Buffer.from(cmd.remark, 'utf8') : undefined;
  const keys = orderedExtKeys(cmd, true);
  const ext = cmd.extFields;
  const entries: Buffer[] = [];
  let extLen = 0;
  for (const k of keys) {
    const kb = Buffer.from(k, 'utf8');
    const vb = Buffer.from(String(ext![k]), 'utf8');
    if (kb.length === 0 || vb.length === 0) continue; // a zero length decodes as null on the Java side
    if (kb.length > 32767) throw new InvalidArgumentError(`extFields key longer than 32767 bytes`);
    entries.push(kb, vb);
    extLen += 2 + kb.length + 4 + vb.length;
  }
  const remarkLen = remark ? remark.length : 0;
  const out = Buffer.allocUnsafe(21 + remarkLen + extLen);
  let p = out.writeInt16BE(cmd.code, 0);
  p = out.writeInt8(LanguageCode[cmd.language], p);
  p = out.writeInt16BE(cmd.version, p);
  p = out.writeInt32BE(cmd.opaque | 0, p);
  p = out.writeInt32BE(cmd.flag | 0, p);
  p = out.writeInt32BE(remarkLen, p);
  if (remark) p += remark.copy(out, p);
  p = out.writeInt32BE(extLen, p);
  for (let i = 0; i < entries.length; i += 2) {
    const kb = entries[i]!;
    const vb = entries[i + 1]!;
    p = out.writeInt16BE(kb.length, p);
    p += kb.copy(out, p);
    p = out.writeInt32BE(vb.length, p);
    p += vb.copy(out, p);
  }
  return out;
}

function decodeRocketMQHeader(buf: Buffer, start: number, end: number): RemotingCommand {
  const headerLen = end - start;
  if (headerLen < 21) throw new RemotingProtocolError(`ROCKETMQ header of ${headerLen} bytes is shorter than 21`);
  let p = start;
  const code = buf.readInt16BE(p);
  const language = languageFromByte(buf.readInt8(p + 2));
  const version = buf.readInt16BE(p + 3);
  const opaque = buf.readInt32BE(p + 5);
  const flag = buf.readInt32BE(p + 9);
  const remarkLen = buf.readInt32BE(p + 13);
  p += 17;
  if (remarkLen < 0 || remarkLen > end - p - 4) {
    throw new RemotingProtocolError(`remark length ${remarkLen} exceeds the header`);
  }
  const remark = remarkLen > 0 ? buf.toString('utf8', p, p + remarkLen) : undefined;
  p += remarkLen;
  const extLen = buf.readInt32BE(p);
  p += 4;
  if (extLen < 0 || extLen > end - p) throw new RemotingProtocolError(`extFields length ${extLen} exceeds the header`);
  let extFields: ExtFields | undefined;
  if (extLen > 0) {
    extFields = newExtFields();
    const extEnd = p + extLen;
    while (p < extEnd) {
      if (extEnd - p < 2) throw new RemotingProtocolError('truncated extFields key length');
      const kl = buf.readInt16BE(p);
      p += 2;
      if (kl < 0 || kl > extEnd - p) throw new RemotingProtocolError(`extFields key length ${kl} out of range`);
      const key = kl > 0 ? buf.toString('utf8', p, p + kl) : undefined;
      p += kl;
      if (extEnd - p < 4) throw new RemotingProtocolError('truncated extFields value length');
      const vl = buf.readInt32BE(p);
      p += 4;
      if (vl < 0 || vl > extEnd - p) throw new RemotingProtocolError(`extFields value length ${vl} out of range`);
      const value = vl > 0 ? buf.toString('utf8', p, p + vl) : undefined;
      p += vl;
      if (key !== undefined && value !== undefined) extFields[key] = value;
    }
  }
  const cmd = new RemotingCommand({ code, version, opaque, flag, remark, extFields });
  cmd.language = language;
  return cmd;
}
