/**
 * The platform factory: from a config to the adapter that moves the default
 * route and the probe that measures the uplinks.
 *
 * - `simulated`: core's SimNetwork (see simulated.ts); no root, no network.
 * - `linux`: `@wanwatch/linux`'s iproute2 adapter and `@wanwatch/probes`.
 * - `opnsense`: `@wanwatch/opnsense`'s configctl adapter and, with CARP, its role source (see opnsense.ts).
 * - `ipfire`: `@wanwatch/ipfire`'s RED profile switching (see ipfire.ts).
 */
import { type Adapter, type Clock, type Probe, type RoleSource, type Uplink } from '@wanwatch/core';
import { KeepalivedRoleSource, LinuxAdapter, type LinuxAdapterOptions } from '@wanwatch/linux';
import { createProbe, type ProbeSystem } from '@wanwatch/probes';
import type { AgentConfig } from '../config/load.js';
import { opnsensePlatform } from './opnsense.js';
import { simulatedPlatform } from './simulated.js';
import { ipfirePlatform } from './ipfire.js';

/** Where adapter and probe notices go. */
export interface PlatformLogger {
  warn(message: string): void;
  info?(message: string): void;
}

/** What a platform gives the engine. */
export interface Platform {
  readonly adapter: Adapter;
  readonly probe: Probe;
  /** Where the HA role comes from (`ha:` keepalived on Linux, CARP on OPNsense); absent = always master. */
  readonly roleSource?: (RoleSource & { close(): void }) | undefined;
  /**
   * After a reload, once `successor` runs: removes what this platform made
   * that the successor does not use (Linux: rules, tables and the metric's
   * route of a changed layout). Optional.
   */
  readonly retire?: ((successor: Platform) => Promise<void>) | undefined;
}

/** What the factory may be given besides the config. */
export interface PlatformDeps {
  readonly logger: PlatformLogger;
  /** Default: the process clock. */
  readonly clock?: Clock | undefined;
}

/** The config's `linux:` section as `LinuxAdapterOptions`: 1:1, `cleanupOnStop` → `cleanupOnClose`. */
export function linuxAdapterOptions(config: AgentConfig, logger: PlatformLogger): LinuxAdapterOptions {
  const { cleanupOnStop, tables, ...rest } = config.linux;
  const ha = config.ha;
  return {
    ...rest,
    ...(ha === null
      ? {}
      : {
          ha: {
            backupMode: ha.backupMode,
            lanDevice: ha.lanInterface,
            ...(ha.peer4 === null ? {} : { peer4: ha.peer4 }),
            ...(ha.peer6 === null ? {} : { peer6: ha.peer6 }),
          },
        }),
    ...(tables === undefined ? {} : { tables: { ...tables } }),
    ...(cleanupOnStop === undefined ? {} : { cleanupOnClose: cleanupOnStop }),
    logger,
  };
}

/**
 * The probe of a real platform: `gateway` targets of `auto` uplinks ask the adapter.
 * `system`: whose mechanisms the probe uses (see `@wanwatch/probes`); default by `process.platform`.
 */
export function platformProbe(
  config: AgentConfig,
  gatewayOf: (id: string, family: 4 | 6) => string | null,
  logger: PlatformLogger,
  system?: ProbeSystem,
): Probe {
  return createProbe({
    ...(system === undefined ? {} : { system }),
    resolveGateway: (u: Uplink, family) => gatewayOf(u.id, family),
    icmp: { backend: config.icmp.backend, payloadBytes: config.icmp.payloadBytes, ttl: config.icmp.ttl },
    logger,
  });
}

/**
 * Builds the platform named by `config.platform`.
 *
 * @example
 * ```ts
 * const { adapter, probe } = createPlatform(config, { logger });
 * const engine = new Engine({ uplinks: config.uplinks, settings: config.settings, adapter, probe });
 * ```
 */
export function createPlatform(config: AgentConfig, deps: PlatformDeps): Platform {
  switch (config.platform) {
    case 'simulated':
      return simulatedPlatform(config, deps.clock);
    case 'linux': {
      const adapter = new LinuxAdapter(config.uplinks, linuxAdapterOptions(config, deps.logger));
      const probe = platformProbe(config, (id, f) => adapter.gatewayOf(id, f), deps.logger);
      const retire = async (successor: Platform): Promise<void> => {
        if (successor.adapter instanceof LinuxAdapter) await adapter.retire(successor.adapter);
      };
      return { adapter, probe, roleSource: keepalivedRoleSource(config, deps.logger), retire };
    }
    case 'opnsense':
      return opnsensePlatform(config, deps.logger);
    case 'ipfire':
      return ipfirePlatform(config, deps.logger);
  }
}

/** The keepalived role source of the config's `ha:` section, or undefined without one. */
export function keepalivedRoleSource(config: AgentConfig, logger: PlatformLogger): KeepalivedRoleSource | undefined {
  const k = config.ha?.keepalived;
  if (!k) return undefined;
  return new KeepalivedRoleSource({
    fifo: k.fifo,
    instance: k.instance,
    stateFile: k.stateFile ?? undefined,
    pidFile: k.pidFile ?? undefined,
    virtualAddresses: k.virtualAddresses,
    debounceMs: k.debounceMs,
    logger,
  });
}
