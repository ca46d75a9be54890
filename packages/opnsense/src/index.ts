/**
 * @wanwatch/opnsense — wanwatch's adapter for OPNsense: WAN failover with
 * configctl (singleton mode: one WAN up at a time; gateway mode: every WAN
 * up, the default route moves), and the CARP "HA singleton" (a backup
 * keeps its WANs down and routes via the peer). A CARP syshook and a
 * `RoleSource` tell the engine the box's role.
 *
 * @example
 * ```ts
 * import { Engine } from '@wanwatch/core';
 * import { createProbe } from '@wanwatch/probes';
 * import { CarpRoleSource, createOpnsenseAdapter, installSyshook } from '@wanwatch/opnsense';
 *
 * await installSyshook();
 * const adapter = createOpnsenseAdapter(uplinks, { mode: 'singleton', peer4: '192.0.2.3' });
 * const engine = new Engine({ uplinks, adapter, probe: createProbe(), roleSource: new CarpRoleSource({ vhid: '1' }) });
 * await engine.start();
 * ```
 */
export { OpnsenseAdapter, createOpnsenseAdapter } from './adapter.js';
export {
  OPNSENSE_COMMANDS,
  OPNSENSE_DEFAULTS,
  OPNSENSE_LIMITS,
  resolveOpnsenseOptions,
  type CommandName,
  type OpnsenseAdapterOptions,
  type OpnsenseLogger,
  type OpnsenseMode,
  type ResolvedOpnsenseOptions,
} from './options.js';
export { OpnsenseSwitchError, type ActivationStep } from './errors.js';
export { ConfigctlError } from './bsd/configctl.js';
export { CommandError, type CommandFailure } from '@wanwatch/exec';
export {
  parseIfconfig,
  type CarpState,
  type CarpVhid,
  type IfconfigInterface,
  type InterfaceAddress,
} from './bsd/ifconfig.js';
export { parseDefaultRoute, parseDefaultRoutes, type DefaultRoute } from './bsd/routes.js';
export { buildInterfaceMap, namesFromConfigXml, type MapSources, type WanEntry } from './interface-map.js';
export {
  CARP_DEFAULTS,
  CARP_LIMITS,
  CarpRoleSource,
  roleOf,
  type CarpRoleSourceOptions,
  type CarpStates,
} from './carp/role-source.js';
export { SYSHOOK_DIR, SYSHOOK_NAME, installSyshook, syshookScript, type SyshookOptions } from './carp/syshook.js';
export { RTSOLD_ARGS } from './switch/ipv6.js';
export { ipv6HookEnvironment } from './switch/ipv6-hook.js';
export type { ActivationReport } from './switch/singleton.js';
