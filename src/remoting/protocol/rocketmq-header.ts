import { InvalidArgumentError, RemotingProtocolError } from '../../errors';
import {
  extKeysInHashOrder,
  extValue,
  newExtFields,
  toInt32,
  type CommandFields,
  type DecodedHeader,
  type ExtFields,
} from './command-fields';
import { LanguageCode, languageFromByte } from './language-code';
import { checkRocketMQExtFields, DEFAULT_HEADER_LIMITS, ExtFieldsBudget, PRECHECK_HEADER_BYTES, type HeaderLimits } from './header-limits';
import type { HeaderSink } from './header-sink';
import { latin1, sliceString, utf8 } from './utf8';

/*
 * The ROCKETMQ binary header (Java `RocketMQSerializable`):
 *   int16 code | int8 language | int16 version | int32 opaque | int32 flag
 *   | int32 remarkLen, remark | int32 extLen, { int16 keyLen, key, int32 valueLen, value }*
 * A zero length reads back as null, so an empty remark, key or value is the same as none.
 */

/** Bytes of a header without remark and extFields. */
export const ROCKETMQ_FIXED_HEADER_BYTES = 21;

function int16Field(v: number, what: string): number {
  if (!Number.isInteger(v) || v < -32768 || v > 32767) {
    throw new InvalidArgumentError(
      `${what} ${v} does not fit the ROCKETMQ header's int16 ${what} field; send this request with the JSON serialize type`,
    );
  }
  return v;
}

/** Writes the binary header of `cmd` into `sink`; throws InvalidArgumentError for what it cannot hold. */
export function writeRocketMQHeader(cmd: CommandFields, sink: HeaderSink): void {
  const code = int16Field(cmd.code, 'code');
  const version = int16Field(cmd.version, 'version');
  if (cmd.language === undefined) throw new InvalidArgumentError('command has no language');
  const language = LanguageCode[cmd.language];
  if (language === undefined) throw new InvalidArgumentError(`unknown language ${String(cmd.language)}`);
  const opaque = toInt32(cmd.opaque, 'opaque');
  const flag = toInt32(cmd.flag, 'flag');
  const remark = cmd.remark;
  sink.ensure(ROCKETMQ_FIXED_HEADER_BYTES + (remark ? remark.length * 3 : 0));
  sink.int16(code);
  sink.buf[sink.pos++] = language;
  sink.int16(version);
  sink.int32(opaque);
  sink.int32(flag);
  if (remark) {
    const at = sink.pos;
    sink.pos += 4;
    sink.utf8(remark);
    sink.int32At(at, sink.pos - at - 4);
  } else sink.int32(0);
  // Relative to the frame start: ensure() may move what is written to a bigger buffer.
  const extRel = sink.pos - sink.start;
  sink.pos += 4;
  const source = cmd.extFieldsSource;
  const ext: ExtFields | undefined = source === undefined ? cmd.extFields : undefined;
  if (source !== undefined) source.writeRocketMQ(sink);
  else if (ext) {
    // A FastCodesHeader's own keys first, in its order; then the rest in HashMap order.
    const fast = cmd.fastHeaderKeys;
    let written = 0;
    if (fast) {
      for (let i = 0; i < fast.length; i++) {
        const k = fast[i]!;
        const v: unknown = ext[k];
        if (v === undefined || v === null) continue;
        writeEntry(sink, k, typeof v === 'string' ? v : String(v));
        written++;
      }
    }
    const keys = Object.keys(ext);
    if (keys.length > written) {
      const rest = fast ? extKeysInHashOrder(ext).filter((k) => !fast.includes(k)) : extKeysInHashOrder(ext);
      for (let i = 0; i < rest.length; i++) writeEntry(sink, rest[i]!, extValue(ext, rest[i]!));
    }
  }
  const extAt = sink.start + extRel;
  sink.int32At(extAt, sink.pos - extAt - 4);
}

/** One extFields entry: int16 key length, key, int32 value length, value. */
function writeEntry(sink: HeaderSink, k: string, v: string): void {
  sink.ensure(6 + 3 * (k.length + v.length));
  const keyAt = sink.pos;
  sink.pos += 2;
  sink.utf8(k);
  const keyBytes = sink.pos - keyAt - 2;
  if (keyBytes > 32767) {
    throw new InvalidArgumentError(`extFields key of ${keyBytes} bytes exceeds the ROCKETMQ limit of 32767`);
  }
  sink.buf[keyAt] = keyBytes >>> 8;
  sink.buf[keyAt + 1] = keyBytes;
  const valueAt = sink.pos;
  sink.pos += 4;
  sink.utf8(v);
  sink.int32At(valueAt, sink.pos - valueAt - 4);
}

