import { InvalidArgumentError } from '../../errors';
import { newExtFields, type ExtFields, type ExtFieldsSource } from '../protocol/command-fields';
import { HeaderSink } from '../protocol/header-sink';
import { javaHashMapCapacity, javaSpreadHash, javaStringHashCode } from '../protocol/java-hash';
import type { HeaderClass } from './decorators';
import type { CommandCustomHeader } from './header-codec';
import { planOf, type HeaderPlan } from './header-plan';

/*
 * A request header written straight into the frame, as Java's FastCodesHeader does, rather than
 * first copied into an extFields map that the header codec then sorts into HashMap order and
 * walks key by key. The bytes are the same: the keys' encoded forms and their HashMap order (which
 * depends only on how many fields are set) are computed once per header class.
 */

/** The encoded keys of a header class and its key orders, by HashMap table size. */
export class HeaderWireLayout {
  readonly wireNames: readonly string[];
  /** `"key":` as fastjson writes it, by field position in `javaOrder`. */
  private readonly jsonKeys: readonly Uint8Array[];
  /** int16 length then the UTF-8 key, by field position. */
  private readonly rocketKeys: readonly Uint8Array[];
  private readonly keyTooLong: string | undefined;
  /** Bytes of all encoded keys: a bound on what any set of them takes. */
  private readonly jsonKeyBytes: number;
  private readonly rocketKeyBytes: number;
  /** 1 where the field's values never need escaping (every type but string), by field position. */
  private readonly plain: Uint8Array;
  /** Positions of the FastCodesHeader keys, in the order the class writes them. */
  private readonly fastPositions: readonly number[];
  private readonly jsonOrders = new Map<number, readonly number[]>();
  private readonly rocketOrders = new Map<number, readonly number[]>();

  constructor(plan: HeaderPlan) {
    this.wireNames = plan.javaOrder.map((f) => f.wireName);
    this.jsonKeys = this.wireNames.map((k) => {
      const sink = new HeaderSink(6 * k.length + 3);
      sink.jsonString(k);
      sink.buf[sink.pos++] = 0x3a;
      return Uint8Array.from(sink.buf.subarray(0, sink.pos));
    });
    let tooLong: string | undefined;
    this.rocketKeys = this.wireNames.map((k) => {
      const sink = new HeaderSink(2 + 3 * k.length);
      sink.pos = 2;
      sink.utf8(k);
      const n = sink.pos - 2;
      if (n > 32767) tooLong ??= `extFields key of ${n} bytes exceeds the ROCKETMQ limit of 32767`;
      sink.buf[0] = n >>> 8;
      sink.buf[1] = n;
      return Uint8Array.from(sink.buf.subarray(0, sink.pos));
    });
    this.keyTooLong = tooLong;
    this.jsonKeyBytes = this.jsonKeys.reduce((n, k) => n + k.length, 0);
    this.rocketKeyBytes = this.rocketKeys.reduce((n, k) => n + k.length, 0);
    this.plain = Uint8Array.from(plan.javaOrder, (f) => (f.type === 'string' ? 0 : 1));
    this.fastPositions = (plan.fastKeys ?? []).map((k) => this.wireNames.indexOf(k)).filter((i) => i >= 0);
  }

  /** Field positions in the iteration order of a HashMap holding `count` of them (insertion order `javaOrder`). */
  jsonOrder(count: number): readonly number[] {
    const capacity = javaHashMapCapacity(count);
    let order = this.jsonOrders.get(capacity);
    if (order === undefined) {
      const mask = capacity - 1;
      const bucket = this.wireNames.map((k) => javaSpreadHash(javaStringHashCode(k)) & mask);
      // Array.prototype.sort is stable: equal buckets keep insertion order, as HashMap chains do.
      order = this.wireNames.map((_, i) => i).sort((x, y) => bucket[x]! - bucket[y]!);
      this.jsonOrders.set(capacity, order);
    }
    return order;
  }

  /** The ROCKETMQ order: the FastCodesHeader keys first, then the others in HashMap order. */
  rocketOrder(count: number): readonly number[] {
    const capacity = javaHashMapCapacity(count);
    let order = this.rocketOrders.get(capacity);
    if (order === undefined) {
      const fast = this.fastPositions;
      order = [...fast, ...this.jsonOrder(count).filter((i) => !fast.includes(i))];
      this.rocketOrders.set(capacity, order);
    }
    return order;
  }

