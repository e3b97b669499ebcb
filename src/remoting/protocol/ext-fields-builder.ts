import { newExtFields, type ExtFields } from './command-fields';

/*
 * Building a decoded header's ext-fields map. Adding properties one keyed store at a time costs a
 * map transition lookup per key, several times what building the same object costs in code that
 * names its properties. A peer sends the same few key lists over and over (a send request, a send
 * or pull response), so a key list seen twice gets a function made for it that assigns the
 * properties by name; anything else is assigned key by key. The result is the same either way: the
 * same own properties, in the same order, on the same null-inheriting object.
 */

/** Key lists with a function of their own; the oldest is dropped beyond this. */
const MAX_SHAPES = 16;
/** Longer key lists (never seen from a broker) are always assigned key by key. */
const MAX_SHAPE_KEYS = 48;

interface Shape {
  readonly keys: readonly string[];
  readonly make: (values: readonly string[]) => ExtFields;
}

const shapes: Shape[] = [];
let lastHit = 0;
/** The last key list without a function: it gets one if the next unknown list is the same. */
let candidate: string[] | undefined;
let codegen = true;

function sameKeys(keys: readonly string[], list: readonly string[], n: number): boolean {
  if (keys.length !== n) return false;
  for (let i = 0; i < n; i++) if (keys[i] !== list[i]) return false;
  return true;
}

function compile(keys: readonly string[]): Shape | undefined {
  if (!codegen) return undefined;
  // Keys enter the source only as JSON string literals (which are valid JavaScript string literals).
  const lines = keys.map((k, i) => `o[${JSON.stringify(k)}] = v[${i}];`);
  try {
    const factory = new Function('newExt', `return function extFields(v) {\nconst o = newExt();\n${lines.join('\n')}\nreturn o;\n};`);
    return { keys, make: factory(newExtFields) as Shape['make'] };
  } catch {
    codegen = false; // e.g. --disallow-code-generation-from-strings
    return undefined;
  }
}

/** The shape for the first `n` keys of `list`, if there is (or now is) one. */
function shapeOf(list: readonly string[], n: number): Shape | undefined {
  const last = shapes[lastHit];
  if (last !== undefined && sameKeys(last.keys, list, n)) return last;
  for (let s = 0; s < shapes.length; s++) {
    if (sameKeys(shapes[s]!.keys, list, n)) {
      lastHit = s;
      return shapes[s];
    }
  }
  if (n > MAX_SHAPE_KEYS) return undefined;
  if (candidate === undefined || !sameKeys(candidate, list, n)) {
    candidate = list.slice(0, n);
    return undefined;
  }
  const shape = compile(candidate);
  candidate = undefined;
  if (shape === undefined) return undefined;
  if (shapes.length >= MAX_SHAPES) shapes.shift();
  shapes.push(shape);
  lastHit = shapes.length - 1;
  return shape;
}

/**
 * Collects a header's ext fields in wire order, then builds the map. One builder serves a decoder
 * call from `reset()` to `build()` (decoding is synchronous, so a module-level one can be shared).
 */
export class ExtFieldsBuilder {
  private readonly keys: string[] = [];
  private readonly values: string[] = [];
  private n = 0;
  /** Whether an entry removed a key (a null or empty value); such maps are built key by key. */
  private removed = false;

  reset(): void {
    this.n = 0;
    this.removed = false;
  }

  put(key: string, value: string): void {
    this.keys[this.n] = key;
    this.values[this.n++] = value;
  }

  /** A later null for a key that may have had a value: no value. */
  remove(key: string): void {
    this.keys[this.n] = key;
    this.values[this.n++] = undefined as unknown as string;
    this.removed = true;
  }

  build(): ExtFields {
    const n = this.n;
    const keys = this.keys;
    const values = this.values;
    const shape = this.removed || n === 0 ? undefined : shapeOf(keys, n);
    let ext: ExtFields;
    if (shape !== undefined) ext = shape.make(values);
    else {
      ext = newExtFields();
      for (let i = 0; i < n; i++) {
        const v = values[i];
        if (v === undefined) delete ext[keys[i]!];
        else ext[keys[i]!] = v;
      }
    }
    // Not kept alive until the next header.
    for (let i = 0; i < n; i++) values[i] = '';
    this.n = 0;
    return ext;
  }
}
