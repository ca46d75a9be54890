/**
 * The building blocks of the config schema. A key is declared once, here
 * or in the section that owns it, with everything about it: its type, its
 * unit (`500ms`, `40%`), its range (a {@link Limit} read from the library
 * that owns the setting, so the library's own check and the file's check
 * are one declaration), its default (read from the same library) and the
 * name of the field it feeds (`interval` → `intervalMs`). The validator
 * (validate.ts) reports every problem at its key, the converter
 * (convert.ts) turns a valid file into what the engine and the adapters
 * take, and `core-issues.ts` maps a library's remaining cross-field
 * problems back to the keys through the same declarations.
 *
 * The schema is JSON Schema for ajv, plus these annotations:
 * - `kind`: `duration` (text with a unit → ms), `timeout` (`auto` or a
 *   duration), `percent` (`40%` → 40), `path` (absolute), `directory`
 *   (absolute), `interface` (a device name), `ipv4`/`ipv6` (an address).
 * - `limit`: the range of the value, in the library's unit (ms, %).
 * - `field`: the name the converted value takes, when it is not the key.
 * - `notA`: how a refused `pattern` is worded (`"x" is not <notA>`).
 */
import { formatDuration, formatPercent, DURATION_PATTERN, PERCENT_PATTERN } from './units.js';
import type { Limit } from '@wanwatch/core';

/** A JSON Schema node with the annotations above. */
export type Schema = Readonly<Record<string, unknown>>;

/** What every key may declare besides its description. */
export interface KeyOptions<T> {
  /** The default; absent: none (the key is optional, or inherits). */
  readonly default?: T | undefined;
  /** The range, in the library's unit. */
  readonly limit?: Limit | undefined;
  /** The converted value's name when it is not the key's. */
  readonly field?: string | undefined;
}

const build = (schema: Record<string, unknown>, o: KeyOptions<unknown>, def?: unknown): Schema => {
  const out: Record<string, unknown> = { ...schema };
  if (o.limit !== undefined) out.limit = o.limit;
  if (o.field !== undefined) out.field = o.field;
  if (def !== undefined) out.default = def;
  return out;
};

/** A duration with a unit (`500ms`, `1m30s`), converted to ms. Every duration needs a limit (Node's timers end at 24.8 days). */
export function duration(description: string, o: KeyOptions<number> & { readonly limit: Limit }): Schema {
  return build(
    { type: 'string', kind: 'duration', pattern: DURATION_PATTERN, description },
    o,
    o.default === undefined ? undefined : formatDuration(o.default),
  );
}

/** `auto` or a duration. */
export function timeout(description: string, o: KeyOptions<number | 'auto'> & { readonly limit: Limit }): Schema {
  const def = o.default === undefined ? undefined : o.default === 'auto' ? 'auto' : formatDuration(o.default);
  return build({ type: 'string', kind: 'timeout', pattern: `^auto$|${DURATION_PATTERN}`, description }, o, def);
}

/** A percentage (`40%`), converted to the number. */
export function percent(description: string, o: KeyOptions<number> & { readonly limit: Limit }): Schema {
  return build(
    { type: 'string', kind: 'percent', pattern: PERCENT_PATTERN, description },
    o,
    o.default === undefined ? undefined : formatPercent(o.default),
  );
}

/** A whole number. */
export function integer(description: string, o: KeyOptions<number> = {}): Schema {
  return build({ type: 'integer', description }, o, o.default);
}

/** A number. */
export function number(description: string, o: KeyOptions<number> = {}): Schema {
  return build({ type: 'number', description }, o, o.default);
}

/** One of `values`. */
export function oneOf(values: readonly string[], description: string, o: KeyOptions<string> = {}): Schema {
  return build({ type: 'string', enum: values, description }, o, o.default);
}

/** Text; `nullable`: null is allowed too (and may be the default). */
export function text(description: string, o: KeyOptions<string | null> & { readonly nullable?: boolean } = {}): Schema {
  return build({ type: o.nullable ? ['string', 'null'] : 'string', description }, o, o.default);
}

/** An absolute path of a file; `nullable`: null (none) is allowed too. */
export function path(description: string, o: KeyOptions<string | null> & { readonly nullable?: boolean } = {}): Schema {
  return build({ type: o.nullable ? ['string', 'null'] : 'string', kind: 'path', description }, o, o.default);
}

/** An absolute path of a directory. */
export function directory(description: string, o: KeyOptions<string> = {}): Schema {
  return build({ type: 'string', kind: 'directory', description }, o, o.default);
}

