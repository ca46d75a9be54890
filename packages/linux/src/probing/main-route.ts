/**
 * The active uplink's default route in the main table, kept as it should
 * be between switches: put back when the kernel dropped it (its device went
 * away and came back, a PPP redial), or moved to a learned gateway that
 * changed. A route that another tool pointed at another device is left
 * alone: wanwatch does not fight over it.
 */
import { isRoute, ownMainRoute, routeCommand } from '../routes/default-route.js';
import type { RouteEntry } from '../state/ip-json.js';
import type { ProbeRoutingPlan } from './policy-routing.js';

/** The commands that repair the active uplink's main-table default routes (none while its device is down). */
export function mainRouteRepairs(
  plan: ProbeRoutingPlan,
  routes: { readonly 4: readonly RouteEntry[]; readonly 6: readonly RouteEntry[] },
  metric: number,
): string[][] {
  if (!plan.link?.flags.includes('UP')) return [];
  const commands: string[][] = [];
  for (const family of [4, 6] as const) {
    const wanted = plan.routes[family];
    if (wanted === null) continue;
    const current = ownMainRoute(routes[family], metric);
    if (current && (current.dev !== wanted.dev || isRoute(current, wanted))) continue;
    commands.push(routeCommand('replace', wanted, { metric }));
  }
  return commands;
}
