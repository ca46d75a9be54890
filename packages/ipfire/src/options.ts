/**
 * The adapter's options, their defaults (all here), IPFire's paths under a
 * configurable root, and the check that turns uplinks plus profiles into
 * what the adapter switches between.
 */
import { join } from 'node:path';
import {
  ConfigError,
  durationLimit,
  isInterfaceName,
  limitProblem,
  type ConfigIssue,
  type Limit,
  type Uplink,
} from '@wanwatch/core';
import { WRITABLE_KEY, unsafeValueReason } from './readhash/document.js';

/** How one uplink is made the RED: an IPFire profile. */
export interface IpfireProfile {
  /**
   * A PPP-family profile 1…5 (`/var/ipfire/ppp/settings-N`: PPPoE, VDSL,
   * QMI, modem…): `RED_TYPE=PPPOE`, `ppp/settings` hard-linked to it as the
   * web interface does, `ppp/secrets` from its USERNAME/PASSWORD.
   */
  readonly ppp?: number;
  /** The RED type of an uplink that is not PPP-family. Ignored with `ppp`. */
  readonly redType?: 'DHCP' | 'STATIC';
  /**
   * `ethernet/settings` keys this uplink needs (RED_DEV, RED_DRIVER,
   * RED_MACADDR, RED_ADDRESS, RED_NETMASK, DEFAULT_GATEWAY…). A key one
   * uplink sets and another does not gets the user's own value back (the
   * baseline) on the other.
   */
  readonly ethernet?: Readonly<Record<string, string>>;
}

/** Where the adapter's notices go. */
export interface IpfireAdapterLogger {
  warn(message: string): void;
  info?(message: string): void;
  debug?(message: string): void;
}

/** What to do about connectd's own backup profiles (see the README). */
export type ConnectdPolicy = 'redial' | 'leave';

/** Settings of the IPFire adapter. Only `profiles` is required. */
export interface IpfireAdapterOptions {
  /** Uplink id → its IPFire profile. Every uplink needs one. */
  readonly profiles: Readonly<Record<string, IpfireProfile>>;
  /** The file system root IPFire lives under. Default `/` (tests: an emulated root). */
  readonly root?: string;
  /** IPFire's network init script, relative to root. Default `/etc/rc.d/init.d/network`. */
  readonly networkScript?: string;
  /** Time limit of `network stop red`. Default 60 s. */
  readonly stopTimeoutMs?: number;
  /** Time limit of `network start red` (PPP blocks in connectd up to 800 s). Default 900 s. */
  readonly startTimeoutMs?: number;
  /** After start returned, time for red/active, iface and local-ipaddress to appear (DHCP). Default 90 s. */
  readonly upTimeoutMs?: number;
  /** How often the red state files are read while waiting. Default 200 ms. */
  readonly pollMs?: number;
  /** `redial` (default): managed PPP profiles get BACKUPPROFILE = their own number, so connectd only re-dials; `leave`: warn only. */
  readonly connectd?: ConnectdPolicy;
  /** Syslog tag of the lines IPFire's log viewer shows (the RED section matches `red:`). Default `red`; null = no syslog. */
  readonly syslogTag?: string | null;
  /** The `logger` program. Default `/usr/bin/logger`. */
  readonly loggerCommand?: string;
  /** Notices. Default: silent. */
  readonly logger?: IpfireAdapterLogger;
}

/** The defaults of {@link IpfireAdapterOptions}. */
export const IPFIRE_DEFAULTS = {
  root: '/',
  networkScript: '/etc/rc.d/init.d/network',
  stopTimeoutMs: 60_000,
  startTimeoutMs: 900_000,
  upTimeoutMs: 90_000,
  pollMs: 200,
  connectd: 'redial',
  syslogTag: 'red',
  loggerCommand: '/usr/bin/logger',
} as const;

