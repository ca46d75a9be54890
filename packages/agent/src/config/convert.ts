/**
 * From the file's shape to what the engine and the adapters take, driven by
 * the schema's declarations: a value of kind `duration` becomes
 * milliseconds, `percent` its number, `timeout` `auto` or milliseconds, and
 * a key becomes the field it declares (`interval` → `intervalMs`). The data
 * must have passed the schema (validate.ts): nothing is checked here.
 *
 * Uplinks need more than renaming (targets expanded by probes, a default
 * priority from their place in the list): {@link uplinkInput}.
 */
import type { SettingsInput, Uplink } from '@wanwatch/core';
import type { PathIssue } from './issues.js';
import type { Schema } from './schema-kit.js';
import { AGENT_DEFAULTS } from './schema.js';
import { expandTargets } from './targets.js';
import { parseDuration, parsePercent } from './units.js';

type Raw = Record<string, unknown>;

export const isRaw = (v: unknown): v is Raw => typeof v === 'object' && v !== null && !Array.isArray(v);

function scalar(kind: unknown, value: unknown): unknown {
  if (typeof value !== 'string') return value;
  if (kind === 'duration' || (kind === 'timeout' && value !== 'auto')) return parseDuration(value) ?? value;
  if (kind === 'percent') return parsePercent(value) ?? Number.parseFloat(value);
  return value;
}

/**
 * `value` converted as `schema` declares (see the module description).
 *
 * @example
 * ```ts
 * convert(CONFIG_SCHEMA.properties.probe, { interval: '1s', spread: '10%' }); // → { intervalMs: 1000, spreadPct: 10 }
 * ```
 */
export function convert(schema: Schema | undefined, value: unknown): unknown {
  if (!schema) return value;
  if (Array.isArray(value)) return value.map((item) => convert(schema.items as Schema | undefined, item));
  if (!isRaw(value)) return scalar(schema.kind, value);
  const properties = (schema.properties ?? {}) as Record<string, Schema>;
  const extra = typeof schema.additionalProperties === 'object' ? (schema.additionalProperties as Schema) : undefined;
  const out: Raw = {};
  for (const [key, v] of Object.entries(value)) {
    const sub = properties[key] ?? extra;
    out[(properties[key]?.field as string | undefined) ?? key] = convert(sub, v);
  }
  return out;
}

/** The converted top-level section `key` (an empty mapping when absent). */
export function sectionOf(schema: Schema, data: Raw, key: string): Raw {
  const properties = schema.properties as Record<string, Schema>;
  const value = convert(properties[key], data[key]);
  return isRaw(value) ? value : {};
}

/** The engine's settings input from the converted sections. */
export function settingsInput(schema: Schema, data: Raw): SettingsInput {
  const { icmp: _icmp, ...probe } = sectionOf(schema, data, 'probe');
  const hooks = sectionOf(schema, data, 'hooks');
  return {
    probe: probe,
    health: sectionOf(schema, data, 'health'),
    failback: sectionOf(schema, data, 'failback'),
    dampening: sectionOf(schema, data, 'dampening'),
    switch: { ...sectionOf(schema, data, 'switch'), hookTimeoutMs: hooks.hookTimeoutMs as number },
  };
}

/** One uplink for the engine, and which `targets` index each expanded target came from. */
export interface ConvertedUplink {
  readonly uplink: Uplink;
  readonly targetSources: readonly number[];
}

/** The engine's uplink from the `index`-th entry of `uplinks` (schema-checked); target problems go to `issues`. */
export function uplinkInput(schema: Schema, raw: Raw, index: number, issues: PathIssue[]): ConvertedUplink {
  const c = convert(schema, raw) as Raw;
  const strings = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x) => typeof x === 'string') : []);
  const probes = Array.isArray(c.probes) ? strings(c.probes) : [...AGENT_DEFAULTS.probes];
  const expanded = expandTargets(strings(c.targets), probes);
  for (const i of expanded.issues) issues.push({ path: ['uplinks', index, ...i.path], message: i.message });
  const uplink: Uplink = {
    id: typeof c.id === 'string' ? c.id : '',
    priority: typeof c.priority === 'number' ? c.priority : (index + 1) * AGENT_DEFAULTS.priorityStep,
    interface: typeof c.interface === 'string' ? c.interface : undefined,
    gateway: typeof c.gateway === 'string' ? c.gateway : AGENT_DEFAULTS.gateway,
    gateway6: typeof c.gateway6 === 'string' ? c.gateway6 : undefined,
    targets: expanded.targets.map((t) => t.target),
    probe: isRaw(c.probe) ? c.probe : undefined,
    health: isRaw(c.health) ? c.health : undefined,
  };
  return { uplink, targetSources: expanded.targets.map((t) => t.from) };
}
