/**
 * The `opnsense` platform: `@wanwatch/opnsense`'s adapter (configctl,
 * singleton or gateway mode), `@wanwatch/probes` with its FreeBSD mechanisms
 * when running on FreeBSD (ICMP through `/sbin/ping -S <the uplink's
 * address>`, link state from `ifconfig`; Linux's elsewhere, e.g. the tests'
 * emulated box), and with `carp.enabled` the CARP role source fed by the
 * syshook. It owns the config's `opnsense:` section.
 */
import type { Engine } from '@wanwatch/core';
import {
  CARP_DEFAULTS,
  CARP_LIMITS,
  CarpRoleSource,
  OPNSENSE_DEFAULTS,
  OPNSENSE_LIMITS,
  OpnsenseAdapter,
  type CarpRoleSourceOptions,
  type OpnsenseAdapterOptions,
} from '@wanwatch/opnsense';
import { probeSystemFor } from '@wanwatch/probes';
import {
  address,
  boolean,
  directory,
  duration,
  list,
  mustMatch,
  oneOf,
  path,
  record,
  section,
} from '../config/schema-kit.js';
import { platformProbe } from './probe.js';
import {
  checkUplinkNames,
  releaseRoleSource,
  type IcmpSettings,
  type Platform,
  type PlatformContext,
  type PlatformLogger,
  type PlatformModule,
  type PlatformRoleSource,
} from './platform.js';

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

/** The part of the agent's config the OPNsense platform owns. */
export interface OpnsenseSections {
  readonly opnsense: OpnsenseSection;
}

const D = OPNSENSE_DEFAULTS;
const L = OPNSENSE_LIMITS;

/** The schema of `opnsense:`. */
export const OPNSENSE_SECTION_SCHEMA = section(
  {
    mode: oneOf(
      ['singleton', 'gateway'],
      'singleton: one WAN up at a time (dark standby); gateway: every WAN up, the default route moves',
      { default: D.mode },
    ),
    interfaces: record(
      { type: 'string' },
      'OPNsense interface name (wan, opt1…) per uplink name, overriding config.xml',
    ),
    configXml: path('OPNsense configuration, read for interface names', { default: D.configXml }),
    commandTimeout: duration('time limit of each configctl/route/ifconfig command', {
      default: D.commandTimeoutMs,
      limit: L.commandTimeoutMs,
      field: 'commandTimeoutMs',
    }),
    addressTimeout: duration('singleton: longest wait for the lease address after reconfigure', {
      default: D.addressTimeoutMs,
      limit: L.addressTimeoutMs,
      field: 'addressTimeoutMs',
    }),
    routeTimeout: duration('singleton: wait for the default route before and after newip', {
      default: D.routeTimeoutMs,
      limit: L.routeTimeoutMs,
      field: 'routeTimeoutMs',
    }),
    releaseDelay: duration(
      'singleton: take the previous WAN down this long after a switch, once it is no longer probed (0s = at once)',
      { default: D.releaseDelayMs, limit: L.releaseDelayMs, field: 'releaseDelayMs' },
    ),
    ipv6Restart: boolean('singleton: restart rtsold, dhcp6c and radvd after a switch', { default: D.ipv6Restart }),
    killStates: oneOf(['old-gateway', 'off'], 'gateway mode: kill the old gateway states after a switch', {
      default: D.killStates,
    }),
    driftCheck: duration('gateway mode: how often the default route is checked (0s = never)', {
      default: D.driftCheckMs,
      limit: L.driftCheckMs,
      field: 'driftCheckMs',
    }),
    ipv6Hook: path('executable run after each switch on the CARP master (NPTv6 scripts); null = none', {
      nullable: true,
      default: null,
    }),
    commandPath: list(
      directory('a directory'),
      'directories searched for the commands instead of their FreeBSD paths (emulation, tests)',
      { default: [] },
    ),
    carp: section(
      {
        enabled: boolean('take the HA role from CARP', { default: false }),
        vhid: mustMatch(
          '^[0-9]+(@[0-9a-z_.]+)?$',
          'a vhid number or <vhid>@<device> (1, 1@vtnet0)',
          'decisive vhid, "1" or "1@vtnet0"; null = master only when every vhid is MASTER',
          { nullable: true, default: null },
        ),
        peer4: address(4, "the peer's LAN IPv4 address: the backup's default route", { nullable: true, default: null }),
        peer6: address(6, "the peer's LAN IPv6 address: the backup's default route", { nullable: true, default: null }),
        serviceStatus: boolean('run configctl interface update carp service_status on becoming master', {
          default: D.carpServiceStatus,
        }),
        socket: path('socket the syshook forwards events to', { default: CARP_DEFAULTS.socket }),
        stateDir: path('where the syshook leaves the CARP states', { default: CARP_DEFAULTS.stateDir }),
        debounce: duration('events within this time are one burst', {
          default: CARP_DEFAULTS.debounceMs,
          limit: CARP_LIMITS.debounceMs,
          field: 'debounceMs',
        }),
      },
      'the CARP HA singleton',
    ),
  },
  'options of the OPNsense adapter (@wanwatch/opnsense; its defaults)',
);

