/**
 * Runs the config schema (ajv: every error at once, defaults filled in) and
 * words its errors for an operator: an unknown key says which keys are
 * allowed (and which one was probably meant), a duration says what a
 * duration looks like, a value out of range gives the range in the file's
 * units. The schema's own keywords (schema-kit.ts) are checked here:
 * `kind` (paths, device names, addresses) and `limit` (ranges).
 */
import { isIP } from 'node:net';
import { Ajv, type ErrorObject } from 'ajv';
import { isInterfaceName, withinLimit, type Limit } from '@wanwatch/core';
import type { PathIssue } from './issues.js';
import type { Schema } from './schema-kit.js';
import { formatDuration, parseDuration } from './units.js';

const show = (v: unknown) => JSON.stringify(v) ?? String(v);

function address(value: string, family: 4 | 6): boolean {
  const [plain = '', zone] = value.split('%');
  return isIP(plain) === family && (zone === undefined || (family === 6 && isInterfaceName(zone)));
}

/** Kinds whose values ajv's `type` and `pattern` do not already check. */
const KIND_CHECK: Readonly<Record<string, (value: string) => boolean>> = {
  path: (v) => v.startsWith('/'),
  directory: (v) => v.startsWith('/'),
  interface: isInterfaceName,
  ip: (v) => isIP(v) !== 0,
  ipv4: (v) => address(v, 4),
  ipv6: (v) => address(v, 6),
  'ipv4-or-auto': (v) => v === 'auto' || address(v, 4),
  'ipv6-or-auto': (v) => v === 'auto' || address(v, 6),
};

/** The value of `data` in the limit's unit: ms of a duration, the number of a percentage; null when it is not one. */
function measure(data: unknown, kind: string | undefined): number | null {
  if (typeof data === 'number') return data;
  if (typeof data !== 'string') return null;
  if (kind === 'duration' || (kind === 'timeout' && data !== 'auto')) return parseDuration(data);
  if (kind === 'percent') return /^\d+(\.\d+)?\s?%$/.test(data) ? Number.parseFloat(data) : null;
  return null;
}

const ajv = new Ajv({ allErrors: true, useDefaults: true, verbose: true, strict: true, allowUnionTypes: true });
ajv.addVocabulary(['field', 'notA', 'mustBe']);
ajv.addKeyword({
  keyword: 'kind',
  schemaType: 'string',
  validate: (kind: string, data: unknown) => typeof data !== 'string' || (KIND_CHECK[kind]?.(data) ?? true),
});
ajv.addKeyword({
  keyword: 'limit',
  schemaType: 'object',
  validate: (limit: Limit, data: unknown, parent?: { kind?: string }) => {
    const value = measure(data, parent?.kind);
    return value === null || withinLimit(value, limit); // a value of the wrong form is the type's or pattern's to report
  },
});

function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const here = row[j]!;
      row[j] = Math.min(
        row[j]! + 1,
        row[j - 1]! + 1,
        prev + (a[i - 1]!.toLowerCase() === b[j - 1]!.toLowerCase() ? 0 : 1),
      );
      prev = here;
    }
  }
  return row[b.length]!;
}

function unknownKey(key: string, schema: Record<string, unknown>): string {
  const allowed = Object.keys((schema.properties as Record<string, unknown> | undefined) ?? {});
  const near = allowed.filter((k) => distance(key, k) <= (k.length <= 3 ? 1 : 2));
  const hint = near.length > 0 ? `; did you mean ${near.join(' or ')}?` : '';
  return `unknown key "${key}"${hint} (allowed: ${allowed.join(', ')})`;
}

const KIND_TEXT: Readonly<Record<string, string>> = {
  duration: 'a duration with a unit, like 500ms, 60s, 15m or 1h30m',
  timeout: 'auto or a duration with a unit, like 800ms or 2s',
  percent: 'a percentage, like 40%',
};

