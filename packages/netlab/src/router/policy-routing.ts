/**
 * Per-uplink policy routing, so that a probe leaves through the uplink it
 * measures even when that uplink does not carry the default route.
 *
 * This belongs to the future Linux adapter (`@wanwatch/linux`,
 * `prepareProbing()`); it lives here, self-contained, until that issue
 * absorbs it. What it installs for an uplink with device `dev` and table `T`:
 *
 * - `ip route replace default via <gateway> dev <dev> table T` (IPv4, IPv6);
 * - `ip rule add pref P oif <dev> lookup T`: sockets bound to the device
 *   (SO_BINDTODEVICE: the ICMP prober, `ping -I <dev>`) find the uplink's
 *   own default route instead of treating every destination as on-link and
 *   ARPing for Internet hosts (mwan3's pain point);
 * - `ip rule add pref P+1 from <uplink address> lookup T`: sockets bound to
 *   the uplink's address (the TCP, HTTP and DNS probers, which use
 *   `localAddress` because Node cannot set SO_BINDTODEVICE) leave through
 *   the same uplink instead of the default route.
 *
 * Both rules sit before the main table (pref 32766); traffic that is not
 * bound to the uplink (LAN traffic, `path: 'default'` probes) is untouched.
 */
import { ipIn } from '../exec.js';
import { assertDeviceName, assertLabNamespace } from '../names.js';

/** One uplink's probe routing. */
export interface ProbeRouting {
  /** The uplink's device. */
  readonly dev: string;
  /** Its routing table number (1…252; 253–255 are the kernel's). */
  readonly table: number;
  /** Rule preference of the `oif` rule; the `from` rules take `pref + 1`. */
  readonly pref: number;
  readonly gateway4?: string | undefined;
  readonly gateway6?: string | undefined;
  readonly source4?: string | undefined;
  readonly source6?: string | undefined;
}

/** Rules per preference are deleted at most this many times (duplicates of earlier runs). */
const MAX_RULE_DELETES = 16;

async function deleteRules(ns: string, family: '-4' | '-6', pref: number): Promise<void> {
  for (let k = 0; k < MAX_RULE_DELETES; k++) {
    const res = await ipIn(ns, [family, 'rule', 'del', 'pref', String(pref)], { allowFailure: true });
    if (!res.ok) return;
  }
}

function check(ns: string, r: ProbeRouting): void {
  assertLabNamespace(ns);
  assertDeviceName(r.dev);
  if (!Number.isInteger(r.table) || r.table < 1 || r.table > 252) throw new RangeError(`table ${r.table} out of 1…252`);
  if (!Number.isInteger(r.pref) || r.pref < 1 || r.pref > 32000) throw new RangeError(`pref ${r.pref} out of 1…32000`);
}

/** Installs (or re-installs, idempotently) the table and rules of one uplink. */
export async function installProbeRouting(ns: string, r: ProbeRouting): Promise<void> {
  check(ns, r);
  for (const [family, gateway, source] of [
    ['-4', r.gateway4, r.source4],
    ['-6', r.gateway6, r.source6],
  ] as const) {
    if (!gateway) continue;
    await ipIn(ns, [family, 'route', 'replace', 'default', 'via', gateway, 'dev', r.dev, 'table', String(r.table)]);
    await deleteRules(ns, family, r.pref);
    await deleteRules(ns, family, r.pref + 1);
    await ipIn(ns, [family, 'rule', 'add', 'pref', String(r.pref), 'oif', r.dev, 'lookup', String(r.table)]);
    if (source) {
      await ipIn(ns, [family, 'rule', 'add', 'pref', String(r.pref + 1), 'from', source, 'lookup', String(r.table)]);
    }
  }
}

/** Re-adds the table's default routes after the device came back (the kernel drops routes of a deleted device). */
export async function restoreProbeRoutes(ns: string, r: ProbeRouting): Promise<void> {
  check(ns, r);
  if (r.gateway4)
    await ipIn(ns, ['-4', 'route', 'replace', 'default', 'via', r.gateway4, 'dev', r.dev, 'table', String(r.table)]);
  if (r.gateway6)
    await ipIn(ns, ['-6', 'route', 'replace', 'default', 'via', r.gateway6, 'dev', r.dev, 'table', String(r.table)]);
}

/** Removes the table and rules of one uplink. Never throws. */
export async function removeProbeRouting(ns: string, r: ProbeRouting): Promise<void> {
  check(ns, r);
  for (const family of ['-4', '-6'] as const) {
    await deleteRules(ns, family, r.pref);
    await deleteRules(ns, family, r.pref + 1);
    await ipIn(ns, [family, 'route', 'flush', 'table', String(r.table)], { allowFailure: true });
  }
}
