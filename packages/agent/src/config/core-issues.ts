/**
 * The engine validates its own settings (ranges, `recover ≤ fail`,
 * `reuse < suppress`, the failback window…). Its issues name engine fields
 * (`uplinks[1].probe.intervalMs`); this maps them back to the keys an
 * operator wrote (`uplinks[1].probe.interval`) and speaks in the file's units.
 */
import {
  ConfigError,
  DEFAULT_SETTINGS,
  resolveSettings,
  validateUplinks,
  type ConfigIssue,
  type Settings,
  type SettingsInput,
  type Uplink,
} from '@wanwatch/core';
import type { PathIssue } from './issues.js';
import type { ConfigPath } from './positions.js';
import { formatDuration } from './units.js';

const KEY_OF_FIELD: Readonly<Record<string, string>> = {
  intervalMs: 'interval',
  failureIntervalMs: 'failureInterval',
  recoveryIntervalMs: 'recoveryInterval',
  timeoutMs: 'timeout',
  minTimeoutMs: 'minTimeout',
  maxTimeoutMs: 'maxTimeout',
  spreadPct: 'spread',
  lossPct: 'loss',
  latencyMs: 'latency',
  jitterMs: 'jitter',
  delayMs: 'delay',
  minDwellMs: 'minDwell',
  trialWindowMs: 'trialWindow',
  maxBackoffMs: 'maxBackoff',
  halfLifeMs: 'halfLife',
  maxSuppressMs: 'maxSuppress',
  activateTimeoutMs: 'activateTimeout',
  verifyTimeoutMs: 'verifyTimeout',
  retryDelayMs: 'retryDelay',
  startupGraceMs: 'startupGrace',
  id: 'name',
};

/** `uplinks[1].probe.intervalMs` → `['uplinks', 1, 'probe', 'intervalMs']`. */
function splitCorePath(path: string): (string | number)[] {
  const parts: (string | number)[] = [];
  for (const piece of path.split('.')) {
    const m = /^([^[]*)((?:\[\d+\])*)$/.exec(piece);
    if (!m) return [path];
    if (m[1]) parts.push(m[1]);
    for (const idx of (m[2] ?? '').matchAll(/\[(\d+)\]/g)) parts.push(Number(idx[1]));
  }
  return parts;
}

const isDurationField = (field: string | number | undefined) =>
  typeof field === 'string' && field.endsWith('Ms') && field !== 'lossPct';

/** Rewrites "from 10 to 3600000, got 5" in milliseconds into durations. */
function inUnits(message: string, fields: readonly (string | number)[]): string {
  const durationy = fields.some(isDurationField);
  if (!durationy) return message;
  const dur = (n: string) => (/^\d+$/.test(n) ? formatDuration(Number(n)) : n);
  return message
    .replace(/from (\d+) to (\d+), got (\S+)/, (_, a: string, b: string, got: string) => {
      return `from ${dur(a)} to ${dur(b)}, got ${dur(got)}`;
    })
    .replace(/\((\d+)\)$/, (_, n: string) => `(${dur(n)})`);
}

/** What the mapper needs to know about the file. */
export interface CoreIssueContext {
  /** Does the file set this path? (an uplink override, say) */
  has(path: ConfigPath): boolean;
  /** Where each uplink's expanded targets came from in its `targets`. */
  targetSources(uplink: number): readonly number[];
}

/** One engine issue as a path in the file. */
export function mapCoreIssue(issue: ConfigIssue, ctx: CoreIssueContext): PathIssue {
  const core = splitCorePath(issue.path);
  const message = inUnits(issue.message, core);
  if (core[0] === 'switch' && core[1] === 'hookTimeoutMs') return { path: ['hooks', 'timeout'], message };
  const path = core.map((p) => (typeof p === 'string' ? (KEY_OF_FIELD[p] ?? p) : p));
  if (path[path.length - 1] === 'name') return { path, message: message.replace('uplink id', 'uplink name') };
  if (path[0] !== 'uplinks' || typeof path[1] !== 'number') return { path, message };
  const uplink = path[1];
  if (path[2] === 'targets' && typeof path[3] === 'number') {
    return { path: ['uplinks', uplink, 'targets', ctx.targetSources(uplink)[path[3]] ?? 0], message };
  }
  if ((path[2] === 'probe' || path[2] === 'health') && !ctx.has(path)) {
    // The uplink inherits the value and something of its own conflicts with it.
    if (path[2] === 'probe' && path[3] === 'reliability')
      return { path: ['uplinks', uplink, 'targets'], message: `probe.reliability ${message}` };
    return { path, message: `${message} (the value is inherited from ${path.slice(2).join('.')})` };
  }
  return { path, message };
}

function coreIssues(work: () => void): ConfigIssue[] {
  try {
    work();
    return [];
  } catch (err) {
    if (err instanceof ConfigError) return [...err.issues];
    throw err;
  }
}

/**
 * Resolves the engine's settings and validates the uplinks with core's own
 * rules. Settings the engine refuses are reported and replaced by its
 * defaults, so the uplinks are still checked in the same pass.
 */
export function checkWithCore(
  input: SettingsInput,
  uplinks: readonly Uplink[],
  ctx: CoreIssueContext,
): { settings: Settings; issues: PathIssue[] } {
  let settings: Settings = DEFAULT_SETTINGS;
  const first = coreIssues(() => {
    settings = resolveSettings(input);
  });
  if (first.length > 0) {
    // Keep the sections the engine accepted, so only the faulty ones fall back to defaults.
    const faulty = new Set(first.map((i) => i.path.split('.')[0]));
    const kept = Object.fromEntries(Object.entries(input).filter(([k]) => !faulty.has(k))) as SettingsInput;
    coreIssues(() => {
      settings = resolveSettings(kept);
    });
  }
  const second = coreIssues(() => validateUplinks(uplinks, settings));
  return { settings, issues: [...first, ...second].map((i) => mapCoreIssue(i, ctx)) };
}