/** What a value of `kind` that fails its check is told. */
function kindMessage(kind: string, data: unknown): string {
  switch (kind) {
    case 'path':
      return `must be an absolute path, got ${show(data)}`;
    case 'directory':
      return `must be an absolute directory, got ${show(data)}`;
    case 'ip':
      return `${show(data)} is not an address`;
    case 'interface':
      return `${show(data)} is not a valid interface name (1-15 characters, no / or spaces)`;
    default: {
      const m = /^ipv([46])(-or-auto)?$/.exec(kind);
      if (m) return `must be ${m[2] ? 'auto or ' : ''}an IPv${m[1]} address, got ${show(data)}`;
      return `is not valid: ${show(data)}`;
    }
  }
}

/** "from 10ms to 1h", in the unit of the key. */
function limitMessage(limit: Limit, kind: string | undefined, data: unknown): string {
  const got = `got ${typeof data === 'string' ? data : show(data)}`;
  if (kind === 'percent')
    return limit.min === 0 && limit.max !== undefined
      ? `must be at most ${limit.max}%, ${got}`
      : `must be from ${limit.min}% to ${limit.max ?? 100}%, ${got}`;
  if (kind === 'duration' || kind === 'timeout') {
    const whole = limit.integer ? 'a whole number ' : '';
    return `must be ${whole}from ${formatDuration(limit.min)} to ${formatDuration(limit.max ?? 0)}, ${got}`;
  }
  if (limit.max === undefined) return `must be at least ${limit.min}, ${got}`;
  return `must be ${limit.integer ? '' : 'a number '}from ${limit.min} to ${limit.max}, ${got}`;
}

function message(e: ErrorObject): string {
  const parent = (e.parentSchema ?? {}) as { kind?: string; notA?: string; mustBe?: string; limit?: Limit };
  const kind = parent.kind;
  if (kind && KIND_TEXT[kind] && (e.keyword === 'type' || e.keyword === 'pattern'))
    return `must be ${KIND_TEXT[kind]}, got ${show(e.data)}`;
  switch (e.keyword) {
    case 'kind':
      return kindMessage(String(kind), e.data);
    case 'limit':
      return limitMessage(parent.limit!, kind, e.data);
    case 'pattern':
      if (parent.notA) return `${show(e.data)} is not ${parent.notA}`;
      if (parent.mustBe) return `must be ${parent.mustBe}, got ${show(e.data)}`;
      return e.message ?? e.keyword;
    case 'additionalProperties':
      return unknownKey(String(e.params.additionalProperty), e.parentSchema as Record<string, unknown>);
    case 'required':
      return `missing required key "${String(e.params.missingProperty)}"`;
    case 'enum':
      return `must be one of ${(e.params.allowedValues as unknown[]).join(', ')}, got ${show(e.data)}`;
    case 'type': {
      const want = ([] as unknown[]).concat(e.params.type).join(' or ').replace('integer', 'a whole number');
      const article = /^(a |null)/.test(want) ? '' : /^[aeiou]/.test(want) ? 'an ' : 'a ';
      return `must be ${article}${want.replace('object', 'mapping').replace('array', 'list')}, got ${show(e.data)}`;
    }
    case 'minItems':
      return `must list at least ${String(e.params.limit)}`;
    default:
      return e.message ?? e.keyword;
  }
}

function pathOf(e: ErrorObject): (string | number)[] {
  const parts = e.instancePath
    .split('/')
    .slice(1)
    .map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((p) => (/^\d+$/.test(p) ? Number(p) : p));
  if (e.keyword === 'additionalProperties') parts.push(String(e.params.additionalProperty));
  if (e.keyword === 'required') parts.push(String(e.params.missingProperty));
  return parts;
}

/** A validator of `schema`: validates data in place, filling defaults, and returns every problem. */
export function validator(schema: Schema): (data: unknown) => PathIssue[] {
  const validate = ajv.compile(schema);
  return (data) => {
    if (validate(data)) return [];
    return (validate.errors ?? []).map((e) => ({
      path: pathOf(e),
      message: message(e),
      atKey: e.keyword === 'additionalProperties',
    }));
  };
}
