import { InvalidArgumentError } from '../../errors';
import { javaHashMapOrder } from './java-hash';
import type { HeaderSink } from './header-sink';
import type { LanguageName } from './language-code';

export type ExtFields = Record<string, string>;

/**
 * Instances inherit from an empty object whose own prototype is null: nothing is inherited (not
 * even `__proto__`'s setter, so a wire key `__proto__` is a plain own property), yet V8 keeps them
 * in fast mode, unlike `Object.create(null)` objects, which start as hash tables.
 */
const ExtFieldsObject = function ExtFieldsObject() {} as unknown as new () => ExtFields;
ExtFieldsObject.prototype = Object.freeze(Object.create(null) as object);

/** A map with no inherited members, so wire keys like `__proto__` can never reach a prototype. */
export function newExtFields(): ExtFields {
  return new ExtFieldsObject();
}

/**
 * Ext fields not yet built as a map: a request header's values, which the header codecs write
 * straight into the frame (Java's FastCodesHeader path). The command builds the map from it only
 * when its extFields are read or replaced.
 */
export interface ExtFieldsSource {
  /** A new map with the entries, inserted in the order a map built from the header would have. */
  toExtFields(): ExtFields;
  /** The entries of the JSON extFields object (between the braces), as fastjson writes the map. */
  writeJson(sink: HeaderSink): void;
  /** The entries of the ROCKETMQ extFields block (not its length), as Java writes the map. */
  writeRocketMQ(sink: HeaderSink): void;
}

/** The header part of a command: what the JSON and ROCKETMQ header codecs read and write. */
export interface CommandFields {
  code: number;
  language: LanguageName | undefined;
  version: number;
  opaque: number;
  flag: number;
  remark: string | undefined;
  extFields: ExtFields | undefined;
  fastHeaderKeys?: readonly string[] | undefined;
  /** When set, the ext fields to write (extFields is then not read). */
  readonly extFieldsSource?: ExtFieldsSource | undefined;
}

/** Fields a header decoder fills in (the command itself, in practice). */
export interface DecodedHeader {
  code: number;
  language: LanguageName | undefined;
  version: number;
  opaque: number;
  flag: number;
  remark: string | undefined;
  extFields: ExtFields | undefined;
}

/**
 * An int field as Java's `int` holds it. Values in [2^31, 2^32) are taken as their two's-complement
 * int32 (an unsigned opaque or flag), anything else that is not an int32 is refused.
 */
export function toInt32(v: number, what: string): number {
  if ((v | 0) === v) return v;
  if (Number.isInteger(v) && v >= -2147483648 && v <= 4294967295) return v | 0;
  throw new InvalidArgumentError(`${what} ${v} is not a 32-bit integer`);
}

function present(ext: ExtFields, key: string): boolean {
  const v = ext[key];
  return v !== undefined && v !== null;
}

/** Ext-field keys with a value, in Java `HashMap` order (insertion order breaks bucket ties). */
export function extKeysInHashOrder(ext: ExtFields): readonly string[] {
  const keys = Object.keys(ext);
  let all = true;
  for (let i = 0; i < keys.length; i++) {
    if (!present(ext, keys[i]!)) {
      all = false;
      break;
    }
  }
  return javaHashMapOrder(all ? keys : keys.filter((k) => present(ext, k)));
}

/** A value as a string: extFields are typed string, but plain JavaScript callers may pass numbers. */
export function extValue(ext: ExtFields, key: string): string {
  const v: unknown = ext[key];
  return typeof v === 'string' ? v : String(v);
}
