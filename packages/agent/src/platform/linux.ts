/**
 * The `linux` platform: `@wanwatch/linux`'s iproute2 adapter, the probes of
 * `@wanwatch/probes`, and with `ha:` keepalived as the HA role source and
 * the health coupling through a keepalived track file. It owns the
 * config's `linux:` and `ha:` sections.
 */
import { ConfigError, type Engine } from '@wanwatch/core';
import {
  KEEPALIVED_DEFAULTS,
  KEEPALIVED_LIMITS,
  KeepalivedRoleSource,
  LINUX_DEFAULTS,
  LINUX_LIMITS,
  LinuxAdapter,
  resolveOptions,
  type BackupMode,
  type LinuxAdapterOptions,
} from '@wanwatch/linux';
import {
  address,
  boolean,
  duration,
  iface,
  integer,
  keyPath,
  list,
  matching,
  oneOf,
  path,
  record,
  section,
  splitFieldPath,
} from '../config/schema-kit.js';
import { followHealth } from '../ha/track-file.js';
import { platformProbe } from './probe.js';
import {
  checkUplinkNames,
  releaseRoleSource,
  type Platform,
  type PlatformContext,
  type PlatformLogger,
  type PlatformModule,
  type PlatformRoleSource,
  type SectionContext,
} from './platform.js';

/** Options of the Linux adapter as the file gives them (`cleanupOnStop` → the adapter's `cleanupOnClose`). */
export interface LinuxSection {
  readonly tableBase: number;
  readonly tables?: Readonly<Record<string, number>>;
  readonly rulePriority: number;
  readonly metric: number;
  readonly conntrack: 'old-uplink' | 'off';
  readonly cleanupOnStop: boolean;
  readonly commandTimeoutMs: number;
}

/** `ha:` as the agent uses it. */
export interface HaSection {
  readonly keepalived: {
    readonly fifo: string;
    readonly instance: string;
    readonly stateFile: string | null;
    readonly pidFile: string | null;
    readonly virtualAddresses: readonly string[];
    readonly debounceMs: number;
  };
  readonly backupMode: BackupMode;
  readonly peer4: string | null;
  readonly peer6: string | null;
  readonly lanInterface: string;
  readonly trackFile: string | null;
}

/** The part of the agent's config the Linux platform owns. */
export interface LinuxSections {
  readonly linux: LinuxSection;
  /** High availability with keepalived; null = standalone (always master). */
  readonly ha: HaSection | null;
}

const D = LINUX_DEFAULTS;
const L = LINUX_LIMITS;

const LINUX_SCHEMA = section(
  {
    tableBase: integer('first routing table id of the per-uplink tables', { default: D.tableBase, limit: L.tableBase }),
    tables: record({ type: 'integer' }, 'routing table id per uplink name, overriding tableBase'),
    rulePriority: integer('priority of the ip rules that steer probes', {
      default: D.rulePriority,
      limit: L.rulePriority,
    }),
    metric: integer('metric of the default routes wanwatch installs', { default: D.metric, limit: L.metric }),
    conntrack: oneOf(['old-uplink', 'off'], 'on a switch, delete the flows NATed to the old uplink, or nothing', {
      default: D.conntrack,
    }),
    cleanupOnStop: boolean('remove tables and rules when the agent stops (routing is never changed)', {
      default: D.cleanupOnClose,
    }),
    commandTimeout: duration('time limit of each ip/conntrack command', {
      default: D.commandTimeoutMs,
      limit: L.commandTimeoutMs,
      field: 'commandTimeoutMs',
    }),
  },
  'options of the Linux adapter (@wanwatch/linux; its defaults)',
);

const HA_SCHEMA = section(
  {
    keepalived: section(
      {
        fifo: path("keepalived's vrrp_notify_fifo (made with mkfifo when missing)"),
        instance: matching(
          '^[A-Za-z0-9_.:-]{1,64}$',
          'a keepalived instance name',
          'the vrrp_instance (or vrrp_sync_group) whose state is the role of this box',
        ),
        stateFile: path('file a keepalived notify script writes its arguments to; read at start-up; null = none', {
          nullable: true,
          default: null,
        }),
        pidFile: path("keepalived's pid file (-p): a killed keepalived makes this box backup; null = not watched", {
          nullable: true,
          default: null,
        }),
        virtualAddresses: list(
          { type: 'string', kind: 'ip' },
          'the virtual addresses: holding one at start-up means master',
          { default: [] },
        ),
        debounce: duration('a VRRP state must hold this long before the role changes', {
          default: KEEPALIVED_DEFAULTS.debounceMs,
          limit: KEEPALIVED_LIMITS.debounceMs,
          field: 'debounceMs',
        }),
      },
      'where the role comes from',
      { defaults: false, required: ['fifo', 'instance'] },
    ),
    backupMode: oneOf(
      ['unused', 'down'],
      'as backup: leave the uplinks up and probed but unused, or set their devices down (one ISP lease)',
      { default: D.backupMode },
    ),
    peer4: address(4, "the master's IPv4 LAN address (the VRRP virtual address): a backup's own traffic goes there", {
      nullable: true,
      default: null,
    }),
    peer6: address(6, "the master's IPv6 LAN address", { nullable: true, default: null }),
    lanInterface: iface('the LAN device the master is reached on'),
    trackFile: path(
      'health coupling: file for a keepalived vrrp_track_file, 1 while every uplink of this box is down, else 0; null = off',
      { nullable: true, default: null },
    ),
  },
  'high availability with keepalived (Linux); absent = standalone, always master',
  { defaults: false, required: ['keepalived', 'lanInterface'] },
);

