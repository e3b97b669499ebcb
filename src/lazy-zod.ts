import type * as Zod from 'zod';

/**
 * zod, loaded on first use. Importing it costs ~35 ms and ~95 modules (its locale files included), which every
 * `require('rocketmq-ts')` paid before the first producer was even created; the schemas are therefore built
 * the first time they are needed, and zod with them. Messages are zod's own, unchanged.
 */
let loaded: typeof Zod.z | undefined;

export function zod(): typeof Zod.z {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  loaded ??= (require('zod') as typeof Zod).z;
  return loaded;
}

/** A value built once, on first call (a schema, typically). */
export function lazy<T>(build: () => T): () => T {
  let value: T | undefined;
  let built = false;
  return () => {
    if (!built) {
      value = build();
      built = true;
    }
    return value as T;
  };
}
