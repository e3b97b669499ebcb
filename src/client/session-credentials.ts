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
 * Java `SessionCredentials`: access key, secret key and optional security token. The secret lives in
 * a private field and is redacted from `toJSON`, `toString` and `util.inspect`, so logging the
 * credentials, a hook holding them or an options object never prints it.
 */
export class SessionCredentials {
  readonly accessKey: string;
  readonly securityToken: string | undefined;
  readonly #secretKey: string;

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
    this.securityToken = securityToken;
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

/**
 * The subset of `java.util.Properties.load` key files use: `key=value` or `key: value` or
 * `key value` lines, `#`/`!` comments, backslash line continuations. Unicode escapes are decoded.
 */
export function parseJavaProperties(text: string): Map<string, string> {
  const out = new Map<string, string>();
  const lines = text.split(/\r\n|\r|\n/);
  for (let i = 0; i < lines.length; i++) {
    let line = lines[i]!.replace(/^[ \t\f]+/, '');
    if (line === '' || line.startsWith('#') || line.startsWith('!')) continue;
    // A line ending in an odd number of backslashes continues on the next one.
    while (/(^|[^\\])(\\\\)*\\$/.test(line) && i + 1 < lines.length) {
      line = line.slice(0, -1) + lines[++i]!.replace(/^[ \t\f]+/, '');
    }
    const m = /^((?:\\.|[^\\=: \t\f])*)[ \t\f]*[=:]?[ \t\f]*(.*)$/.exec(line);
    if (!m) continue;
    out.set(unescapeProperty(m[1]!), unescapeProperty(m[2]!));
  }
  return out;
}

function unescapeProperty(s: string): string {
  return s.replace(/\\(u[0-9a-fA-F]{4}|.)/g, (_all, c: string) => {
    if (c.length === 5) return String.fromCharCode(parseInt(c.slice(1), 16));
    return c === 't' ? '\t' : c === 'n' ? '\n' : c === 'r' ? '\r' : c === 'f' ? '\f' : c;
  });
}
