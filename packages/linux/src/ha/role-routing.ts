/**
 * What a Linux router changes when its HA role changes. Pure functions:
 * they turn the routes and devices read before into `ip` argument lists.
 *
 * As backup, the box's own traffic (DNS, NTP, package updates, wanwatch's
 * own verification) leaves through the master: wanwatch's default route at
 * its metric is replaced, in one step, by one via the peer's LAN address;
 * every other main-table default route at that metric (a stale route of an
 * earlier role or a crashed run) is deleted after it, so `ip` never meets
 * "route already exists" and there is a default route at every instant.
 * With `backupMode: down` the uplink devices are then set down, so that a
 * single ISP lease (DHCP, PPPoE) is held by the master alone.
 *
 * As master, the devices come up again and the routes via the peer go; the
 * engine activates an uplink right after.
 */
import { routeCommand, isRoute, mainDefaults, type DefaultRoute } from '../routes/default-route.js';
import type { LinkEntry, RouteEntry } from '../state/ip-json.js';

/** What a backup does with its uplinks: set them down, or leave them up and unused (still probed). */
export type BackupMode = 'down' | 'unused';

/** The HA part of the adapter's options, checked. */
export interface HaRouting {
  readonly backupMode: BackupMode;
  /** The master's LAN addresses (the VRRP virtual addresses are the natural choice). */
  readonly peer: { readonly 4: string | null; readonly 6: string | null };
  /** The LAN device the peer is reached on. */
  readonly lanDevice: string;
}

type Routes = { readonly 4: readonly RouteEntry[]; readonly 6: readonly RouteEntry[] };

/** The default routes a backup wants (one per family with a peer address). */
export function peerRoutes(ha: HaRouting): DefaultRoute[] {
  return ([4, 6] as const).flatMap((family) => {
    const gateway = ha.peer[family];
    return gateway === null ? [] : [{ family, gateway, dev: ha.lanDevice }];
  });
}

/** Step 1 of backup: a default route via the peer replaces wanwatch's (one netlink message per family). */
export function peerRouteCommands(ha: HaRouting, routes: Routes, metric: number): string[][] {
  return peerRoutes(ha)
    .filter((wanted) => !mainDefaults(routes[wanted.family]).some((r) => r.metric === metric && isRoute(r, wanted)))
    .map((wanted) => routeCommand('replace', wanted, { metric }));
}

/** Step 2 of backup, on routes read again after step 1: every other default route at wanwatch's metric goes. */
export function staleRouteDeletes(ha: HaRouting, routes: Routes, metric: number): string[][] {
  const wanted = peerRoutes(ha);
  return ([4, 6] as const).flatMap((family) =>
    mainDefaults(routes[family])
      .filter((r) => r.metric === metric && !wanted.some((w) => isRoute(r, w)))
      .map((r) => deleteCommand(r, metric)),
  );
}

/** Step 3 of backup (mode down): the uplink devices that are up go down. */
export function uplinksDownCommands(
  ha: HaRouting,
  devices: readonly string[],
  links: readonly LinkEntry[],
): string[][] {
  if (ha.backupMode !== 'down') return [];
  return devices
    .filter((dev) => links.find((l) => l.name === dev)?.flags.includes('UP'))
    .map((dev) => ['ip', 'link', 'set', 'dev', dev, 'down']);
}

/** Commands that make a box master: uplinks up (mode down), routes via the peer gone. */
export function masterCommands(
  ha: HaRouting,
  routes: Routes,
  metric: number,
  devices: readonly string[],
  links: readonly LinkEntry[],
): string[][] {
  const commands: string[][] = [];
  if (ha.backupMode === 'down')
    for (const dev of devices) {
      const link = links.find((l) => l.name === dev);
      if (link && !link.flags.includes('UP')) commands.push(['ip', 'link', 'set', 'dev', dev, 'up']);
    }
  for (const family of [4, 6] as const) {
    const wanted = peerRoutes(ha).find((r) => r.family === family);
    if (!wanted) continue;
    for (const r of mainDefaults(routes[family]))
      if (r.metric === metric && isRoute(r, wanted)) commands.push(deleteCommand(r, metric));
  }
  return commands;
}

function deleteCommand(r: RouteEntry, metric: number): string[] {
  const via = r.gateway === undefined ? [] : ['via', r.gateway];
  const dev = r.dev === undefined ? [] : ['dev', r.dev];
  return ['ip', `-${r.family}`, 'route', 'del', 'default', ...via, ...dev, 'metric', String(metric)];
}
