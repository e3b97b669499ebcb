import { InvalidArgumentError } from '../errors';
import { KEY_SEPARATOR, MessageConst, STRING_HASH_SET } from './message-const';
import { NAME_VALUE_SEPARATOR, PROPERTY_SEPARATOR } from './message-properties';

export type MessageBody = Buffer | Uint8Array | string;

export interface MessageOptions {
  /** One tag; consumers filter on it. */
  tags?: string;
  /** Index keys, looked up with queryMsgByKey. Several are joined by a space. */
  keys?: string | readonly string[];
  /** A user int32 stored with the message and handed back to consumers. */
  flag?: number;
  /** Whether the broker answers only after the message is stored (flushed / replicated). Default true. */
  waitStoreMsgOK?: boolean;
  /** Delay level: 1..N of the broker's `messageDelayLevel` list (18 by default); above N the broker uses N. */
  delayTimeLevel?: number;
  /** 5.x timer message: deliver after this many seconds (the broker's first choice of the timer keys). */
  delayTimeSec?: number;
  /** 5.x timer message: deliver after this many milliseconds. */
  delayTimeMs?: number;
  /** 5.x timer message: deliver at this epoch time in milliseconds. */
  deliverTimeMs?: number;
  /** User properties, checked like `putUserProperty`. */
  properties?: Readonly<Record<string, string>> | ReadonlyMap<string, string>;
}

const OPTION_KEYS: ReadonlySet<string> = new Set([
  'tags',
  'keys',
  'flag',
  'waitStoreMsgOK',
  'delayTimeLevel',
  'delayTimeSec',
  'delayTimeMs',
  'deliverTimeMs',
  'properties',
]);

function toBuffer(body: MessageBody, what: string): Buffer {
  if (Buffer.isBuffer(body)) return body;
  if (body instanceof Uint8Array) return Buffer.from(body.buffer, body.byteOffset, body.byteLength);
  if (typeof body === 'string') return Buffer.from(body, 'utf8');
  throw new InvalidArgumentError(`${what} must be a Buffer, a Uint8Array or a string`);
}

function checkInt32(name: string, v: unknown, min = -0x80000000): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > 0x7fffffff) {
    throw new InvalidArgumentError(`${name} must be an integer in [${min}, 2147483647], got ${String(v)}`);
  }
  return v;
}

function checkNonNegativeLong(name: string, v: unknown): number {
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 0) {
    throw new InvalidArgumentError(`${name} must be a non-negative safe integer, got ${String(v)}`);
  }
  return v;
}

/** Java `Long.parseLong`/`Integer.parseInt` of a property, with 0 for absent or unparsable text. */
function parseIntProperty(v: string | undefined): number {
  if (v === undefined || !/^[+-]?\d+$/.test(v)) return 0;
  return Number(v);
}

/** Java `String.trim().isEmpty()`: nothing above U+0020. */
function trimmedEmpty(s: string): boolean {
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) > 0x20) return false;
  return true;
}

function hasSeparator(s: string): boolean {
  return s.includes(NAME_VALUE_SEPARATOR) || s.includes(PROPERTY_SEPARATOR);
}

/**
 * A message to send (Java `Message`). Tags, keys, delay and the other system settings live in the
 * properties map under the same keys as in Java, so what goes on the wire is exactly what a Java
 * producer would send.
 */
export class Message {
  private _topic: string;
  private _body: Buffer;
  private _flag = 0;
  private _properties = new Map<string, string>();
  /** Set by the transaction producer; not sent as such. */
  transactionId: string | undefined;

  constructor(topic: string, body: MessageBody, options: MessageOptions = {}) {
    if (typeof topic !== 'string') throw new InvalidArgumentError('message topic must be a string');
    this._topic = topic;
    this._body = toBuffer(body, 'message body');
    if (options === null || typeof options !== 'object') {
      throw new InvalidArgumentError('message options must be an object');
    }
    for (const k of Object.keys(options)) {
      if (!OPTION_KEYS.has(k)) throw new InvalidArgumentError(`Unknown message option "${k}"`);
    }
    const o = options;
    // Same order as Java's constructor and setters: tags, keys, WAIT, then the rest.
    if (o.flag !== undefined) this.flag = o.flag;
    if (o.tags !== undefined) this.tags = o.tags;
    if (o.keys !== undefined) this.keys = o.keys;
    this.waitStoreMsgOK = o.waitStoreMsgOK ?? true;
    if (o.delayTimeLevel !== undefined) this.delayTimeLevel = o.delayTimeLevel;
    if (o.delayTimeSec !== undefined) this.delayTimeSec = o.delayTimeSec;
    if (o.delayTimeMs !== undefined) this.delayTimeMs = o.delayTimeMs;
    if (o.deliverTimeMs !== undefined) this.deliverTimeMs = o.deliverTimeMs;
    if (o.properties !== undefined) {
      if (o.properties === null || typeof o.properties !== 'object') {
        throw new InvalidArgumentError('message properties must be an object or a Map');
      }
      const entries = o.properties instanceof Map ? [...o.properties] : Object.entries(o.properties);
      for (const [k, v] of entries) this.putUserProperty(k, v);
    }
  }

  get topic(): string {
    return this._topic;
  }

  set topic(topic: string) {
    if (typeof topic !== 'string') throw new InvalidArgumentError('message topic must be a string');
    this._topic = topic;
  }

  get body(): Buffer {
    return this._body;
  }

  set body(body: MessageBody) {
    this._body = toBuffer(body, 'message body');
  }

  get flag(): number {
    return this._flag;
  }

  set flag(flag: number) {
    this._flag = checkInt32('message flag', flag);
  }

