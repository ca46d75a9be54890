/**
 * What the probes need to know about an uplink's device, read from the
 * kernel without spawning anything: whether it exists (and under which
 * ifindex, which changes when a PPPoE or modem device is re-created),
 * whether it is up with carrier, and its addresses. Reads are cached for a
 * few tens of milliseconds so that a round of many targets costs one read.
 */
import { readFileSync } from 'node:fs';
import { networkInterfaces, type NetworkInterfaceInfo } from 'node:os';
import { ConfigError, isInterfaceName } from '@wanwatch/core';

/** Throws a core `ConfigError` (`E_CONFIG`) unless `name` is a valid device name. */
export function assertInterfaceName(name: string, path = 'interface'): void {
  if (!isInterfaceName(name)) {
    throw new ConfigError([{ path, message: `${JSON.stringify(name)} is not a valid interface name` }]);
  }
}

/** A device's state. */
export interface LinkState {
  /** False when the device does not exist (now). */
  readonly exists: boolean;
  /** The kernel's index; a re-created device gets a new one. */
  readonly ifindex: number;
  /** Administratively up (IFF_UP). */
  readonly up: boolean;
  /** Has carrier (lower layer up). */
  readonly carrier: boolean;
  /** Its addresses by family, global ones first. */
  readonly addresses: { readonly 4: readonly string[]; readonly 6: readonly string[] };
}

/** The state of a device that does not exist. */
export const MISSING: LinkState = { exists: false, ifindex: 0, up: false, carrier: false, addresses: { 4: [], 6: [] } };

function readSys(dev: string, file: string): string | null {
  try {
    return readFileSync(`/sys/class/net/${dev}/${file}`, 'latin1').trim();
  } catch {
    return null;
  }
}

function addressesOf(dev: string): LinkState['addresses'] {
  return addressesIn(networkInterfaces()[dev], dev);
}

/** `dev`'s addresses from its `os.networkInterfaces()` entries: global IPv6 first, link-local ones with `%dev`. */
export function addressesIn(entries: readonly NetworkInterfaceInfo[] | undefined, dev: string): LinkState['addresses'] {
  const v4: string[] = [];
  const v6: string[] = [];
  for (const a of entries ?? []) {
    if (a.family === 'IPv4') v4.push(a.address);
    else if (a.address.toLowerCase().startsWith('fe80:')) v6.push(`${a.address}%${dev}`);
    else v6.unshift(a.address);
  }
  return { 4: v4, 6: v6 };
}

/** Reads a device's state now. */
export function readLink(dev: string): LinkState {
  const ifindex = Number(readSys(dev, 'ifindex'));
  if (!Number.isInteger(ifindex) || ifindex <= 0) return MISSING;
  const flags = Number.parseInt(readSys(dev, 'flags') ?? '0', 16);
  const up = (flags & 0x1) !== 0;
  // `carrier` cannot be read while the device is down (EINVAL): no carrier then.
  const carrier = up && readSys(dev, 'carrier') === '1';
  return { exists: true, ifindex, up, carrier, addresses: addressesOf(dev) };
}

/** Cached device states. */
export class LinkCache {
  private readonly cache = new Map<string, { at: number; state: LinkState }>();

  /** @param maxAgeMs how old a cached state may be; 0 reads every time. */
  constructor(
    private readonly maxAgeMs = 50,
    private readonly read: (dev: string) => LinkState = readLink,
  ) {}

  /** The state of `dev`, at most `maxAgeMs` old. */
  get(dev: string): LinkState {
    const now = performance.now();
    const hit = this.cache.get(dev);
    if (hit && now - hit.at <= this.maxAgeMs) return hit.state;
    const state = this.read(dev);
    if (this.cache.size > 256) this.cache.clear();
    this.cache.set(dev, { at: now, state });
    return state;
  }

  /** Forgets `dev` so that the next get() reads again (after an error that suggests a change). */
  invalidate(dev: string): void {
    this.cache.delete(dev);
  }
}
