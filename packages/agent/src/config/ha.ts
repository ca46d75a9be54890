/**
 * The config's `ha:` section: keepalived as the role engine, what a backup
 * does with its uplinks and routes, and the optional health coupling.
 */
import { isIP } from 'node:net';
import { isInterfaceName } from '@wanwatch/core';
import { KEEPALIVED_DEFAULTS, LINUX_DEFAULTS, type BackupMode } from '@wanwatch/linux';
import { isRaw, type Converter } from './convert.js';

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

const NAME = /^[A-Za-z0-9_.:-]{1,64}$/;

function address(c: Converter, value: unknown, family: 4 | 6, path: string[]): string | null {
  if (typeof value !== 'string') return null;
  if (isIP(value) !== family) {
    c.issue(path, `must be an IPv${family} address, got ${JSON.stringify(value)}`);
    return null;
  }
  return value;
}

/** Converts `ha:` (null when absent); problems go to `c`. */
export function haSection(c: Converter, raw: unknown, platform: string): HaSection | null {
  if (!isRaw(raw)) return null;
  if (platform !== 'linux') c.issue(['ha'], `needs platform linux (keepalived), not ${platform}`);
  const k = isRaw(raw.keepalived) ? raw.keepalived : {};
  const instance = typeof k.instance === 'string' ? k.instance : '';
  if (typeof k.instance === 'string' && !NAME.test(instance))
    c.issue(['ha', 'keepalived', 'instance'], `${JSON.stringify(instance)} is not a keepalived instance name`);
  const vips = Array.isArray(k.virtualAddresses) ? k.virtualAddresses.filter((v) => typeof v === 'string') : [];
  vips.forEach((v, i) => {
    if (isIP(v) === 0) c.issue(['ha', 'keepalived', 'virtualAddresses', i], `${JSON.stringify(v)} is not an address`);
  });
  const lan = typeof raw.lanInterface === 'string' ? raw.lanInterface : '';
  if (typeof raw.lanInterface === 'string' && !isInterfaceName(lan))
    c.issue(['ha', 'lanInterface'], `${JSON.stringify(lan)} is not a valid interface name`);
  const peer4 = address(c, raw.peer4, 4, ['ha', 'peer4']);
  const peer6 = address(c, raw.peer6, 6, ['ha', 'peer6']);
  if (raw.peer4 === undefined && raw.peer6 === undefined)
    c.issue(['ha'], "give peer4 and/or peer6: a backup's own traffic goes through the master");
  return {
    keepalived: {
      fifo: c.absolutePath(k.fifo, ['ha', 'keepalived', 'fifo']) ?? '',
      instance,
      stateFile: c.absolutePath(k.stateFile, ['ha', 'keepalived', 'stateFile']),
      pidFile: c.absolutePath(k.pidFile, ['ha', 'keepalived', 'pidFile']),
      virtualAddresses: vips,
      debounceMs: c.ms(k.debounce, ['ha', 'keepalived', 'debounce']) ?? KEEPALIVED_DEFAULTS.debounceMs,
    },
    backupMode: c.str<BackupMode>(raw.backupMode) ?? LINUX_DEFAULTS.backupMode,
    peer4,
    peer6,
    lanInterface: lan,
    trackFile: c.absolutePath(raw.trackFile, ['ha', 'trackFile']),
  };
}
