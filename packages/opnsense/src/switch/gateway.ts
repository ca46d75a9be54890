/**
 * Gateway mode: every WAN stays up; only the default route moves, the way
 * OPNsense's `system_default_route()` does it (`route delete -inet default`
 * then `route add -inet default <gw>`, IPv4 and IPv6 each), followed by
 * `configctl filter kill gateway_states <old gw>` so that flows pinned to
 * the old gateway reconnect through the new one (selectable).
 *
 * Drift: OPNsense rewrites the default route itself (rc.newwanip after a
 * lease renewal, a gateway alarm, a reconfigure). {@link reassertGateway}
 * puts wanwatch's route back when something else replaced it.
 */
import { OpnsenseSwitchError } from '../errors.js';
import type { WanEntry } from '../interface-map.js';
import type { ResolvedOpnsenseOptions } from '../options.js';
import { sameGateway, type DefaultRoute } from '../bsd/routes.js';
import { message, type BsdSystem } from '../system.js';

/** The routes a gateway-mode activation installed. */
export interface GatewayRoutes {
  readonly 4: string | null;
  readonly 6: string | null;
}

export interface GatewayDeps {
  readonly sys: BsdSystem;
  readonly config: ResolvedOpnsenseOptions;
  readonly configuredGateway: (wan: WanEntry, family: 4 | 6) => string | null;
}

async function gatewayOf(deps: GatewayDeps, wan: WanEntry, family: 4 | 6, signal?: AbortSignal) {
  const configured = deps.configuredGateway(wan, family);
  const gw = configured ?? (await deps.sys.recordedGateway(wan.device, family, signal));
  // A link-local next hop needs its scope on FreeBSD: fe80::1%vtnet1.
  return gw !== null && family === 6 && /^fe80:/i.test(gw) && !gw.includes('%') ? `${gw}%${wan.device}` : gw;
}

/** Moves the default routes to `wan`'s gateways; on failure puts the old ones back. */
export async function activateGateway(deps: GatewayDeps, wan: WanEntry, signal?: AbortSignal): Promise<GatewayRoutes> {
  const { sys, config } = deps;
  const wanted: { 4: string | null; 6: string | null } = {
    4: await gatewayOf(deps, wan, 4, signal),
    6: await gatewayOf(deps, wan, 6, signal),
  };
  if (wanted[4] === null && wanted[6] === null)
    throw new OpnsenseSwitchError(wan.uplink, 'gateway-route', true, new Error(`no gateway of ${wan.device} is known`));
  const old: { 4: DefaultRoute | null; 6: DefaultRoute | null } = { 4: null, 6: null };
  const changed: (4 | 6)[] = [];
  try {
    const before = await sys.routes.defaultRoutes(signal);
    for (const family of [4, 6] as const) {
      old[family] = before[family];
      const gw = wanted[family];
      if (gw === null) continue;
      if (await sys.routes.replaceDefault(family, gw, signal, wan.uplink)) changed.push(family);
    }
  } catch (err) {
    let rolledBack = true;
    for (const family of [4, 6] as const) {
      const before = old[family];
      if (!before) continue;
      await sys.routes.replaceDefault(family, before.gateway).catch((e: unknown) => {
        rolledBack = false;
        sys.warn(`restoring the IPv${family} default route via ${before.gateway}: ${message(e)}`);
      });
    }
    throw new OpnsenseSwitchError(wan.uplink, 'gateway-route', rolledBack, err);
  }
  if (config.killStates === 'old-gateway')
    for (const family of changed) {
      const before = old[family];
      // A link-local gateway names no flows of its own (every WAN's router may be fe80::1).
      if (!before || sameGateway(before.gateway, wanted[family]!) || /^fe80:/i.test(before.gateway)) continue;
      const gw = before.gateway.split('%')[0]!;
      await sys.configctl.killGatewayStates(gw, { signal, uplink: wan.uplink }).catch((err: unknown) => {
        sys.warn(`killing the states of the old gateway ${gw}: ${message(err)}`);
      });
    }
  return wanted;
}

/** Puts `routes` back where something else replaced them; resolves with the families it repaired. */
export async function reassertGateway(deps: GatewayDeps, wan: WanEntry, routes: GatewayRoutes): Promise<(4 | 6)[]> {
  const repaired: (4 | 6)[] = [];
  const current = await deps.sys.routes.defaultRoutes();
  for (const family of [4, 6] as const) {
    const gw = routes[family];
    if (gw === null) continue;
    const now = current[family];
    if (now && sameGateway(now.gateway, gw)) continue;
    deps.sys.warn(
      `the IPv${family} default route of ${wan.uplink} was changed to ${now ? `${now.gateway} (${now.device})` : 'none'}; putting ${gw} back`,
    );
    await deps.sys.routes.replaceDefault(family, gw, undefined, wan.uplink);
    repaired.push(family);
  }
  return repaired;
}
