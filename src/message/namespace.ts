import { InvalidConfigError } from '../errors';
import { isBlank, isSysGroup, isSystemTopic } from './validators';

/**
 * The deprecated client-side namespace (Java `NamespaceUtil`, `ClientConfig.getNamespace`,
 * `NameServerAddressUtils`, 5.3.3): resources travel as `ns%resource`, keeping a `%RETRY%` or `%DLQ%`
 * prefix in front. System topics and `CID_RMQ_SYS_` groups are never wrapped. (`namespaceV2` is
 * different: the resources go unwrapped and an RPC hook adds `ns`/`nsd` to every request.)
 */

export const NAMESPACE_SEPARATOR = '%';
export const RETRY_GROUP_TOPIC_PREFIX = '%RETRY%';
export const DLQ_GROUP_TOPIC_PREFIX = '%DLQ%';

function isEmpty(s: string | null | undefined): s is '' | null | undefined {
  return s == null || s.length === 0;
}

export function isRetryTopic(resource: string | null | undefined): boolean {
  return !isBlank(resource) && resource!.startsWith(RETRY_GROUP_TOPIC_PREFIX);
}

export function isDlqTopic(resource: string | null | undefined): boolean {
  return !isBlank(resource) && resource!.startsWith(DLQ_GROUP_TOPIC_PREFIX);
}

/** A system topic or a `CID_RMQ_SYS_` group: left as is by every function here. */
export function isSystemResource(resource: string | null | undefined): boolean {
  if (isEmpty(resource)) return false;
  return isSystemTopic(resource) || isSysGroup(resource);
}

/** The resource without its `%RETRY%` or `%DLQ%` prefix; '' for an empty one. */
export function withoutRetryAndDlq(resource: string | null | undefined): string {
  if (isEmpty(resource)) return '';
  if (isRetryTopic(resource)) return resource.substring(RETRY_GROUP_TOPIC_PREFIX.length);
  if (isDlqTopic(resource)) return resource.substring(DLQ_GROUP_TOPIC_PREFIX.length);
  return resource;
}

export function isAlreadyWithNamespace(resource: string | null | undefined, namespace: string | null | undefined): boolean {
  if (isEmpty(namespace) || isEmpty(resource) || isSystemResource(resource)) return false;
  return withoutRetryAndDlq(resource).startsWith(namespace + NAMESPACE_SEPARATOR);
}

/** `res` -> `ns%res`, `%RETRY%res` -> `%RETRY%ns%res`, `%DLQ%res` -> `%DLQ%ns%res`. */
export function wrapNamespace(namespace: string | null | undefined, resource: string): string;
export function wrapNamespace(namespace: string | null | undefined, resource: string | null | undefined): string | null | undefined;
export function wrapNamespace(namespace: string | null | undefined, resource: string | null | undefined): string | null | undefined {
  if (isEmpty(namespace) || isEmpty(resource)) return resource;
  if (isSystemResource(resource) || isAlreadyWithNamespace(resource, namespace)) return resource;
  let prefix = '';
  if (isRetryTopic(resource)) prefix += RETRY_GROUP_TOPIC_PREFIX;
  if (isDlqTopic(resource)) prefix += DLQ_GROUP_TOPIC_PREFIX;
  return prefix + namespace + NAMESPACE_SEPARATOR + withoutRetryAndDlq(resource);
}

/**
 * Strips whatever namespace the resource carries (Java's one-argument `withoutNamespace`): the text
 * up to the first `%` after the retry/DLQ prefix, when that `%` is not the first character.
 */
export function withoutAnyNamespace(resource: string): string;
export function withoutAnyNamespace(resource: string | null | undefined): string | null | undefined;
export function withoutAnyNamespace(resource: string | null | undefined): string | null | undefined {
  if (isEmpty(resource) || isSystemResource(resource)) return resource;
  let prefix = '';
  if (isRetryTopic(resource)) prefix += RETRY_GROUP_TOPIC_PREFIX;
  if (isDlqTopic(resource)) prefix += DLQ_GROUP_TOPIC_PREFIX;
  const bare = withoutRetryAndDlq(resource);
  const index = bare.indexOf(NAMESPACE_SEPARATOR);
  return index > 0 ? prefix + bare.substring(index + 1) : resource;
}

/**
 * Strips `namespace` if the resource carries exactly that one (Java's two-argument form, which
 * `ClientConfig.withoutNamespace` uses). With no namespace the resource is returned unchanged.
 */
