import { createHash } from 'node:crypto';
import { InvalidArgumentError } from '../../errors';

/** Java `HashFunction`: a key to an unsigned 32-bit position on the ring (a JS number). */
export type HashFunction = (key: string) => number;

/** Java `ConsistentHashRouter.MD5Hash`: the first 4 bytes of MD5(UTF-8 key), big-endian, unsigned. */
export const md5Hash: HashFunction = (key) => createHash('md5').update(key, 'utf8').digest().readUInt32BE(0);

/**
 * Java `ConsistentHashRouter` over physical nodes named by string keys: each node gets `vNodeCount`
 * virtual nodes `key-i` on a ring ordered by hash; a key belongs to the first virtual node at or after
 * its hash, wrapping around. As in Java's TreeMap, a later virtual node with the same hash replaces an
 * earlier one, and adding a node again continues its replica numbering.
 */
export class ConsistentHashRouter {
  private readonly ring = new Map<number, string>();
  private sorted: number[] | undefined;

  constructor(
    nodes: Iterable<string>,
    vNodeCount: number,
    private readonly hash: HashFunction = md5Hash,
  ) {
    for (const node of nodes) this.addNode(node, vNodeCount);
  }

  addNode(node: string, vNodeCount: number): void {
    if (!Number.isInteger(vNodeCount) || vNodeCount < 0) {
      throw new InvalidArgumentError(`illegal virtual node counts :${String(vNodeCount)}`);
    }
    const existing = this.existingReplicas(node);
    for (let i = 0; i < vNodeCount; i++) this.ring.set(this.hash(`${node}-${i + existing}`), node);
    this.sorted = undefined;
  }

  existingReplicas(node: string): number {
    let n = 0;
    for (const owner of this.ring.values()) if (owner === node) n++;
    return n;
  }

  /** The physical node owning `key`, or undefined when the ring is empty. */
  routeNode(key: string): string | undefined {
    if (this.ring.size === 0) return undefined;
    const keys = (this.sorted ??= [...this.ring.keys()].sort((a, b) => a - b));
    const h = this.hash(key);
    let lo = 0;
    let hi = keys.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (keys[mid]! < h) lo = mid + 1;
      else hi = mid;
    }
    return this.ring.get(keys[lo === keys.length ? 0 : lo]!);
  }
}
