/**
 * The `opnsense` platform: `@wanwatch/opnsense`'s adapter (configctl,
 * singleton or gateway mode), `@wanwatch/probes`, and with `carp.enabled`
 * the CARP role source fed by the syshook.
 */
import { CarpRoleSource, OpnsenseAdapter, type OpnsenseAdapterOptions } from '@wanwatch/opnsense';
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

/** Builds the OPNsense platform. */
export function opnsensePlatform(config: AgentConfig, logger: PlatformLogger): Platform {
  const adapter = new OpnsenseAdapter(config.uplinks, opnsenseAdapterOptions(config, logger));
  const probe = platformProbe(config, (id, f) => adapter.gatewayOf(id, f), logger);
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