export function withoutNamespace(resource: string, namespace: string | null | undefined): string;
export function withoutNamespace(resource: string | null | undefined, namespace: string | null | undefined): string | null | undefined;
export function withoutNamespace(resource: string | null | undefined, namespace: string | null | undefined): string | null | undefined {
  if (isEmpty(resource) || isEmpty(namespace)) return resource;
  if (withoutRetryAndDlq(resource).startsWith(namespace + NAMESPACE_SEPARATOR)) return withoutAnyNamespace(resource);
  return resource;
}

/** `%RETRY%` + the namespaced group; undefined for an empty group. */
export function wrapNamespaceAndRetry(namespace: string | null | undefined, group: string | null | undefined): string | undefined {
  if (isEmpty(group)) return undefined;
  return RETRY_GROUP_TOPIC_PREFIX + wrapNamespace(namespace, group);
}

/** The namespace part of a wrapped resource, or ''. */
export function getNamespaceFromResource(resource: string | null | undefined): string {
  if (isEmpty(resource) || isSystemResource(resource)) return '';
  const bare = withoutRetryAndDlq(resource);
  const index = bare.indexOf(NAMESPACE_SEPARATOR);
  return index > 0 ? bare.substring(0, index) : '';
}

function isWordChar(c: number): boolean {
  return (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) || c === 0x5f;
}

/** Index after the run of `\w` characters starting at `i`. */
function skipWord(s: string, i: number): number {
  while (i < s.length && isWordChar(s.charCodeAt(i))) i++;
  return i;
}

/** What Java's `.` does not match: the line terminators. */
function hasLineTerminator(s: string, from: number): boolean {
  for (let i = from; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 0x0a || c === 0x0d || c === 0x85 || c === 0x2028 || c === 0x2029) return true;
  }
  return false;
}

const INST_PREFIX = 'MQ_INST_';

/** `MQ_INST_\w+_\w+\..*` at `at` to the end: the word run must hold an inner `_` and end at a `.`. */
function instanceEndpointAt(s: string, at: number): boolean {
  if (!s.startsWith(INST_PREFIX, at)) return false;
  const from = at + INST_PREFIX.length;
  const end = skipWord(s, from);
  if (s.charCodeAt(end) !== 0x2e) return false;
  const inner = s.indexOf('_', from + 1);
  return inner >= 0 && inner < end - 1 && !hasLineTerminator(s, end + 1);
}

/**
 * Whether a name-server address is an instance endpoint like `http://MQ_INST_xxx_yyy.host:80`:
 * Java `NameServerAddressUtils.INST_ENDPOINT_PATTERN` (`^(\w+://|)MQ_INST_\w+_\w+\..*`, whole
 * match), checked in one pass (the regex backtracks quadratically on long `_` runs).
 */
export function validateInstanceEndpoint(endpoint: string): boolean {
  const scheme = skipWord(endpoint, 0);
  if (scheme > 0 && endpoint.startsWith('://', scheme) && instanceEndpointAt(endpoint, scheme + 3)) return true;
  return instanceEndpointAt(endpoint, 0);
}

/** The instance id of an endpoint: the text between the last `/` and the first `.`. */
export function parseInstanceIdFromEndpoint(endpoint: string | null | undefined): string | undefined {
  if (isEmpty(endpoint)) return undefined;
  const begin = endpoint.lastIndexOf('/') + 1;
  const end = endpoint.indexOf('.');
  // Java's substring throws here; a path after the host is the only way to get there.
  if (end < begin) {
    throw new InvalidConfigError(`cannot parse the instance id of name server endpoint "${endpoint}"`, [
      { path: 'namesrvAddr', message: 'instance endpoint has a "/" after its first "."' },
    ]);
  }
  return endpoint.substring(begin, end);
}

/**
 * Java `ClientConfig.getNamesrvAddr`: an `http://...` address becomes the text after its last `/`.
 * Anything else is returned as given.
 */
export function nameSrvAddrFromEndpoint(namesrvAddr: string): string {
  // Java `NAMESRV_ENDPOINT_PATTERN`, `^http://.*`, whole match.
  const trimmed = namesrvAddr.trim();
  if (trimmed.startsWith('http://') && !hasLineTerminator(trimmed, 7)) {
    return namesrvAddr.substring(namesrvAddr.lastIndexOf('/') + 1);
  }
  return namesrvAddr;
}

/**
 * Java `ClientConfig.getNamespace`: the configured namespace when non-empty, else the instance id of
 * an `MQ_INST_` name-server endpoint, else undefined.
 */
export function resolveNamespace(namespace: string | null | undefined, namesrvAddr: string | null | undefined): string | undefined {
  if (!isEmpty(namespace)) return namespace;
  if (!isEmpty(namesrvAddr) && validateInstanceEndpoint(namesrvAddr)) return parseInstanceIdFromEndpoint(namesrvAddr);
  return undefined;
}
