import { RemotingProtocolError } from '../../errors';
import { MessageQueue } from '../message-queue';

/**
 * fastjson's non-standard JSON: a `Map` whose keys are beans is written with the bean itself as the
 * key (`{{"brokerName":"b","queueId":0,"topic":"t"}:42}`), which `JSON.parse` refuses. Java uses it for
 * `OffsetSerializeWrapper.offsetTable` (the broadcasting offsets file), `ResetOffsetBody.offsetTable`
 * and `ConsumerRunningInfo.mqTable`. This reader takes that form (and standard JSON, pretty or not);
 * integers beyond 2^53 come back as bigint so that offsets keep every digit.
 */

export type FastjsonValue = null | boolean | number | bigint | string | FastjsonValue[] | FastjsonObject;

/** An object with its entries in text order; keys may be any value. */
export class FastjsonObject {
  constructor(readonly entries: ReadonlyArray<readonly [FastjsonValue, FastjsonValue]>) {}

  /** The value under a string key (the last one when repeated, as fastjson's maps keep it). */
  get(name: string): FastjsonValue | undefined {
    let found: FastjsonValue | undefined;
    for (const [k, v] of this.entries) if (k === name) found = v;
    return found;
  }
}

const MAX_DEPTH = 64;

class Reader {
  pos = 0;
  constructor(
    readonly text: string,
    readonly what: string,
  ) {}

  fail(why: string): never {
    throw new RemotingProtocolError(`${this.what}: ${why} at ${this.pos}`);
  }

  skipWs(): void {
    const t = this.text;
    while (this.pos < t.length) {
      const c = t.charCodeAt(this.pos);
      if (c !== 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d) break;
      this.pos++;
    }
  }

  value(depth: number): FastjsonValue {
    if (depth > MAX_DEPTH) this.fail('nested too deeply');
    this.skipWs();
    const c = this.text[this.pos];
    if (c === '{') return this.object(depth);
    if (c === '[') return this.array(depth);
    if (c === '"') return this.string();
    for (const [word, v] of [['null', null], ['true', true], ['false', false]] as const) {
      if (this.text.startsWith(word, this.pos)) {
        this.pos += word.length;
        return v;
      }
    }
    return this.number();
  }

  object(depth: number): FastjsonObject {
    this.pos++;
    const entries: Array<readonly [FastjsonValue, FastjsonValue]> = [];
    this.skipWs();
    if (this.text[this.pos] === '}') {
      this.pos++;
      return new FastjsonObject(entries);
    }
    for (;;) {
      const key = this.value(depth + 1);
      this.skipWs();
      if (this.text[this.pos] !== ':') this.fail("expected ':'");
      this.pos++;
      entries.push([key, this.value(depth + 1)]);
      this.skipWs();
      const c = this.text[this.pos++];
      if (c === '}') return new FastjsonObject(entries);
      if (c !== ',') this.fail("expected ',' or '}'");
    }
  }

  array(depth: number): FastjsonValue[] {
    this.pos++;
    const out: FastjsonValue[] = [];
    this.skipWs();
    if (this.text[this.pos] === ']') {
      this.pos++;
      return out;
    }
    for (;;) {
      out.push(this.value(depth + 1));
      this.skipWs();
      const c = this.text[this.pos++];
      if (c === ']') return out;
      if (c !== ',') this.fail("expected ',' or ']'");
    }
  }

  string(): string {
    const t = this.text;
    let end = this.pos + 1;
    for (;;) {
      if (end >= t.length) this.fail('unterminated string');
      const c = t.charCodeAt(end);
      if (c === 0x22) break;
      end += c === 0x5c ? 2 : 1;
    }
    const literal = t.slice(this.pos, end + 1);
    this.pos = end + 1;
    try {
      return JSON.parse(literal) as string;
    } catch {
      return this.fail('bad string literal');
    }
  }

  number(): number | bigint {
    const m = /^-?\d+(\.\d+)?([eE][+-]?\d+)?/.exec(this.text.slice(this.pos, this.pos + 400));
    if (!m) this.fail('unexpected character');
    this.pos += m[0].length;
    if (m[1] === undefined && m[2] === undefined) {
      const n = Number(m[0]);
      return Number.isSafeInteger(n) ? n : BigInt(m[0]);
    }
    return Number(m[0]);
  }
}

/** Parses fastjson text (object keys of any kind); malformed text is a RemotingProtocolError naming `what`. */
export function parseFastjson(text: string, what: string): FastjsonValue {
  const r = new Reader(text, what);
  const v = r.value(0);
  r.skipWs();
  if (r.pos !== text.length) r.fail('trailing characters');
  return v;
}

/** A `MessageQueue` written as a bean (`brokerName`, `queueId`, `topic`). */
export function messageQueueOf(v: FastjsonValue, what: string): MessageQueue {
  if (!(v instanceof FastjsonObject)) throw new RemotingProtocolError(`${what}: a message queue must be an object`);
  const topic = v.get('topic');
  const brokerName = v.get('brokerName');
  const queueId = v.get('queueId');
  if (typeof topic !== 'string' || typeof brokerName !== 'string' || typeof queueId !== 'number' || !Number.isInteger(queueId)) {
    throw new RemotingProtocolError(`${what}: a message queue needs topic, brokerName and an integer queueId`);
  }
  return new MessageQueue(topic, brokerName, queueId);
}

/** An integer as a bigint (offsets, timestamps). */
export function bigintOf(v: FastjsonValue | undefined, what: string): bigint {
  if (typeof v === 'bigint') return v;
  if (typeof v === 'number' && Number.isInteger(v)) return BigInt(v);
  throw new RemotingProtocolError(`${what}: expected an integer`);
}

/** A map with `MessageQueue` keys, as fastjson writes it; `null`/absent is an empty map. */
export function messageQueueMapOf(v: FastjsonValue | undefined, what: string): Array<[MessageQueue, FastjsonValue]> {
  if (v === undefined || v === null) return [];
  if (!(v instanceof FastjsonObject)) throw new RemotingProtocolError(`${what}: expected a map`);
  return v.entries.map(([k, value]) => [messageQueueOf(k, what), value]);
}

/** The key fastjson writes for a `MessageQueue` (bean fields in name order). */
export function messageQueueKeyJson(mq: MessageQueue): string {
  return `{"brokerName":${JSON.stringify(mq.brokerName)},"queueId":${mq.queueId},"topic":${JSON.stringify(mq.topic)}}`;
}

/** A `Map<MessageQueue, V>` in fastjson's compact form; each value already serialized. */
export function writeMessageQueueMap(entries: Iterable<readonly [MessageQueue, string]>): string {
  const parts: string[] = [];
  for (const [mq, value] of entries) parts.push(`${messageQueueKeyJson(mq)}:${value}`);
  return `{${parts.join(',')}}`;
}

/**
 * A double as fastjson writes it (Java's `Double.toString` form): `3.0`, `0.0`, `5.0E-4`, `1.23456785E7`;
 * NaN and infinities as `null`.
 */
export function javaDoubleJson(d: number): string {
  if (!Number.isFinite(d)) return 'null';
  if (d === 0) return Object.is(d, -0) ? '-0.0' : '0.0';
  const abs = Math.abs(d);
  if (abs >= 1e-3 && abs < 1e7) {
    const s = String(d);
    return s.includes('.') ? s : `${s}.0`;
  }
  const [mantissa, exponent] = d.toExponential().split('e') as [string, string];
  return `${mantissa.includes('.') ? mantissa : `${mantissa}.0`}E${Number(exponent)}`;
}
