/**
 * From the file's shape (durations as `500ms`, ratios as `40%`, uplinks
 * with `targets` and `probes`) to what the engine takes (milliseconds,
 * percentages, uplinks with expanded targets).
 *
 * Conversion is best effort: a value that is wrong is reported and left out
 * (so the engine's default stands in for it), which lets the engine's own
 * validation run too and report every other problem in the same pass.
 */
import { isIP } from 'node:net';
import {
  isInterfaceName,
  type HealthOverrides,
  type ProbeSettings,
  type SettingsInput,
  type Uplink,
} from '@wanwatch/core';
import type { PathIssue } from './issues.js';
import type { ConfigPath } from './positions.js';
import { AGENT_DEFAULTS } from './schema.js';
import { expandTargets } from './targets.js';
import { parseDuration, parsePercent } from './units.js';

type Raw = Record<string, unknown>;

export const isRaw = (v: unknown): v is Raw => typeof v === 'object' && v !== null && !Array.isArray(v);
const rawAt = (v: unknown, key: string): Raw => {
  const x = isRaw(v) ? v[key] : undefined;
  return isRaw(x) ? x : {};
};

/** Collects issues and converts values, skipping (and reporting) bad ones. */
export class Converter {
  readonly issues: PathIssue[] = [];

  issue(path: ConfigPath, message: string): void {
    this.issues.push({ path, message });
  }

  /** Milliseconds of a duration string; undefined when absent or wrong (wrong types are the schema's to report). */
  ms(value: unknown, path: ConfigPath): number | undefined {
    if (typeof value !== 'string') return undefined;
    const ms = parseDuration(value);
    if (ms === null && new RegExp('^(\\d+(\\.\\d+)?(ms|s|m|h|d))+$').test(value))
      this.issue(path, `units must go from largest to smallest, each once, got ${JSON.stringify(value)}`);
    return ms ?? undefined;
  }

  pct(value: unknown, path: ConfigPath): number | undefined {
    if (typeof value !== 'string') return undefined;
    const pct = parsePercent(value);
    if (pct === null && /^\d+(\.\d+)?\s?%$/.test(value)) this.issue(path, `must be at most 100%, got ${value}`);
    return pct ?? undefined;
  }

  int(value: unknown): number | undefined {
    return typeof value === 'number' && Number.isInteger(value) ? value : undefined;
  }

  str<T extends string>(value: unknown): T | undefined {
    return typeof value === 'string' ? (value as T) : undefined;
  }

  absolutePath(value: unknown, path: ConfigPath): string | null {
    if (typeof value !== 'string') return null;
    if (!value.startsWith('/')) {
      this.issue(path, `must be an absolute path, got ${JSON.stringify(value)}`);
      return null;
    }
    return value;
  }
}

const defined = <T extends Raw>(o: T): Partial<T> =>
  Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;

export function probeInput(c: Converter, raw: Raw, at: ConfigPath): Partial<ProbeSettings> {
  const timeout: number | 'auto' | undefined = raw.timeout === 'auto' ? 'auto' : c.ms(raw.timeout, [...at, 'timeout']);
  return defined({
    intervalMs: c.ms(raw.interval, [...at, 'interval']),
    failureIntervalMs: c.ms(raw.failureInterval, [...at, 'failureInterval']),
    recoveryIntervalMs: c.ms(raw.recoveryInterval, [...at, 'recoveryInterval']),
    timeoutMs: timeout,
    minTimeoutMs: c.ms(raw.minTimeout, [...at, 'minTimeout']),
    maxTimeoutMs: c.ms(raw.maxTimeout, [...at, 'maxTimeout']),
    reliability: c.int(raw.reliability),
    spreadPct: c.pct(raw.spread, [...at, 'spread']),
  });
}

export function healthInput(c: Converter, raw: Raw, at: ConfigPath): HealthOverrides {
  const pair = (key: string, conv: (v: unknown, p: ConfigPath) => number | undefined) => {
    const t = rawAt(raw, key);
    return defined({ fail: conv(t.fail, [...at, key, 'fail']), recover: conv(t.recover, [...at, key, 'recover']) });
  };
  const ms = c.ms.bind(c);
  return defined({
    down: c.int(raw.down),
    up: c.int(raw.up),
    window: c.int(raw.window),
    lossPct: isRaw(raw.loss) ? pair('loss', c.pct.bind(c)) : undefined,
    latencyMs: isRaw(raw.latency) ? pair('latency', ms) : undefined,
    jitterMs: isRaw(raw.jitter) ? pair('jitter', ms) : undefined,
    initialState: c.str<'unknown' | 'down'>(raw.initialState),
  });
}

