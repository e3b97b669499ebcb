import { AccessDeniedError } from '../errors';
import { newExtFields, type RemotingCommand } from '../remoting/protocol/remoting-command';
import { ResponseCode } from '../remoting/protocol/response-code';
import type { RPCHook } from '../remoting/rpc-hook';
import { ACCESS_KEY, SECURITY_TOKEN, SessionCredentials, SIGNATURE, type SessionCredentialsInit } from './session-credentials';

/**
 * The bytes Java's `AclUtils.combineRequestContent` signs: the ext-field values (not the keys) in
 * key order, `Signature` skipped, as UTF-8, then the body as sent. Key order is Java
 * `String.compareTo` (UTF-16 code units), which is also JavaScript's default string sort.
 */
export function aclSignedContent(extFields: Readonly<Record<string, string>>, body: Buffer | undefined): Buffer {
  const keys = Object.keys(extFields).sort();
  let text = '';
  for (const k of keys) if (k !== SIGNATURE) text += extFields[k];
  const head = Buffer.from(text, 'utf8');
  return body !== undefined && body.length > 0 ? Buffer.concat([head, body]) : head;
}

/**
 * Only the head of a remark is examined: the broker's ACL remarks are short sentences, and a hostile
 * peer may send megabytes of remark (frames go up to 16 MiB).
 */
export const MAX_EXAMINED_REMARK_CHARS = 4096;

/** Broker remarks of the ACL 2.0 authorization chain (`AclAuthorizationHandler`, `UserAuthorizationHandler`). */
const AUTHORIZATION_REMARK = /has no permission to access|authorizationMetadataProvider|parse authorization context/;
/** Broker remarks of the authentication chain (`DefaultAuthenticationHandler`, the context builder). */
const AUTHENTICATION_REMARK = /check signature failed|is not found\.|is disabled\.|username cannot be null|authentication|datetime is null/i;

const USER_PREFIX = 'User:';
const NOT_FOUND = ' not found.';

function isWhitespace(c: number): boolean {
  // What `\s` matches in the ASCII and Latin-1 range plus the Unicode spaces brokers could print.
  return c === 0x20 || (c >= 0x09 && c <= 0x0d) || c === 0xa0 || c === 0x1680 || (c >= 0x2000 && c <= 0x200a) ||
    c === 0x2028 || c === 0x2029 || c === 0x202f || c === 0x205f || c === 0x3000 || c === 0xfeff;
}

/**
 * Whether `text` holds `User:<no whitespace>* not found.` (`UserAuthorizationHandler`'s remark), in
 * one pass: every `User:` inside a run of non-space characters ends at the same place, so the scan
 * resumes after the run instead of starting again at each occurrence (a regex would be quadratic).
 */
export function hasUserNotFound(text: string): boolean {
  let from = 0;
  for (;;) {
    const at = text.indexOf(USER_PREFIX, from);
    if (at < 0) return false;
    let i = at + USER_PREFIX.length;
    while (i < text.length && !isWhitespace(text.charCodeAt(i))) i++;
    if (text.startsWith(NOT_FOUND, i)) return true;
    from = i + 1;
  }
}

/**
 * Which ACL chain refused a NO_PERMISSION response, judged from the broker's remark; undefined when
 * the remark is not an ACL one (e.g. a topic whose permission forbids sending).
 */
export function classifyAclDenial(remark: string | undefined): 'AUTHENTICATION' | 'AUTHORIZATION' | undefined {
  if (remark === undefined) return undefined;
  const head = remark.length > MAX_EXAMINED_REMARK_CHARS ? remark.slice(0, MAX_EXAMINED_REMARK_CHARS) : remark;
  if (AUTHORIZATION_REMARK.test(head) || hasUserNotFound(head)) return 'AUTHORIZATION';
  if (AUTHENTICATION_REMARK.test(head)) return 'AUTHENTICATION';
  return undefined;
}

/**
 * Java `AclClientRPCHook`: every request carries `AccessKey` (and `SecurityToken` when set) and a
 * `Signature` = Base64(HmacSHA1(secret, content)) over every ext field and the body (protocol.md 13).
 * Pass it as the producer's `rpcHook`; the client instance runs it after the namespace hook, so the
 * signature covers every field that goes on the wire. It runs again on each resend; a previous
 * signature is not part of the content, so re-signing is safe.
 *
 * A NO_PERMISSION answer whose remark comes from the broker's ACL chain fails the call with an
 * `AccessDeniedError` naming the access key and the cause (never the secret).
 */
export class AclClientRPCHook implements RPCHook {
  readonly hookName = 'AclClientRPCHook';
  readonly sessionCredentials: SessionCredentials;

  constructor(credentials: SessionCredentials | SessionCredentialsInit) {
    this.sessionCredentials = credentials instanceof SessionCredentials ? credentials : new SessionCredentials(credentials);
  }

  doBeforeRequest(_remoteAddr: string, request: RemotingCommand): void {
    const creds = this.sessionCredentials;
    const ext = (request.extFields ??= newExtFields());
    ext[ACCESS_KEY] = creds.accessKey;
    if (creds.securityToken !== undefined) ext[SECURITY_TOKEN] = creds.securityToken;
    ext[SIGNATURE] = creds.sign(aclSignedContent(ext, request.body));
  }

  doAfterResponse(remoteAddr: string, _request: RemotingCommand, response: RemotingCommand): void {
    if (response.code !== ResponseCode.NO_PERMISSION) return;
    const reason = classifyAclDenial(response.remark);
    if (reason !== undefined) {
      throw new AccessDeniedError(reason, this.sessionCredentials.accessKey, response.remark, remoteAddr);
    }
  }
}
