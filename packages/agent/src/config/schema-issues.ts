/**
 * Runs the JSON Schema (ajv, every error at once, defaults filled in) and
 * words its errors for an operator: an unknown key says which keys are
 * allowed (and which one was probably meant), a duration says what a
 * duration looks like.
 */
import { Ajv, type ErrorObject } from 'ajv';
import type { PathIssue } from './issues.js';
import { CONFIG_SCHEMA } from './schema.js';

const ajv = new Ajv({ allErrors: true, useDefaults: true, verbose: true, strict: true, allowUnionTypes: true });
ajv.addVocabulary(['kind']);
const validate = ajv.compile(CONFIG_SCHEMA);

const show = (v: unknown) => JSON.stringify(v) ?? String(v);

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

const KIND_TEXT: Record<string, string> = {
  duration: 'a duration with a unit, like 500ms, 60s, 15m or 1h30m',
  timeout: 'auto or a duration with a unit, like 800ms or 2s',
  percent: 'a percentage, like 40%',
};

function message(e: ErrorObject): string {
  const kind = (e.parentSchema as { kind?: string } | undefined)?.kind;
  if (kind && (e.keyword === 'type' || e.keyword === 'pattern'))
    return `must be ${KIND_TEXT[kind]}, got ${show(e.data)}`;
  switch (e.keyword) {
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

/**
 * Validates `data` in place against the schema, filling defaults; returns
 * every problem.
 */
export function schemaIssues(data: unknown): PathIssue[] {
  if (validate(data)) return [];
  return (validate.errors ?? []).map((e) => ({
    path: pathOf(e),
    message: message(e),
    atKey: e.keyword === 'additionalProperties',
  }));
}
