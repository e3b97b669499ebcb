import { boundPeerText } from '../../peer-text';
import { RemotingProtocolError } from '../../errors';

/**
 * fastjson writes `Map<Long, …>` keys unquoted (`"brokerAddrs":{0:"10.0.0.1:10911"}`), which is not
 * JSON. Name servers since 4.9.4 quote them when asked (version >= 401 or acceptStandardJsonOnly), but
 * older ones, and every other body such as ClusterInfo, do not. This pre-pass quotes a bare integer
 * key that follows `{` or `,` and precedes `:`, and never touches string contents.
 */
export function quoteNumericKeys(text: string): string {
  let out = '';
  let last = 0;
  let inString = false;
  let afterOpener = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c /* \ */) i++;
      else if (c === 0x22 /* " */) inString = false;
      continue;
    }
    if (c === 0x22) {
      inString = true;
      afterOpener = false;
      continue;
    }
    if (c === 0x7b /* { */ || c === 0x2c /* , */) {
      afterOpener = true;
      continue;
    }
    if (c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d) continue;
    if (afterOpener && (c === 0x2d /* - */ || (c >= 0x30 && c <= 0x39))) {
      let j = i + 1;
      while (j < text.length && isDigit(text.charCodeAt(j))) j++;
      let k = j;
      while (k < text.length && isSpace(text.charCodeAt(k))) k++;
      if (text.charCodeAt(k) === 0x3a /* : */ && j > i + (c === 0x2d ? 1 : 0)) {
        out += text.slice(last, i) + '"' + text.slice(i, j) + '"';
        last = j;
      }
      i = j - 1;
    }
    afterOpener = false;
  }
  return last === 0 ? text : out + text.slice(last);
}

function isDigit(c: number): boolean {
  return c >= 0x30 && c <= 0x39;
}

function isSpace(c: number): boolean {
  return c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d;
}

/**
 * Deepest nesting of objects and arrays a route body may have. Real ones (TopicRouteData with its
 * queue mappings, ClusterInfo) stay under ten levels; a peer sending thousands is hostile, and
 * walking such a value recursively would overflow the stack.
 */
export const MAX_ROUTE_BODY_DEPTH = 128;

/** The deepest `{`/`[` nesting of JSON text (strings skipped), stopping once past `limit`. */
export function jsonNestingDepth(text: string, limit = Infinity): number {
  let depth = 0;
  let max = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x22 /* " */) {
      for (i++; i < text.length; i++) {
        const d = text.charCodeAt(i);
        if (d === 0x5c /* \ */) i++;
        else if (d === 0x22) break;
      }
    } else if (c === 0x7b /* { */ || c === 0x5b /* [ */) {
      if (++depth > max && (max = depth) > limit) return max;
    } else if (c === 0x7d /* } */ || c === 0x5d /* ] */) depth--;
  }
  return max;
}

/** Parses a name-server or broker JSON body that may carry fastjson's unquoted numeric keys. */
export function parseRouteBody(body: Buffer | string | undefined): unknown {
  if (body === undefined || body.length === 0) throw new RemotingProtocolError('empty JSON body');
  const text = typeof body === 'string' ? body : body.toString('utf8');
  if (jsonNestingDepth(text, MAX_ROUTE_BODY_DEPTH) > MAX_ROUTE_BODY_DEPTH) {
    throw new RemotingProtocolError(`JSON body nested deeper than ${MAX_ROUTE_BODY_DEPTH} levels refused`);
  }
  try {
    return JSON.parse(quoteNumericKeys(text)) as unknown;
  } catch (err) {
    throw new RemotingProtocolError(`malformed JSON body: ${boundPeerText((err as Error).message)}`, { cause: err });
  }
}