/** The ranges of the durations (the agent's config schema declares its `ipfire:` keys with these). */
export const IPFIRE_LIMITS = Object.freeze({
  stopTimeoutMs: durationLimit(1, 3_600_000),
  startTimeoutMs: durationLimit(1, 3_600_000),
  upTimeoutMs: durationLimit(1, 3_600_000),
  pollMs: durationLimit(1, 60_000),
});

/** IPFire's files under a root. */
export interface IpfirePaths {
  readonly root: string;
  readonly ethernetSettings: string;
  readonly pppDir: string;
  readonly pppSettings: string;
  readonly secrets: string;
  profile(n: number): string;
  readonly redDir: string;
  readonly networkScript: string;
  /** wanwatch's own state: `/var/ipfire/wanwatch/`. */
  readonly stateDir: string;
  /** The active profile as the adapter recorded it (readhash format). */
  readonly activeRecord: string;
  /** The active uplink's name, for IPFire scripts (as the seed's failover design names it). */
  readonly currentProfile: string;
}

/** IPFire's paths under `root`. */
export function ipfirePaths(root: string, networkScript: string = IPFIRE_DEFAULTS.networkScript): IpfirePaths {
  const v = join(root, 'var/ipfire');
  const stateDir = join(v, 'wanwatch');
  return {
    root,
    ethernetSettings: join(v, 'ethernet/settings'),
    pppDir: join(v, 'ppp'),
    pppSettings: join(v, 'ppp/settings'),
    secrets: join(v, 'ppp/secrets'),
    profile: (n) => join(v, `ppp/settings-${n}`),
    redDir: join(v, 'red'),
    networkScript: join(root, networkScript),
    stateDir,
    activeRecord: join(stateDir, 'active'),
    currentProfile: join(v, 'red/current-profile'),
  };
}

/** One uplink as the adapter switches to it. */
export interface ManagedProfile {
  readonly id: string;
  readonly order: number;
  readonly redType: 'PPPOE' | 'DHCP' | 'STATIC';
  readonly ppp: number | null;
  readonly ethernet: Readonly<Record<string, string>>;
  /** The RED interface once up (`red/iface`): ppp0, red0, wwan0… */
  readonly iface: string;
}

/** Options with defaults filled in and the profiles checked. */
export interface ResolvedOptions {
  readonly profiles: readonly ManagedProfile[];
  /** Every ethernet key some profile sets, RED_TYPE included. */
  readonly ownedKeys: readonly string[];
  readonly paths: IpfirePaths;
  readonly stopTimeoutMs: number;
  readonly startTimeoutMs: number;
  readonly upTimeoutMs: number;
  readonly pollMs: number;
  readonly connectd: ConnectdPolicy;
  readonly syslogTag: string | null;
  readonly loggerCommand: string;
}

function duration(issues: ConfigIssue[], path: keyof typeof IPFIRE_LIMITS, value: number): number {
  const limit: Limit = IPFIRE_LIMITS[path];
  if (limitProblem(value, limit) !== null)
    issues.push({ path, message: `must be an integer ${limit.min}…${limit.max} (ms), not ${value}` });
  return value;
}

