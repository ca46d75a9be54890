/**
 * Per-uplink policy routing, so that a probe leaves through the uplink it
 * measures whether or not that uplink carries the default route. For an
 * uplink with device `D`, table `T` and rule preference `P`, per family:
 *
 * - table `T` holds one route, `default via <gateway> dev D` (or
 *   `default dev D` on a point-to-point device);
 * - `ip rule add pref P oif D lookup T`: sockets bound to the device
 *   (SO_BINDTODEVICE: the ICMP prober, `ping -I D`) find the uplink's own
 *   default route instead of treating every destination as on-link and
 *   ARPing for Internet hosts (mwan3's pain point);
 * - `ip rule add pref P from <address> lookup T` for each global address of
 *   D: sockets bound to the uplink's address (the TCP, HTTP and DNS
 *   probers, and the router's own services answering on that address)
 *   leave through the same uplink.
 *
 * The rules sit before the main table (32766); traffic not bound to an
 * uplink (the LAN's, `path: 'default'` probes) never matches them.
 *
 * IPv6 table routes carry `onlink`: without it the kernel checks the next
 * hop by looking it up with the uplink's device as output, which our own
 * `oif` rule sends to table T, where the only route is the default route
 * being replaced, so replacing it (a learned gateway that changed) fails
 * with "No route to host". A gateway is on the link by definition; the
 * main table's route keeps the check, so a wrong gateway still fails there.
 *
 * Everything here is computed from state read just before: the result is
 * the list of commands that turn what is into what should be, empty when
 * nothing is missing (so running it twice changes nothing, and whatever
 * another tool deleted is made again). Only rules inside wanwatch's block
 * of preferences that look up one of its tables are ever deleted.
 */
import type { ManagedUplink } from '../options.js';
import { isRoute, routeCommand, tableDefault, type DefaultRoute } from '../routes/default-route.js';
import type { LinkEntry, RouteEntry, RuleEntry } from '../state/ip-json.js';
import { isInterfaceName, plainAddress } from '../validate.js';

/** What wanwatch owns among the rules: preferences `[first, last]` that look up one of `tables`. */
export interface RuleBlock {
  readonly first: number;
  readonly last: number;
  readonly tables: ReadonlySet<number>;
}

/** A rule of wanwatch's, as data. */
export interface ProbeRule {
  readonly family: 4 | 6;
  readonly pref: number;
  readonly table: number;
  /** Exactly one of `oif` and `from`. */
  readonly oif?: string;
  readonly from?: string;
}

/** State read before planning. */
export interface RoutingState {
  readonly routes: { readonly 4: readonly RouteEntry[]; readonly 6: readonly RouteEntry[] };
  readonly rules: { readonly 4: readonly RuleEntry[]; readonly 6: readonly RuleEntry[] };
}

/** What should be, for one uplink. */
export interface ProbeRoutingPlan {
  readonly uplink: ManagedUplink;
  /** The device now; undefined when it does not exist. */
  readonly link: LinkEntry | undefined;
  /** The table's route per family; null when the uplink cannot carry that family now. */
  readonly routes: { readonly 4: DefaultRoute | null; readonly 6: DefaultRoute | null };
}

/** The rules `plan` wants for `family` (none when the family has no route). */
export function wantedRules(plan: ProbeRoutingPlan, family: 4 | 6): ProbeRule[] {
  const { uplink, link } = plan;
  if (plan.routes[family] === null) return [];
  const base = { family, pref: uplink.pref, table: uplink.table };
  const sources = link?.addresses[family] ?? [];
  return [{ ...base, oif: uplink.device }, ...sources.map((from) => ({ ...base, from }))];
}

/** `ip -4|-6 rule add|del pref P (oif D | from A) lookup T`. */
export function ruleCommand(verb: 'add' | 'del', rule: ProbeRule): string[] {
  const selector = rule.oif !== undefined ? ['oif', rule.oif] : ['from', rule.from ?? 'all'];
  return ['ip', `-${rule.family}`, 'rule', verb, 'pref', String(rule.pref), ...selector, 'lookup', String(rule.table)];
}

function matches(entry: RuleEntry, rule: ProbeRule): boolean {
  if (entry.other || entry.pref !== rule.pref || entry.table !== rule.table || entry.iif !== undefined) return false;
  if (rule.oif !== undefined) return entry.oif === rule.oif && entry.src === 'all';
  return entry.oif === undefined && entry.src.toLowerCase() === rule.from?.toLowerCase();
}

/** Rules of the uplink's table inside wanwatch's block, as data (others are never touched). */
export function ownRules(rules: readonly RuleEntry[], uplink: ManagedUplink, block: RuleBlock): ProbeRule[] {
  return rules.flatMap((e): ProbeRule[] => {
    if (e.other || e.iif !== undefined || e.table !== uplink.table || e.pref < block.first || e.pref > block.last)
      return [];
    const base = { family: e.family, pref: e.pref, table: uplink.table };
    // What the kernel printed goes back into a command: only plain names and addresses do.
    if (e.oif !== undefined) return e.src === 'all' && isInterfaceName(e.oif) ? [{ ...base, oif: e.oif }] : [];
    const [address = '', length] = e.src.split('/');
    const valid = plainAddress(address, e.family) !== null && (length === undefined || /^\d{1,3}$/.test(length));
    return e.src !== 'all' && valid ? [{ ...base, from: e.src }] : [];
  });
}

/**
 * The commands that make `plan` true, given `state`: the table's routes
 * first (a rule that leads to an empty table would be useless), then the
 * missing rules, then the stale ones are deleted. A device that does not
 * exist or is administratively down cannot hold routes: its routes wait
 * for the link event that brings it back, its rules are kept.
 */
export function probeRoutingCommands(plan: ProbeRoutingPlan, state: RoutingState, block: RuleBlock): string[][] {
  const { uplink, link } = plan;
  const commands: string[][] = [];
  const deviceUp = link !== undefined && link.flags.includes('UP');
  for (const family of [4, 6] as const) {
    const route = plan.routes[family];
    if (!deviceUp) continue;
    const current = tableDefault(state.routes[family], uplink.table);
    if (route !== null && !(current && isRoute(current, route)))
      commands.push(routeCommand('replace', route, { table: uplink.table, onlink: family === 6 }));
  }
  for (const family of [4, 6] as const) {
    const have = ownRules(state.rules[family], uplink, block);
    const want = wantedRules(plan, family);
    for (const rule of want) {
      if (!state.rules[family].some((e) => matches(e, rule))) commands.push(ruleCommand('add', rule));
    }
    if (!deviceUp) continue;
    for (const rule of have) {
      const wanted = want.some(
        (w) => w.pref === rule.pref && w.oif === rule.oif && w.from?.toLowerCase() === rule.from?.toLowerCase(),
      );
      if (!wanted) commands.push(ruleCommand('del', rule));
    }
  }
  return commands;
}

/** The commands that remove an uplink's rules and table (close() with `cleanupOnClose`). */
export function removalCommands(uplink: ManagedUplink, state: RoutingState, block: RuleBlock): string[][] {
  const commands: string[][] = [];
  for (const family of [4, 6] as const) {
    for (const rule of ownRules(state.rules[family], uplink, block)) commands.push(ruleCommand('del', rule));
    for (const r of state.routes[family]) {
      if (r.table !== uplink.table) continue;
      commands.push(['ip', `-${family}`, 'route', 'flush', 'table', String(uplink.table)]);
      break;
    }
  }
  return commands;
}
