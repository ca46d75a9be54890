/**
 * Default routes as plain data, and the `ip route` argument lists that
 * make them. Pure functions: what to run is decided here, from state read
 * before; the adapter runs it.
 */
import { MAIN_TABLE, type RouteEntry } from '../state/ip-json.js';
import { isInterfaceName, plainAddress } from '../validate.js';

/** A default route wanwatch wants: via a next hop, or (gateway null) straight out of a point-to-point device. */
export interface DefaultRoute {
  readonly family: 4 | 6;
  readonly gateway: string | null;
  readonly dev: string;
}

/** Where a route goes, and how. */
export interface RoutePlace {
  readonly metric?: number;
  readonly table?: number;
  /** Do not check that the next hop is reachable (see the probe routing for why IPv6 needs it). */
  readonly onlink?: boolean;
}

/** `ip -4|-6 route replace|del default [via G] dev D [metric M] [table T] [onlink]`. */
export function routeCommand(verb: 'replace' | 'del', route: DefaultRoute, where: RoutePlace): string[] {
  return [
    'ip',
    `-${route.family}`,
    'route',
    verb,
    'default',
    ...(route.gateway === null ? [] : ['via', route.gateway]),
    'dev',
    route.dev,
    ...(where.metric === undefined ? [] : ['metric', String(where.metric)]),
    ...(where.table === undefined ? [] : ['table', String(where.table)]),
    ...(where.onlink && route.gateway !== null ? ['onlink'] : []),
  ];
}

/** True when `entry` is exactly `route` (same next hop and device, a plain unicast route). */
export function isRoute(entry: RouteEntry, route: DefaultRoute): boolean {
  return (
    entry.family === route.family &&
    entry.type === 'unicast' &&
    !entry.multipath &&
    entry.dev === route.dev &&
    (entry.gateway?.toLowerCase() ?? null) === route.gateway
  );
}

/** The route as data, from what `ip` printed (null when it is not a plain route wanwatch could have made). */
export function asDefaultRoute(entry: RouteEntry): DefaultRoute | null {
  if (entry.type !== 'unicast' || entry.multipath || entry.dev === undefined || !isInterfaceName(entry.dev))
    return null;
  const gateway = entry.gateway === undefined ? null : plainAddress(entry.gateway, entry.family);
  if (entry.gateway !== undefined && gateway === null) return null;
  return { family: entry.family, gateway, dev: entry.dev };
}

/** How a route reads in a message. */
export function describeRoute(entry: RouteEntry | DefaultRoute): string {
  const via = entry.gateway ? ` via ${entry.gateway}` : '';
  const dev = entry.dev ? ` dev ${entry.dev}` : '';
  const metric = 'metric' in entry ? ` metric ${entry.metric}` : '';
  const type = 'type' in entry && entry.type !== 'unicast' ? `${entry.type} ` : '';
  return `${type}default${via}${dev}${metric}`;
}

/** Default routes of the main table, lowest metric first (the kernel's order among equals is kept). */
export function mainDefaults(routes: readonly RouteEntry[]): RouteEntry[] {
  return routes.filter((r) => r.table === MAIN_TABLE && r.dst === 'default').sort((a, b) => a.metric - b.metric);
}

/** The default route traffic takes now: the main table's lowest metric. */
export function effectiveDefault(routes: readonly RouteEntry[]): RouteEntry | undefined {
  return mainDefaults(routes)[0];
}

/** wanwatch's own route in the main table: the default route at its metric. */
export function ownMainRoute(routes: readonly RouteEntry[], metric: number): RouteEntry | undefined {
  return mainDefaults(routes).find((r) => r.metric === metric);
}

/** A route of someone else's that wins over wanwatch's (lower metric) and leads out of another device. */
export function shadowingRoute(routes: readonly RouteEntry[], metric: number, dev: string): RouteEntry | undefined {
  return mainDefaults(routes).find((r) => r.metric < metric && r.dev !== dev);
}

/** The default route `routes` hold in `table`, if any (IPv6 gives it metric 1024, IPv4 0). */
export function tableDefault(routes: readonly RouteEntry[], table: number): RouteEntry | undefined {
  return routes.find((r) => r.table === table && r.dst === 'default');
}
