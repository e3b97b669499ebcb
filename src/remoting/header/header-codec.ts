import { InvalidArgumentError } from '../../errors';
import type { ExtFields } from '../protocol/command-fields';
import { headerFieldsOf, type HeaderClass, type HeaderFieldType } from './decorators';
import { planOf } from './header-plan';
import { parseJavaBoolean, parseJavaDouble, parseJavaInt, parseJavaLong } from './java-values';

/** Java's `CommandCustomHeader`: a header may check itself (Java calls it after decoding). */
export interface CommandCustomHeader {
  checkFields?(): void;
}

/** The declared field properties of a header, with their optionality (required `!` fields stay required). */
export type HeaderFields<T> = { [K in keyof T as T[K] extends (...args: never[]) => unknown ? never : K]: T[K] };

/** The declared field properties of a header, all optional, for `createHeader`. */
export type HeaderValues<T> = Partial<HeaderFields<T>>;

function parseValue(type: HeaderFieldType, s: string): unknown {
  switch (type) {
    case 'string':
      return s;
    case 'int':
      return parseJavaInt(s);
    case 'long':
      return parseJavaLong(s);
    case 'boolean':
      return parseJavaBoolean(s);
    case 'double':
      return parseJavaDouble(s);
  }
}

/**
 * Java's `makeCustomHeaderToNet`: every non-null field, inherited ones included, as its string
 * form, in Java's reflection order (which fixes the HashMap order on the wire). A missing required
 * field, a value of the wrong type or a failing `checkFields()` throws InvalidArgumentError, so
 * nothing is sent. Entries are added to `into` when given (header fields overwrite same keys).
 */
export function toExtFields(header: object, into?: ExtFields): ExtFields {
  const ext = planOf(header.constructor as HeaderClass).toExt(header as Record<string, unknown>);
  (header as CommandCustomHeader).checkFields?.();
  if (!into) return ext;
  for (const key of Object.keys(ext)) into[key] = ext[key]!;
  return into;
}

/**
 * Java's `decodeCommandCustomHeader`: a new header with each declared field parsed from its key.
 * Missing or unparsable values leave the field at its default (absent required fields included:
 * check them where they are used). Nothing but declared fields is ever copied from the map.
 * `checkFields()` runs when there is a map, as in Java, and may throw.
 */
export function fromExtFields<T extends object>(ctor: new () => T, ext: Readonly<ExtFields> | null | undefined): T {
  const header = new ctor();
  if (ext === undefined || ext === null) return header;
  const target = header as Record<string, unknown>;
  for (const f of planOf(ctor).javaOrder) {
    if (!Object.hasOwn(ext, f.wireName)) continue;
    const raw: unknown = ext[f.wireName];
    if (typeof raw !== 'string') continue;
    const v = parseValue(f.type, raw);
    if (v !== undefined) target[f.property] = v;
  }
  (header as CommandCustomHeader).checkFields?.();
  return header;
}

/** Declared property names per header class; decorators run once, at class definition. */
const declaredByClass = new WeakMap<HeaderClass, ReadonlySet<string>>();

function declaredProperties(ctor: HeaderClass): ReadonlySet<string> {
  let declared = declaredByClass.get(ctor);
  if (declared === undefined) {
    declared = new Set(headerFieldsOf(ctor).map((f) => f.property));
    declaredByClass.set(ctor, declared);
  }
  return declared;
}

/** A new header with the given values; unknown property names are refused (they would be lost). */
export function createHeader<T extends object>(ctor: new () => T, values: HeaderValues<T>): T {
  const header = new ctor();
  const declared = declaredProperties(ctor);
  for (const key of Object.keys(values)) {
    if (!declared.has(key)) throw new InvalidArgumentError(`${ctor.name} has no header field ${key}`);
    (header as Record<string, unknown>)[key] = (values as Record<string, unknown>)[key];
  }
  return header;
}

/** Keys a FastCodesHeader writes first in a ROCKETMQ header; undefined for other classes. */
export function fastHeaderKeysOf(ctor: HeaderClass): readonly string[] | undefined {
  return planOf(ctor).fastKeys;
}
