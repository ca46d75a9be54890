/**
 * The platform factory: from a config to the running platform it names
 * (see platform.ts for the shape every platform module has).
 *
 * - `linux`: `@wanwatch/linux`'s iproute2 adapter and `@wanwatch/probes`; keepalived with `ha:` (linux.ts).
 * - `opnsense`: `@wanwatch/opnsense`'s configctl adapter and, with CARP, its role source (opnsense.ts).
 * - `ipfire`: `@wanwatch/ipfire`'s RED profile switching (ipfire.ts).
 * - `simulated`: the simulated network of `@wanwatch/core/sim`; no root, no network (simulated.ts).
 */
import { systemClock, type Clock } from '@wanwatch/core';
import type { AgentConfig } from '../config/load.js';
import { IPFIRE_PLATFORM } from './ipfire.js';
import { LINUX_PLATFORM } from './linux.js';
import { OPNSENSE_PLATFORM } from './opnsense.js';
import type { Platform, PlatformContext, PlatformLogger } from './platform.js';
import { SIMULATED_PLATFORM } from './simulated.js';

/** What the factory may be given besides the config. */
export interface PlatformDeps {
  readonly logger: PlatformLogger;
  /** Default: the process clock. */
  readonly clock?: Clock | undefined;
  /** On a reload: the running platform, whose unchanged parts the new one may take over. */
  readonly previous?: Platform | null | undefined;
}

/**
 * Builds the platform named by `config.platform`. Throws a core
 * `ConfigError` when its adapter refuses an option.
 *
 * @example
 * ```ts
 * const platform = createPlatform(config, { logger });
 * const engine = new Engine({ uplinks: config.uplinks, settings: config.settings, ...platform });
 * await engine.start();
 * await platform.start(engine);
 * ```
 */
export function createPlatform(config: AgentConfig, deps: PlatformDeps): Platform {
  const context: PlatformContext = {
    uplinks: config.uplinks,
    icmp: config.icmp,
    stateDir: config.stateDir,
    logger: deps.logger,
    clock: deps.clock ?? systemClock,
    previous: deps.previous ?? null,
  };
  switch (config.platform) {
    case 'linux':
      return LINUX_PLATFORM.create(config, context);
    case 'opnsense':
      return OPNSENSE_PLATFORM.create(config, context);
    case 'ipfire':
      return IPFIRE_PLATFORM.create(config, context);
    case 'simulated':
      return SIMULATED_PLATFORM.create(config, context);
  }
}

export { platformProbe } from './probe.js';
export { linuxAdapterOptions } from './linux.js';
export type { Platform, PlatformContext, PlatformLogger, PlatformModule, PlatformName } from './platform.js';
