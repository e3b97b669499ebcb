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
import { isInt32, isInt64, javaDoubleToString } from './java-values';

/** What a header class needs at run time, built once per class. */
export interface HeaderPlan {
  readonly ctor: HeaderClass;
  readonly name: string;
  /** Fields in the order Java's reflection visits them (a HashSet of `Field`s). */
  readonly javaOrder: readonly HeaderFieldDescriptor[];
  /** Wire names a FastCodesHeader writes itself, in order; undefined for other headers. */
  readonly fastKeys: readonly string[] | undefined;
  /** The header's set fields as extFields; throws InvalidArgumentError for missing or bad values. */
  readonly toExt: (header: Record<string, unknown>) => ExtFields;
  /** The same values by position in `javaOrder` (undefined where unset), with the same checks. */
  readonly toValues: (header: Record<string, unknown>) => (string | undefined)[];
}

/** Kept on the class itself: a property read is cheaper than a WeakMap lookup on every send. */
const PLAN = Symbol('rocketmq-ts:header-plan');

/** The class and its superclasses, subclass first, up to (not including) Object. */
function classChain(ctor: HeaderClass): HeaderClass[] {
  const chain: HeaderClass[] = [];
  for (let c: unknown = ctor; typeof c === 'function' && c !== Function.prototype; c = Object.getPrototypeOf(c)) {
    chain.push(c as HeaderClass);
  }
  return chain;
}

export function planOf(ctor: HeaderClass): HeaderPlan {
  const cached = (ctor as unknown as Record<symbol, HeaderPlan | undefined>)[PLAN];
  // A subclass sees its parent's plan through the constructor's prototype chain: check the owner.
  if (cached !== undefined && cached.ctor === ctor) return cached;
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
  const fastKeys =
    info.fastCodesKeys ?? (info.fastCodes ? fields.filter((f) => f.declaringClass === ctor).map((f) => f.wireName) : undefined);
  if (info.fastCodesKeys) {
    for (const k of info.fastCodesKeys) {
      if (!fields.some((f) => f.wireName === k)) throw new InvalidArgumentError(`${ctor.name}: fast-codes key ${k} is not a header field`);
    }
  }
  const plan: HeaderPlan = {
    ctor,
    name: ctor.name,
    javaOrder,
    fastKeys,
    toExt: compileToExt(ctor.name, javaOrder),
    toValues: compileToValues(ctor.name, javaOrder),
  };
  Object.defineProperty(ctor, PLAN, { value: plan, configurable: true });
  return plan;
}

function describe(t: HeaderFieldType): string {
  return { string: 'a string', int: 'a 32-bit integer', long: 'a 64-bit bigint', boolean: 'a boolean', double: 'a number' }[t];
}

function badValue(className: string, f: HeaderFieldDescriptor, v: unknown): never {
  throw new InvalidArgumentError(`${className}.${f.property} must be ${describe(f.type)}, got ${typeof v} ${String(v)}`);
}

function missing(className: string, f: HeaderFieldDescriptor): never {
  throw new InvalidArgumentError(`${className}.${f.property} is required (extFields key ${f.wireName})`);
}

/** A value as Java's `toString()` writes it, after checking it has the field's type. */
export function formatValue(f: HeaderFieldDescriptor, v: unknown, className: string): string {
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
  return badValue(className, f, v);
}

/** The plain loop: used where code generation is not allowed (exported for tests). */
export function interpretedToExt(className: string, fields: readonly HeaderFieldDescriptor[]) {
  return (header: Record<string, unknown>): ExtFields => {
    const ext = newExtFields();
    for (let k = 0; k < fields.length; k++) {
      const f = fields[k]!;
      const v = header[f.property];
      if (v === undefined || v === null) {
        if (f.required) missing(className, f);
        continue;
      }
      ext[f.wireName] = formatValue(f, v, className);
    }
    return ext;
  };
}

/** The plain loop of `toValues`, where code generation is not allowed (exported for tests). */
export function interpretedToValues(className: string, fields: readonly HeaderFieldDescriptor[]) {
  return (header: Record<string, unknown>): (string | undefined)[] => {
    const values = new Array<string | undefined>(fields.length);
    for (let k = 0; k < fields.length; k++) {
      const f = fields[k]!;
      const v = header[f.property];
      if (v === undefined || v === null) {
        if (f.required) missing(className, f);
        values[k] = undefined;
      } else values[k] = formatValue(f, v, className);
    }
    return values;
  };
}

/** The inline formatting of one field: fast checks first, the general function for the rest. */
function formatExpr(f: HeaderFieldDescriptor, i: number): string {
  switch (f.type) {
    case 'string':
      return `typeof v === 'string' ? v : fmt(${i}, v)`;
    case 'int':
      return `(v | 0) === v ? '' + v : fmt(${i}, v)`;
    case 'long':
      return `typeof v === 'bigint' && v >= MIN_LONG && v <= MAX_LONG ? v.toString() : fmt(${i}, v)`;
    case 'boolean':
      return `v === true ? 'true' : v === false ? 'false' : fmt(${i}, v)`;
    case 'double':
      return `fmt(${i}, v)`;
  }
}

/**
 * A function specialized to the class, like a hand-written FastCodesHeader: property names are
 * constants, so every read and write is a plain property access rather than a keyed lookup.
 * Names come from the decorators and enter the source only as JSON string literals.
 */
function compileToExt(className: string, fields: readonly HeaderFieldDescriptor[]) {
  const lines = ['const ext = newExt();', 'let v;'];
  fields.forEach((f, i) => {
    lines.push(`v = header[${JSON.stringify(f.property)}];`);
    lines.push(`if (v !== undefined && v !== null) ext[${JSON.stringify(f.wireName)}] = ${formatExpr(f, i)};`);
    if (f.required) lines.push(`else missing(${i});`);
  });
  lines.push('return ext;');
  return generate<ExtFields>(className, fields, 'toExt', lines) ?? interpretedToExt(className, fields);
}

/** `toValues` specialized to the class, as `compileToExt`. */
function compileToValues(className: string, fields: readonly HeaderFieldDescriptor[]) {
  const lines = [`const values = new Array(${fields.length});`, 'let v;'];
  fields.forEach((f, i) => {
    lines.push(`v = header[${JSON.stringify(f.property)}];`);
    lines.push(`if (v !== undefined && v !== null) values[${i}] = ${formatExpr(f, i)};`);
    lines.push(f.required ? `else missing(${i});` : `else values[${i}] = undefined;`);
  });
  lines.push('return values;');
  return generate<(string | undefined)[]>(className, fields, 'toValues', lines) ?? interpretedToValues(className, fields);
}

/** The function of `lines` over `header`; undefined where code generation is disallowed. */
function generate<R>(
  className: string,
  fields: readonly HeaderFieldDescriptor[],
  name: string,
  lines: string[],
): ((header: Record<string, unknown>) => R) | undefined {
  try {
    const factory = new Function(
      'newExt',
      'fmt',
      'missing',
      'MIN_LONG',
      'MAX_LONG',
      `return function ${name}(header) {\n${lines.join('\n')}\n};`,
    ) as (...args: unknown[]) => (header: Record<string, unknown>) => R;
    return factory(
      newExtFields,
      (i: number, v: unknown) => formatValue(fields[i]!, v, className),
      (i: number) => missing(className, fields[i]!),
      -(2n ** 63n),
      2n ** 63n - 1n,
    );
  } catch {
    return undefined; // e.g. --disallow-code-generation-from-strings
  }
}
