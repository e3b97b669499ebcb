import { boundPeerText } from '../peer-text';
import { InvalidArgumentError } from '../errors';

export interface HostPort {
  host: string;
  port: number;
}

const cache = new Map<string, HostPort>();

/**
 * Splits a RocketMQ address (`host:port`, `[v6]:port`). Java splits on the one colon, which breaks
 * IPv6; the last colon is used here. Refused before any I/O when malformed.
 */
export function parseAddress(addr: string): HostPort {
  const hit = cache.get(addr);
  if (hit) return hit;
  if (typeof addr !== 'string') throw new InvalidArgumentError(`address must be a string, got ${typeof addr}`);
  const colon = addr.lastIndexOf(':');
  if (colon <= 0 || colon === addr.length - 1) {
    throw new InvalidArgumentError(`address "${boundPeerText(addr)}" is not host:port`);
  }
  let host = addr.slice(0, colon).trim();
  if (host.startsWith('[') && host.endsWith(']')) host = host.slice(1, -1);
  const portText = addr.slice(colon + 1).trim();
  const port = /^\d{1,5}$/.test(portText) ? Number(portText) : NaN;
  if (!host || !(port >= 1 && port <= 65535)) {
    throw new InvalidArgumentError(`address "${boundPeerText(addr)}" is not host:port with a port in 1..65535`);
  }
  const parsed = { host, port };
  if (cache.size < 4096) cache.set(addr, parsed);
  return parsed;
}
