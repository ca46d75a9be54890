/**
 * The OPNsense adapter's options and their defaults (all here, in one
 * place), and the check that turns options plus uplinks into what the
 * adapter works with.
 */
import { isIPv4, isIPv6 } from 'node:net';
import {
  ConfigError,
  durationLimit,
  isInterfaceName,
  limitProblem,
  type ConfigIssue,
  type Limit,
  type Uplink,
} from '@wanwatch/core';

/** Where the adapter's notices go. */
export interface OpnsenseLogger {
  warn(message: string): void;
  info?(message: string): void;
  /** Every command run, with its outcome and duration. */
  debug?(message: string): void;
}

/**
 * How uplinks are switched.
 * - `singleton`: one WAN up at a time (the seeds' model; single-lease ISPs,
 *   CARP pairs sharing a WAN): standby WANs are dark, failback by timed trial.
 * - `gateway`: every WAN up, only the default route moves (OPNsense's
 *   own "default gateway switching").
 */
export type OpnsenseMode = 'singleton' | 'gateway';

/** Settings of {@link OpnsenseAdapter}. Every field is optional. */
export interface OpnsenseAdapterOptions {
  /** Default `singleton`. */
  readonly mode?: OpnsenseMode;
  /** Uplink id → OPNsense interface name (`wan`, `opt1`), overriding what config.xml says. */
  readonly interfaces?: Readonly<Record<string, string>>;
  /** Where OPNsense keeps its configuration. Default `/conf/config.xml`. */
  readonly configXml?: string;
  /** Time limit of each command. Default 15 s (`reconfigure` restarts dhclient and more). */
  readonly commandTimeoutMs?: number;
  /** Directories searched for the commands instead of their FreeBSD paths (tests use emulated ones). Default none. */
  readonly commandPath?: readonly string[];
  /** Singleton: longest wait for the lease's IPv4 address after `reconfigure`. Default 20 s. */
  readonly addressTimeoutMs?: number;
  /** Singleton: wait for the default route before `newip <dev> force`, and again after it. Default 3 s. */
  readonly routeTimeoutMs?: number;
  /** Period of the address and route checks while waiting. Default 200 ms. */
  readonly pollMs?: number;
  /**
   * Singleton: release (`linkup stop`) the previous WAN this long after the
   * activation, not within it. The engine keeps probing the previous uplink
   * until its switch is done (verification and post hook included); a WAN
   * taken down under those probes would be judged down, and a dark uplink
   * that goes down is backed off for the failback delay, so it would be
   * unavailable for the next failover. 0 = release within the activation.
   * Default 15 s (beyond the default verify and hook time limits).
   */
  readonly releaseDelayMs?: number;
  /** Singleton: restart rtsold, dhcp6c and radvd after activation so IPv6 returns at once. Default true. */
  readonly ipv6Restart?: boolean;
  /** Gateway mode: kill the states of the old gateway (`configctl filter kill gateway_states`). Default `old-gateway`. */
  readonly killStates?: 'old-gateway' | 'off';
  /** Gateway mode: period of the check that the default route is still ours (0 = off). Default 5 s. */
  readonly driftCheckMs?: number;
  /** HA: the peer's LAN addresses, the default routes of a CARP backup (the seeds' ALT_DEFROUTE_IPV4/6). */
  readonly peer4?: string | null;
  readonly peer6?: string | null;
  /** HA master: run `configctl interface update carp service_status` after entering master. Default true. */
  readonly carpServiceStatus?: boolean;
  /** Executable run after each activation on a CARP master only (NPTv6/prefix scripts), or null. */
  readonly ipv6Hook?: string | null;
  /** Notices. Default: silent. */
  readonly logger?: OpnsenseLogger;
}

