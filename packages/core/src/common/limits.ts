/**
 * Ranges of numeric settings, declared once. The library's own checks
 * (core's `resolveSettings`, the adapters' option checks) and the agent's
 * config schema both read these declarations, so a range is written in one
 * place and an operator's file is refused with the same bounds a library
 * user's options are.
 *
 * Every duration has an upper bound below {@link MAX_TIMER_MS}: Node arms a
 * timer of more than 2³¹−1 ms as a 1 ms timer (with only a warning), so an
 * unbounded duration would turn "once a month" into "a thousand times a
 * second".
 */

/** The longest delay a Node timer takes: 2³¹−1 ms, about 24.8 days. */
export const MAX_TIMER_MS = 2 ** 31 - 1;

/** The range of one numeric setting. */
export interface Limit {
  readonly min: number;
  /** Absent: no upper bound (sizes, never durations). */
  readonly max?: number | undefined;
  /** Whole numbers only. */
  readonly integer: boolean;
  /** `ms`: a duration in milliseconds; `%`: a percentage; absent: a plain number. */
  readonly unit?: 'ms' | '%' | undefined;
}

/** A duration from `min` to `max` milliseconds (whole). Throws when `max` is beyond {@link MAX_TIMER_MS}. */
export function durationLimit(min: number, max: number): Limit {
  if (max > MAX_TIMER_MS) throw new RangeError(`a duration limit of ${max} ms is beyond a timer's ${MAX_TIMER_MS} ms`);
  return Object.freeze({ min, max, integer: true, unit: 'ms' });
}

/** A whole number from `min` to `max` (no upper bound when `max` is undefined). */
export function integerLimit(min: number, max?: number): Limit {
  return Object.freeze({ min, max, integer: true });
}

/** A number (fractions allowed) from `min` to `max`. */
export function numberLimit(min: number, max: number): Limit {
  return Object.freeze({ min, max, integer: false });
}

/** A percentage from `min` to `max` (fractions allowed). */
export function percentLimit(min: number, max: number): Limit {
  return Object.freeze({ min, max, integer: false, unit: '%' });
}

/** True when `value` is a number within `limit`. */
export function withinLimit(value: unknown, limit: Limit): value is number {
  if (typeof value !== 'number' || !Number.isFinite(value)) return false;
  if (limit.integer && !Number.isInteger(value)) return false;
  return value >= limit.min && (limit.max === undefined || value <= limit.max);
}

/**
 * The problem with `value` under `limit` in the library's words (plain
 * milliseconds), or null when it is within: "must be a whole number from 10
 * to 3600000, got 5".
 */
export function limitProblem(value: unknown, limit: Limit): string | null {
  if (withinLimit(value, limit)) return null;
  const kind = limit.integer ? 'a whole number' : 'a number';
  const range = limit.max === undefined ? `of at least ${limit.min}` : `from ${limit.min} to ${limit.max}`;
  return `must be ${kind} ${range}, got ${JSON.stringify(value)}`;
}

/**
 * `ms` when a timer can be armed with it; a RangeError when it is beyond
 * {@link MAX_TIMER_MS} (Infinity included), instead of Node's silent 1 ms.
 * A delay that is already due (0, negative) is passed on as it is.
 */
export function timerDelay(ms: number): number {
  if (ms > MAX_TIMER_MS)
    throw new RangeError(`a timer of ${ms} ms cannot be armed: the longest is ${MAX_TIMER_MS} ms (about 24.8 days)`);
  return ms;
}
