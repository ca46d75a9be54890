import type { HealthSettings, ProbeSettings } from './settings.js';

/**
 * Health of an uplink as the engine judges it.
 *
 * - `unknown`: not yet proven either way (start-up, or a dark standby uplink
 *   that cannot be measured while it is not active). Never chosen to carry
 *   traffic unless the platform cannot measure standby uplinks.
 * - `up`: answers probes within the recovery thresholds.
 * - `degraded`: answers probes, but loss, latency or jitter are beyond the
 *   recovery thresholds. Usable; never a reason to fail over, never a
 *   failback target.
 * - `down`: failed `down` consecutive rounds, stayed beyond a failure
 *   threshold for `down` rounds, or lost carrier.
 */
export type UplinkState = 'unknown' | 'up' | 'degraded' | 'down';

/** Per-uplink health overrides: any field of {@link HealthSettings}, thresholds field by field. */
export type HealthOverrides = Partial<
  Omit<HealthSettings, 'lossPct' | 'latencyMs' | 'jitterMs'> & {
    lossPct: Partial<HealthSettings['lossPct']>;
    latencyMs: Partial<HealthSettings['latencyMs']>;
    jitterMs: Partial<HealthSettings['jitterMs']>;
  }
>;

/**
 * One uplink (WAN) the engine may make active.
 *
 * @example
 * ```ts
 * const fiber: Uplink = { id: 'fiber', priority: 10, interface: 'eth1', targets: ['192.0.2.10', '198.51.100.53'] };
 * ```
 */
export interface Uplink {
  /** Unique name, `[a-z0-9_-]`, at most 32 characters. */
  readonly id: string;
  /** Lower numbers are preferred. Equal priorities never cause a switch between them. */
  readonly priority: number;
  /**
   * What to probe. The engine treats targets as opaque strings and hands them
   * to the {@link Probe}; the agent uses addresses, `gateway`, or
   * method-qualified forms such as `tcp:192.0.2.10:443`.
   */
  readonly targets: readonly string[];
  /** The device that carries this uplink (for adapters and probes). */
  readonly interface?: string | undefined;
  /** The IPv4 next hop, or `auto` to let the adapter find it (for adapters and probes). */
  readonly gateway?: string | undefined;
  /** The IPv6 next hop (often link-local, `fe80::1`), or `auto` (for adapters and probes). */
  readonly gateway6?: string | undefined;
  /** Per-uplink overrides of the probe settings. */
  readonly probe?: Partial<ProbeSettings> | undefined;
  /** Per-uplink overrides of the health settings. */
  readonly health?: HealthOverrides | undefined;
}

/** Pattern every uplink id must match. */
export const UPLINK_ID_PATTERN = /^[a-z0-9_-]{1,32}$/;

/** Linux device names: 1–15 characters of letters, digits and `_.:@+-`, not starting with a punctuation mark, not `.` or `..`. */
const INTERFACE_NAME = /^[A-Za-z0-9_][A-Za-z0-9_.:@+-]{0,14}$/;

/**
 * True when `name` is a valid device name. Names reach command lines
 * (as arguments, never through a shell), so a name `ip` could read as an
 * option or keyword is refused.
 */
export function isInterfaceName(name: string): boolean {
  return INTERFACE_NAME.test(name) && name !== '.' && name !== '..';
}