/** The defaults of {@link OpnsenseAdapterOptions}. */
export const OPNSENSE_DEFAULTS = {
  mode: 'singleton',
  configXml: '/conf/config.xml',
  commandTimeoutMs: 15_000,
  addressTimeoutMs: 20_000,
  routeTimeoutMs: 3_000,
  pollMs: 200,
  releaseDelayMs: 15_000,
  ipv6Restart: true,
  killStates: 'old-gateway',
  driftCheckMs: 5_000,
  carpServiceStatus: true,
} as const;

/** The ranges of the durations (the agent's config schema declares its `opnsense:` keys with these). */
export const OPNSENSE_LIMITS = Object.freeze({
  commandTimeoutMs: durationLimit(1, 600_000),
  addressTimeoutMs: durationLimit(0, 600_000),
  routeTimeoutMs: durationLimit(0, 600_000),
  pollMs: durationLimit(10, 600_000),
  releaseDelayMs: durationLimit(0, 600_000),
  driftCheckMs: durationLimit(0, 600_000),
});

/** Where the commands live on OPNsense (FreeBSD). */
export const OPNSENSE_COMMANDS = {
  configctl: '/usr/local/sbin/configctl',
  ifconfig: '/sbin/ifconfig',
  route: '/sbin/route',
  netstat: '/usr/bin/netstat',
  sysctl: '/sbin/sysctl',
  ifctl: '/usr/local/sbin/ifctl',
  pkill: '/bin/pkill',
  rtsold: '/usr/sbin/rtsold',
  rtsoldScript: '/usr/local/opnsense/scripts/interfaces/rtsold_script.sh',
} as const;

export type CommandName = keyof typeof OPNSENSE_COMMANDS;

/** One uplink's gateways as configured: an address, `auto` (asked from the system), or null (not set). */
export interface GatewaySettings {
  readonly 4: string | null;
  readonly 6: string | null;
}

/** Options with every default filled in. */
export interface ResolvedOpnsenseOptions {
  readonly mode: OpnsenseMode;
  readonly interfaces: Readonly<Record<string, string>>;
  readonly configXml: string;
  readonly commandTimeoutMs: number;
  readonly commandPath: readonly string[];
  readonly commands: Readonly<Record<CommandName, string>>;
  readonly addressTimeoutMs: number;
  readonly routeTimeoutMs: number;
  readonly pollMs: number;
  readonly releaseDelayMs: number;
  readonly ipv6Restart: boolean;
  readonly killStates: 'old-gateway' | 'off';
  readonly driftCheckMs: number;
  readonly peer4: string | null;
  readonly peer6: string | null;
  readonly carpServiceStatus: boolean;
  readonly ipv6Hook: string | null;
  readonly uplinks: readonly { readonly id: string; readonly interface: string; readonly gateway: GatewaySettings }[];
}

function ms(issues: ConfigIssue[], path: keyof typeof OPNSENSE_LIMITS, value: number): number {
  const limit: Limit = OPNSENSE_LIMITS[path];
  if (limitProblem(value, limit) !== null)
    issues.push({ path, message: `must be an integer number of milliseconds ${limit.min}…${limit.max}, not ${value}` });
  return value;
}

function gateway(value: string | undefined, family: 4 | 6, path: string, issues: ConfigIssue[]): string | null {
  if (value === undefined) return null;
  if (value === 'auto') return 'auto';
  const [address = '', zone] = value.split('%');
  const ok = family === 4 ? isIPv4(value) : isIPv6(address) && (zone === undefined || isInterfaceName(zone));
  if (!ok) issues.push({ path, message: `${JSON.stringify(value)} is not an IPv${family} address or "auto"` });
  return ok ? value : null;
}

