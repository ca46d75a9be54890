/**
 * The adapter's options, their defaults (all in one place, here), and the
 * check that turns options plus uplinks into what the adapter works with:
 * one device, one table and one rule preference per uplink.
 */
import {
  ConfigError,
  durationLimit,
  integerLimit,
  limitProblem,
  type Clock,
  type ConfigIssue,
  type Limit,
  type Uplink,
} from '@wanwatch/core';
import type { BackupMode, HaRouting } from './ha/role-routing.js';
import { isInterfaceName, isUsableTable, plainAddress } from './validate.js';

/** Where the adapter's notices go. */
export interface LinuxAdapterLogger {
  warn(message: string): void;
  info?(message: string): void;
  /** Every command run, with its outcome and duration. */
  debug?(message: string): void;
}

/** Settings of {@link LinuxAdapter}. Every field is optional. */
export interface LinuxAdapterOptions {
  /** Routing table of the i-th uplink (config order) is tableBase + i + 1, unless `tables` names one. Default 100. */
  readonly tableBase?: number;
  /** Uplink id → table id, overriding `tableBase` for that uplink. */
  readonly tables?: Readonly<Record<string, number>>;
  /** Preference of the first `ip rule`; the adapter uses a small block from here (one per uplink). Default 1000. */
  readonly rulePriority?: number;
  /** Metric of the default route wanwatch manages in the main table. Default 10 (below DHCP clients' usual 100+). */
  readonly metric?: number;
  /** `old-uplink` (default): on switch, delete only conntrack entries NATed to / sourced from the previous uplink's addresses; `off`: never. */
  readonly conntrack?: 'old-uplink' | 'off';
  /** Remove wanwatch's rules and tables on close(). Default false: stopping leaves the network working as it is. */
  readonly cleanupOnClose?: boolean;
  /** Time limit of every command. Default 5000 ms. */
  readonly commandTimeoutMs?: number;
  /** Prepended to every command, e.g. ['ip','netns','exec','<ns>'] to act inside a namespace (tests). Default []. */
  readonly commandPrefix?: readonly string[];
  /** Notices (e.g. a command that failed but was tolerated). Default: silent. */
  readonly logger?: LinuxAdapterLogger;
  /** Link, address and route events are gathered this long before the probe routing of an uplink is re-asserted. Default 100 ms. */
  readonly refreshDelayMs?: number;
  /** What the box does as HA backup / master (see {@link LinuxHaOptions}). Without it, roles change no routes. */
  readonly ha?: LinuxHaOptions;
  /** Timers and time of the link monitor (its restart back-off, the gathering of events). Default: the process clock. */
  readonly clock?: Clock;
}

/**
 * The adapter's HA behaviour (`enterBackup` / `enterMaster`).
 *
 * @example
 * ```ts
 * createLinuxAdapter(uplinks, { ha: { backupMode: 'down', peer4: '192.0.2.1', peer6: '2001:db8:c::1', lanDevice: 'lan0' } });
 * ```
 */
export interface LinuxHaOptions {
  /** `unused` (default): a backup leaves its uplinks up and probed, only not routed. `down`: it sets their devices down (one ISP lease that only the master may hold). */
  readonly backupMode?: BackupMode;
  /** IPv4 address of the master on the LAN (the VRRP virtual address follows the master). */
  readonly peer4?: string;
  /** IPv6 address of the master on the LAN. */
  readonly peer6?: string;
  /** The LAN device the master is reached on. */
  readonly lanDevice: string;
}

/** The defaults of {@link LinuxAdapterOptions}. */
export const LINUX_DEFAULTS = {
  tableBase: 100,
  rulePriority: 1000,
  metric: 10,
  conntrack: 'old-uplink',
  cleanupOnClose: false,
  commandTimeoutMs: 5000,
  refreshDelayMs: 100,
  backupMode: 'unused',
} as const;