/** A device name (`eth1`, `ppp0`). */
export function iface(description: string, o: KeyOptions<string> = {}): Schema {
  return build({ type: 'string', kind: 'interface', description }, o, o.default);
}

/** An IPv4 or IPv6 address (a zone `%eth0` is allowed for IPv6); `auto`: the word auto too. */
export function address(
  family: 4 | 6,
  description: string,
  o: KeyOptions<string | null> & { readonly nullable?: boolean; readonly auto?: boolean } = {},
): Schema {
  return build(
    {
      type: o.nullable ? ['string', 'null'] : 'string',
      kind: o.auto ? `ipv${family}-or-auto` : `ipv${family}`,
      description,
    },
    o,
    o.default,
  );
}

/** Text matching `pattern`, worded as `"x" is not <notA>` when it does not. */
export function matching(pattern: string, notA: string, description: string, o: KeyOptions<string> = {}): Schema {
  return build({ type: 'string', pattern, notA, description }, o, o.default);
}

/** Text matching `pattern`, worded as `must be <mustBe>, got "x"` when it does not; `nullable`: null too. */
export function mustMatch(
  pattern: string,
  mustBe: string,
  description: string,
  o: KeyOptions<string | null> & { readonly nullable?: boolean } = {},
): Schema {
  return build({ type: o.nullable ? ['string', 'null'] : 'string', pattern, mustBe, description }, o, o.default);
}

/** True or false. */
export function boolean(description: string, o: KeyOptions<boolean> = {}): Schema {
  return build({ type: 'boolean', description }, o, o.default);
}

/** A mapping of known keys (unknown keys are errors). `defaults`: an absent section is filled with its defaults. */
export function section(
  properties: Readonly<Record<string, Schema>>,
  description: string,
  o: { readonly defaults: boolean; readonly required?: readonly string[]; readonly field?: string } = {
    defaults: true,
  },
): Schema {
  return {
    type: 'object',
    additionalProperties: false,
    properties,
    description,
    ...(o.required ? { required: [...o.required] } : {}),
    ...(o.field ? { field: o.field } : {}),
    ...(o.defaults ? { default: {} } : {}),
  };
}

/** A mapping of any keys (uplink names, say) to values of one schema. */
export function record(values: Schema, description: string, o: { readonly defaults?: boolean } = {}): Schema {
  return { type: 'object', additionalProperties: values, description, ...(o.defaults ? { default: {} } : {}) };
}

/** A list of items of one schema. */
export function list(
  items: Schema,
  description: string,
  o: { readonly default?: readonly unknown[]; readonly minItems?: number } = {},
): Schema {
  return {
    type: 'array',
    items,
    description,
    ...(o.minItems === undefined ? {} : { minItems: o.minItems }),
    ...(o.default === undefined ? {} : { default: [...o.default] }),
  };
}

/** `uplinks[1].probe.intervalMs` → `['uplinks', 1, 'probe', 'intervalMs']` (a library's issue path). */
export function splitFieldPath(path: string): (string | number)[] {
  const parts: (string | number)[] = [];
  for (const piece of path.split('.')) {
    const m = /^([^[]*)((?:\[\d+\])*)$/.exec(piece);
    if (!m) return [path];
    if (m[1]) parts.push(m[1]);
    for (const idx of (m[2] ?? '').matchAll(/\[(\d+)\]/g)) parts.push(Number(idx[1]));
  }
  return parts;
}

const childOf = (schema: Schema | undefined, part: string | number): { key: string | number; schema?: Schema } => {
  if (!schema) return { key: part };
  if (typeof part === 'number') return { key: part, schema: schema.items as Schema | undefined };
  const properties = (schema.properties ?? {}) as Record<string, Schema>;
  for (const [key, sub] of Object.entries(properties)) if ((sub.field ?? key) === part) return { key, schema: sub };
  const extra = schema.additionalProperties;
  return { key: part, schema: typeof extra === 'object' ? (extra as Schema) : undefined };
};

/**
 * The file's keys of a converted value's path, read from the schema's
 * `field` declarations: `['probe', 'intervalMs']` → `['probe', 'interval']`.
 * Steps the schema does not know are kept as they are.
 */
export function keyPath(schema: Schema, fields: readonly (string | number)[]): (string | number)[] {
  let node: Schema | undefined = schema;
  return fields.map((part) => {
    const next = childOf(node, part);
    node = next.schema;
    return next.key;
  });
}
