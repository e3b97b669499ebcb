import { InvalidArgumentError } from '../../errors';
import { newExtFields, type ExtFields } from '../protocol/command-fields';
import { javaHashSetOrder, javaStringHashCode } from '../protocol/java-hash';
import {
  headerClassInfo,
  headerFieldsOf,
  isRemotingHeaderClass,
  type HeaderClass,
  type HeaderFieldDescriptor,
  type HeaderFieldType,
} from './decorators';
import {
  isInt32,
  isInt64,
  javaDoubleToString,
  parseJavaBoolean,
  parseJavaDouble,
  parseJavaInt,
  parseJavaLong,
} from './java-values';

/** Java's `CommandCustomHeader`: a header may check itself (Java calls it after decoding). */
export interface CommandCustomHeader {
  checkFields?(): void;
}

/** The declared field properties of a header, for `createHeader`. */
export type HeaderValues<T> = { [K in keyof T as T[K] extends (...args: never[]) => unknown ? never : K]?: T[K] };

interface HeaderPlan {
  readonly name: string;
  /** Fields in the order Java's reflection visits them (a HashSet of `Field`s). */
  readonly javaOrder: readonly HeaderFieldDescriptor[];
  /** Wire names a FastCodesHeader writes itself, in order; undefined for other headers. */
  readonly fastKeys: readonly string[] | undefined;
}

const plans = new WeakMap<HeaderClass, HeaderPlan>();

/** The class and its superclasses, subclass first, up to (not including) Object. */
function classChain(ctor: HeaderClass): HeaderClass[] {
  const chain: HeaderClass[] = [];
  for (let c: unknown = ctor; typeof c === 'function' && c !== Function.prototype; c = Object.getPrototypeOf(c)) {
    chain.push(c as HeaderClass);
  }
  return chain;
}

function planOf(ctor: HeaderClass): HeaderPlan {
  let plan = plans.get(ctor);
  if (plan) return plan;
  const fields = headerFieldsOf(ctor);
  if (fields.length === 0 && !classChain(ctor).some(isRemotingHeaderClass)) {
    throw new InvalidArgumentError(`${ctor.name} is not a header class (no @HeaderField or @RemotingHeader)`);
  }
  // Java collects getDeclaredFields() of the class, then of each superclass, into a HashSet<Field>;
  // Field.hashCode() is declaringClassName.hashCode() ^ fieldName.hashCode().
  const reflectionOrder: HeaderFieldDescriptor[] = [];
  for (const c of classChain(ctor)) for (const f of fields) if (f.declaringClass === c) reflectionOrder.push(f);
  const javaOrder = javaHashSetOrder(
    reflectionOrder,
    (f) => javaStringHashCode(headerClassInfo(f.declaringClass).javaName) ^ javaStringHashCode(f.wireName),
  );
  const info = headerClassInfo(ctor);
  const fastKeys = info.fastCodes ? fields.filter((f) => f.declaringClass === ctor).map((f) => f.wireName) : undefined;
  plan = { name: ctor.name, javaOrder, fastKeys };
  plans.set(ctor, plan);
  return plan;
}

function formatValue(f: HeaderFieldDescriptor, v: unknown, className: string): string {
  switch (f.type) {
    case 'string':
      if (typeof v === 'string') return v;
      break;
    case 'int':
      if (isInt32(v)) return String(v);
      break;
    case 'long':
      if (isInt64(v)) return v.toString();
      if (typeof v === 'number' && Number.isSafeInteger(v)) return String(v);
      break;
    case 'boolean':
      if (typeof v === 'boolean') return v ? 'true' : 'false';
      break;
    case 'double':
      if (typeof v === 'number') return javaDoubleToString(v);
      break;
  }
  throw new InvalidArgumentError(`${className}.${f.property} must be ${describe(f.type)}, got ${typeof v} ${String(v)}`);
}

function describe(t: HeaderFieldType): string {
  return { string: 'a string', int: 'a 32-bit integer', long: 'a 64-bit bigint', boolean: 'a boolean', double: 'a number' }[t];
}

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
  const plan = planOf(header.constructor as HeaderClass);
  const values = header as Record<string, unknown>;
  const ext = newExtFields();
  const fields = plan.javaOrder;
  for (let k = 0; k < fields.length; k++) {
    const f = fields[k]!;
    const v = values[f.property];
    if (v === undefined || v === null) {
      if (f.required) throw new InvalidArgumentError(`${plan.name}.${f.property} is required (extFields key ${f.wireName})`);
      continue;
    }
    ext[f.wireName] = formatValue(f, v, plan.name);
  }
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

/** A new header with the given values; unknown property names are refused (they would be lost). */
export function createHeader<T extends object>(ctor: new () => T, values: HeaderValues<T>): T {
  const header = new ctor();
  const declared = new Set(headerFieldsOf(ctor).map((f) => f.property));
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
