import { existsSync } from 'node:fs';
import { networkInterfaces, platform, type NetworkInterfaceInfo } from 'node:os';

/**
 * The client IP that goes into the clientId, chosen like Java's `NetworkUtil.getLocalAddress`:
 * first public IPv4, else the last IPv4, else the first public IPv6, else the first IPv6; loopback
 * and Linux bridge interfaces are skipped; IPv6 is written in brackets.
 *
 * Node cannot see Java's "virtual", "point-to-point" or "down" interface flags; when nothing is
 * found we fall back to 127.0.0.1 instead of resolving the host name (which would need async DNS).
 */
export function getClientIP(
  interfaces: NodeJS.Dict<NetworkInterfaceInfo[]> = networkInterfaces(),
  isBridge: (name: string) => boolean = linuxBridge,
): string {
  const v4: string[] = [];
  const v6: string[] = [];
  for (const [name, addrs] of Object.entries(interfaces)) {
    if (!addrs || isBridge(name)) continue;
    for (const a of addrs) {
      if (a.internal || isLoopback(a)) continue;
      if (a.family === 'IPv4') v4.push(a.address);
      else if (a.family === 'IPv6') v6.push(a.address);
    }
  }
  if (v4.length > 0) return v4.find((ip) => !isInternalIPv4(ip)) ?? v4[v4.length - 1]!;
  if (v6.length > 0) return `[${v6.find((ip) => !isInternalIPv6(ip)) ?? v6[0]!}]`;
  return '127.0.0.1';
}

let cached: string | undefined;
/** The process-wide client IP, computed once (Java computes it per ClientConfig, from the same inputs). */
export function defaultClientIP(): string {
  cached ??= getClientIP();
  return cached;
}

function linuxBridge(name: string): boolean {
  if (platform() !== 'linux') return false;
  try {
    return existsSync(`/sys/class/net/${name}/bridge`);
  } catch {
    return false;
  }
}

function isLoopback(a: NetworkInterfaceInfo): boolean {
  return a.family === 'IPv4' ? a.address.startsWith('127.') : a.address === '::1';
}

/** Java `UtilAll.isInternalIP`: 10/8, 127/8, 172.16/12, 192.168/16. */
export function isInternalIPv4(ip: string): boolean {
  const [a, b] = ip.split('.').map(Number) as [number, number];
  if (a === 10 || a === 127) return true;
  if (a === 172) return b >= 16 && b <= 31;
  if (a === 192) return b === 168;
  return false;
}

/** Java `UtilAll.isInternalV6IP`: any-local, link-local (fe80::/10), loopback, site-local (fec0::/10). */
export function isInternalIPv6(ip: string): boolean {
  const lower = ip.toLowerCase();
  if (lower === '::' || lower === '::1') return true;
  const first = parseInt(lower.split(':')[0] || '0', 16);
  return (first & 0xffc0) === 0xfe80 || (first & 0xffc0) === 0xfec0;
}
