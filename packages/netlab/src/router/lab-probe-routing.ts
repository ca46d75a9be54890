/**
 * The lab's own probe routing: a fixture, so that a freshly built lab is a
 * router whose every uplink can be probed, for the tests of packages that
 * cannot use the real thing.
 *
 * The real thing is `@wanwatch/linux`'s `prepareProbing()` (idempotent,
 * learned gateways, re-asserted on link events, removed on request). netlab
 * must not depend on shipped packages, and the probes tests cannot use the
 * Linux adapter either (its tests use the probes), so this keeps the bare
 * minimum for a lab that was just built: per uplink `i`, table `100 + i`
 * with the uplink's default route, and at preference `999 + i` the rules
 * `oif wan<i> lookup <table>` and `from <router address> lookup <table>`:
 * exactly what the adapter makes with its default options, so that the two
 * never disagree. Tests of the adapter build their lab without it
 * (`probeRouting: false`).
 */
import { uplinkPlan } from '../addresses.js';
import { ipIn } from '../exec.js';

/** Table and rule preference of uplink `i` (1-based), as `@wanwatch/linux` numbers them by default. */
export function labProbeTable(i: number): { table: number; pref: number } {
  return { table: 100 + i, pref: 999 + i };
}

function routes(i: number, ipv6: boolean): string[][] {
  const p = uplinkPlan(i);
  const { table } = labProbeTable(i);
  const dev = `wan${i}`;
  const list = [['-4', 'route', 'replace', 'default', 'via', p.gateway4, 'dev', dev, 'table', String(table)]];
  if (ipv6) list.push(['-6', 'route', 'replace', 'default', 'via', p.gateway6, 'dev', dev, 'table', String(table)]);
  return list;
}

/** Installs uplink `i`'s table and rules in a lab router that was just built. */
export async function installLabProbeRouting(router: string, i: number, ipv6: boolean): Promise<void> {
  const p = uplinkPlan(i);
  const { table, pref } = labProbeTable(i);
  for (const args of routes(i, ipv6)) await ipIn(router, args);
  const rules: [string, string, string][] = [
    ['-4', 'oif', `wan${i}`],
    ['-4', 'from', p.router4],
  ];
  if (ipv6) rules.push(['-6', 'oif', `wan${i}`], ['-6', 'from', p.router6]);
  for (const [family, key, value] of rules)
    await ipIn(router, [family, 'rule', 'add', 'pref', String(pref), key, value, 'lookup', String(table)]);
}

/** Puts uplink `i`'s table routes back after its device was re-created (the kernel dropped them with it). */
export async function restoreLabProbeRoutes(router: string, i: number, ipv6: boolean): Promise<void> {
  for (const args of routes(i, ipv6)) await ipIn(router, args);
}
