import 'reflect-metadata';
import { InvalidArgumentError } from '../../errors';

/**
 * Decorators describing a custom header (Java `CommandCustomHeader`): which properties travel in
 * extFields, as what type, under which key, and which are required (Java `@CFNotNull`). Types are
 * explicit because the build does not emit `design:type` metadata.
 */

/** Java field types a header may have: `long` is a `bigint` in TypeScript, the others as named. */
export type HeaderFieldType = 'string' | 'int' | 'long' | 'boolean' | 'double';

export interface HeaderFieldOptions {
  /** Java's `@CFNotNull`: encoding refuses a header without it. */
  required?: boolean;
  /** The extFields key, i.e. the Java field name, when it differs from the property name. */
  wireName?: string;
}

export interface HeaderFieldDescriptor {
  /** Property on the TypeScript object. */
  readonly property: string;
  /** Key in extFields: the Java field's name. */
  readonly wireName: string;
  readonly type: HeaderFieldType;
  readonly required: boolean;
  /** The class that declares the field (fields of superclasses are inherited). */
  readonly declaringClass: HeaderClass;
}

export interface HeaderClassOptions {
  /**
   * The Java class implements `FastCodesHeader`: in a ROCKETMQ header it writes its own fields
   * itself, first and in declaration order, and leaves inherited fields out.
   */
  fastCodes?: boolean;
  /**
   * For a `FastCodesHeader` whose `encode` also writes inherited fields (5.x `PullMessageRequestHeader`
   * ends with `lo`, `ns`, `nsd`, `bname`, `oway`): the wire names it writes, in its order.
   */
  fastCodesKeys?: readonly string[];
}

export interface HeaderClassInfo extends HeaderClassOptions {
  /** Fully qualified Java class name; Java's reflection order of fields depends on it. */
  readonly javaName: string;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type HeaderClass<T extends object = object> = abstract new (...args: any[]) => T;

const FIELDS_KEY = Symbol.for('rocketmq-ts:header-fields');
const CLASS_KEY = Symbol.for('rocketmq-ts:header-class');

/** Names that must never be assigned from wire data. */
const FORBIDDEN = new Set(['__proto__', 'constructor', 'prototype']);

/**
 * Marks a property as a header field. The descriptors live in an array on the class; a subclass
 * starts from a copy of its parent's array, so the parent's own list never changes.
 */
export function HeaderField(type: HeaderFieldType, options: HeaderFieldOptions = {}) {
  return (target: object, propertyKey: string | symbol): void => {
    const ctor = (target as { constructor: HeaderClass }).constructor;
    if (typeof propertyKey !== 'string' || FORBIDDEN.has(propertyKey)) {
      throw new InvalidArgumentError(`${ctor.name}: ${String(propertyKey)} cannot be a header field`);
    }
    const wireName = options.wireName ?? propertyKey;
    if (wireName.length === 0 || FORBIDDEN.has(wireName)) {
      throw new InvalidArgumentError(`${ctor.name}.${propertyKey}: ${JSON.stringify(wireName)} cannot be a wire name`);
    }
    const own: HeaderFieldDescriptor[] = Reflect.hasOwnMetadata(FIELDS_KEY, ctor)
      ? (Reflect.getOwnMetadata(FIELDS_KEY, ctor) as HeaderFieldDescriptor[])
      : [...((Reflect.getMetadata(FIELDS_KEY, ctor) as HeaderFieldDescriptor[] | undefined) ?? [])];
    for (const f of own) {
      if (f.property === propertyKey || f.wireName === wireName) {
        throw new InvalidArgumentError(`${ctor.name}.${propertyKey}: field ${wireName} is declared twice`);
      }
    }
    own.push(Object.freeze({ property: propertyKey, wireName, type, required: options.required === true, declaringClass: ctor }));
    Reflect.defineMetadata(FIELDS_KEY, own, ctor);
  };
}

/** Names the Java class a header class mirrors (and whether it is a `FastCodesHeader`). */
export function RemotingHeader(javaName: string, options: HeaderClassOptions = {}) {
  return <C extends HeaderClass>(ctor: C): void => {
    const info: HeaderClassInfo = Object.freeze({ javaName, ...options });
    Reflect.defineMetadata(CLASS_KEY, info, ctor);
  };
}

/** The fields of a header class, inherited ones first, each class's in declaration order. */
export function headerFieldsOf(ctor: HeaderClass): readonly HeaderFieldDescriptor[] {
  return (Reflect.getMetadata(FIELDS_KEY, ctor) as HeaderFieldDescriptor[] | undefined) ?? [];
}

/** The `@RemotingHeader` of this very class (not inherited), or a default naming the JS class. */
export function headerClassInfo(ctor: HeaderClass): HeaderClassInfo {
  return (Reflect.getOwnMetadata(CLASS_KEY, ctor) as HeaderClassInfo | undefined) ?? { javaName: ctor.name };
}

/** Whether this very class carries `@RemotingHeader`. */
export function isRemotingHeaderClass(ctor: HeaderClass): boolean {
  return Reflect.hasOwnMetadata(CLASS_KEY, ctor);
}
