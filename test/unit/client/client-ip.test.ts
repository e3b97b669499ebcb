import type { NetworkInterfaceInfo } from 'node:os';
import { getClientIP, isInternalIPv4, isInternalIPv6 } from '../../../src/client/client-ip';

function v4(address: string, internal = false): NetworkInterfaceInfo {
  return { address, netmask: '255.0.0.0', family: 'IPv4', mac: '00:00:00:00:00:00', internal, cidr: null };
}
function v6(address: string, internal = false): NetworkInterfaceInfo {
  return { address, netmask: 'ffff::', family: 'IPv6', mac: '00:00:00:00:00:00', internal, cidr: null, scopeid: 0 };
}
const noBridge = () => false;

test('first public IPv4 wins over internal ones (NetworkUtil.getLocalAddress)', () => {
  expect(getClientIP({ lo: [v4('127.0.0.1', true)], eth0: [v4('10.0.0.5')], eth1: [v4('8.8.4.4')] }, noBridge)).toBe('8.8.4.4');
});

test('else the last IPv4; bridges and loopback are skipped', () => {
  expect(getClientIP({ eth0: [v4('10.0.0.5')], eth1: [v4('192.168.1.2')], docker0: [v4('172.17.0.1')] }, (n) => n === 'docker0')).toBe(
    '192.168.1.2',
  );
});

test('IPv6 only: first public, bracketed; else first; nothing: 127.0.0.1', () => {
  expect(getClientIP({ eth0: [v6('fe80::1'), v6('2001:db8::1')] }, noBridge)).toBe('[2001:db8::1]');
  expect(getClientIP({ eth0: [v6('fe80::1'), v6('fe80::2')] }, noBridge)).toBe('[fe80::1]');
  expect(getClientIP({ lo: [v4('127.0.0.1', true), v6('::1', true)] }, noBridge)).toBe('127.0.0.1');
});

test('internal address rules', () => {
  expect(['10.1.1.1', '127.0.0.2', '172.16.0.1', '172.31.255.255', '192.168.0.1'].every(isInternalIPv4)).toBe(true);
  expect(['172.15.0.1', '172.32.0.1', '192.169.0.1', '8.8.8.8'].some(isInternalIPv4)).toBe(false);
  expect(['::', '::1', 'fe80::1', 'fec0::1'].every(isInternalIPv6)).toBe(true);
  expect(isInternalIPv6('2001:db8::1')).toBe(false);
});
