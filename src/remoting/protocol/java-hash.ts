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

const hashCache = new Map<string, number>();

function spreadHash(key: string): number {
  let h = hashCache.get(key);
  if (h === undefined) {
    const raw = javaStringHashCode(key);
    h = raw ^ (raw >>> 16);
    if (hashCache.size < 4096) hashCache.set(key, h);
  }
  return h;
}

/** `HashMap.tableSizeFor` of an initial capacity. */
function tableSizeFor(cap: number): number {
  let n = 1;
  while (n < cap) n *= 2;
  return Math.max(n, 1);
}

/**
 * Keys in the order a `new HashMap<>(initialCapacity)` filled with them in the given insertion order
 * would iterate. Resizing splits buckets preserving relative order, so the final order is by bucket of
 * the final table, then by insertion order. (Tree bins need 8 collisions in one bucket: not reached.)
 */
export function javaHashMapOrder(keys: readonly string[], initialCapacity = 16): string[] {
  if (keys.length < 2) return keys.slice();
  let capacity = tableSizeFor(initialCapacity);
  while (keys.length > capacity * 0.75) capacity *= 2;
  const mask = capacity - 1;
  const decorated = keys.map((k, i) => ({ k, b: spreadHash(k) & mask, i }));
  decorated.sort((x, y) => x.b - y.b || x.i - y.i);
  return decorated.map((d) => d.k);
}
