/**
 * @wanwatch/linux — wanwatch's adapter for Linux routers: switches the
 * default route with `ip route replace` (IPv4 and IPv6, make before break),
 * keeps a routing table and `ip rule` entries per uplink so that probes
 * leave through every uplink at all times, reports carrier changes from
 * `ip monitor`, and deletes only the conntrack entries of flows NATed to
 * the uplink just left.
 *
 * @example
 * ```ts
 * import { Engine } from '@wanwatch/core';
 * import { createProbe } from '@wanwatch/probes';
 * import { createLinuxAdapter } from '@wanwatch/linux';
 *
 * const adapter = createLinuxAdapter(uplinks, { logger: console });
 * const engine = new Engine({ uplinks, adapter, probe: createProbe({ resolveGateway: adapter.resolveGateway }) });
 * await engine.start();
 * ```
 */
export { LinuxAdapter, createLinuxAdapter } from './adapter.js';
export {
  LINUX_DEFAULTS,
  LINUX_LIMITS,
  resolveOptions,
  type GatewaySetting,
  type LinuxAdapterLogger,
  type LinuxAdapterOptions,
  type ManagedUplink,
  type ResolvedOptions,
} from './options.js';
export { CommandError, type CommandFailure } from '@wanwatch/exec';
export type { LinuxHaOptions } from './options.js';
export {
  KeepalivedRoleSource,
  KEEPALIVED_DEFAULTS,
  KEEPALIVED_LIMITS,
  type KeepalivedRoleOptions,
} from './ha/keepalived-role.js';
export { FifoLineSource, type NotifyLineSource } from './ha/fifo.js';
export { parseNotifyLine, roleOfState, type NotifyEvent, type VrrpState } from './ha/notify-line.js';
export type { BackupMode } from './ha/role-routing.js';