/**
 * The ranges of the numeric options (the agent's config schema declares
 * its `linux:` keys with these). The rule block must also end before the
 * main table's rule (32766), and tables must be usable (not 253–255).
 */
export const LINUX_LIMITS = Object.freeze({
  tableBase: integerLimit(0, 0xffff_ffff - 64),
  rulePriority: integerLimit(1, 32_765),
  // Not 0: the kernel files an IPv6 route of metric 0 at 1024, so wanwatch would not find its own route.
  metric: integerLimit(1, 0xffff_ffff),
  commandTimeoutMs: durationLimit(1, 600_000),
  refreshDelayMs: durationLimit(0, 60_000),
});

/** How an uplink's next hop of one family is known. */
export type GatewaySetting =
  | { readonly kind: 'address'; readonly address: string }
  /** `auto`: learned from the system; a missing one is an error when switching. */
  | { readonly kind: 'auto' }
  /** Not configured: learned when the system has one, else the family is left out. */
  | { readonly kind: 'unset' };

/** One uplink as the adapter sees it. */
export interface ManagedUplink {
  readonly id: string;
  /** Position in the configuration (0-based). */
  readonly order: number;
  readonly device: string;
  readonly table: number;
  /** Preference of this uplink's `ip rule` entries. */
  readonly pref: number;
  readonly gateway: { readonly 4: GatewaySetting; readonly 6: GatewaySetting };
}

/** Options with every default filled in, and the uplinks checked. */
export interface ResolvedOptions {
  readonly uplinks: readonly ManagedUplink[];
  readonly metric: number;
  readonly rulePriority: number;
  readonly conntrack: 'old-uplink' | 'off';
  readonly cleanupOnClose: boolean;
  readonly commandTimeoutMs: number;
  readonly commandPrefix: readonly string[];
  readonly refreshDelayMs: number;
  /** Null without `ha` options. */
  readonly ha: HaRouting | null;
}

function gatewaySetting(value: string | undefined, family: 4 | 6, path: string, issues: ConfigIssue[]): GatewaySetting {
  if (value === undefined) return { kind: 'unset' };
  if (value === 'auto') return { kind: 'auto' };
  const address = plainAddress(value, family);
  if (address === null) {
    issues.push({ path, message: `${JSON.stringify(value)} is not an IPv${family} address or "auto"` });
    return { kind: 'unset' };
  }
  return { kind: 'address', address };
}

function integer(issues: ConfigIssue[], path: string, value: number, limit: Limit): number {
  if (limitProblem(value, limit) !== null)
    issues.push({ path, message: `must be an integer ${limit.min}…${limit.max}, not ${value}` });
  return value;
}

/**
 * Checks `options` against `uplinks` and fills in the defaults. Throws a
 * core `ConfigError` (`E_CONFIG`) listing every problem.
 */