/** The config's `opnsense:` section as `OpnsenseAdapterOptions` (the CARP peers become the backup's routes). */
export function opnsenseAdapterOptions(config: OpnsenseSections, logger: PlatformLogger): OpnsenseAdapterOptions {
  const { carp, ...rest } = config.opnsense;
  return {
    ...rest,
    ...(rest.interfaces === undefined ? {} : { interfaces: { ...rest.interfaces } }),
    ...(rest.commandPath === undefined ? {} : { commandPath: [...rest.commandPath] }),
    peer4: carp.peer4,
    peer6: carp.peer6,
    ...(carp.serviceStatus === undefined ? {} : { carpServiceStatus: carp.serviceStatus }),
    logger,
  };
}

/** A running OPNsense platform. */
class OpnsensePlatform implements Platform {
  readonly name = 'opnsense';

  constructor(
    readonly adapter: OpnsenseAdapter,
    readonly probe: Platform['probe'],
    readonly roleSource: PlatformRoleSource | undefined,
  ) {}

  async start(_engine: Engine): Promise<void> {}

  async stop(successor: Platform | null): Promise<void> {
    releaseRoleSource(this, successor);
  }
}

/** What {@link opnsensePlatform} reads of the agent's config. */
export interface OpnsensePlatformConfig extends OpnsenseSections {
  readonly uplinks: PlatformContext['uplinks'];
  readonly icmp: IcmpSettings;
}

/** Builds the OPNsense platform; `os` (default `process.platform`) picks the probes' FreeBSD or Linux mechanisms. */
export function opnsensePlatform(
  config: OpnsensePlatformConfig,
  logger: PlatformLogger,
  os: NodeJS.Platform = process.platform,
): Platform {
  const adapter = new OpnsenseAdapter(config.uplinks, opnsenseAdapterOptions(config, logger));
  const probe = platformProbe(config.icmp, (id, f) => adapter.gatewayOf(id, f), logger, probeSystemFor(os));
  const { carp, commandPath, commandTimeoutMs } = config.opnsense;
  if (!carp.enabled) return new OpnsensePlatform(adapter, probe, undefined);
  const roleSource = new CarpRoleSource({
    vhid: carp.vhid,
    ...(carp.socket === undefined ? {} : { socket: carp.socket }),
    ...(carp.stateDir === undefined ? {} : { stateDir: carp.stateDir }),
    ...(carp.debounceMs === undefined ? {} : { debounceMs: carp.debounceMs }),
    ...(commandPath === undefined ? {} : { commandPath: [...commandPath] }),
    ...(commandTimeoutMs === undefined ? {} : { commandTimeoutMs }),
    logger,
  });
  return new OpnsensePlatform(adapter, probe, roleSource);
}

/** The `opnsense` platform module. */
export const OPNSENSE_PLATFORM: PlatformModule<OpnsenseSections> = {
  name: 'opnsense',
  schema: { opnsense: OPNSENSE_SECTION_SCHEMA },
  section(converted, context) {
    const opnsense = (converted.opnsense ?? { carp: {} }) as OpnsenseSection;
    checkUplinkNames(opnsense.interfaces, ['opnsense', 'interfaces'], context);
    return { opnsense };
  },
  create(sections, context) {
    return opnsensePlatform({ ...sections, uplinks: context.uplinks, icmp: context.icmp }, context.logger);
  },
};
