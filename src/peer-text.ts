/**
 * Text a peer chose (broker remarks, names from route bodies, ext-field values) goes into error
 * messages and logs cut to a bounded length, its original length noted: a hostile broker must not
 * make every log line or error message megabytes long. The whole value stays on the error object
 * (e.g. `BrokerResponseError.remark`) for whoever needs it.
 */

/** Characters of peer-supplied text kept in a message or log line. */
export const MAX_PEER_TEXT_CHARS = 512;

/** `text` unchanged when short; else its first `max` characters and a note of the full length. */
export function boundPeerText(text: string, max: number = MAX_PEER_TEXT_CHARS): string {
  if (text.length <= max) return text;
  // Do not cut a surrogate pair in half.
  let end = max;
  const last = text.charCodeAt(end - 1);
  if (last >= 0xd800 && last <= 0xdbff) end--;
  return `${text.slice(0, end)}... (truncated, ${text.length} chars)`;
}
