/**
 * Java `String.hashCode` and `HashMap` iteration order. Java writes extFields (JSON and ROCKETMQ
 * headers alike) in HashMap order, so reproducing it makes our frames byte-identical to the Java
 * client's, which is what the golden-frame tests check. Peers never depend on the order.
 */

/** `String.hashCode()`: 31-based polynomial over UTF-16 code units, in 32-bit arithmetic. */
export function javaStringHashCode(s: string): number {
  let h = 0;
  for (let i = 0; i < s.length; i++) h = (Math.imul(31, h) + s.charCodeAt(i)) | 0;
  return h;
}

/** `HashMap.hash`: the high half folded into the low half. */
export function javaSpreadHash(h: number): number {
  return h ^ (h >>> 16);
}

const hashCache = new Map<string, number>();

function spreadStringHash(key: string): number {
  // Short keys (the V2 letters, most header names) hash faster than a cache lookup.
  if (key.length <= 12) return javaSpreadHash(javaStringHashCode(key));
  let h = hashCache.get(key);
  if (h === undefined) {
    h = javaSpreadHash(javaStringHashCode(key));
    if (hashCache.size < 4096) hashCache.set(key, h);
  }
  return h;
}

/**
 * Table size of a HashMap created with `initialCapacity` once `size` entries are in it: the
 * power of two at or above the capacity, doubled whenever size exceeds 3/4 of it.
 */
export function javaHashMapCapacity(size: number, initialCapacity = 16): number {
  let cap = 1;
  while (cap < initialCapacity) cap *= 2;
  while (size > cap * 0.75) cap *= 2;
  return cap;
}

/** Recent inputs and results: commands built from one header class repeat the same key lists. */
const RECENT = 8;
const recentKeys: (readonly string[])[] = [];
const recentCapacity: number[] = [];
const recentOrder: (readonly string[])[] = [];
let recentNext = 0;

function sameKeys(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/**
 * Keys in the order a `new HashMap<>(initialCapacity)` filled with them in the given insertion order
 * would iterate. Resizing splits buckets preserving relative order, so the final order is by bucket of
 * the final table, then by insertion order. (Tree bins need 8 collisions in one bucket: not reached.)
 */
export function javaHashMapOrder(keys: readonly string[], initialCapacity = 16): readonly string[] {
  const n = keys.length;
  if (n < 2) return keys;
  for (let r = 0; r < recentKeys.length; r++) {
    if (recentCapacity[r] === initialCapacity && sameKeys(recentKeys[r]!, keys)) return recentOrder[r]!;
  }
  const out = keys.slice();
  const mask = javaHashMapCapacity(n, initialCapacity) - 1;
  const buckets: number[] = new Array<number>(n);
  // Insertion sort: stable, and the fastest for the dozen keys a header has.
  for (let i = 0; i < n; i++) {
    const key = out[i]!;
    const b = spreadStringHash(key) & mask;
    let j = i - 1;
    while (j >= 0 && buckets[j]! > b) {
      buckets[j + 1] = buckets[j]!;
      out[j + 1] = out[j]!;
      j--;
    }
    buckets[j + 1] = b;
    out[j + 1] = key;
  }
  recentKeys[recentNext] = keys.slice();
  recentCapacity[recentNext] = initialCapacity;
  recentOrder[recentNext] = out;
  recentNext = (recentNext + 1) % RECENT;
  return out;
}

/**
 * Items in the iteration order of a `new HashSet<>()` (`HashMap` underneath) after adding them in
 * the given order, with `hashCode` as the Java `hashCode()` of each item.
 */
export function javaHashSetOrder<T>(items: readonly T[], hashCode: (item: T) => number, initialCapacity = 16): T[] {
  const mask = javaHashMapCapacity(items.length, initialCapacity) - 1;
  return items
    .map((item, index) => ({ item, index, bucket: javaSpreadHash(hashCode(item)) & mask }))
    .sort((x, y) => x.bucket - y.bucket || x.index - y.index)
    .map((d) => d.item);
}
