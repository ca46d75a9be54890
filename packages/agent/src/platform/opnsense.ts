/**
 * The `opnsense` platform: `@wanwatch/opnsense`'s adapter (configctl,
 * singleton or gateway mode), `@wanwatch/probes` with its FreeBSD mechanisms
 * when running on FreeBSD (ICMP through `/sbin/ping -S <the uplink's
 * address>`, link state from `ifconfig`; Linux's elsewhere, e.g. the tests'
 * emulated box), and with `carp.enabled` the CARP role source fed by the
 * syshook.
 */
import { CarpRoleSource, OpnsenseAdapter, type OpnsenseAdapterOptions } from '@wanwatch/opnsense';
import { probeSystemFor } from '@wanwatch/probes';
import type { AgentConfig } from '../config/load.js';
import { platformProbe, type Platform, type PlatformLogger } from './index.js';

/** The config's `opnsense:` section as `OpnsenseAdapterOptions` (the CARP peers become the backup's routes). */
export function opnsenseAdapterOptions(config: AgentConfig, logger: PlatformLogger): OpnsenseAdapterOptions {
  const { carp, ...rest } = config.opnsense;
  return {
    ...rest,
    ...(rest.interfaces === undefined ? {} : { interfaces: { ...rest.interfaces } }),
    ...(rest.commandPath === undefined ? {} : { commandPath: [...rest.commandPath] }),
    peer4: carp.peer4,
    peer6: carp.peer6,
    ...(carp.serviceStatus === undefined ? {} : { carpServiceStatus: carp.serviceStatus }),
    logger,
  };
}

/** Builds the OPNsense platform; `os` (default `process.platform`) picks the probes' FreeBSD or Linux mechanisms. */
export function opnsensePlatform(
  config: AgentConfig,
  logger: PlatformLogger,
  os: NodeJS.Platform = process.platform,
): Platform {
  const adapter = new OpnsenseAdapter(config.uplinks, opnsenseAdapterOptions(config, logger));
  const probe = platformProbe(config, (id, f) => adapter.gatewayOf(id, f), logger, probeSystemFor(os));
  const { carp, commandPath, commandTimeoutMs } = config.opnsense;
  if (!carp.enabled) return { adapter, probe };
  const roleSource = new CarpRoleSource({
    vhid: carp.vhid,
    ...(carp.socket === undefined ? {} : { socket: carp.socket }),
    ...(carp.stateDir === undefined ? {} : { stateDir: carp.stateDir }),
    ...(carp.debounceMs === undefined ? {} : { debounceMs: carp.debounceMs }),
    ...(commandPath === undefined ? {} : { commandPath: [...commandPath] }),
    ...(commandTimeoutMs === undefined ? {} : { commandTimeoutMs }),
    logger,
  });
  return { adapter, probe, roleSource };
}
