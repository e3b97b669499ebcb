import { RemotingProtocolError } from '../../errors';
import {
  checkJsonHeaderBytes,
  checkJsonHeaderText,
  DEFAULT_HEADER_LIMITS,
  ExtFieldsBudget,
  PRECHECK_HEADER_BYTES,
  type HeaderLimits,
} from './header-limits';
import type { HeaderSink } from './header-sink';
import {
  extKeysInHashOrder,
  extValue,
  newExtFields,
  toInt32,
  type CommandFields,
  type DecodedHeader,
  type ExtFields,
} from './command-fields';
import { scanCanonicalJson } from './json-scanner';
import { languageFromByte, languageFromName, type LanguageName } from './language-code';
import { utf8 } from './utf8';

export type { DecodedHeader };

/*
 * The JSON header is what fastjson 1.2.83 writes for Java's RemotingCommand: bean fields sorted by
 * name, nulls omitted, the extFields map in HashMap order, strings escaped by fastjson's table.
 */

const CODE = Buffer.from('{"code":');
const EXT_FIELDS = Buffer.from(',"extFields":{');
const FLAG = Buffer.from(',"flag":');
const LANGUAGE = Buffer.from(',"language":"');
const OPAQUE = Buffer.from(',"opaque":');
const REMARK = Buffer.from(',"remark":');
const VERSION = Buffer.from(',"serializeTypeCurrentRPC":"JSON","version":');

/** Writes the JSON header of `cmd` into `sink`, byte for byte what fastjson writes. */
export function writeJsonHeader(cmd: CommandFields, sink: HeaderSink): void {
  const code = toInt32(cmd.code, 'code');
  const flag = toInt32(cmd.flag, 'flag');
  const opaque = toInt32(cmd.opaque, 'opaque');
  const version = toInt32(cmd.version, 'version');
  sink.ensure(48);
  sink.bytes(CODE);
  sink.decimal(code);
  const source = cmd.extFieldsSource;
  const ext = source === undefined ? cmd.extFields : undefined;
  if (source !== undefined) {
    sink.bytes(EXT_FIELDS);
    source.writeJson(sink);
    sink.ensure(1);
    sink.buf[sink.pos++] = 0x7d;
  } else if (ext) {
    const keys = extKeysInHashOrder(ext);
    sink.bytes(EXT_FIELDS);
    for (let i = 0; i < keys.length; i++) {
      const k = keys[i]!;
      const v = extValue(ext, k);
      sink.ensure(6 * (k.length + v.length) + 8); // worst case: every unit a \uXXXX escape
      if (i > 0) sink.buf[sink.pos++] = 0x2c;
      sink.jsonString(k);
      sink.buf[sink.pos++] = 0x3a;
      sink.jsonString(v);
    }
    sink.buf[sink.pos++] = 0x7d;
  }
  sink.ensure(128);
  sink.bytes(FLAG);
  sink.decimal(flag);
  // fastjson omits a null enum; the peer then keeps its default (JAVA).
  if (cmd.language !== undefined) {
    sink.bytes(LANGUAGE);
    sink.ascii(cmd.language);
    sink.buf[sink.pos++] = 0x22;
  }
  sink.bytes(OPAQUE);
  sink.decimal(opaque);
  const remark = cmd.remark;
  if (remark !== undefined && remark !== null) {
    sink.ensure(6 * remark.length + 12);
    sink.bytes(REMARK);
    sink.jsonString(remark);
  }
  sink.ensure(64); // the 44 bytes of VERSION, 11 digits at most and the closing brace
  sink.bytes(VERSION);
  sink.decimal(version);
  sink.buf[sink.pos++] = 0x7d;
}

// ---- decoding ----

/** fastjson reads an enum from its name, or from its ordinal (equal to the code for LanguageCode). */
function languageOf(v: unknown): LanguageName | undefined {
  if (typeof v === 'string') return languageFromName(v);
  if (typeof v === 'number') return Number.isInteger(v) ? languageFromByte(v) : undefined;
  if (v === null) return undefined;
  throw new RemotingProtocolError('JSON header field language is neither a name nor a number');
}

/**
 * Decodes the JSON header in `buf[start, end)`. fastjson's own form (no whitespace, string values)
 * is scanned directly; anything else (whitespace, floats, nested values) goes through `JSON.parse`.
 */
export function decodeJsonHeader(buf: Buffer, start: number, end: number, into?: DecodedHeader, limits = DEFAULT_HEADER_LIMITS): DecodedHeader {
  if (end - start >= PRECHECK_HEADER_BYTES) checkJsonHeaderBytes(buf, start, end, limits);
  const text = utf8(buf, start, end);
  const h = into ?? ({} as DecodedHeader);
  return scanCanonicalJson(text, h, limits) ?? decodeJsonGeneric(text, h, limits);
}

function intField(o: Record<string, unknown>, key: string): number {
  const v = o[key];
  if (v === undefined || v === null) return 0;
  if (typeof v === 'number' && Number.isInteger(v)) return v | 0;
  // fastjson converts a numeric string for an int field.
  if (typeof v === 'string' && /^-?\d{1,15}$/.test(v)) return Number(v) | 0;
  throw new RemotingProtocolError(`JSON header field ${key} is not an integer`);
}

/** The general path: any valid JSON text. */
export function decodeJsonGeneric(
  text: string,
  into?: DecodedHeader,
  limits: Readonly<HeaderLimits> = DEFAULT_HEADER_LIMITS,
): DecodedHeader {
  checkJsonHeaderText(text, limits);
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
    const budget = new ExtFieldsBudget(limits);
    const entries = rawExt as Record<string, unknown>;
    for (const k of Object.keys(entries)) {
      const v = entries[k];
      if (v === null || v === undefined) continue;
      if (typeof v === 'object') throw new RemotingProtocolError(`JSON header extFields value of ${k} is not a scalar`);
      const value = String(v);
      budget.add(k.length + value.length);
      extFields[k] = value;
    }
  }
  const h = into ?? ({} as DecodedHeader);
  h.code = intField(o, 'code');
  h.language = Object.hasOwn(o, 'language') ? languageOf(o.language) : 'JAVA';
  h.version = intField(o, 'version');
  h.opaque = intField(o, 'opaque');
  h.flag = intField(o, 'flag');
  h.remark = typeof remark === 'string' ? remark : undefined;
  h.extFields = extFields;
  return h;
}
