/**
 * Ext fields whose values never reach a diagnostics subscriber or a log: the ACL request signature
 * and the STS token (`SessionCredentials.SIGNATURE` / `SECURITY_TOKEN`). The access key stays
 * visible: it names the caller and is no secret.
 */
export const REDACTED_EXT_FIELDS: readonly string[] = ['Signature', 'SecurityToken'];

/** What a redacted value reads as. */
export const REDACTED = '******';
