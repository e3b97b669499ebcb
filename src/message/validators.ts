import { sep } from 'node:path';
import { InvalidArgumentError } from '../errors';
import { ResponseCode } from '../remoting/protocol/response-code';
import { MessageConst } from './message-const';

/**
 * Client-side checks made before any I/O (Java `Validators`, `TopicValidator` and the group names of
 * `MixAll`, 5.3.3). Error messages keep Java's wording so they can be searched for; message problems
 * carry `clientCode` 13 (MESSAGE_ILLEGAL) like Java's MQClientException, topic and group problems
 * none (Java's -1).
 */

/** `TopicValidator.TOPIC_MAX_LENGTH`. The broker allows 255 for %RETRY% and %DLQ% topics only. */
export const TOPIC_MAX_LENGTH = 127;
/**
 * `Validators.CHARACTER_MAX_LENGTH`, the group limit of the 5.3.3 client. Later Java clients (5.3.4+)
 * lower it to 120 so that `%RETRY%<group>` still fits the broker's 255.
 */
export const GROUP_MAX_LENGTH = 255;
export const VALID_PATTERN_STR = '^[%|a-zA-Z0-9_-]+$';

export const AUTO_CREATE_TOPIC_KEY_TOPIC = 'TBW102';
export const RMQ_SYS_SCHEDULE_TOPIC = 'SCHEDULE_TOPIC_XXXX';
export const RMQ_SYS_BENCHMARK_TOPIC = 'BenchmarkTest';
export const RMQ_SYS_TRANS_HALF_TOPIC = 'RMQ_SYS_TRANS_HALF_TOPIC';
export const RMQ_SYS_TRACE_TOPIC = 'RMQ_SYS_TRACE_TOPIC';
export const RMQ_SYS_TRANS_OP_HALF_TOPIC = 'RMQ_SYS_TRANS_OP_HALF_TOPIC';
export const RMQ_SYS_TRANS_CHECK_MAX_TIME_TOPIC = 'TRANS_CHECK_MAX_TIME_TOPIC';
export const RMQ_SYS_SELF_TEST_TOPIC = 'SELF_TEST_TOPIC';
export const RMQ_SYS_OFFSET_MOVED_EVENT = 'OFFSET_MOVED_EVENT';
export const RMQ_SYS_ROCKSDB_OFFSET_TOPIC = 'CHECKPOINT_TOPIC';
export const SYSTEM_TOPIC_PREFIX = 'rmq_sys_';

export const SYSTEM_TOPICS: ReadonlySet<string> = new Set([
  AUTO_CREATE_TOPIC_KEY_TOPIC,
  RMQ_SYS_SCHEDULE_TOPIC,
  RMQ_SYS_BENCHMARK_TOPIC,
  RMQ_SYS_TRANS_HALF_TOPIC,
  RMQ_SYS_TRACE_TOPIC,
  RMQ_SYS_TRANS_OP_HALF_TOPIC,
  RMQ_SYS_TRANS_CHECK_MAX_TIME_TOPIC,
  RMQ_SYS_SELF_TEST_TOPIC,
  RMQ_SYS_OFFSET_MOVED_EVENT,
  RMQ_SYS_ROCKSDB_OFFSET_TOPIC,
]);

/** Topics a client may never send to. */
export const NOT_ALLOWED_SEND_TOPICS: ReadonlySet<string> = new Set([
  RMQ_SYS_SCHEDULE_TOPIC,
  RMQ_SYS_TRANS_HALF_TOPIC,
  RMQ_SYS_TRANS_OP_HALF_TOPIC,
  RMQ_SYS_TRANS_CHECK_MAX_TIME_TOPIC,
  RMQ_SYS_SELF_TEST_TOPIC,
  RMQ_SYS_OFFSET_MOVED_EVENT,
]);

export const DEFAULT_PRODUCER_GROUP = 'DEFAULT_PRODUCER';
export const DEFAULT_CONSUMER_GROUP = 'DEFAULT_CONSUMER';
export const CLIENT_INNER_PRODUCER_GROUP = 'CLIENT_INNER_PRODUCER';
/** Groups with this prefix are system groups: never namespaced. */
export const CID_RMQ_SYS_PREFIX = 'CID_RMQ_SYS_';

/** `MixAll.PREDEFINE_GROUP_SET`. */
export const PREDEFINED_GROUPS: ReadonlySet<string> = new Set([
  DEFAULT_CONSUMER_GROUP,
  DEFAULT_PRODUCER_GROUP,
  'TOOLS_CONSUMER',
  'SCHEDULE_CONSUMER',
  'FILTERSRV_CONSUMER',
  '__MONITOR_CONSUMER',
  CLIENT_INNER_PRODUCER_GROUP,
  'SELF_TEST_P_GROUP',
  'SELF_TEST_C_GROUP',
  'CID_ONS-HTTP-PROXY',
  'CID_ONSAPI_PERMISSION',
  'CID_ONSAPI_OWNER',
  'CID_ONSAPI_PULL',
  'CID_RMQ_SYS_TRANS',
]);

/** Java `Character.isWhitespace` (no-break spaces are not whitespace there). */
function isJavaWhitespace(c: number): boolean {
  if ((c >= 0x09 && c <= 0x0d) || (c >= 0x1c && c <= 0x20)) return true;
  if (c === 0x1680 || (c >= 0x2000 && c <= 0x2006) || (c >= 0x2008 && c <= 0x200a)) return true;
  return c === 0x2028 || c === 0x2029 || c === 0x205f || c === 0x3000;
}