  get tags(): string | undefined {
    return this._properties.get(MessageConst.PROPERTY_TAGS);
  }

  /** An empty string or undefined removes the tag. */
  set tags(tags: string | undefined) {
    this.setOptionalString(MessageConst.PROPERTY_TAGS, tags, 'tags');
  }

  /** The keys as sent: several keys separated by a space. */
  get keys(): string | undefined {
    return this._properties.get(MessageConst.PROPERTY_KEYS);
  }

  set keys(keys: string | readonly string[] | undefined) {
    if (Array.isArray(keys)) {
      for (const k of keys) if (typeof k !== 'string') throw new InvalidArgumentError('message keys must be strings');
      this.setOptionalString(MessageConst.PROPERTY_KEYS, keys.join(KEY_SEPARATOR), 'keys');
    } else {
      this.setOptionalString(MessageConst.PROPERTY_KEYS, keys as string | undefined, 'keys');
    }
  }

  /** The keys one by one. */
  get keyList(): string[] {
    return (this.keys ?? '').split(KEY_SEPARATOR).filter((k) => k.length > 0);
  }

  /** True unless the `WAIT` property says otherwise (Java `Boolean.parseBoolean`). */
  get waitStoreMsgOK(): boolean {
    const v = this._properties.get(MessageConst.PROPERTY_WAIT_STORE_MSG_OK);
    return v === undefined ? true : v.toLowerCase() === 'true';
  }

  set waitStoreMsgOK(wait: boolean) {
    if (typeof wait !== 'boolean') throw new InvalidArgumentError('waitStoreMsgOK must be a boolean');
    this._properties.set(MessageConst.PROPERTY_WAIT_STORE_MSG_OK, String(wait));
  }

  /** 0 when not delayed. */
  get delayTimeLevel(): number {
    return parseIntProperty(this._properties.get(MessageConst.PROPERTY_DELAY_TIME_LEVEL));
  }

  set delayTimeLevel(level: number) {
    this._properties.set(MessageConst.PROPERTY_DELAY_TIME_LEVEL, String(checkInt32('delayTimeLevel', level, 0)));
  }

  get delayTimeSec(): number {
    return parseIntProperty(this._properties.get(MessageConst.PROPERTY_TIMER_DELAY_SEC));
  }

  set delayTimeSec(sec: number) {
    this._properties.set(MessageConst.PROPERTY_TIMER_DELAY_SEC, String(checkNonNegativeLong('delayTimeSec', sec)));
  }

  get delayTimeMs(): number {
    return parseIntProperty(this._properties.get(MessageConst.PROPERTY_TIMER_DELAY_MS));
  }

  set delayTimeMs(ms: number) {
    this._properties.set(MessageConst.PROPERTY_TIMER_DELAY_MS, String(checkNonNegativeLong('delayTimeMs', ms)));
  }

  get deliverTimeMs(): number {
    return parseIntProperty(this._properties.get(MessageConst.PROPERTY_TIMER_DELIVER_MS));
  }

  set deliverTimeMs(epochMs: number) {
    this._properties.set(MessageConst.PROPERTY_TIMER_DELIVER_MS, String(checkNonNegativeLong('deliverTimeMs', epochMs)));
  }

  /** Every property, system ones included, in insertion order. Change them through the methods. */
  get properties(): ReadonlyMap<string, string> {
    return this._properties;
  }

  /** The properties that are not reserved system names. */
  getUserProperties(): Map<string, string> {
    const out = new Map<string, string>();
    for (const [k, v] of this._properties) if (!STRING_HASH_SET.has(k)) out.set(k, v);
    return out;
  }

  /**
   * Sets a user property. Reserved system names (`STRING_HASH_SET`) and blank names or values are
   * refused as in Java; so are the two separator characters, which the wire format cannot carry.
   */
  putUserProperty(name: string, value: string): this {
    if (typeof name === 'string' && STRING_HASH_SET.has(name)) {
      throw new InvalidArgumentError(`The Property<${name}> is used by system, input another please`);
    }
    if (typeof name !== 'string' || typeof value !== 'string' || trimmedEmpty(name) || trimmedEmpty(value)) {
      throw new InvalidArgumentError('The name or value of property can not be null or blank string!');
    }
    this.putProperty(name, value);
    return this;
  }

  getUserProperty(name: string): string | undefined {
    return this._properties.get(name);
  }

  getProperty(name: string): string | undefined {
    return this._properties.get(name);
  }

  hasProperty(name: string): boolean {
    return this._properties.has(name);
  }

  /** @internal Any property, reserved names included (Java's package-private `putProperty`). */
  putProperty(name: string, value: string): void {
    if (hasSeparator(name) || hasSeparator(value)) {
      throw new InvalidArgumentError(`property ${JSON.stringify(name)} contains \\u0001 or \\u0002, which cannot be sent`);
    }
    this._properties.set(name, value);
  }

  /** @internal */
  clearProperty(name: string): void {
    this._properties.delete(name);
  }

  /** @internal Replaces every property at once (decoding a stored message); no checks. */
  setPropertiesUnchecked(properties: Map<string, string>): void {
    this._properties = properties;
  }

  toString(): string {
    const props = [...this._properties].map(([k, v]) => `${k}=${v}`).join(', ');
    return `Message{topic='${this._topic}', flag=${this._flag}, properties={${props}}, bodyBytes=${this._body.length}, transactionId='${this.transactionId ?? ''}'}`;
  }

  private setOptionalString(key: string, v: string | undefined, what: string): void {
    if (v === undefined || v === '') {
      this._properties.delete(key);
      return;
    }
    if (typeof v !== 'string') throw new InvalidArgumentError(`message ${what} must be a string`);
    this.putProperty(key, v);
  }
}
