import type * as tls from 'node:tls';
import { inspect } from 'node:util';

/**
 * TLS options carry key material (`key`, `passphrase`, `pfx`). Every object that keeps the options
 * (producer, client instance, remoting client) would print them through `JSON.stringify`,
 * `util.inspect` or a spread. The options are kept as a copy whose secret fields are non-enumerable
 * and redacted from inspection; the real values are put back only in the object handed to
 * `tls.connect` (or a socket factory) for one connect.
 */

const SECRET_FIELDS = ['key', 'passphrase', 'pfx'] as const;
const PROTECTED = Symbol('rocketmq.tlsOptionsProtected');

function isProtected(o: tls.ConnectionOptions): boolean {
  return Object.prototype.hasOwnProperty.call(o, PROTECTED);
}

/** A copy of `options` whose secret fields do not enumerate, serialize or inspect. Idempotent. */
export function protectTlsOptions(options: tls.ConnectionOptions): tls.ConnectionOptions {
  if (isProtected(options)) return options;
  const out: Record<string | symbol, unknown> = {};
  for (const [k, v] of Object.entries(options)) {
    if (!(SECRET_FIELDS as readonly string[]).includes(k)) out[k] = v;
  }
  const hidden: string[] = [];
  for (const k of SECRET_FIELDS) {
    if (options[k] === undefined) continue;
    Object.defineProperty(out, k, { value: options[k], enumerable: false, writable: false, configurable: false });
    hidden.push(k);
  }
  Object.defineProperty(out, PROTECTED, { value: true, enumerable: false });
  Object.defineProperty(out, inspect.custom, {
    enumerable: false,
    value: (_depth: number, opts: object, insp: typeof inspect) => {
      const shown: Record<string, unknown> = { ...out };
      for (const k of hidden) shown[k] = '******';
      return insp(shown, opts);
    },
  });
  return out as tls.ConnectionOptions;
}

/** Options with their secret fields enumerable again: only for the `tls.connect` call itself. */
export function revealTlsOptions(options: tls.ConnectionOptions): tls.ConnectionOptions {
  if (!isProtected(options)) return options;
  const out: tls.ConnectionOptions = { ...options };
  for (const k of SECRET_FIELDS) {
    if (options[k] !== undefined) (out as Record<string, unknown>)[k] = options[k];
  }
  return out;
}
