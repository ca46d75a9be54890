/**
 * The shape every platform module has, so that the daemon treats Linux,
 * OPNsense, IPFire and the simulated platform alike (no branch by platform
 * outside this folder). A module owns:
 *
 * - **its config sections** (`schema`): the top-level keys it reads
 *   (`linux:` and `ha:`, `opnsense:`, `ipfire:`, `simulated:`), each key
 *   declared once with its type, unit, range, default and field name;
 * - **their conversion** (`section`): from the schema-checked, converted
 *   sections to what its factory takes, reporting what a schema cannot
 *   check (uplink names, addresses against uplinks, what its adapter would
 *   refuse) at the file's keys;
 * - **its factory** (`create`): the adapter, the probe and the HA role
 *   source of a valid config;
 * - **a lifecycle** (the {@link Platform} it creates), after firerouter's
 *   plugins (`configure` / `apply` / `flush`): `create` configures (and on
 *   a reload may take over what did not change from the running platform),
 *   `start` applies once the engine runs, `stop` flushes once the engine
 *   stopped. On a reload the old platform is stopped before the new one
 *   starts (its role source and track file must not run beside the new
 *   ones), and the new one's `start` removes what the old layout left that
 *   it does not use — after its engine runs, so routing is made before it
 *   is broken.
 */
import type { Adapter, Clock, Engine, Probe, RoleSource, Uplink } from '@wanwatch/core';
import type { ConfigPath } from '../config/positions.js';
import type { Schema } from '../config/schema-kit.js';

/** Platforms this agent knows. */
export const PLATFORMS = ['linux', 'opnsense', 'ipfire', 'simulated'] as const;
export type PlatformName = (typeof PLATFORMS)[number];

/** Where adapter and probe notices go. */
export interface PlatformLogger {
  warn(message: string): void;
  info?(message: string): void;
}

/** A role source the platform closes when it is done with it. */
export type PlatformRoleSource = RoleSource & { close(): void };

/** A running platform: what the engine is given, and its lifecycle. */
export interface Platform {
  readonly name: PlatformName;
  readonly adapter: Adapter;
  readonly probe: Probe;
  /** Where the HA role comes from (keepalived on Linux, CARP on OPNsense); absent = always master. */
  readonly roleSource?: PlatformRoleSource | undefined;
  /**
   * Once `engine` (built with this adapter, probe and role source) runs:
   * starts what runs beside it, and after a reload removes what the
   * previous platform made that this one does not use.
   */
  start(engine: Engine): Promise<void>;
  /**
   * Once its engine stopped: stops what `start` began and closes what
   * `successor` (the platform of a reloaded config, not yet started; null
   * when the agent stops) did not take over. Routing is left as it is.
   */
  stop(successor: Platform | null): Promise<void>;
}

/** The ICMP options of `probe.icmp`. */
export interface IcmpSettings {
  readonly backend: 'auto' | 'native' | 'system';
  readonly payloadBytes: number;
  readonly ttl: number;
}

/** What a factory is given besides its own sections. */
export interface PlatformContext {
  /** The engine's uplinks (targets expanded). */
  readonly uplinks: readonly Uplink[];
  readonly icmp: IcmpSettings;
  /** The agent's state directory. */
  readonly stateDir: string;
  readonly logger: PlatformLogger;
  readonly clock: Clock;
  /** The running platform this one replaces on a reload (parts that did not change may be taken over); else null. */
  readonly previous: Platform | null;
}

/** What a module's `section` is given. */
export interface SectionContext {
  /** The uplinks as converted (targets expanded), in file order. */
  readonly uplinks: readonly Uplink[];
  /** The platform the file names. */
  readonly platform: PlatformName;
  /** No problem was found so far: a library's own check of the values can run (it would trip over the wrong ones). */
  readonly clean: boolean;
  /** Reports a problem at a path of the file. */
  issue(path: ConfigPath, message: string): void;
}

/**
 * One platform module. `S` is the part of the agent's config it owns,
 * keyed by its top-level keys (`{ linux, ha }`, `{ opnsense }`…).
 */
export interface PlatformModule<S> {
  readonly name: PlatformName;
  /** Its top-level config keys and their schemas, in the order `check-config` prints them. */
  readonly schema: Readonly<Record<keyof S & string, Schema>>;
  /**
   * Its sections, schema-checked and converted (units in ms and %, keys
   * renamed to their fields, defaults filled), as its factory takes them;
   * reports what the schema cannot check.
   */
  section(converted: Readonly<Record<string, unknown>>, context: SectionContext): S;
  /** Builds the platform of a valid config. Throws a core `ConfigError` when its adapter refuses an option. */
  create(section: S, context: PlatformContext): Platform;
}

/** Reports every key of `record` that names no uplink, at `at.<key>`. */
export function checkUplinkNames(record: unknown, at: ConfigPath, context: SectionContext): void {
  if (typeof record !== 'object' || record === null || Array.isArray(record)) return; // the schema's to report
  const names = new Set(context.uplinks.map((u) => u.id));
  for (const key of Object.keys(record))
    if (!names.has(key)) context.issue([...at, key], `no uplink is named "${key}"`);
}

/**
 * Stops a role source unless the successor took it over: the common part of
 * every platform's `stop`.
 */
export function releaseRoleSource(platform: Platform, successor: Platform | null): void {
  if (platform.roleSource && platform.roleSource !== successor?.roleSource) platform.roleSource.close();
}
