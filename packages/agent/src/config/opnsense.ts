/**
 * The `opnsense:` section of the config file: its schema (defaults read
 * from @wanwatch/opnsense, spelled in the file's units) and its conversion
 * to what the platform factory hands the OPNsense adapter and the CARP
 * role source. Kept apart from schema.ts/load.ts so that each platform's
 * section lives in its own file.
 */
import { isIP } from 'node:net';
import {
  CARP_DEFAULTS,
  OPNSENSE_DEFAULTS,
  type CarpRoleSourceOptions,
  type OpnsenseAdapterOptions,
} from '@wanwatch/opnsense';
import type { Converter } from './convert.js';
import { DURATION_PATTERN, formatDuration } from './units.js';

/**
 * The `opnsense:` section as the platform factory takes it (durations in ms):
 * the adapter's and the CARP role source's own option types, so the two
 * cannot drift apart.
 */
export type OpnsenseSection = Pick<
  OpnsenseAdapterOptions,
  | 'mode'
  | 'interfaces'
  | 'configXml'
  | 'commandTimeoutMs'
  | 'addressTimeoutMs'
  | 'routeTimeoutMs'
  | 'releaseDelayMs'
  | 'ipv6Restart'
  | 'killStates'
  | 'driftCheckMs'
  | 'ipv6Hook'
  | 'commandPath'
> & {
  readonly carp: Pick<CarpRoleSourceOptions, 'socket' | 'stateDir' | 'debounceMs'> & {
    readonly enabled: boolean;
    readonly vhid: string | null;
    readonly peer4: string | null;
    readonly peer6: string | null;
    /** `configctl interface update carp service_status` on MASTER (the adapter's `carpServiceStatus`). */
    readonly serviceStatus?: boolean;
  };
};

type Schema = Record<string, unknown>;
const duration = (description: string, ms: number): Schema => ({
  type: 'string',
  kind: 'duration',
  pattern: DURATION_PATTERN,
  description,
  default: formatDuration(ms),
});
const nullableText = (description: string): Schema => ({ type: ['string', 'null'], description, default: null });

const D = OPNSENSE_DEFAULTS;
const C = CARP_DEFAULTS;

/** The schema of `opnsense:`. */
export const OPNSENSE_SECTION_SCHEMA: Schema = {
  type: 'object',
  additionalProperties: false,
  default: {},
  description: 'options of the OPNsense adapter (@wanwatch/opnsense; its defaults)',
  properties: {
    mode: {
      type: 'string',
      enum: ['singleton', 'gateway'],
      default: D.mode,
      description: 'singleton: one WAN up at a time (dark standby); gateway: every WAN up, the default route moves',
    },
    interfaces: {
      type: 'object',
      additionalProperties: { type: 'string' },
      description: 'OPNsense interface name (wan, opt1…) per uplink name, overriding config.xml',
    },
    configXml: {
      type: 'string',
      default: D.configXml,
      description: 'OPNsense configuration, read for interface names',
    },
    commandTimeout: duration('time limit of each configctl/route/ifconfig command', D.commandTimeoutMs),
    addressTimeout: duration('singleton: longest wait for the lease address after reconfigure', D.addressTimeoutMs),
    routeTimeout: duration('singleton: wait for the default route before and after newip', D.routeTimeoutMs),
    releaseDelay: duration(
      'singleton: take the previous WAN down this long after a switch, once it is no longer probed (0s = at once)',
      D.releaseDelayMs,
    ),
    ipv6Restart: {
      type: 'boolean',
      default: D.ipv6Restart,
      description: 'singleton: restart rtsold, dhcp6c and radvd after a switch',
    },
    killStates: {
      type: 'string',
      enum: ['old-gateway', 'off'],
      default: D.killStates,
      description: 'gateway mode: kill the old gateway states after a switch',
    },
    driftCheck: duration('gateway mode: how often the default route is checked (0s = never)', D.driftCheckMs),
    ipv6Hook: nullableText('executable run after each switch on the CARP master (NPTv6 scripts); null = none'),
    commandPath: {
      type: 'array',
      items: { type: 'string' },
      default: [],
      description: 'directories searched for the commands instead of their FreeBSD paths (emulation, tests)',
    },
    carp: {
      type: 'object',
      additionalProperties: false,
      default: {},
      description: 'the CARP HA singleton',
      properties: {
        enabled: { type: 'boolean', default: false, description: 'take the HA role from CARP' },
        vhid: nullableText('decisive vhid, "1" or "1@vtnet0"; null = master only when every vhid is MASTER'),
        peer4: nullableText("the peer's LAN IPv4 address: the backup's default route"),
        peer6: nullableText("the peer's LAN IPv6 address: the backup's default route"),
        serviceStatus: {
          type: 'boolean',
          default: D.carpServiceStatus,
          description: 'run configctl interface update carp service_status on becoming master',
        },
        socket: { type: 'string', default: C.socket, description: 'socket the syshook forwards events to' },
        stateDir: { type: 'string', default: C.stateDir, description: 'where the syshook leaves the CARP states' },
        debounce: duration('events within this time are one burst', C.debounceMs),
      },
    },
  },
};

