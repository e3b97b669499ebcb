import ByteBuffer from 'bytebuffer';

/** JSON for output: bigint as a decimal string, Map as an object, Buffer as base64. */
export function toJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => {
    if (typeof v === 'bigint') return v.toString();
    if (v instanceof Map) return Object.fromEntries(v);
    if (v instanceof Set) return [...v];
    if (v !== null && typeof v === 'object' && (v as { type?: unknown }).type === 'Buffer' && Array.isArray((v as { data?: unknown }).data)) {
      return Buffer.from((v as { data: number[] }).data).toString('base64');
    }
    return v;
  });
}

/** One JSON line on stdout. */
export function writeJsonLine(value: unknown): void {
  process.stdout.write(toJson(value) + '\n');
}

export function writeLine(text: string): void {
  process.stdout.write(text + '\n');
}

/** Body bytes as the JSON output shows them: text when it is printable UTF-8, base64 otherwise. */
export function bodyValue(body: Buffer): { bytes: number; text: string } | { bytes: number; base64: string } {
  const text = body.toString('utf8');
  // eslint-disable-next-line no-control-regex
  const printable = !text.includes('\ufffd') && !/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/.test(text);
  return printable ? { bytes: body.length, text } : { bytes: body.length, base64: body.toString('base64') };
}

/**
 * A hex + ASCII dump for readable output, 16 bytes a line (bytebuffer's `toDebug(true)`: `<` marks the
 * first byte, `>` the last), at most `max` bytes.
 */
export function hexDump(bytes: Buffer, max = 256, indent = '    '): string {
  const shown = bytes.length > max ? bytes.subarray(0, max) : bytes;
  const dump = String(ByteBuffer.wrap(shown).toDebug(true));
  const lines = dump.split("\n").filter((l: string) => l.trim().length > 0).map((l: string) => indent + l);
  if (bytes.length > max) lines.push(`${indent}... ${bytes.length - max} more bytes`);
  return lines.join('\n');
}
