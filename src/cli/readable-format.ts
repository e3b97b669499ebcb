import type { FrameRecord } from './frame-describer';
import { hexDump, toJson } from './output';

function fields(f: Record<string, unknown>): string {
  const parts = Object.entries(f).map(([k, v]) => `${k}=${typeof v === 'string' ? JSON.stringify(v) : toJson(v)}`);
  return parts.length ? `{${parts.join(' ')}}` : '{}';
}

function textOf(b: unknown): string | undefined {
  if (b !== null && typeof b === 'object' && 'text' in b) return (b as { text: string }).text;
  return undefined;
}

/**
 * A frame for people: one summary line, the header fields, then the body (decoded messages and JSON
 * as JSON, printable text as text, other bytes as a hex dump).
 */
export function formatRecord(r: FrameRecord, rawBody: Buffer | undefined): string {
  const time = r.time ? r.time.slice(11, 23) + ' ' : '';
  const dir = r.dir ? ` ${r.dir}` : '';
  const answer =
    r.kind === 'response' && r.requestName !== undefined
      ? ` to ${r.requestName}${r.latencyMs !== undefined ? ` in ${r.latencyMs.toFixed(3)} ms` : ''}`
      : '';
  const remark = r.remark !== undefined ? ` remark=${JSON.stringify(r.remark)}` : '';
  const lines = [
    `${time}${r.conn}${dir} ${r.kind.toUpperCase()} ${r.name}(${r.code}) opaque=${r.opaque}${answer}${remark} [${r.serializeType} ${r.language ?? '?'} v${r.version}]`,
    `  header ${r.header.class ?? '(raw)'} ${fields(r.header.fields)}`,
  ];
  if (r.bodyError) lines.push(`  body not decoded: ${r.bodyError}`);
  if (r.bodyBytes > 0) {
    const text = textOf(r.body);
    if (text !== undefined) lines.push(`  body ${r.bodyBytes} bytes: ${text.length > 400 ? text.slice(0, 400) + '...' : text}`);
    else if (r.body !== undefined && !(typeof r.body === 'object' && 'base64' in (r.body as object))) {
      lines.push(`  body ${r.bodyBytes} bytes: ${toJson(r.body)}`);
    } else if (rawBody) lines.push(`  body ${r.bodyBytes} bytes:`, hexDump(rawBody));
  }
  return lines.join('\n');
}
