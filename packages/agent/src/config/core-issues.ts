/**
 * The engine checks what no single key can: the relations between keys
 * (`recover ≤ fail`, `reuse < suppress`, `minTimeout ≤ maxTimeout`,
 * `maxSuppress ≥ halfLife`, a reliability no round could reach). Its issues
 * name engine fields (`uplinks[1].probe.minTimeoutMs`); this maps them back
 * to the keys an operator wrote through the schema's own `field`
 * declarations (no table of names), and speaks in the file's units.
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
import { keyPath, splitFieldPath, type Schema } from './schema-kit.js';
import { formatDuration } from './units.js';

/** The schema node at `path` (keys of the file), or undefined. */
function nodeAt(schema: Schema, path: ConfigPath): Schema | undefined {
  let node: Schema | undefined = schema;
  for (const part of path) {
    if (!node) return undefined;
    if (typeof part === 'number') node = node.items as Schema | undefined;
    else {
      const properties = (node.properties ?? {}) as Record<string, Schema>;
      const extra = node.additionalProperties;
      node = properties[part] ?? (typeof extra === 'object' ? (extra as Schema) : undefined);
    }
  }
  return node;
}

/** Rewrites "from 10 to 3600000, got 5" and "(800)" in milliseconds into durations. */
function inUnits(message: string, kind: unknown): string {
  if (kind !== 'duration' && kind !== 'timeout') return message;
  const dur = (n: string) => (/^\d+$/.test(n) ? formatDuration(Number(n)) : n);
  return message
    .replace(/from (\d+) to (\d+), got (\S+)/, (_, a: string, b: string, got: string) => {
      return `from ${dur(a)} to ${dur(b)}, got ${dur(got)}`;
    })
    .replace(/\((\d+)\)$/, (_, n: string) => `(${dur(n)})`);
}

/** What the mapper needs to know about the file. */
export interface CoreIssueContext {
  /** The file's schema. */
  readonly schema: Schema;
  /** Does the file set this path? (an uplink override, say) */
  has(path: ConfigPath): boolean;
  /** Where each uplink's expanded targets came from in its `targets`. */
  targetSources(uplink: number): readonly number[];
}

/** One engine issue as a path in the file. */
export function mapCoreIssue(issue: ConfigIssue, ctx: CoreIssueContext): PathIssue {
  const fields = splitFieldPath(issue.path);
  // The one engine setting the file keeps elsewhere: the hooks' time limit (see convert.ts's settingsInput).
  const path =
    fields[0] === 'switch' && fields[1] === 'hookTimeoutMs' ? ['hooks', 'timeout'] : keyPath(ctx.schema, fields);
  const message = inUnits(issue.message, nodeAt(ctx.schema, path)?.kind).replace('uplink id', 'uplink name');
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
