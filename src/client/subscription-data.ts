import { InvalidArgumentError } from '../errors';
import { javaHashSetOrder, javaStringHashCode } from '../remoting/protocol/java-hash';

/** Java `ExpressionType`: how `subString` filters. Other strings are passed through as Java does. */
export type ExpressionType = 'TAG' | 'SQL92';

/** Java `SubscriptionData.SUB_ALL`. */
export const SUB_ALL = '*';

/**
 * Java `SubscriptionData`, as heartbeats carry it. `tagsSet` and `codeSet` are kept in the iteration
 * order of Java's HashSets, which is the order fastjson writes them.
 */
export interface SubscriptionData {
  classFilterMode: boolean;
  topic: string;
  subString: string;
  /** Tags of a TAG expression (no duplicates); the broker only compares their hash codes. */
  tagsSet: string[];
  /** Java `String.hashCode` of each tag (no duplicates: "Aa" and "BB" share one). */
  codeSet: number[];
  /** Milliseconds; a pull naming a newer version than the last heartbeat gets SUBSCRIPTION_NOT_LATEST. */
  subVersion: number;
  expressionType: string;
}

/** Java `String.trim`: strips code units <= U+0020 at both ends (not Unicode whitespace). */
function javaTrim(s: string): string {
  let start = 0;
  let end = s.length;
  while (start < end && s.charCodeAt(start) <= 0x20) start++;
  while (end > start && s.charCodeAt(end - 1) <= 0x20) end--;
  return s.slice(start, end);
}

/** Java `String.split("\\|\\|")`: trailing empty strings are dropped. */
function splitTags(subString: string): string[] {
  const parts = subString.split('||');
  while (parts.length > 0 && parts[parts.length - 1] === '') parts.pop();
  return parts;
}

/**
 * Java `FilterAPI.build(topic, subString, type)`. TAG (or no type): empty or `*` subscribes to all;
 * otherwise tags are split on `||` and trimmed, empty ones dropped. Any other type keeps the
 * expression as it is and must have one.
 */
export function buildSubscriptionData(
  topic: string,
  subString: string | null | undefined,
  type?: string | null,
  subVersion: number = Date.now(),
): SubscriptionData {
  const data: SubscriptionData = {
    classFilterMode: false,
    topic,
    subString: subString ?? SUB_ALL,
    tagsSet: [],
    codeSet: [],
    subVersion,
    expressionType: 'TAG',
  };
  if (type !== undefined && type !== null && type !== 'TAG') {
    if (!subString) throw new InvalidArgumentError(`Expression can't be null! ${type}`);
    data.expressionType = type;
    return data;
  }
  if (!subString || subString === SUB_ALL) {
    data.subString = SUB_ALL;
    return data;
  }
  const parts = splitTags(subString);
  if (parts.length === 0) throw new InvalidArgumentError(`subString split error: ${JSON.stringify(subString)}`);
  const tags = new Set<string>();
  const codes = new Set<number>();
  for (const part of parts) {
    const tag = javaTrim(part);
    if (tag.length === 0) continue;
    tags.add(tag);
    codes.add(javaStringHashCode(tag));
  }
  data.tagsSet = javaHashSetOrder([...tags], javaStringHashCode);
  data.codeSet = javaHashSetOrder([...codes], (c) => c);
  return data;
}

/** The object fastjson writes for a SubscriptionData (bean properties in alphabetical order). */
export function subscriptionDataJson(d: SubscriptionData): Record<string, unknown> {
  return {
    classFilterMode: d.classFilterMode,
    codeSet: d.codeSet,
    expressionType: d.expressionType,
    subString: d.subString,
    subVersion: d.subVersion,
    tagsSet: d.tagsSet,
    topic: d.topic,
  };
}