function profileOf(u: Uplink, order: number, spec: IpfireProfile | undefined, issues: ConfigIssue[]): ManagedProfile {
  const at = `profiles.${u.id}`;
  if (!spec) issues.push({ path: at, message: 'every uplink needs an IPFire profile (ppp: N, or redType)' });
  const ppp = spec?.ppp ?? null;
  if (ppp !== null && (!Number.isInteger(ppp) || ppp < 1 || ppp > 5))
    issues.push({ path: `${at}.ppp`, message: `must be a profile number 1…5, not ${ppp}` });
  const redType = ppp !== null ? 'PPPOE' : (spec?.redType ?? 'DHCP');
  if (ppp === null && spec && spec.redType !== 'DHCP' && spec.redType !== 'STATIC')
    issues.push({ path: `${at}.redType`, message: 'must be DHCP or STATIC (or give ppp: N)' });
  const ethernet = { ...(spec?.ethernet ?? {}) };
  for (const [key, value] of Object.entries(ethernet)) {
    if (!WRITABLE_KEY.test(key) || key === 'RED_TYPE' || !/^(RED_|DEFAULT_GATEWAY$)/.test(key))
      issues.push({
        path: `${at}.ethernet.${key}`,
        message: 'only RED_* keys (not RED_TYPE, which follows ppp/redType) and DEFAULT_GATEWAY can be set',
      });
    const why = typeof value === 'string' ? unsafeValueReason(value) : 'must be a string';
    if (why) issues.push({ path: `${at}.ethernet.${key}`, message: why });
  }
  // IPFire's red script needs these for STATIC (networking/red: ip addr add, route via DEFAULT_GATEWAY).
  if (redType === 'STATIC')
    for (const key of ['RED_ADDRESS', 'RED_NETMASK', 'DEFAULT_GATEWAY'])
      if (!ethernet[key]) issues.push({ path: `${at}.ethernet.${key}`, message: 'a STATIC RED needs it' });
  const iface = u.interface ?? '';
  if (!isInterfaceName(iface))
    issues.push({
      path: `uplinks[${order}].interface`,
      message: 'the IPFire adapter needs the RED interface the uplink comes up on (ppp0, red0, wwan0…)',
    });
  return { id: u.id, order, redType, ppp, ethernet, iface };
}

/**
 * Checks `options` against `uplinks` and fills in the defaults. Throws a
 * core `ConfigError` listing every problem.
 */
export function resolveOptions(uplinks: readonly Uplink[], options: IpfireAdapterOptions): ResolvedOptions {
  const issues: ConfigIssue[] = [];
  const d = IPFIRE_DEFAULTS;
  for (const id of Object.keys(options.profiles))
    if (!uplinks.some((u) => u.id === id))
      issues.push({ path: `profiles.${id}`, message: 'names no configured uplink' });
  const profiles = uplinks.map((u, i) => profileOf(u, i, options.profiles[u.id], issues));
  const root = options.root ?? d.root;
  if (!root.startsWith('/')) issues.push({ path: 'root', message: 'must be an absolute path' });
  const networkScript = options.networkScript ?? d.networkScript;
  if (!networkScript.startsWith('/')) issues.push({ path: 'networkScript', message: 'must be an absolute path' });
  const tag = options.syslogTag === undefined ? d.syslogTag : options.syslogTag;
  if (tag !== null && !/^[A-Za-z0-9_.-]{1,32}$/.test(tag))
    issues.push({ path: 'syslogTag', message: 'must be 1-32 characters of A-Z, a-z, 0-9, _ . -' });
  const connectd = options.connectd ?? d.connectd;
  if (connectd !== 'redial' && connectd !== 'leave')
    issues.push({ path: 'connectd', message: 'must be redial or leave' });
  const resolved: ResolvedOptions = {
    profiles,
    ownedKeys: ['RED_TYPE', ...new Set(profiles.flatMap((p) => Object.keys(p.ethernet)))],
    paths: ipfirePaths(root, networkScript),
    stopTimeoutMs: duration(issues, 'stopTimeoutMs', options.stopTimeoutMs ?? d.stopTimeoutMs),
    startTimeoutMs: duration(issues, 'startTimeoutMs', options.startTimeoutMs ?? d.startTimeoutMs),
    upTimeoutMs: duration(issues, 'upTimeoutMs', options.upTimeoutMs ?? d.upTimeoutMs),
    pollMs: duration(issues, 'pollMs', options.pollMs ?? d.pollMs),
    connectd,
    syslogTag: tag,
    loggerCommand: options.loggerCommand ?? d.loggerCommand,
  };
  if (issues.length > 0) throw new ConfigError(issues);
  return resolved;
}
