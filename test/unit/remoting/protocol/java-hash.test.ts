import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  javaHashMapCapacity,
  javaHashMapOrder,
  javaHashSetOrder,
  javaStringHashCode,
} from '../../../../src/remoting/protocol/java-hash';

const GOLDEN = join(__dirname, '..', '..', '..', '..', 'fixtures', 'golden');

function golden<T>(name: string): T {
  return JSON.parse(readFileSync(join(GOLDEN, name), 'utf8')) as T;
}

describe('Java hashing', () => {
  test('String.hashCode equals Java on the golden strings (UTF-16 units, lone surrogates, overflow)', () => {
    const { cases } = golden<{ cases: Array<{ string: string; utf16Hex: string; hashCode: number }> }>('string-hashcode.json');
    expect(cases.length).toBeGreaterThan(10);
    for (const c of cases) {
      const units = Buffer.from(c.utf16Hex, 'hex').swap16().toString('utf16le');
      expect([c.string, javaStringHashCode(units)]).toEqual([c.string, c.hashCode]);
    }
  });

  test('HashMap capacity: power of two from the initial capacity, doubled past 3/4', () => {
    expect(javaHashMapCapacity(0)).toBe(16);
    expect(javaHashMapCapacity(12)).toBe(16);
    expect(javaHashMapCapacity(13)).toBe(32);
    expect(javaHashMapCapacity(25)).toBe(64);
    expect(javaHashMapCapacity(1, 256)).toBe(256);
    expect(javaHashMapCapacity(1, 100)).toBe(128);
  });

  test('HashMap order equals Java\'s iteration order of the golden property maps', () => {
    const { cases } = golden<{ cases: Array<{ name: string; javaHashMapIterationOrder: string[] }> }>('properties.json');
    for (const c of cases) {
      const order = c.javaHashMapIterationOrder;
      // Insertion order only decides ties within a bucket; Java's own order keeps them as they are.
      expect([c.name, javaHashMapOrder(order)]).toEqual([c.name, order]);
    }
  });

  test('ties in a bucket keep insertion order', () => {
    // "Aa" and "BB" have the same hashCode (2112), so they always share a bucket.
    expect(javaStringHashCode('Aa')).toBe(javaStringHashCode('BB'));
    expect(javaHashMapOrder(['Aa', 'BB'])).toEqual(['Aa', 'BB']);
    expect(javaHashMapOrder(['BB', 'Aa'])).toEqual(['BB', 'Aa']);
  });

  test('the initial capacity changes the order (a map made by addExtField has 256 buckets): Java golden orders', () => {
    interface OrderCase {
      insertionOrder: string[];
      initialCapacity: number;
      tableSize: number;
      iterationOrder: string[];
    }
    const { cases } = golden<{ cases: OrderCase[] }>('hashmap-order.json');
    for (const c of cases) {
      const label = `${c.insertionOrder.join(',')} @${c.initialCapacity}`;
      expect([label, javaHashMapCapacity(c.insertionOrder.length, c.initialCapacity)]).toEqual([label, c.tableSize]);
      expect([label, javaHashMapOrder(c.insertionOrder, c.initialCapacity)]).toEqual([label, c.iterationOrder]);
    }
    // The send response's fields: Java itself iterates them differently at 16 and 256 buckets.
    const sendResponse = cases.filter((c) => c.insertionOrder.join() === 'MSG_REGION,TRACE_ON,msgId,queueId,queueOffset');
    const at = (cap: number) => sendResponse.find((c) => c.initialCapacity === cap)!.iterationOrder;
    expect(at(16)).not.toEqual(at(256));
  });

  test('HashSet order with a custom hash: by bucket, then insertion', () => {
    const items = [{ h: 17 }, { h: 1 }, { h: 33 }, { h: 2 }];
    expect(javaHashSetOrder(items, (x) => x.h).map((x) => x.h)).toEqual([17, 1, 33, 2]);
    expect(javaHashSetOrder(items, (x) => x.h, 64).map((x) => x.h)).toEqual([1, 2, 17, 33]);
  });
});