/** commons-lang `StringUtils.isBlank`. */
export function isBlank(s: string | null | undefined): boolean {
  if (s == null || s.length === 0) return true;
  for (let i = 0; i < s.length; i++) if (!isJavaWhitespace(s.charCodeAt(i))) return false;
  return true;
}

/** `TopicValidator.isTopicOrGroupIllegal`: any char outside `[%|a-zA-Z0-9_-]`. */
export function isTopicOrGroupIllegal(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    const ok =
      (c >= 0x30 && c <= 0x39) ||
      (c >= 0x41 && c <= 0x5a) ||
      (c >= 0x61 && c <= 0x7a) ||
      c === 0x25 /* % */ ||
      c === 0x2d /* - */ ||
      c === 0x5f /* _ */ ||
      c === 0x7c; /* | */
    if (!ok) return true;
  }
  return false;
}

export function isSystemTopic(topic: string): boolean {
  return SYSTEM_TOPICS.has(topic) || topic.startsWith(SYSTEM_TOPIC_PREFIX);
}

export function isNotAllowedSendTopic(topic: string): boolean {
  return NOT_ALLOWED_SEND_TOPICS.has(topic);
}

/** `MixAll.isSysConsumerGroup`. */
export function isSysGroup(group: string): boolean {
  return group.startsWith(CID_RMQ_SYS_PREFIX);
}

export function isPredefinedGroup(group: string): boolean {
  return PREDEFINED_GROUPS.has(group);
}

export function checkTopic(topic: unknown): asserts topic is string {
  if (typeof topic !== 'string' || isBlank(topic)) {
    throw new InvalidArgumentError('The specified topic is blank');
  }
  if (topic.length > TOPIC_MAX_LENGTH) {
    throw new InvalidArgumentError(`The specified topic is longer than topic max length ${TOPIC_MAX_LENGTH}.`);
  }
  if (isTopicOrGroupIllegal(topic)) {
    throw new InvalidArgumentError(
      `The specified topic[${topic}] contains illegal characters, allowing only ${VALID_PATTERN_STR}`,
    );
  }
}

/** Java `Validators.isNotAllowedSendTopic` (the throwing form). */
export function checkNotAllowedSendTopic(topic: string): void {
  if (isNotAllowedSendTopic(topic)) throw new InvalidArgumentError(`Sending message to topic[${topic}] is forbidden.`);
}

/** Java `Validators.isSystemTopic` (the throwing form, used when creating topics). */
export function checkSystemTopic(topic: string): void {
  if (isSystemTopic(topic)) throw new InvalidArgumentError(`The topic[${topic}] is conflict with system topic.`);
}

export function checkGroup(group: unknown): asserts group is string {
  if (typeof group !== 'string' || isBlank(group)) {
    throw new InvalidArgumentError('the specified group is blank');
  }
  if (group.length > GROUP_MAX_LENGTH) {
    throw new InvalidArgumentError(`the specified group is longer than group max length ${GROUP_MAX_LENGTH}.`);
  }
  if (isTopicOrGroupIllegal(group)) {
    throw new InvalidArgumentError(
      `the specified group[${group}] contains illegal characters, allowing only ${VALID_PATTERN_STR}`,
    );
  }
}

/** `DefaultMQProducerImpl.checkConfig`: a valid group that is not `DEFAULT_PRODUCER`. */
export function checkProducerGroup(group: unknown): asserts group is string {
  checkGroup(group);
  if (group === DEFAULT_PRODUCER_GROUP) {
    throw new InvalidArgumentError(
      `producerGroup can not equal ${DEFAULT_PRODUCER_GROUP}, please specify another one.`,
    );
  }
}

/** What `checkMessage` reads: a `Message` satisfies it. */
export interface CheckableMessage {
  readonly topic: string;
  readonly body: Uint8Array | null | undefined;
  getUserProperty(name: string): string | undefined;
}

/**
 * Java `Validators.checkMessage`: topic (pattern, length, not a forbidden system topic), body present,
 * non-empty and at most `maxMessageSize` bytes (checked before compression), and an LMQ dispatch
 * property without a path separator. Call it with the topic already namespaced, as Java does.
 */
export function checkMessage(msg: CheckableMessage | null | undefined, maxMessageSize: number): void {
  const illegal = ResponseCode.MESSAGE_ILLEGAL;
  if (msg == null) throw new InvalidArgumentError('the message is null', illegal);
  checkTopic(msg.topic);
  checkNotAllowedSendTopic(msg.topic);
  const body = msg.body;
  if (body == null) throw new InvalidArgumentError('the message body is null', illegal);
  if (body.length === 0) throw new InvalidArgumentError('the message body length is zero', illegal);
  if (body.length > maxMessageSize) {
    throw new InvalidArgumentError(`the message body size over max value, MAX: ${maxMessageSize}`, illegal);
  }
  const lmqPath = msg.getUserProperty(MessageConst.PROPERTY_INNER_MULTI_DISPATCH);
  if (lmqPath !== undefined && lmqPath.includes(sep)) {
    throw new InvalidArgumentError(`INNER_MULTI_DISPATCH ${lmqPath} can not contains ${sep} character`, illegal);
  }
}
