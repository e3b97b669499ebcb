/**
 * String decoding for the header codecs. A header holds many short strings, and each call into
 * Node's C++ string functions costs more than cutting a substring, so a header crosses into C++
 * once and its ASCII strings are cut from that one string.
 */

/** Node's unchecked string/buffer primitives: present on every Buffer since Node 0.x, not typed. */
interface RawBuffer extends Buffer {
  latin1Slice(start: number, end: number): string;
  utf8Slice(start: number, end: number): string;
}

const proto = Buffer.prototype as Partial<RawBuffer>;
const hasRaw = typeof proto.latin1Slice === 'function' && typeof proto.utf8Slice === 'function';

/** One native call for a header's bytes as Latin-1: one char per byte, so offsets map one to one. */
export const latin1: (buf: Buffer, start: number, end: number) => string = hasRaw
  ? (buf, start, end) => (buf as RawBuffer).latin1Slice(start, end)
  : (buf, start, end) => buf.toString('latin1', start, end);

/** Decodes `buf[start, end)` as UTF-8 (malformed sequences become U+FFFD, as in Java). */
export const utf8: (buf: Buffer, start: number, end: number) => string = hasRaw
  ? (buf, start, end) => (buf as RawBuffer).utf8Slice(start, end)
  : (buf, start, end) => buf.toString('utf8', start, end);

/**
 * The string at `buf[start, end)`, given `text`, the Latin-1 view of `buf` from `base`: pure ASCII
 * is cut from that view without another native call; anything else is decoded as UTF-8.
 */
export function sliceString(buf: Buffer, text: string, base: number, start: number, end: number): string {
  for (let i = start; i < end; i++) {
    if (buf[i]! >= 0x80) return utf8(buf, start, end);
  }
  return text.substring(start - base, end - base);
}
