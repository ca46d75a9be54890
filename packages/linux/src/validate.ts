/**
 * Checks on everything that ends up in a command line: device names,
 * addresses and numbers. Commands are argument arrays, so nothing here is
 * about quoting; it is about never handing `ip` an argument that it would
 * read as a keyword or an option (`-force`, `default`, `table`).
 */
import { isIPv4, isIPv6 } from 'node:net';

export { isInterfaceName } from '@wanwatch/core';

/**
 * An address without a zone, IPv6 in the kernel's canonical form
 * (`FE80:0::1%eth0` → `fe80::1`), so that a configured address compares
 * equal to what `ip` prints; null unless it is an address of `family`.
 */
export function plainAddress(value: string, family: 4 | 6): string | null {
  const [address = '', zone] = value.split('%');
  if (family === 4) return zone === undefined && isIPv4(address) ? address : null;
  if (!isIPv6(address)) return null;
  // The URL parser writes IPv6 hosts as RFC 5952 says, as iproute2 prints them.
  return new URL(`http://[${address}]/`).hostname.slice(1, -1);
}

/** Routing table ids the kernel reserves (unspec, default, main, local). */
const RESERVED_TABLES = new Set([0, 253, 254, 255]);

/** True when `id` can be a table of wanwatch's. */
export function isUsableTable(id: number): boolean {
  return Number.isInteger(id) && id >= 1 && id <= 0xffff_ffff && !RESERVED_TABLES.has(id);
}