  /**
   * Writes the set values; `chars` is the sum of their lengths, so room for the worst case
   * (every unit a 6-byte escape in JSON, 3 UTF-8 bytes in ROCKETMQ) is made once.
   */
  writeJson(sink: HeaderSink, values: readonly (string | undefined)[], count: number, chars: number): void {
    const order = this.jsonOrder(count);
    const keys = this.jsonKeys;
    const plain = this.plain;
    sink.ensure(this.jsonKeyBytes + 6 * chars + 3 * count);
    const b = sink.buf;
    let first = true;
    for (let k = 0; k < order.length; k++) {
      const i = order[k]!;
      const v = values[i];
      if (v === undefined) continue;
      const key = keys[i]!;
      let p = sink.pos;
      if (first) first = false;
      else b[p++] = 0x2c;
      for (let j = 0; j < key.length; j++) b[p++] = key[j]!;
      if (plain[i] === 1) {
        // A number or boolean as formatted by the plan: ASCII letters, digits, signs and dots.
        b[p++] = 0x22;
        for (let j = 0; j < v.length; j++) b[p++] = v.charCodeAt(j);
        b[p++] = 0x22;
        sink.pos = p;
      } else {
        sink.pos = p;
        sink.jsonString(v);
      }
    }
  }

  writeRocketMQ(sink: HeaderSink, values: readonly (string | undefined)[], count: number, chars: number): void {
    if (this.keyTooLong !== undefined) throw new InvalidArgumentError(this.keyTooLong);
    const order = this.rocketOrder(count);
    const keys = this.rocketKeys;
    sink.ensure(this.rocketKeyBytes + 4 * count + 3 * chars);
    const b = sink.buf;
    for (let k = 0; k < order.length; k++) {
      const i = order[k]!;
      const v = values[i];
      if (v === undefined) continue;
      const key = keys[i]!;
      let p = sink.pos;
      for (let j = 0; j < key.length; j++) b[p++] = key[j]!;
      const at = p;
      sink.pos = p + 4;
      sink.utf8(v);
      sink.int32At(at, sink.pos - at - 4);
    }
  }
}

/** Kept on the class beside its plan (a property read per command, no map lookup). */
const LAYOUT = Symbol('rocketmq-ts:header-wire-layout');

function layoutOf(ctor: HeaderClass, plan: HeaderPlan): HeaderWireLayout {
  const cached = (ctor as unknown as Record<symbol, HeaderWireLayout | undefined>)[LAYOUT];
  if (cached !== undefined && Object.hasOwn(ctor, LAYOUT)) return cached;
  const layout = new HeaderWireLayout(plan);
  Object.defineProperty(ctor, LAYOUT, { value: layout, configurable: true });
  return layout;
}

/** A header's values, formatted and checked when the command is created, written at encode time. */
export class HeaderExtSource implements ExtFieldsSource {
  private readonly count: number;
  /** Total length of the set values. */
  private readonly chars: number;

  constructor(
    private readonly layout: HeaderWireLayout,
    private readonly values: readonly (string | undefined)[],
  ) {
    let n = 0;
    let chars = 0;
    for (let i = 0; i < values.length; i++) {
      const v = values[i];
      if (v !== undefined) {
        n++;
        chars += v.length;
      }
    }
    this.count = n;
    this.chars = chars;
  }

  toExtFields(): ExtFields {
    const ext = newExtFields();
    const names = this.layout.wireNames;
    const values = this.values;
    for (let i = 0; i < values.length; i++) {
      const v = values[i];
      if (v !== undefined) ext[names[i]!] = v;
    }
    return ext;
  }

  writeJson(sink: HeaderSink): void {
    this.layout.writeJson(sink, this.values, this.count, this.chars);
  }

  writeRocketMQ(sink: HeaderSink): void {
    this.layout.writeRocketMQ(sink, this.values, this.count, this.chars);
  }
}

/**
 * The header's ext fields, checked now as `toExtFields` checks them (missing or bad values and a
 * failing `checkFields()` throw InvalidArgumentError); later changes to the header are not seen.
 */
export function headerExtSource(header: object): HeaderExtSource {
  const ctor = header.constructor as HeaderClass;
  const plan = planOf(ctor);
  const values = plan.toValues(header as Record<string, unknown>);
  (header as CommandCustomHeader).checkFields?.();
  return new HeaderExtSource(layoutOf(ctor, plan), values);
}
