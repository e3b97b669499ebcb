import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { inspect } from 'node:util';
import { InvalidArgumentError, InvalidConfigError } from '../errors';

/** Ext-field names of Java `SessionCredentials` (wire vocabulary). `SecretKey` is never sent. */
export const ACCESS_KEY = 'AccessKey';
export const SECRET_KEY = 'SecretKey';
export const SIGNATURE = 'Signature';
export const SECURITY_TOKEN = 'SecurityToken';

export interface SessionCredentialsInit {
  /** The ACL 2.0 username (ACL 1.0: the account's access key). */
  accessKey: string;
  /** The ACL 2.0 password (ACL 1.0: the secret key): the HMAC key, never sent. */
  secretKey: string;
  /** Optional STS token, sent and signed when set. */
  securityToken?: string;
}

const REDACTED = '******';

/**
 * Java `SessionCredentials`: access key, secret key and optional security token. The secret and the
 * token live in private fields and are redacted from `toJSON`, `toString` and `util.inspect`, so
 * logging or spreading the credentials, a hook holding them or an options object never prints them.
 */
export class SessionCredentials {
  readonly accessKey: string;
  readonly #secretKey: string;
  // Private too: a spread or Object.entries of the credentials must not show the token.
  readonly #securityToken: string | undefined;

  constructor(init: SessionCredentialsInit) {
    if (init === null || typeof init !== 'object') throw new InvalidArgumentError('SessionCredentials needs { accessKey, secretKey }');
    const { accessKey, secretKey, securityToken } = init;
    if (typeof accessKey !== 'string' || accessKey.length === 0) {
      throw new InvalidArgumentError('SessionCredentials accessKey must be a non-empty string');
    }
    if (typeof secretKey !== 'string' || secretKey.length === 0) {
      throw new InvalidArgumentError('SessionCredentials secretKey must be a non-empty string');
    }
    if (securityToken !== undefined && typeof securityToken !== 'string') {
      throw new InvalidArgumentError('SessionCredentials securityToken must be a string');
    }
    this.accessKey = accessKey;
    this.#secretKey = secretKey;
    this.#securityToken = securityToken;
  }

  /** The STS token, sent (and signed) with every request; kept out of enumerable state. */
  get securityToken(): string | undefined {
    return this.#securityToken;
  }

  /**
   * Java's no-argument constructor: a `java.util.Properties` file with `AccessKey`, `SecretKey` and
   * optionally `SecurityToken` (values trimmed). Default `$HOME/key`, as Java's `rocketmq.client.keyFile`.
   */
  static fromKeyFile(path: string = join(homedir(), 'key')): SessionCredentials {
    let text: string;
    try {
      text = readFileSync(path, 'utf8');
    } catch (err) {
      throw new InvalidConfigError(`cannot read the ACL key file ${path}`, [{ path: 'keyFile', message: 'unreadable' }], {
        cause: err,
      });
    }
    const props = parseJavaProperties(text);
    const accessKey = props.get(ACCESS_KEY)?.trim();
    const secretKey = props.get(SECRET_KEY)?.trim();
    if (!accessKey || !secretKey) {
      // Name the missing keys only: the file's content may hold the secret.
      const missing = [!accessKey && ACCESS_KEY, !secretKey && SECRET_KEY].filter(Boolean).join(' and ');
      throw new InvalidConfigError(`the ACL key file ${path} has no ${missing}`, [{ path: 'keyFile', message: `missing ${missing}` }]);
    }
    return new SessionCredentials({ accessKey, secretKey, securityToken: props.get(SECURITY_TOKEN)?.trim() });
  }

  /** Base64(HmacSHA1(secretKey as UTF-8, content)): Java `AclSigner.calSignature`. */
  sign(content: Buffer): string {
    return createHmac('sha1', Buffer.from(this.#secretKey, 'utf8')).update(content).digest('base64');
  }

  toJSON(): Record<string, string | undefined> {
    return { accessKey: this.accessKey, secretKey: REDACTED, securityToken: this.securityToken === undefined ? undefined : REDACTED };
  }

  toString(): string {
    return `SessionCredentials{accessKey=${this.accessKey}, secretKey=${REDACTED}}`;
  }

  [inspect.custom](): string {
    return this.toString();
  }
}

/** Java `Properties.load` whitespace: space, tab, form feed. */
function isPropertySpace(c: number): boolean {
  return c === 0x20 || c === 0x09 || c === 0x0c;
}

function skipPropertySpace(s: string, i: number): number {
  while (i < s.length && isPropertySpace(s.charCodeAt(i))) i++;
  return i;
}

/** Whether `line` ends in an odd number of backslashes (it continues on the next line). */
function continues(line: string): boolean {
  let n = 0;
  for (let i = line.length - 1; i >= 0 && line.charCodeAt(i) === 0x5c; i--) n++;
  return (n & 1) === 1;
}

/**
 * The subset of `java.util.Properties.load` key files use: `key=value` or `key: value` or
 * `key value` lines, `#`/`!` comments, backslash line continuations. Unicode escapes are decoded.
 * Hand-written scans, linear in the input (the regexes they replace backtracked cubically).
 */
export function parseJavaProperties(text: string): Map<string, string> {
  const out = new Map<string, string>();
  const lines = text.split(/\r\n|\r|\n/);
  for (let i = 0; i < lines.length; i++) {
    let line = lines[i]!.slice(skipPropertySpace(lines[i]!, 0));
    if (line === '' || line.startsWith('#') || line.startsWith('!')) continue;
    while (continues(line) && i + 1 < lines.length) {
      const next = lines[++i]!;
      line = line.slice(0, -1) + next.slice(skipPropertySpace(next, 0));
    }
    // The key ends at the first unescaped '=', ':' or space; then spaces, one '=' or ':', spaces.
    let k = 0;
    while (k < line.length) {
      const c = line.charCodeAt(k);
      if (c === 0x5c && k + 1 < line.length) k += 2;
      else if (c === 0x5c || c === 0x3d || c === 0x3a || isPropertySpace(c)) break;
      else k++;
    }
    let v = skipPropertySpace(line, k);
    const sep = line.charCodeAt(v);
    if (sep === 0x3d || sep === 0x3a) v = skipPropertySpace(line, v + 1);
    out.set(unescapeProperty(line.slice(0, k)), unescapeProperty(line.slice(v)));
  }
  return out;
}

const SIMPLE_ESCAPES: Record<string, string> = { t: '\t', n: '\n', r: '\r', f: '\f' };

function unescapeProperty(s: string): string {
  if (!s.includes('\\')) return s;
  let out = '';
  let i = 0;
  while (i < s.length) {
    const bs = s.indexOf('\\', i);
    if (bs < 0 || bs + 1 >= s.length) break;
    out += s.slice(i, bs);
    const c = s[bs + 1]!;
    const hex = s.slice(bs + 2, bs + 6);
    if (c === 'u' && /^[0-9a-fA-F]{4}$/.test(hex)) {
      out += String.fromCharCode(parseInt(hex, 16));
      i = bs + 6;
    } else {
      out += SIMPLE_ESCAPES[c] ?? c;
      i = bs + 2;
    }
  }
  return out + s.slice(i);
}
