/**
 * The interface map: uplink ↔ device (`vtnet1`, what `linkup` and `newip`
 * take) ↔ OPNsense interface name (`wan`, `opt1`, what `reconfigure`
 * takes) — the seeds' WAN_INTERFACE_MAP, found instead of typed in.
 *
 * Sources, strongest first: the `interfaces` option (uplink → name), the
 * `<interfaces>` section of `/conf/config.xml` (`<opt1><if>vtnet2</if>`),
 * and `configctl interface list ifconfig` for which devices exist. An
 * uplink's `interface` is always the device: probes bind to it.
 */
import { readFile } from 'node:fs/promises';
import { ConfigError, type ConfigIssue } from '@wanwatch/core';

/** One uplink as the adapter drives it. */
export interface WanEntry {
  readonly uplink: string;
  readonly device: string;
  readonly name: string;
  /** How the name was found. */
  readonly source: 'option' | 'config.xml';
}

/** OPNsense interface names by device, from config.xml's `<interfaces>` section. */
export function namesFromConfigXml(xml: string): Map<string, string> {
  const out = new Map<string, string>();
  const section = /<interfaces>([\s\S]*?)<\/interfaces>/.exec(xml)?.[1];
  if (!section) return out;
  const entry = /<([a-z][a-z0-9_]*)>([\s\S]*?)<\/\1>/g;
  for (let m = entry.exec(section); m; m = entry.exec(section)) {
    const device = /<if>\s*([^<\s]+)\s*<\/if>/.exec(m[2]!)?.[1];
    if (device && !out.has(device)) out.set(device, m[1]!);
  }
  return out;
}

/** What the map is built from. */
export interface MapSources {
  /** uplink id → configured device (`Uplink.interface`). */
  readonly uplinks: readonly { readonly id: string; readonly interface: string }[];
  /** uplink id → OPNsense name (the `interfaces` option). */
  readonly overrides: Readonly<Record<string, string>>;
  /** config.xml text, or null when it could not be read. */
  readonly configXml: string | null;
  /** Devices `configctl interface list ifconfig` knows, or null when it could not be asked. */
  readonly devices: ReadonlySet<string> | null;
}

/**
 * Builds the map. Throws a core `ConfigError` naming every uplink whose
 * device or name cannot be found.
 *
 * @example
 * ```ts
 * buildInterfaceMap({ uplinks: [{ id: 'fiber', interface: 'vtnet1' }], overrides: {}, configXml, devices: null });
 * // [{ uplink: 'fiber', device: 'vtnet1', name: 'wan', source: 'config.xml' }]
 * ```
 */
export function buildInterfaceMap(s: MapSources): WanEntry[] {
  const names = s.configXml === null ? new Map<string, string>() : namesFromConfigXml(s.configXml);
  const issues: ConfigIssue[] = [];
  const entries: WanEntry[] = [];
  s.uplinks.forEach((u, i) => {
    const device = u.interface;
    const override = s.overrides[u.id];
    const name = override ?? names.get(device);
    if (s.devices && !s.devices.has(device))
      issues.push({
        path: `uplinks[${i}].interface`,
        message: `configctl interface list ifconfig knows no device ${device} (known: ${[...s.devices].join(', ')})`,
      });
    if (name === undefined)
      issues.push({
        path: `uplinks[${i}].interface`,
        message:
          `no OPNsense interface name (wan, opt1…) for ${device}: ` +
          (s.configXml === null ? 'config.xml could not be read; ' : 'config.xml does not assign it; ') +
          `set opnsense.interfaces.${u.id}`,
      });
    else entries.push({ uplink: u.id, device, name, source: override ? 'option' : 'config.xml' });
  });
  const seen = new Map<string, string>();
  for (const e of entries) {
    const other = seen.get(e.device);
    if (other) issues.push({ path: `uplinks.${e.uplink}`, message: `${e.device} is already uplink ${other}'s device` });
    seen.set(e.device, e.uplink);
  }
  if (issues.length > 0) throw new ConfigError(issues);
  return entries;
}

/** Reads config.xml; null when it is missing or unreadable (the map then needs the option). */
export async function readConfigXml(file: string): Promise<string | null> {
  try {
    return await readFile(file, 'utf8');
  } catch {
    return null;
  }
}
