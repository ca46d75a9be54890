import { ConfigError } from './errors.js';
import { IssueList } from './common/issue-list.js';
import {
  SETTINGS_LIMITS,
  checkHealth,
  checkProbe,
  mergeHealth,
  type HealthOverrides,
  probeInput,
  type ProbeSettingsInput,
  type Settings,
  type UplinkSettings,
} from './settings.js';

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
  readonly probe?: ProbeSettingsInput | undefined;
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

/** Merges an uplink's overrides over the global settings. */
export function settingsForUplink(settings: Settings, uplink: Uplink): UplinkSettings {
  return {
    probe: { ...settings.probe, ...probeInput(uplink.probe) },
    health: mergeHealth(settings.health, uplink.health),
  };
}

/**
 * Validates a set of uplinks against resolved settings (ids, priorities,
 * targets, and each uplink's merged overrides). Throws a {@link ConfigError}
 * listing every problem.
 */
export function validateUplinks(uplinks: readonly Uplink[], settings: Settings): void {
  const list = new IssueList();
  if (uplinks.length === 0) list.add('uplinks', 'at least one uplink is required');
  const seen = new Set<string>();
  uplinks.forEach((u, i) => {
    const at = `uplinks[${i}]`;
    if (typeof u.id !== 'string' || !UPLINK_ID_PATTERN.test(u.id))
      list.add(`${at}.id`, `must be 1-32 characters of a-z, 0-9, _ or -, got ${JSON.stringify(u.id)}`);
    else if (seen.has(u.id)) list.add(`${at}.id`, `duplicate uplink id "${u.id}"`);
    else seen.add(u.id);
    list.limit(`${at}.priority`, u.priority, SETTINGS_LIMITS.uplink.priority);
    if (u.interface !== undefined && !isInterfaceName(u.interface))
      list.add(`${at}.interface`, `${JSON.stringify(u.interface)} is not a valid interface name`);
    if (!Array.isArray(u.targets) || u.targets.length === 0) {
      list.add(`${at}.targets`, 'at least one target is required');
      return;
    }
    u.targets.forEach((t, j) => {
      if (typeof t !== 'string' || t.trim() === '') list.add(`${at}.targets[${j}]`, 'must be a non-empty string');
    });
    if (new Set(u.targets).size !== u.targets.length) list.add(`${at}.targets`, 'lists a target twice');
    const merged = settingsForUplink(settings, u);
    checkProbe(list, merged.probe, `${at}.probe`);
    checkHealth(list, merged.health, `${at}.health`);
    if (merged.probe.reliability > u.targets.length)
      list.add(
        `${at}.probe.reliability`,
        `is ${merged.probe.reliability} but the uplink has only ${u.targets.length} target(s): no round could ever pass`,
      );
  });
  if (list.issues.length > 0) throw new ConfigError(list.issues);
}
