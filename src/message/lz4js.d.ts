// Types for the two parts of lz4js (no published types) that the LZ4 encoder uses.
declare module 'lz4js' {
  /** Compresses src[sIndex, sIndex + sLength) into dst from 0; returns the length, 0 when nothing matched. */
  export function compressBlock(src: Uint8Array, dst: Uint8Array, sIndex: number, sLength: number, hashTable: Uint32Array): number;
}
declare module 'lz4js/xxh32.js' {
  /** xxHash32 of src[index, index + length). */
  export function hash(seed: number, src: Uint8Array, index: number, length: number): number;
}
