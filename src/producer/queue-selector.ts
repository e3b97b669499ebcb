import { InvalidArgumentError } from '../errors';
import type { MessageQueue } from '../client/message-queue';
import { javaStringHashCode } from '../remoting/protocol/java-hash';
import type { Message } from '../message/message';

/**
 * Chooses the queue of a send (Java `MessageQueueSelector`). `mqs` are the writable queues of the
 * topic, without the client-side namespace; `arg` is what the caller passed along with the message.
 */
export type MessageQueueSelector = (mqs: readonly MessageQueue[], msg: Message, arg: unknown) => MessageQueue;

const longHash = (v: bigint): number => Number(BigInt.asIntN(32, v ^ (BigInt.asUintN(64, v) >> 32n)));

/**
 * What `arg.hashCode()` gives in Java for the value a Java caller would have passed:
 * - string: `String.hashCode`;
 * - integer number in int32 range: `Integer.hashCode` (the value); other safe integers and bigint:
 *   `Long.hashCode`; other numbers: `Double.hashCode`;
 * - boolean: `Boolean.hashCode` (1231 / 1237);
 * - an object with a `hashCode(): number` method: that (e.g. `MessageQueue`);
 * - anything else: `String.hashCode` of `String(arg)`.
 * So an order id sent as a string or as an int/long number lands on the same queue as from Java.
 */
export function javaHashCodeOf(arg: unknown): number {
  switch (typeof arg) {
    case 'string':
      return javaStringHashCode(arg);
    case 'number':
      if (Number.isInteger(arg) && arg >= -0x80000000 && arg <= 0x7fffffff) return arg | 0;
      if (Number.isSafeInteger(arg)) return longHash(BigInt(arg));
      {
        const b = Buffer.alloc(8);
        b.writeDoubleBE(Number.isNaN(arg) ? NaN : arg);
        // Java's doubleToLongBits canonicalises NaN to 0x7ff8000000000000.
        const bits = Number.isNaN(arg) ? 0x7ff8000000000000n : b.readBigInt64BE(0);
        return longHash(bits);
      }
    case 'bigint':
      return longHash(BigInt.asIntN(64, arg));
    case 'boolean':
      return arg ? 1231 : 1237;
    case 'undefined':
      throw new InvalidArgumentError('selector arg must not be null or undefined');
    default:
      break;
  }
  if (arg === null) throw new InvalidArgumentError('selector arg must not be null or undefined');
  const h = (arg as { hashCode?: unknown }).hashCode;
  if (typeof h === 'function') {
    const v: unknown = h.call(arg);
    if (typeof v === 'number' && Number.isFinite(v)) return v | 0;
  }
  return javaStringHashCode(String(arg));
}

function checkQueues(mqs: readonly MessageQueue[]): void {
  if (!Array.isArray(mqs) || mqs.length === 0) throw new InvalidArgumentError('no message queue to select from');
}

/**
 * Java `SelectMessageQueueByHash`: `hashCode(arg) % size`, then `Math.abs` of a negative remainder
 * (in that order, as Java does: the remainder, not the hash, is made positive).
 */
export const selectMessageQueueByHash: MessageQueueSelector = (mqs, _msg, arg) => {
  checkQueues(mqs);
  let value = javaHashCodeOf(arg) % mqs.length;
  if (value < 0) value = Math.abs(value);
  return mqs[value]!;
};

/** Java `SelectMessageQueueByRandom`: uniform over the queues. */
export const selectMessageQueueByRandom: MessageQueueSelector = (mqs) => {
  checkQueues(mqs);
  return mqs[Math.floor(Math.random() * mqs.length)]!;
};

/** A selector that walks the queues in turn, ignoring `arg`; each call makes an independent counter. */
export function createRoundRobinSelector(): MessageQueueSelector {
  let next = 0;
  return (mqs) => {
    checkQueues(mqs);
    const q = mqs[next % mqs.length]!;
    next = (next + 1) % 0x7fffffff;
    return q;
  };
}
