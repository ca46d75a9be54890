/**
 * The `ipfire` platform: `@wanwatch/ipfire`'s adapter (RED switched between
 * IPFire profiles through IPFire's network script; dark standby, so only
 * the active uplink is probed) and the probes of a real platform. `gateway`
 * targets resolve to RED's peer as IPFire recorded it
 * (`/var/ipfire/red/remote-ipaddress`) for the active uplink. It owns the
 * config's `ipfire:` section.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError, type Engine } from '@wanwatch/core';
import {
  IPFIRE_DEFAULTS,
  IPFIRE_LIMITS,
  IpfireAdapter,
  resolveOptions,
  type IpfireAdapterOptions,
} from '@wanwatch/ipfire';
import {
  duration,
  integer,
  keyPath,
  oneOf,
  path,
  record,
  section,
  splitFieldPath,
  text,
} from '../config/schema-kit.js';
import { platformProbe } from './probe.js';
import { checkUplinkNames, type Platform, type PlatformModule, type SectionContext } from './platform.js';

/** The `ipfire:` section as the adapter takes it (minus the logger). */
export type IpfireSection = Omit<IpfireAdapterOptions, 'logger'>;

/** The part of the agent's config the IPFire platform owns. */
export interface IpfireSections {
  /** The IPFire adapter's options (platform ipfire). */
  readonly ipfire: IpfireSection;
}

const D = IPFIRE_DEFAULTS;
const L = IPFIRE_LIMITS;

const PROFILE_SCHEMA = {
  ...section(
    {
      ppp: integer('PPP-family profile /var/ipfire/ppp/settings-N (PPPoE, VDSL, QMI…)'),
      redType: oneOf(['DHCP', 'STATIC'], 'RED_TYPE of a non-PPP uplink'),
      ethernet: record(
        { type: 'string' },
        'ethernet/settings keys for this uplink (RED_DEV, RED_DRIVER, RED_ADDRESS, DEFAULT_GATEWAY…)',
      ),
    },
    'the IPFire profile of one uplink: ppp (1-5), or redType DHCP/STATIC; plus ethernet keys',
    { defaults: false },
  ),
};

/** The `ipfire:` section's schema. */
export const IPFIRE_SCHEMA = section(
  {
    profiles: record(PROFILE_SCHEMA, 'uplink name → its IPFire profile (every uplink needs one)', { defaults: true }),
    root: path('file system root IPFire lives under (tests: an emulated root)', { default: D.root }),
    networkScript: path("IPFire's network init script", { default: D.networkScript }),
    stopTimeout: duration('time limit of network stop red', {
      default: D.stopTimeoutMs,
      limit: L.stopTimeoutMs,
      field: 'stopTimeoutMs',
    }),
    startTimeout: duration('time limit of network start red (PPP blocks in connectd up to 800 s)', {
      default: D.startTimeoutMs,
      limit: L.startTimeoutMs,
      field: 'startTimeoutMs',
    }),
    upTimeout: duration('time for red/active, iface and local-ipaddress after start returned', {
      default: D.upTimeoutMs,
      limit: L.upTimeoutMs,
      field: 'upTimeoutMs',
    }),
    poll: duration('how often the red state files are read while waiting', {
      default: D.pollMs,
      limit: L.pollMs,
      field: 'pollMs',
    }),
    connectd: oneOf(
      ['redial', 'leave'],
      'redial: managed PPP profiles get BACKUPPROFILE = their own number; leave: warn only',
      { default: D.connectd },
    ),
    syslogTag: text("syslog tag of switch lines (red: IPFire's log viewer shows them under RED); null = none", {
      nullable: true,
      default: D.syslogTag,
    }),
    logger: path('the logger program', { default: D.loggerCommand, field: 'loggerCommand' }),
  },
  'options of the IPFire adapter (@wanwatch/ipfire; its defaults)',
);

/** Checks the profiles; with platform ipfire, every uplink must have one and the adapter must accept the section. */
function checkSection(ipfire: IpfireSection, context: SectionContext, clean: boolean): void {
  const profiles: Readonly<Record<string, unknown>> =
    typeof ipfire.profiles === 'object' && ipfire.profiles !== null ? ipfire.profiles : {};
  checkUplinkNames(profiles, ['ipfire', 'profiles'], context);
  for (const [name, profile] of Object.entries(profiles))
    if (typeof profile === 'object' && profile !== null && !('ppp' in profile) && !('redType' in profile))
      context.issue(['ipfire', 'profiles', name], 'needs ppp: N (a PPP-family profile) or redType: DHCP | STATIC');
  if (context.platform !== 'ipfire') return;
  for (const { id } of context.uplinks)
    if (!(id in profiles)) context.issue(['ipfire', 'profiles'], `uplink "${id}" has no IPFire profile`);
  if (!clean) return;
  // What the IPFire adapter itself would refuse (unsafe values, STATIC without address…).
  try {
    resolveOptions(context.uplinks, ipfire);
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    for (const i of err.issues) {
      const parts = splitFieldPath(i.path);
      context.issue(parts[0] === 'uplinks' ? parts : ['ipfire', ...keyPath(IPFIRE_SCHEMA, parts)], i.message);
    }
  }
}

/** A running IPFire platform: nothing runs beside the engine. */
class IpfirePlatform implements Platform {
  readonly name = 'ipfire';
  constructor(
    readonly adapter: IpfireAdapter,
    readonly probe: Platform['probe'],
  ) {}
  async start(_engine: Engine): Promise<void> {}
  async stop(_successor: Platform | null): Promise<void> {}
}

/** The `ipfire` platform module. */
export const IPFIRE_PLATFORM: PlatformModule<IpfireSections> = {
  name: 'ipfire',
  schema: { ipfire: IPFIRE_SCHEMA },
  section(converted, context) {
    const ipfire = (converted.ipfire ?? { profiles: {} }) as IpfireSection;
    checkSection(ipfire, context, context.clean);
    return { ipfire };
  },
  create({ ipfire }, { uplinks, icmp, logger }) {
    const adapter = new IpfireAdapter(uplinks, { ...ipfire, logger });
    const { redDir } = adapter.options.paths;
    const gatewayOf = (id: string, family: 4 | 6): string | null => {
      const configured = uplinks.find((u) => u.id === id)?.[family === 4 ? 'gateway' : 'gateway6'];
      if (configured && configured !== 'auto') return configured;
      if (family === 6) return null;
      try {
        return readFileSync(join(redDir, 'remote-ipaddress'), 'utf8').trim() || null;
      } catch {
        return null;
      }
    };
    return new IpfirePlatform(adapter, platformProbe(icmp, gatewayOf, logger));
  },
};