/** Checks `options` against `uplinks` and fills in defaults; throws a core `ConfigError` listing every problem. */
export function resolveOpnsenseOptions(
  uplinks: readonly Uplink[],
  options: OpnsenseAdapterOptions = {},
): ResolvedOpnsenseOptions {
  const issues: ConfigIssue[] = [];
  const d = OPNSENSE_DEFAULTS;
  const mode = options.mode ?? d.mode;
  if (mode !== 'singleton' && mode !== 'gateway')
    issues.push({ path: 'mode', message: `must be singleton or gateway, not ${JSON.stringify(mode)}` });
  const killStates = options.killStates ?? d.killStates;
  if (killStates !== 'old-gateway' && killStates !== 'off')
    issues.push({ path: 'killStates', message: `must be old-gateway or off, not ${JSON.stringify(killStates)}` });
  for (const [id, name] of Object.entries(options.interfaces ?? {})) {
    if (!uplinks.some((u) => u.id === id))
      issues.push({ path: `interfaces.${id}`, message: 'names no configured uplink' });
    if (!/^[a-z][a-z0-9_]{0,31}$/.test(name))
      issues.push({ path: `interfaces.${id}`, message: `${JSON.stringify(name)} is not an OPNsense interface name` });
  }
  const peer4 = options.peer4 ?? null;
  const peer6 = options.peer6 ?? null;
  if (peer4 !== null && !isIPv4(peer4)) issues.push({ path: 'peer4', message: `${peer4} is not an IPv4 address` });
  if (peer6 !== null && gateway(peer6, 6, 'peer6', issues) === null) void 0;
  const hook = options.ipv6Hook ?? null;
  if (hook !== null && !hook.startsWith('/')) issues.push({ path: 'ipv6Hook', message: 'must be an absolute path' });
  const path = options.commandPath ?? [];
  if (path.some((p) => !p.startsWith('/')))
    issues.push({ path: 'commandPath', message: 'must be absolute directories' });
  const managed = uplinks.map((u, i) => {
    const at = `uplinks[${i}]`;
    if (u.interface === undefined)
      issues.push({
        path: `${at}.interface`,
        message: 'the OPNsense adapter needs the device (igc1, vtnet1)',
      });
    else if (!isInterfaceName(u.interface))
      issues.push({ path: `${at}.interface`, message: `${JSON.stringify(u.interface)} is not a valid interface name` });
    return {
      id: u.id,
      interface: u.interface ?? '',
      gateway: {
        4: gateway(u.gateway, 4, `${at}.gateway`, issues),
        6: gateway(u.gateway6, 6, `${at}.gateway6`, issues),
      },
    };
  });
  const resolved: ResolvedOpnsenseOptions = {
    mode,
    killStates,
    interfaces: { ...(options.interfaces ?? {}) },
    configXml: options.configXml ?? d.configXml,
    commandTimeoutMs: ms(issues, 'commandTimeoutMs', options.commandTimeoutMs ?? d.commandTimeoutMs),
    commandPath: [...path],
    // With a search path the commands are looked up by name (rtsold_script.sh too).
    commands: Object.fromEntries(
      Object.entries(OPNSENSE_COMMANDS).map(([k, v]) => [k, path.length > 0 ? v.slice(v.lastIndexOf('/') + 1) : v]),
    ) as Record<CommandName, string>,
    addressTimeoutMs: ms(issues, 'addressTimeoutMs', options.addressTimeoutMs ?? d.addressTimeoutMs),
    routeTimeoutMs: ms(issues, 'routeTimeoutMs', options.routeTimeoutMs ?? d.routeTimeoutMs),
    pollMs: ms(issues, 'pollMs', options.pollMs ?? d.pollMs),
    releaseDelayMs: ms(issues, 'releaseDelayMs', options.releaseDelayMs ?? d.releaseDelayMs),
    ipv6Restart: options.ipv6Restart ?? d.ipv6Restart,
    driftCheckMs: ms(issues, 'driftCheckMs', options.driftCheckMs ?? d.driftCheckMs),
    peer4,
    peer6,
    carpServiceStatus: options.carpServiceStatus ?? d.carpServiceStatus,
    ipv6Hook: hook,
    uplinks: managed,
  };
  if (issues.length > 0) throw new ConfigError(issues);
  return resolved;
}
