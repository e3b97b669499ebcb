import { javaHashMapOrder } from '../remoting/protocol/java-hash';

/** Between a property's name and its value (Java `MessageDecoder.NAME_VALUE_SEPARATOR`). */
export const NAME_VALUE_SEPARATOR = '\u0001';
/** After every property, the last one included (Java `MessageDecoder.PROPERTY_SEPARATOR`). */
export const PROPERTY_SEPARATOR = '\u0002';

/** The broker refuses a properties string longer than this many UTF-8 bytes (Java `Short.MAX_VALUE`). */
export const MAX_PROPERTIES_BYTES = 32767;

export type PropertiesInput =
  | ReadonlyMap<string, string | null | undefined>
  | Readonly<Record<string, string | null | undefined>>;

/**
 * Java `MessageDecoder.messageProperties2String`: `name \u0001 value \u0002` per entry, entries with a
 * null value skipped, no escaping (so neither separator may appear in a name or value; `Message`
 * refuses them).
 *
 * Entries come out in the order a Java `new HashMap<>()` filled in the same insertion order would
 * iterate them. Peers do not care about the order; it makes our request bytes identical to the Java
 * client's, which the golden tests compare.
 */
export function messageProperties2String(props: PropertiesInput | null | undefined, initialCapacity = 16): string {
  if (props == null) return '';
  const keys: string[] = [];
  const values: string[] = [];
  if (props instanceof Map) {
    for (const [k, v] of props as ReadonlyMap<string, string | null | undefined>) {
      if (v != null) {
        keys.push(k);
        values.push(v);
      }
    }
  } else {
    const record = props as Readonly<Record<string, string | null | undefined>>;
    for (const k of Object.keys(record)) {
      const v = record[k];
      if (v != null) {
        keys.push(k);
        values.push(v);
      }
    }
  }
  const order = hashMapPermutation(keys, initialCapacity);
  let out = '';
  for (let i = 0; i < order.length; i++) {
    const at = order[i]!;
    out += keys[at]! + NAME_VALUE_SEPARATOR + values[at]! + PROPERTY_SEPARATOR;
  }
  return out;
}

/**
 * Indexes into `keys` in Java HashMap iteration order. Messages of one producer repeat the same few
 * key lists, so the order is kept per list: the last few lists are compared key by key (no string is
 * built per message), the rest in a bounded map by signature (cleared when full; ids make no new lists).
 */
const permutationCache = new Map<string, readonly number[]>();
const PERMUTATION_CACHE_MAX = 256;

interface RecentPermutation {
  readonly capacity: number;
  readonly keys: readonly string[];
  readonly order: readonly number[];
}
const recentPermutations: RecentPermutation[] = [];
const RECENT_MAX = 4;

function sameKeys(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function hashMapPermutation(keys: readonly string[], initialCapacity: number): readonly number[] {
  for (let r = 0; r < recentPermutations.length; r++) {
    const hit = recentPermutations[r]!;
    if (hit.capacity === initialCapacity && sameKeys(hit.keys, keys)) return hit.order;
  }
  // \u0001 cannot occur in a property name (Message refuses it); the count keeps indexes in range anyway.
  const signature = `${initialCapacity}/${keys.length}${NAME_VALUE_SEPARATOR}${keys.join(NAME_VALUE_SEPARATOR)}`;
  let order = permutationCache.get(signature);
  if (order === undefined) {
    const position = new Map<string, number>();
    for (let i = 0; i < keys.length; i++) position.set(keys[i]!, i);
    order = javaHashMapOrder(keys, initialCapacity).map((k) => position.get(k)!);
    if (permutationCache.size >= PERMUTATION_CACHE_MAX) permutationCache.clear();
    permutationCache.set(signature, order);
  }
  if (recentPermutations.length >= RECENT_MAX) recentPermutations.pop();
  recentPermutations.unshift({ capacity: initialCapacity, keys: keys.slice(), order });
  return order;
}

/**
 * Java `MessageDecoder.string2messageProperties`. Splits on \u0002; a segment is kept only when it is
 * at least 3 chars, its first \u0001 is neither its first nor its last char (non-empty name and
 * value). Everything after that first \u0001 is the value. A later duplicate name wins.
 */
export function string2messageProperties(s: string | null | undefined): Map<string, string> {
  const map = new Map<string, string>();
  if (s == null) return map;
  const len = s.length;
  let index = 0;
  while (index < len) {
    let end = s.indexOf(PROPERTY_SEPARATOR, index);
    if (end < 0) end = len;
    if (end - index >= 3) {
      const kv = s.indexOf(NAME_VALUE_SEPARATOR, index);
      if (kv > index && kv < end - 1) {
        map.set(s.substring(index, kv), s.substring(kv + 1, end));
      }
    }
    index = end + 1;
  }
  return map;
}
