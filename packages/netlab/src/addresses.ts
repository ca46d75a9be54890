/**
 * The lab's address plan and its safety check. The lab uses only the
 * documentation ranges (192.0.2.0/24, 198.51.100.0/24, 203.0.113.0/24,
 * 2001:db8::/32) and 100.64.0.0/10 for links between lab hosts; every
 * address is checked against that list before it is configured.
 *
 * Plan (uplink i = 1…N):
 * - router ⇄ ISP i:    100.64.i.0/24 (gateway .1, router .2),  2001:db8:a<i>::/64 (::1, ::2)
 * - ISP i ⇄ internet:  100.65.i.0/24 (ISP .1, internet .2),    2001:db8:b<i>::/64 (::1, ::2)
 * - LAN:               192.0.2.0/24 (router .1, host .2),       2001:db8:c::/64 (::1, ::2)
 * - internet targets:  all of 198.51.100.0/24 and 203.0.113.0/24, 2001:db8:d::/64 and 2001:db8:e::/64
 *   (answered by "local" routes, so every address of those prefixes is a live target)
 */
import { BlockList, isIPv4, isIPv6 } from 'node:net';
import { NetlabError } from './errors.js';

const allowed = new BlockList();
allowed.addSubnet('192.0.2.0', 24, 'ipv4');
allowed.addSubnet('198.51.100.0', 24, 'ipv4');
allowed.addSubnet('203.0.113.0', 24, 'ipv4');
allowed.addSubnet('100.64.0.0', 10, 'ipv4');
allowed.addSubnet('2001:db8::', 32, 'ipv6');

/** Throws `E_UNSAFE` unless `cidr` (an address with or without `/len`) lies inside the lab's ranges. */
export function assertLabAddress(cidr: string): void {
  const [addr = '', len] = cidr.split('/');
  const family = isIPv4(addr) ? 'ipv4' : isIPv6(addr) ? 'ipv6' : null;
  const prefixOk = len === undefined || (/^\d{1,3}$/.test(len) && Number(len) <= (family === 'ipv4' ? 32 : 128));
  if (!family || !prefixOk || !allowed.check(addr, family)) {
    throw new NetlabError('E_UNSAFE', `refusing address ${cidr}: outside the lab's documentation and 100.64/10 ranges`);
  }
  if (len !== undefined) {
    // A prefix must not reach outside the allowed range either (e.g. 198.51.100.0/16).
    const min = family === 'ipv4' ? (addr.startsWith('100.') ? 10 : 24) : 32;
    if (Number(len) < min) throw new NetlabError('E_UNSAFE', `refusing prefix ${cidr}: wider than the lab's ranges`);
  }
}

/** Addresses of uplink `i` (1-based). */
export function uplinkPlan(i: number) {
  return {
    gateway4: `100.64.${i}.1`,
    router4: `100.64.${i}.2`,
    gateway6: `2001:db8:a${i}::1`,
    router6: `2001:db8:a${i}::2`,
    net4: `100.64.${i}.0/24`,
    net6: `2001:db8:a${i}::/64`,
    isp4: `100.65.${i}.1`,
    inet4: `100.65.${i}.2`,
    isp6: `2001:db8:b${i}::1`,
    inet6: `2001:db8:b${i}::2`,
  } as const;
}

export const LAN = {
  router4: '192.0.2.1',
  host4: '192.0.2.2',
  router6: '2001:db8:c::1',
  host6: '2001:db8:c::2',
} as const;

/** Prefixes the internet namespace answers for, every address of them. */
export const TARGET_PREFIXES = {
  v4: ['198.51.100.0/24', '203.0.113.0/24'],
  v6: ['2001:db8:d::/64', '2001:db8:e::/64'],
} as const;

/** Addresses on which the internet namespace runs its services (HTTP, TCP, DNS, meter). */
export const SERVICES = {
  v4: '198.51.100.80',
  v6: '2001:db8:d::80',
  dns4: '198.51.100.53',
  dns6: '2001:db8:d::53',
  /** What the lab's DNS server answers for any A / AAAA question. */
  answer4: '203.0.113.99',
  answer6: '2001:db8:e::99',
  httpPort: 80,
  tcpPort: 7,
  dnsPort: 53,
  meterPort: 9000,
} as const;

/** `count` IPv4 targets (198.51.100.10, .11, …; then 203.0.113.x). At most 480. */
export function targets4(count: number): string[] {
  if (count > 480) throw new NetlabError('E_UNSAFE', 'at most 480 IPv4 targets');
  return Array.from({ length: count }, (_, k) => (k < 240 ? `198.51.100.${10 + k}` : `203.0.113.${10 + k - 240}`));
}

/** `count` IPv6 targets (2001:db8:d::10 … then 2001:db8:e::…). At most 60,000. */
export function targets6(count: number): string[] {
  if (count > 60_000) throw new NetlabError('E_UNSAFE', 'at most 60000 IPv6 targets');
  return Array.from({ length: count }, (_, k) =>
    k < 200 ? `2001:db8:d::${(0x10 + k).toString(16)}` : `2001:db8:e::${(0x1000 + k).toString(16)}`,
  );
}
