/**
 * Next hops: configured, or learned for `auto` from a default route that
 * someone else (a DHCP client, the kernel from a router advertisement, a
 * PPP daemon) installed on the uplink's device, in the main table or any
 * other. wanwatch's own routes are never a source, so a gateway that went
 * away is not learned back from wanwatch's copy of it.
 */
import type { GatewaySetting, ManagedUplink } from '../options.js';
import { MAIN_TABLE, isPointToPoint, type LinkEntry, type RouteEntry } from '../state/ip-json.js';
import { plainAddress } from '../validate.js';
import type { DefaultRoute } from './default-route.js';

/** Which routes are wanwatch's: its tables, and its metric in the main table. */
export interface Ownership {
  readonly tables: ReadonlySet<number>;
  readonly metric: number;
}

/** True when `route` is one wanwatch made. */
export function isOwnRoute(route: RouteEntry, own: Ownership): boolean {
  return own.tables.has(route.table) || (route.table === MAIN_TABLE && route.metric === own.metric);
}

/**
 * The gateway of `dev` for `family` that the system knows: the next hop of
 * a default route on `dev` that is not wanwatch's, main table first, then
 * lowest metric. Null when there is none (or none that is a valid address).
 */
export function learnGateway(routes: readonly RouteEntry[], dev: string, family: 4 | 6, own: Ownership): string | null {
  const candidates = routes
    .filter(
      (r) =>
        r.dst === 'default' &&
        r.dev === dev &&
        r.type === 'unicast' &&
        !r.multipath &&
        r.gateway !== undefined &&
        !isOwnRoute(r, own),
    )
    .sort((a, b) => Number(b.table === MAIN_TABLE) - Number(a.table === MAIN_TABLE) || a.metric - b.metric);
  for (const r of candidates) {
    const address = plainAddress(r.gateway!, family);
    if (address !== null) return address;
  }
  return null;
}

/** Learned gateways, kept until a newer one is learned (a DHCP client may withdraw its route while the lease is renewed). */
export class GatewayBook {
  private readonly learned = new Map<string, { 4: string | null; 6: string | null }>();

  /** Records what `routes` teach about `uplink`'s auto gateways. */
  learn(uplink: ManagedUplink, routes: { 4: readonly RouteEntry[]; 6: readonly RouteEntry[] }, own: Ownership): void {
    const entry = this.learned.get(uplink.id) ?? { 4: null, 6: null };
    for (const family of [4, 6] as const) {
      if (uplink.gateway[family].kind === 'address') continue;
      const found = learnGateway(routes[family], uplink.device, family, own);
      if (found !== null) entry[family] = found;
    }
    this.learned.set(uplink.id, entry);
  }

  /** The configured or learned gateway, or null. */
  gatewayOf(uplink: ManagedUplink, family: 4 | 6): string | null {
    const setting: GatewaySetting = uplink.gateway[family];
    if (setting.kind === 'address') return setting.address;
    return this.learned.get(uplink.id)?.[family] ?? null;
  }
}

/**
 * The default route that makes `uplink` carry `family`: via its gateway,
 * or straight out of a point-to-point device that has no gateway (IPv6 only
 * when the device has an IPv6 address). Null when neither is possible.
 */
export function uplinkRoute(
  uplink: ManagedUplink,
  family: 4 | 6,
  gateway: string | null,
  link: LinkEntry | undefined,
): DefaultRoute | null {
  if (gateway !== null) return { family, gateway, dev: uplink.device };
  if (link && isPointToPoint(link) && (family === 4 || link.addresses[6].length > 0))
    return { family, gateway: null, dev: uplink.device };
  return null;
}