/** The config's `linux:` and `ha:` sections as `LinuxAdapterOptions`: 1:1, `cleanupOnStop` → `cleanupOnClose`. */
export function linuxAdapterOptions(config: LinuxSections, logger: PlatformLogger): LinuxAdapterOptions {
  const { cleanupOnStop, tables, ...rest } = config.linux;
  const ha = config.ha;
  return {
    ...rest,
    ...(ha === null
      ? {}
      : {
          ha: {
            backupMode: ha.backupMode,
            lanDevice: ha.lanInterface,
            ...(ha.peer4 === null ? {} : { peer4: ha.peer4 }),
            ...(ha.peer6 === null ? {} : { peer6: ha.peer6 }),
          },
        }),
    ...(tables === undefined ? {} : { tables: { ...tables } }),
    cleanupOnClose: cleanupOnStop,
    logger,
  };
}

/** What the Linux adapter would refuse (a device twice, a reserved or shared table…), at the file's keys. */
function adapterIssues(linux: LinuxSection, context: SectionContext): void {
  try {
    resolveOptions(context.uplinks, linuxAdapterOptions({ linux, ha: null }, { warn: () => undefined }));
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    for (const i of err.issues) {
      const parts = splitFieldPath(i.path);
      context.issue(parts[0] === 'uplinks' ? parts : ['linux', ...keyPath(LINUX_SCHEMA, parts)], i.message);
    }
  }
}

function haSection(raw: unknown, context: SectionContext): HaSection | null {
  if (typeof raw !== 'object' || raw === null) return null;
  const ha = raw as HaSection;
  if (context.platform !== 'linux') context.issue(['ha'], `needs platform linux (keepalived), not ${context.platform}`);
  if (ha.peer4 === null && ha.peer6 === null)
    context.issue(['ha'], "give peer4 and/or peer6: a backup's own traffic goes through the master");
  return ha;
}

/** The keepalived role source of `ha:`, or undefined without one. */
function keepalivedRoleSource(ha: HaSection | null, logger: PlatformLogger): KeepalivedRoleSource | undefined {
  const k = ha?.keepalived;
  if (!k) return undefined;
  return new KeepalivedRoleSource({
    fifo: k.fifo,
    instance: k.instance,
    stateFile: k.stateFile ?? undefined,
    pidFile: k.pidFile ?? undefined,
    virtualAddresses: k.virtualAddresses,
    debounceMs: k.debounceMs,
    logger,
  });
}

/** A running Linux platform. */
class LinuxPlatform implements Platform {
  readonly name = 'linux';
  readonly probe;
  readonly roleSource: PlatformRoleSource | undefined;
  /** keepalived's settings: its role source (which holds the FIFO) is taken over by a reload that keeps them. */
  readonly keepalivedKey: string | null;
  private unfollow: () => void = () => undefined;

  constructor(
    private readonly sections: LinuxSections,
    readonly adapter: LinuxAdapter,
    private readonly context: PlatformContext,
  ) {
    this.probe = platformProbe(context.icmp, (id, f) => adapter.gatewayOf(id, f), context.logger);
    this.keepalivedKey = sections.ha ? JSON.stringify(sections.ha.keepalived) : null;
    const previous = context.previous;
    this.roleSource =
      previous instanceof LinuxPlatform && previous.roleSource && previous.keepalivedKey === this.keepalivedKey
        ? previous.roleSource
        : keepalivedRoleSource(sections.ha, context.logger);
  }

  async start(engine: Engine): Promise<void> {
    const ha = this.sections.ha;
    if (ha?.trackFile)
      this.unfollow = followHealth(engine, ha.trackFile, ha.backupMode, (m) => this.context.logger.warn(m));
    // E.g. changed table ids, rule priority or metric: the old ones must not keep steering traffic.
    const previous = this.context.previous;
    if (previous instanceof LinuxPlatform)
      await previous.adapter
        .retire(this.adapter)
        .catch((err: unknown) =>
          this.context.logger.warn(
            `removing the old configuration's routing failed: ${err instanceof Error ? err.message : String(err)}`,
          ),
        );
  }

  async stop(successor: Platform | null): Promise<void> {
    this.unfollow();
    releaseRoleSource(this, successor);
  }
}

/** The `linux` platform module. */
export const LINUX_PLATFORM: PlatformModule<LinuxSections> = {
  name: 'linux',
  schema: { linux: LINUX_SCHEMA, ha: HA_SCHEMA },
  section(converted, context) {
    const linux = (converted.linux ?? {}) as LinuxSection;
    checkUplinkNames(linux.tables, ['linux', 'tables'], context);
    if (context.platform === 'linux' && context.clean) adapterIssues(linux, context);
    return { linux, ha: haSection(converted.ha, context) };
  },
  create(sections, context) {
    const adapter = new LinuxAdapter(context.uplinks, linuxAdapterOptions(sections, context.logger));
    return new LinuxPlatform(sections, adapter, context);
  },
};