export function resolveOptions(uplinks: readonly Uplink[], options: LinuxAdapterOptions = {}): ResolvedOptions {
  const issues: ConfigIssue[] = [];
  const d = LINUX_DEFAULTS;
  const L = LINUX_LIMITS;
  const tableBase = integer(issues, 'tableBase', options.tableBase ?? d.tableBase, L.tableBase);
  const rulePriority = integer(issues, 'rulePriority', options.rulePriority ?? d.rulePriority, L.rulePriority);
  const metric = integer(issues, 'metric', options.metric ?? d.metric, L.metric);
  const commandTimeoutMs = integer(
    issues,
    'commandTimeoutMs',
    options.commandTimeoutMs ?? d.commandTimeoutMs,
    L.commandTimeoutMs,
  );
  const refreshDelayMs = integer(
    issues,
    'refreshDelayMs',
    options.refreshDelayMs ?? d.refreshDelayMs,
    L.refreshDelayMs,
  );
  const conntrack = options.conntrack ?? d.conntrack;
  if (conntrack !== 'old-uplink' && conntrack !== 'off')
    issues.push({ path: 'conntrack', message: `must be "old-uplink" or "off", not ${JSON.stringify(conntrack)}` });
  if (rulePriority + uplinks.length > 32_766)
    issues.push({
      path: 'rulePriority',
      message: `the rules of ${uplinks.length} uplinks must end before the main table's rule (32766)`,
    });
  for (const id of Object.keys(options.tables ?? {}))
    if (!uplinks.some((u) => u.id === id)) issues.push({ path: `tables.${id}`, message: 'names no configured uplink' });

  const seenDevices = new Map<string, string>();
  const seenTables = new Map<number, string>();
  const managed = uplinks.map((u, order): ManagedUplink => {
    const at = `uplinks[${order}]`;
    const device = u.interface ?? '';
    if (u.interface === undefined)
      issues.push({ path: `${at}.interface`, message: "the Linux adapter needs the uplink's device" });
    else if (!isInterfaceName(device))
      issues.push({ path: `${at}.interface`, message: `${JSON.stringify(device)} is not a valid interface name` });
    else if (seenDevices.has(device))
      issues.push({
        path: `${at}.interface`,
        message: `${device} is already the device of uplink ${seenDevices.get(device)}; each uplink needs its own device (a VLAN, say)`,
      });
    else seenDevices.set(device, u.id);
    const table = options.tables?.[u.id] ?? tableBase + order + 1;
    if (!isUsableTable(table))
      issues.push({ path: `tables.${u.id}`, message: `table ${table} is not usable (1…2³²−1, not 253–255)` });
    else if (seenTables.has(table))
      issues.push({
        path: `tables.${u.id}`,
        message: `table ${table} is already the table of uplink ${seenTables.get(table)}`,
      });
    else seenTables.set(table, u.id);
    return {
      id: u.id,
      order,
      device,
      table,
      pref: rulePriority + order,
      gateway: {
        4: gatewaySetting(u.gateway, 4, `${at}.gateway`, issues),
        6: gatewaySetting(u.gateway6, 6, `${at}.gateway6`, issues),
      },
    };
  });
  const prefix = options.commandPrefix ?? [];
  if (prefix.some((p) => typeof p !== 'string' || p.length === 0))
    issues.push({ path: 'commandPrefix', message: 'must be non-empty strings' });
  const ha = options.ha === undefined ? null : haRouting(options.ha, issues);
  if (issues.length > 0) throw new ConfigError(issues);
  return {
    ha,
    uplinks: managed,
    metric,
    rulePriority,
    conntrack,
    cleanupOnClose: options.cleanupOnClose ?? d.cleanupOnClose,
    commandTimeoutMs,
    commandPrefix: [...prefix],
    refreshDelayMs,
  };
}

function haRouting(o: LinuxHaOptions, issues: ConfigIssue[]): HaRouting {
  const backupMode = o.backupMode ?? LINUX_DEFAULTS.backupMode;
  if (backupMode !== 'down' && backupMode !== 'unused')
    issues.push({ path: 'ha.backupMode', message: `must be "down" or "unused", not ${JSON.stringify(backupMode)}` });
  if (!isInterfaceName(o.lanDevice ?? ''))
    issues.push({ path: 'ha.lanDevice', message: `${JSON.stringify(o.lanDevice)} is not a valid interface name` });
  const peer = (value: string | undefined, family: 4 | 6): string | null => {
    if (value === undefined) return null;
    const address = plainAddress(value, family);
    if (address === null)
      issues.push({
        path: `ha.peer${family === 4 ? '4' : '6'}`,
        message: `${JSON.stringify(value)} is not an IPv${family} address`,
      });
    return address;
  };
  const result = { backupMode, lanDevice: o.lanDevice, peer: { 4: peer(o.peer4, 4), 6: peer(o.peer6, 6) } } as const;
  if (o.peer4 === undefined && o.peer6 === undefined)
    issues.push({ path: 'ha', message: "give peer4 and/or peer6: a backup's own traffic goes to the master" });
  return result;
}
