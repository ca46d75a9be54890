/**
 * Singleton mode: one WAN up at a time. Activating a WAN:
 *
 * 0. stale default routes that lead out of no WAN (a CARP backup's
 *    alternate routes via the peer) are deleted, or dhclient's route add
 *    fails with "route already in table";
 * 1. `configctl interface linkup start <dev>` (rc.linkup, by device);
 * 2. `configctl interface reconfigure <name>` (by OPNsense name: restarts
 *    dhclient, a new DHCP lease — the seeds' v2.6 fix for missing IPv4);
 * 3. wait, bounded, for the lease's IPv4 address;
 * 4. wait, bounded, for the default route through the device; if it does
 *    not come, `configctl interface newip <dev> force` (rc.newwanip redoes
 *    the routing) and wait again; as a last resort set it from the gateway
 *    OPNsense recorded;
 * 5. release the previous WAN (`linkup stop`), and any other that is up —
 *    here, or `releaseDelayMs` later by the adapter (see options.ts);
 * 6. restart the IPv6 client services (see ipv6.ts).
 *
 * A failure in 1–4 takes the new WAN down again (`linkup stop`) and leaves
 * the previous WAN as it was: it is released only once the new one works.
 */
import type { ActivateContext } from '@wanwatch/core';
import { OpnsenseSwitchError, type ActivationStep } from '../errors.js';
import type { WanEntry } from '../interface-map.js';
import type { ResolvedOpnsenseOptions } from '../options.js';
import { message, type BsdSystem } from '../system.js';
import { restartIpv6Services } from './ipv6.js';

/** What happened, for logs and figures. */
export interface ActivationReport {
  /** Milliseconds from the start to each finished step. */
  readonly steps: ReadonlyArray<{ readonly step: ActivationStep; readonly atMs: number }>;
  /** Whether `newip <dev> force` was needed. */
  readonly newip: boolean;
  readonly warnings: readonly string[];
  /** WANs still to be released (`linkup stop`) when the caller defers it; empty when they were released here. */
  readonly release: readonly WanEntry[];
}

export interface SingletonDeps {
  readonly sys: BsdSystem;
  readonly config: ResolvedOpnsenseOptions;
  /** Every WAN of the map, to release the others. */
  readonly wans: readonly WanEntry[];
  /** Release the other WANs within the activation (else the caller does it later: see `releaseDelayMs`). */
  readonly releaseNow: boolean;
  /** Configured gateway of a WAN and family (`auto` → null here: asked from the system). */
  readonly configuredGateway: (wan: WanEntry, family: 4 | 6) => string | null;
}

export async function activateSingleton(
  deps: SingletonDeps,
  wan: WanEntry,
  context: Pick<ActivateContext, 'previous' | 'signal'>,
): Promise<ActivationReport> {
  const { sys, config } = deps;
  const signal = context.signal;
  const started = performance.now();
  const steps: { step: ActivationStep; atMs: number }[] = [];
  const warnings: string[] = [];
  let step: ActivationStep = 'stale-routes';
  const done = (s: ActivationStep) => steps.push({ step: s, atMs: Math.round(performance.now() - started) });
  const o = { signal, uplink: wan.uplink };
  let newip = false;
  try {
    const routes = await sys.routes.defaultRoutes(signal);
    for (const family of [4, 6] as const) {
      const r = routes[family];
      // Only routes out of no WAN (a backup's routes via the peer's LAN address): the previous
      // WAN's route carries traffic until the new one replaces it.
      if (r && !deps.wans.some((w) => w.device === r.device)) {
        sys.info(
          `deleting the stale IPv${family} default route via ${r.gateway} (${r.device}) before ${wan.uplink} comes up`,
        );
        await sys.routes.deleteDefault(family, signal, wan.uplink);
      }
    }
    done(step);
    step = 'linkup-start';
    await sys.configctl.linkupStart(wan.device, o);
    done(step);
    step = 'reconfigure';
    await sys.configctl.reconfigure(wan.name, o);
    done(step);
    step = 'address';
    await sys.waitFor(
      `an IPv4 address on ${wan.device}`,
      async () =>
        (await sys.interface(wan.device, signal))?.ipv4.some((a) => a.vhid === undefined) ? true : undefined,
      config.addressTimeoutMs,
      config.pollMs,
      signal,
    );
    done(step);
    step = 'default-route';
    const routeVia = async () => {
      const r = await sys.routes.defaultRoute(4, signal);
      return r?.device === wan.device ? r : undefined;
    };
    const waitRoute = () =>
      sys
        .waitFor(`the default route via ${wan.device}`, routeVia, config.routeTimeoutMs, config.pollMs, signal)
        .catch(() => null);
    if ((await waitRoute()) === null) {
      step = 'newip';
      newip = true;
      await sys.configctl.newip(wan.device, o);
      done(step);
      step = 'default-route';
      if ((await waitRoute()) === null) {
        const gw = deps.configuredGateway(wan, 4) ?? (await sys.recordedGateway(wan.device, 4, signal));
        if (gw === null) throw new Error(`no default route via ${wan.device} and no gateway known to set one`);
        sys.warn(`no default route via ${wan.device} after newip; setting it via ${gw}`);
        await sys.routes.replaceDefault(4, gw, signal, wan.uplink);
      }
    }
    done('default-route');
  } catch (err) {
    const rolledBack = await sys.configctl.linkupStop(wan.device, { uplink: wan.uplink }).then(
      () => true,
      (e: unknown) => {
        sys.warn(`rollback of ${wan.uplink}: ${message(e)}`);
        return false;
      },
    );
    throw new OpnsenseSwitchError(wan.uplink, step, rolledBack, err);
  }

  // The new WAN carries traffic: the others are to be released (now, or later by the adapter).
  const ifs = await sys.interfaces(signal).catch(() => null);
  const release = deps.wans.filter((other) => {
    if (other.device === wan.device) return false;
    const live = ifs?.get(other.device)?.ipv4.some((a) => a.vhid === undefined) ?? true;
    return other.uplink === context.previous?.id || live;
  });
  if (deps.releaseNow) {
    warnings.push(...(await releaseWans(sys, release)));
    done('release-previous');
  }
  if (config.ipv6Restart) {
    warnings.push(...(await restartIpv6Services(sys, wan.device, signal)));
    done('ipv6');
  }
  for (const w of warnings) sys.warn(`${wan.uplink}: ${w}`);
  return { steps, newip, warnings, release: deps.releaseNow ? [] : release };
}

/** `linkup stop` on each WAN; resolves with the problems (a release that fails does not undo a switch). */
export async function releaseWans(sys: BsdSystem, wans: readonly WanEntry[]): Promise<string[]> {
  const problems: string[] = [];
  for (const other of wans)
    await sys.configctl.linkupStop(other.device, { uplink: other.uplink }).catch((err: unknown) => {
      problems.push(`releasing ${other.uplink}: ${message(err)}`);
    });
  return problems;
}
