/**
 * Can `wanwatch run` work here? A daemon that starts without the privileges
 * its platform needs would only fail at its first switch, in the middle of
 * an outage; it refuses at once instead (exit 2, as for a bad config: a
 * restart will not fix it).
 */
import { readFileSync } from 'node:fs';
import type { PlatformName } from '../config/schema.js';

/** Capability numbers (linux/capability.h). */
export const CAP_NET_ADMIN = 12;
export const CAP_NET_RAW = 13;

/** What the check looks at (read from the process unless given). */
export interface ProcessPrivileges {
  readonly uid: number;
  /** The effective capability set (`CapEff` of /proc/self/status); null where there is none (not Linux). */
  readonly capabilities: bigint | null;
}

/** The `CapEff` mask of a /proc/PID/status text, null when absent. */
export function effectiveCapabilities(status: string): bigint | null {
  const m = /^CapEff:\s*([0-9a-f]+)$/im.exec(status);
  return m ? BigInt(`0x${m[1]}`) : null;
}

/** This process's uid and effective capabilities. */
export function currentPrivileges(): ProcessPrivileges {
  let capabilities: bigint | null = null;
  try {
    capabilities = effectiveCapabilities(readFileSync('/proc/self/status', 'utf8'));
  } catch {
    // not Linux: no capabilities to read
  }
  return { uid: process.getuid?.() ?? 0, capabilities };
}

const has = (mask: bigint, cap: number) => (mask & (1n << BigInt(cap))) !== 0n;

/**
 * Why `platform` cannot work with these privileges, or null when it can.
 * - `linux` changes routes and rules (CAP_NET_ADMIN) and binds ICMP probes
 *   to devices on raw sockets (CAP_NET_RAW); root or not does not matter.
 * - `ipfire` and `opnsense` run the platform's own scripts: root.
 * - `simulated` needs nothing.
 */
export function privilegeProblem(platform: PlatformName, p: ProcessPrivileges = currentPrivileges()): string | null {
  switch (platform) {
    case 'simulated':
      return null;
    case 'linux': {
      if (p.capabilities === null) return p.uid === 0 ? null : `the linux platform must run as root (uid is ${p.uid})`;
      const missing = [
        has(p.capabilities, CAP_NET_ADMIN) ? null : 'CAP_NET_ADMIN',
        has(p.capabilities, CAP_NET_RAW) ? null : 'CAP_NET_RAW',
      ].filter((c): c is string => c !== null);
      if (missing.length === 0) return null;
      const who = p.uid === 0 ? 'root without them' : `uid ${p.uid}, not root`;
      return (
        `the linux platform needs CAP_NET_ADMIN (routes, rules) and CAP_NET_RAW (probes bound to each uplink's device); ` +
        `this process lacks ${missing.join(' and ')} (${who}): run it as root, or grant them (AmbientCapabilities= in the systemd unit)`
      );
    }
    case 'ipfire':
    case 'opnsense':
      return p.uid === 0
        ? null
        : `the ${platform} platform runs the system's own network scripts and must run as root (uid is ${p.uid})`;
  }
}
