/**
 * The config file's `ipfire:` section (platform `ipfire`): its schema, with
 * the defaults of `@wanwatch/ipfire`, and its conversion to the adapter's
 * options. Kept apart from schema.ts/load.ts so the platform stays one file.
 */
import { ConfigError, type Uplink } from '@wanwatch/core';
import { IPFIRE_DEFAULTS, resolveOptions, type IpfireAdapterOptions, type IpfireProfile } from '@wanwatch/ipfire';
import type { PathIssue } from './issues.js';
import type { ConfigPath } from './positions.js';
import type { Converter } from './convert.js';
import { isRaw } from './convert.js';
import { DURATION_PATTERN, formatDuration } from './units.js';

type Schema = Record<string, unknown>;
type Raw = Record<string, unknown>;

const d = IPFIRE_DEFAULTS;
const duration = (description: string, def: number): Schema => ({
  type: 'string',
  kind: 'duration',
  pattern: DURATION_PATTERN,
  description,
  default: formatDuration(def),
});

const profileSchema: Schema = {
  type: 'object',
  additionalProperties: false,
  description: 'the IPFire profile of one uplink: ppp (1-5), or redType DHCP/STATIC; plus ethernet keys',
  properties: {
    ppp: { type: 'integer', description: 'PPP-family profile /var/ipfire/ppp/settings-N (PPPoE, VDSL, QMI…)' },
    redType: { type: 'string', enum: ['DHCP', 'STATIC'], description: 'RED_TYPE of a non-PPP uplink' },
    ethernet: {
      type: 'object',
      additionalProperties: { type: 'string' },
      description: 'ethernet/settings keys for this uplink (RED_DEV, RED_DRIVER, RED_ADDRESS, DEFAULT_GATEWAY…)',
    },
  },
};

/** The `ipfire:` section's schema. */
export const IPFIRE_SCHEMA: Schema = {
  type: 'object',
  additionalProperties: false,
  default: {},
  description: 'options of the IPFire adapter (@wanwatch/ipfire; its defaults)',
  properties: {
    profiles: {
      type: 'object',
      default: {},
      additionalProperties: profileSchema,
      description: 'uplink name → its IPFire profile (every uplink needs one)',
    },
    root: {
      type: 'string',
      default: d.root,
      description: 'file system root IPFire lives under (tests: an emulated root)',
    },
    networkScript: { type: 'string', default: d.networkScript, description: "IPFire's network init script" },
    stopTimeout: duration('time limit of network stop red', d.stopTimeoutMs),
    startTimeout: duration('time limit of network start red (PPP blocks in connectd up to 800 s)', d.startTimeoutMs),
    upTimeout: duration('time for red/active, iface and local-ipaddress after start returned', d.upTimeoutMs),
    poll: duration('how often the red state files are read while waiting', d.pollMs),
    connectd: {
      type: 'string',
      enum: ['redial', 'leave'],
      default: d.connectd,
      description: 'redial: managed PPP profiles get BACKUPPROFILE = their own number; leave: warn only',
    },
    syslogTag: {
      type: ['string', 'null'],
      default: d.syslogTag,
      description: "syslog tag of switch lines (red: IPFire's log viewer shows them under RED); null = none",
    },
    logger: { type: 'string', default: d.loggerCommand, description: 'the logger program' },
  },
};

/** The `ipfire:` section as the adapter takes it (minus the logger). */
export type IpfireSection = Omit<IpfireAdapterOptions, 'logger'>;

/** Converts the section; with platform ipfire, every uplink must have a profile. */
export function ipfireSection(c: Converter, raw: Raw, names: ReadonlySet<string>, required: boolean): IpfireSection {
  const profiles: Record<string, IpfireProfile> = {};
  const rawProfiles = isRaw(raw.profiles) ? raw.profiles : {};
  for (const [name, value] of Object.entries(rawProfiles)) {
    if (!names.has(name)) c.issue(['ipfire', 'profiles', name], `no uplink is named "${name}"`);
    if (!isRaw(value)) continue;
    const ethernet = isRaw(value.ethernet) ? (value.ethernet as Record<string, string>) : undefined;
    profiles[name] = {
      ...(typeof value.ppp === 'number' ? { ppp: value.ppp } : {}),
      ...(value.redType === 'DHCP' || value.redType === 'STATIC' ? { redType: value.redType } : {}),
      ...(ethernet ? { ethernet } : {}),
    };
    if (value.ppp === undefined && value.redType === undefined)
      c.issue(['ipfire', 'profiles', name], 'needs ppp: N (a PPP-family profile) or redType: DHCP | STATIC');
  }
  if (required)
    for (const name of names)
      if (!(name in rawProfiles)) c.issue(['ipfire', 'profiles'], `uplink "${name}" has no IPFire profile`);
  const ms = (key: string) => c.ms(raw[key], ['ipfire', key]);
  const out: Record<string, unknown> = {
    profiles,
    root: c.absolutePath(raw.root, ['ipfire', 'root']) ?? undefined,
    networkScript: c.absolutePath(raw.networkScript, ['ipfire', 'networkScript']) ?? undefined,
    stopTimeoutMs: ms('stopTimeout'),
    startTimeoutMs: ms('startTimeout'),
    upTimeoutMs: ms('upTimeout'),
    pollMs: ms('poll'),
    connectd: c.str(raw.connectd),
    syslogTag: raw.syslogTag === null ? null : c.str(raw.syslogTag),
    loggerCommand: c.absolutePath(raw.logger, ['ipfire', 'logger']) ?? undefined,
  };
  return Object.fromEntries(Object.entries(out).filter(([, v]) => v !== undefined)) as unknown as IpfireSection;
}

/** `profiles.c.ethernet.RED_DEV` / `uplinks[3].interface` → a config path. */
function pathOf(adapterPath: string): ConfigPath {
  const parts = adapterPath.split('.').flatMap((p): (string | number)[] => {
    const m = /^(\w+)\[(\d+)\]$/.exec(p);
    return m ? [m[1]!, Number(m[2])] : [p];
  });
  return parts[0] === 'uplinks' ? parts : ['ipfire', ...parts];
}

/** What the IPFire adapter itself would refuse (unsafe values, STATIC without address…), as config issues. */
export function ipfireIssues(section: IpfireSection, uplinks: readonly Uplink[]): PathIssue[] {
  try {
    resolveOptions(uplinks, section);
    return [];
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    return err.issues.map((i) => ({ path: pathOf(i.path), message: i.message }));
  }
}