/** Any byte outside ASCII, in a Latin-1 cut of the header. */
const NON_ASCII = /[^\x00-\x7f]/;

/** A big-endian int32 the caller has bounds-checked (cheaper than readInt32BE's own checks). */
function int32(buf: Buffer, p: number): number {
  return (buf[p]! << 24) | (buf[p + 1]! << 16) | (buf[p + 2]! << 8) | buf[p + 3]!;
}

/**
 * The string at `buf[from, to)`: cut from `text` when ASCII. Long strings are checked by one regex
 * over the cut (native), short ones byte by byte.
 */
function cut(buf: Buffer, text: string, base: number, from: number, to: number): string {
  if (to - from <= 16) return sliceString(buf, text, base, from, to);
  const s = text.substring(from - base, to - base);
  return NON_ASCII.test(s) ? utf8(buf, from, to) : s;
}

function truncated(what: string, need: number, have: number): RemotingProtocolError {
  return new RemotingProtocolError(`ROCKETMQ header: ${what} needs ${need} bytes, ${have} left in the header`);
}

/** The ext-field limits of a large header, before any of it becomes text. */
function precheck(buf: Buffer, start: number, end: number, limits: Readonly<HeaderLimits>): void {
  const remarkLen = int32(buf, start + 13);
  const extAt = start + 17 + remarkLen;
  if (remarkLen < 0 || extAt + 4 > end) return; // the decoder reports it
  const extLen = int32(buf, extAt);
  if (extLen > 0 && extLen <= end - extAt - 4) checkRocketMQExtFields(buf, extAt + 4, extAt + 4 + extLen, limits);
}

/**
 * Decodes the binary header in `buf[start, end)`; every length is checked against the header, and
 * the ext fields against `limits`.
 */
export function decodeRocketMQHeader(buf: Buffer, start: number, end: number, into?: DecodedHeader, limits = DEFAULT_HEADER_LIMITS): DecodedHeader {
  if (end - start < ROCKETMQ_FIXED_HEADER_BYTES) {
    throw new RemotingProtocolError(
      `ROCKETMQ header of ${end - start} bytes is shorter than ${ROCKETMQ_FIXED_HEADER_BYTES}`,
    );
  }
  if (end - start >= PRECHECK_HEADER_BYTES) precheck(buf, start, end, limits);
  const text = latin1(buf, start, end);
  const code = buf.readInt16BE(start);
  const language = languageFromByte(buf.readInt8(start + 2));
  const version = buf.readInt16BE(start + 3);
  const opaque = buf.readInt32BE(start + 5);
  const flag = buf.readInt32BE(start + 9);
  const remarkLen = int32(buf, start + 13);
  let p = start + 17;
  if (remarkLen < 0 || remarkLen > end - p - 4) throw truncated(`remark of length ${remarkLen}`, remarkLen + 4, end - p);
  const remark = remarkLen > 0 ? cut(buf, text, start, p, p + remarkLen) : undefined;
  p += remarkLen;
  const extLen = int32(buf, p);
  p += 4;
  if (extLen < 0 || extLen > end - p) throw truncated(`extFields block of length ${extLen}`, extLen, end - p);
  let extFields: ExtFields | undefined;
  if (extLen > 0) {
    extFields = newExtFields();
    const budget = new ExtFieldsBudget(limits);
    const extEnd = p + extLen;
    while (p < extEnd) {
      if (extEnd - p < 2) throw truncated('extFields key length', 2, extEnd - p);
      const kl = ((buf[p]! << 24) >> 16) | buf[p + 1]!;
      p += 2;
      if (kl < 0 || kl > extEnd - p - 4) throw truncated(`extFields key of length ${kl}`, kl + 4, extEnd - p);
      const key = kl > 0 ? cut(buf, text, start, p, p + kl) : undefined;
      p += kl;
      const vl = int32(buf, p);
      p += 4;
      if (vl < 0 || vl > extEnd - p) throw truncated(`extFields value of length ${vl}`, vl, extEnd - p);
      budget.add(kl + vl);
      // Java reads a zero length as null, and a null value is no value: the key is absent.
      if (key !== undefined) {
        if (vl > 0) extFields[key] = cut(buf, text, start, p, p + vl);
        else delete extFields[key];
      }
      p += vl;
    }
  }
  // Bytes after the extFields block are ignored: Java never writes any.
  const h = into ?? ({} as DecodedHeader);
  h.code = code;
  h.language = language;
  h.version = version;
  h.opaque = opaque;
  h.flag = flag;
  h.remark = remark;
  h.extFields = extFields;
  return h;
}