/** The engine's settings input from the whole file. */
export function settingsInput(c: Converter, raw: Raw): SettingsInput {
  const fb = rawAt(raw, 'failback');
  const dp = rawAt(raw, 'dampening');
  const sw = rawAt(raw, 'switch');
  const hooks = rawAt(raw, 'hooks');
  const nullableText = (v: unknown) => (v === null ? null : c.str(v));
  return {
    probe: probeInput(c, rawAt(raw, 'probe'), ['probe']),
    health: healthInput(c, rawAt(raw, 'health'), ['health']),
    failback: defined({
      mode: c.str<'auto' | 'manual' | 'disabled'>(fb.mode),
      delayMs: c.ms(fb.delay, ['failback', 'delay']),
      window: nullableText(fb.window),
      timeZone: nullableText(fb.timeZone),
      minDwellMs: c.ms(fb.minDwell, ['failback', 'minDwell']),
      trialWindowMs: c.ms(fb.trialWindow, ['failback', 'trialWindow']),
      maxBackoffMs: c.ms(fb.maxBackoff, ['failback', 'maxBackoff']),
    }),
    dampening: defined({
      enabled: typeof dp.enabled === 'boolean' ? dp.enabled : undefined,
      penalty: typeof dp.penalty === 'number' ? dp.penalty : undefined,
      halfLifeMs: c.ms(dp.halfLife, ['dampening', 'halfLife']),
      suppress: typeof dp.suppress === 'number' ? dp.suppress : undefined,
      reuse: typeof dp.reuse === 'number' ? dp.reuse : undefined,
      maxSuppressMs: c.ms(dp.maxSuppress, ['dampening', 'maxSuppress']),
    }),
    switch: defined({
      activateTimeoutMs: c.ms(sw.activateTimeout, ['switch', 'activateTimeout']),
      verifyTimeoutMs: c.ms(sw.verifyTimeout, ['switch', 'verifyTimeout']),
      hookTimeoutMs: c.ms(hooks.timeout, ['hooks', 'timeout']),
      retryDelayMs: c.ms(sw.retryDelay, ['switch', 'retryDelay']),
      startupGraceMs: c.ms(sw.startupGrace, ['switch', 'startupGrace']),
    }),
  };
}

function gatewayOf(c: Converter, value: unknown, family: 4 | 6, path: ConfigPath): string | undefined {
  if (typeof value !== 'string') return undefined;
  if (value === 'auto' || isIP(value.split('%')[0] ?? '') === family) return value;
  c.issue(path, `must be auto or an IPv${family} address, got ${JSON.stringify(value)}`);
  return undefined;
}

/** One uplink for the engine, and which `targets` index each expanded target came from. */
export interface ConvertedUplink {
  readonly uplink: Uplink;
  readonly targetSources: readonly number[];
}

export function uplinkInput(c: Converter, raw: Raw, index: number): ConvertedUplink {
  const at: ConfigPath = ['uplinks', index];
  const iface = c.str(raw.interface);
  if (iface !== undefined && !isInterfaceName(iface))
    c.issue(
      [...at, 'interface'],
      `${JSON.stringify(iface)} is not a valid interface name (1-15 characters, no / or spaces)`,
    );
  const targets = Array.isArray(raw.targets) ? raw.targets.filter((t): t is string => typeof t === 'string') : [];
  const probes = Array.isArray(raw.probes)
    ? raw.probes.filter((p): p is string => typeof p === 'string')
    : [...AGENT_DEFAULTS.probes];
  const expanded = expandTargets(targets, probes);
  for (const i of expanded.issues) c.issue([...at, ...i.path], i.message);
  const uplink: Uplink = {
    id: typeof raw.name === 'string' ? raw.name : '',
    priority: c.int(raw.priority) ?? (index + 1) * AGENT_DEFAULTS.priorityStep,
    interface: iface,
    gateway: gatewayOf(c, raw.gateway, 4, [...at, 'gateway']) ?? AGENT_DEFAULTS.gateway,
    gateway6: gatewayOf(c, raw.gateway6, 6, [...at, 'gateway6']),
    targets: expanded.targets.map((t) => t.target),
    probe: isRaw(raw.probe) ? probeInput(c, raw.probe, [...at, 'probe']) : undefined,
    health: isRaw(raw.health) ? healthInput(c, raw.health, [...at, 'health']) : undefined,
  };
  return { uplink, targetSources: expanded.targets.map((t) => t.from) };
}
