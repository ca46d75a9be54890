import type { Uplink } from '../uplink.js';

/** Why a switch happens. */
export type SwitchReason =
  'initial' | 'failover' | 'failback' | 'trial' | 'rollback' | 'manual' | 'hold' | 'forbid' | 'role';

/** What an adapter is told when asked to make an uplink active. */
export interface ActivateContext {
  /** The uplink active until now, if any. */
  readonly previous: Uplink | null;
  /** Why the engine switches. */
  readonly reason: SwitchReason;
  /** Aborted when the activation's time limit passes; stop external commands then. */
  readonly signal: AbortSignal;
}

/** What an adapter is told when the engine adopts the uplink found active. */
export interface AdoptContext {
  /** Aborted when the step's time limit passes. */
  readonly signal: AbortSignal;
}

/** What an adapter is told when the box changes HA role. */
export interface RoleContext {
  /** Every configured uplink. */
  readonly uplinks: readonly Uplink[];
  /** The uplink active until now, if any. */
  readonly active: Uplink | null;
  /** Aborted when the step's time limit passes. */
  readonly signal: AbortSignal;
}

/** A carrier (link layer) change the platform reports for an uplink. */
export interface LinkEvent {
  /** The uplink's id. */
  readonly uplink: string;
  /** `down` marks the uplink down at once; `up` makes it eligible for probing to prove it. */
  readonly carrier: 'up' | 'down';
}

/** What an adapter can and cannot do. */
export interface AdapterCapabilities {
  /**
   * True when every uplink can be probed while another one is active (Linux
   * with a routing table per uplink). False for "dark standby" platforms
   * (IPFire's single RED, a suspended OPNsense WAN): the engine then probes
   * only the active uplink and fails back by timed trial.
   */
  readonly standbyProbing: boolean;
}

/**
 * How a platform makes an uplink the active one. Implementations run every
 * external command with a time limit and report failures by rejecting with a
 * `WanwatchError`; `activate` must either complete or leave the previous
 * uplink in place (make before break).
 *
 * @example
 * ```ts
 * class MyAdapter implements Adapter {
 *   readonly capabilities = { standbyProbing: true };
 *   async discover(uplinks) { return uplinks[0]?.id ?? null; }
 *   async prepareProbing() {}
 *   async activate(uplink) { await setDefaultRoute(uplink); }
 *   async close() {}
 * }
 * ```
 */
export interface Adapter {
  /** See {@link AdapterCapabilities}. */
  readonly capabilities: AdapterCapabilities;
  /** Which uplink carries traffic right now (at start-up and after a failed switch), or null. */
  discover(uplinks: readonly Uplink[]): Promise<string | null>;
  /** Makes probes of `uplink` leave through it whether or not it is active. Idempotent. */
  prepareProbing(uplink: Uplink): Promise<void>;
  /** Makes `uplink` the active one. */
  activate(uplink: Uplink, context: ActivateContext): Promise<void>;
  /**
   * At start-up the engine keeps the uplink {@link Adapter.discover} found
   * carrying traffic: make that state the platform's own without moving
   * traffic (Linux installs wanwatch's route beside a DHCP client's, and
   * completes a switch that was interrupted between IPv4 and IPv6).
   * Optional; a failure is a warning and the uplink stays active.
   */
  adopt?(uplink: Uplink, context: AdoptContext): Promise<void>;
  /** Subscribes to carrier changes; returns an unsubscribe function. Optional. */
  linkEvents?(listener: (event: LinkEvent) => void): () => void;
  /** This box became HA backup: release uplinks, route via the peer. Optional. */
  enterBackup?(context: RoleContext): Promise<void>;
  /** This box became HA master, before the engine activates an uplink. Optional. */
  enterMaster?(context: RoleContext): Promise<void>;
  /** Releases resources. Leaves routing as it is. */
  close(): Promise<void>;
}