type Raw = Record<string, unknown>;
const isRaw = (v: unknown): v is Raw => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Converts the section (schema-checked already); reports what the schema cannot check. */
export function opnsenseSection(c: Converter, raw: Raw, names: ReadonlySet<string>): OpnsenseSection {
  const at = (...p: string[]) => ['opnsense', ...p];
  const interfaces = isRaw(raw.interfaces) ? (raw.interfaces as Record<string, string>) : undefined;
  for (const key of Object.keys(interfaces ?? {}))
    if (!names.has(key)) c.issue(at('interfaces', key), `no uplink is named "${key}"`);
  const carp = isRaw(raw.carp) ? raw.carp : {};
  const path = Array.isArray(raw.commandPath) ? raw.commandPath.filter((p): p is string => typeof p === 'string') : [];
  path.forEach((p, i) => {
    if (!p.startsWith('/'))
      c.issue(['opnsense', 'commandPath', i], `must be an absolute directory, got ${JSON.stringify(p)}`);
  });
  const out: Record<string, unknown> = {
    mode: c.str(raw.mode),
    interfaces,
    configXml: c.absolutePath(raw.configXml, at('configXml')) ?? undefined,
    commandTimeoutMs: c.ms(raw.commandTimeout, at('commandTimeout')),
    addressTimeoutMs: c.ms(raw.addressTimeout, at('addressTimeout')),
    routeTimeoutMs: c.ms(raw.routeTimeout, at('routeTimeout')),
    releaseDelayMs: c.ms(raw.releaseDelay, at('releaseDelay')),
    ipv6Restart: typeof raw.ipv6Restart === 'boolean' ? raw.ipv6Restart : undefined,
    killStates: c.str(raw.killStates),
    driftCheckMs: c.ms(raw.driftCheck, at('driftCheck')),
    ipv6Hook: c.absolutePath(raw.ipv6Hook, at('ipv6Hook')),
    commandPath: path,
  };
  const vhid = c.str(carp.vhid) ?? null;
  if (vhid !== null && !/^[0-9]+(@[0-9a-z_.]+)?$/.test(vhid))
    c.issue(at('carp', 'vhid'), `must be a vhid number or <vhid>@<device> (1, 1@vtnet0), got ${JSON.stringify(vhid)}`);
  const peer = (key: 'peer4' | 'peer6', family: 4 | 6): string | null => {
    const v = c.str(carp[key]) ?? null;
    if (v !== null && isIP(v.split('%')[0] ?? '') !== family)
      c.issue(at('carp', key), `must be an IPv${family} address, got ${JSON.stringify(v)}`);
    return v;
  };
  const peer4 = peer('peer4', 4);
  const peer6 = peer('peer6', 6);
  const section = Object.fromEntries(Object.entries(out).filter(([, v]) => v !== undefined));
  return {
    ...section,
    carp: {
      enabled: carp.enabled === true,
      vhid,
      peer4,
      peer6,
      serviceStatus: typeof carp.serviceStatus === 'boolean' ? carp.serviceStatus : undefined,
      socket: c.absolutePath(carp.socket, at('carp', 'socket')) ?? undefined,
      stateDir: c.absolutePath(carp.stateDir, at('carp', 'stateDir')) ?? undefined,
      debounceMs: c.ms(carp.debounce, at('carp', 'debounce')),
    },
  };
}
