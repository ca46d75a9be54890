/**
 * The units of the config file: durations with a unit (`500ms`, `60s`,
 * `15m`, `2h`, `1d`, or combined like `1m30s`) and ratios as percentages
 * (`40%`). Core works in milliseconds and plain percentages; these convert
 * both ways, so `check-config` prints what an operator would write.
 */

const UNIT_MS = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;
type Unit = keyof typeof UNIT_MS;

/** A duration: one or more `<number><unit>` parts, largest unit first. */
export const DURATION_PATTERN = '^(?:\\d+(?:\\.\\d+)?(?:ms|s|m|h|d))+$';
/** A percentage from 0 to 100 with the `%` sign. */
export const PERCENT_PATTERN = '^\\d+(?:\\.\\d+)?\\s?%$';

const PART = /(\d+(?:\.\d+)?)(ms|s|m|h|d)/g;

/** Milliseconds of `text` (`500ms`, `1m30s`), or null when it is not a duration. Rounded to whole ms. */
export function parseDuration(text: string): number | null {
  if (!new RegExp(DURATION_PATTERN).test(text)) return null;
  let total = 0;
  let lastUnit = Infinity;
  for (const [, value, unit] of text.matchAll(PART)) {
    const size = UNIT_MS[unit as Unit];
    if (size >= lastUnit) return null; // `5s3m` or `1s1s`: largest unit first, each once
    lastUnit = size;
    total += Number(value) * size;
  }
  return Math.round(total);
}

/** The percentage in `text` (`40%` → 40), or null. */
export function parsePercent(text: string): number | null {
  if (!new RegExp(PERCENT_PATTERN).test(text)) return null;
  const value = Number.parseFloat(text);
  return value <= 100 ? value : null;
}

/** The shortest exact spelling of `ms` (60000 → `60s`, 90000 → `1m30s`, 1500 → `1500ms`). */
export function formatDuration(ms: number): string {
  if (ms === 0) return '0s';
  let rest = Math.round(ms);
  let text = '';
  for (const unit of ['d', 'h', 'm', 's'] as const) {
    const size = UNIT_MS[unit];
    if (rest >= size && rest % 1000 === 0) {
      text += `${Math.floor(rest / size)}${unit}`;
      rest %= size;
    }
  }
  if (rest > 0) text += `${rest}ms`;
  return text;
}

/** `40` → `40%`. */
export function formatPercent(pct: number): string {
  return `${pct}%`;
}
