/**
 * The health state machine as a table. A round's level (see level.ts)
 * lengthens some streaks and ends others; after every round the table is
 * read top to bottom and the first row whose streak is long enough changes
 * the state. The core README's health model lists the same rows.
 *
 * `down` is two situations: after an outage (no answers, no carrier) any
 * passing round counts toward recovery; after poor quality only good rounds
 * do (hysteresis: at 30 % loss with the default 40 %/10 % thresholds the
 * uplink stays down instead of cycling).
 */
import type { HealthSettings } from '../settings.js';
import type { UplinkState } from '../uplink.js';
import type { RoundLevel } from './level.js';

/** Rounds in a row, each counter named for what its rounds were. */
export interface Streaks {
  /** Rounds in which every probe found that the uplink's device does not exist (`no-device`). */
  readonly noDevice: number;
  /** Rounds in which every probe found the uplink's device down or gone (`link-down`). */
  readonly linkDown: number;
  /** Outage rounds: fewer than `reliability` answers, or no carrier. */
  readonly outage: number;
  /** `bad` rounds. */
  readonly bad: number;
  /** Rounds that were not `good` (`fair` or `bad`). */
  readonly notGood: number;
  /** Rounds that were not `bad` (`fair` or `good`). */
  readonly notBad: number;
  /** `good` rounds. */
  readonly good: number;
}

/** No round counted yet. */
export const NO_STREAKS: Streaks = Object.freeze({
  noDevice: 0,
  linkDown: 0,
  outage: 0,
  bad: 0,
  notGood: 0,
  notBad: 0,
  good: 0,
});

/** What one round was, as far as the streaks care. */
export interface RoundVerdict {
  readonly level: RoundLevel;
  readonly outage: boolean;
  readonly linkDown: boolean;
  readonly noDevice: boolean;
}

const next = (n: number, counts: boolean) => (counts ? n + 1 : 0);

/** The streaks after one more round. */
export function extendStreaks(s: Streaks, round: RoundVerdict): Streaks {
  return {
    noDevice: next(s.noDevice, round.noDevice),
    linkDown: next(s.linkDown, round.linkDown),
    outage: next(s.outage, round.outage),
    bad: next(s.bad, round.level === 'bad'),
    notGood: next(s.notGood, round.level !== 'good'),
    notBad: next(s.notBad, round.level !== 'bad'),
    good: next(s.good, round.level === 'good'),
  };
}

/** The state, with `down` split by its cause (which decides how it recovers). */
export type Situation = 'unknown' | 'up' | 'degraded' | 'down:outage' | 'down:quality';

/** The state a situation shows. */
export const stateOf = (s: Situation): UplinkState => (s === 'down:outage' || s === 'down:quality' ? 'down' : s);

/**
 * Rounds a streak needs: a fixed count, the `down` or `up` setting, or
 * `window`: a whole window, at least `down` and `up` (consecutive windows
 * share all but one round of samples, so a shorter streak would turn one
 * unlucky run of losses into a state change).
 */
export type StreakLength = 1 | 'down' | 'up' | 'window';

/** One row of the state machine. */
export interface Transition {
  readonly from: readonly Situation[];
  readonly to: Situation;
  /** The streak that decides, and how long it must be. */
  readonly streak: keyof Streaks;
  readonly needs: StreakLength;
  /** Why, in words: `rounds` is the streak (`4 rounds`), `why` the last round's description. */
  readonly says: (rounds: string, why: string) => string;
}

const LIVE: readonly Situation[] = ['unknown', 'up', 'degraded'];

/** The rows, in the order they are tried. */
export const TRANSITIONS: readonly Transition[] = [
  { from: LIVE, to: 'down:outage', streak: 'noDevice', needs: 1, says: (_, why) => why },
  { from: LIVE, to: 'down:outage', streak: 'linkDown', needs: 1, says: (_, why) => `link down: ${why}` },
  { from: LIVE, to: 'down:outage', streak: 'outage', needs: 'down', says: (n, why) => `${n} failed: ${why}` },
  { from: LIVE, to: 'down:quality', streak: 'bad', needs: 'window', says: (n, why) => `${n} failed: ${why}` },
  { from: ['up'], to: 'degraded', streak: 'notGood', needs: 'window', says: (n, why) => `${n} below par: ${why}` },
  { from: ['degraded'], to: 'up', streak: 'good', needs: 'window', says: (n) => `${n} good` },
  { from: ['unknown', 'down:outage', 'down:quality'], to: 'up', streak: 'good', needs: 'up', says: (n) => `${n} good` },
  {
    from: ['unknown', 'down:outage'],
    to: 'degraded',
    streak: 'notBad',
    needs: 'up',
    says: (n, why) => `${n} answered, but ${why}`,
  },
];

/** Rounds `length` stands for under `h`. */
export function roundsNeeded(length: StreakLength, h: HealthSettings): number {
  if (length === 1) return 1;
  if (length === 'window') return Math.max(h.down, h.up, h.window);
  return h[length];
}

const rounds = (n: number) => `${n} round${n === 1 ? '' : 's'}`;

/** The transition the streaks call for from `from`, with its reason, or null. */
export function transitionFrom(
  from: Situation,
  streaks: Streaks,
  h: HealthSettings,
  why: string,
): { readonly to: Situation; readonly reason: string } | null {
  const row = TRANSITIONS.find((t) => t.from.includes(from) && streaks[t.streak] >= roundsNeeded(t.needs, h));
  return row ? { to: row.to, reason: row.says(rounds(streaks[row.streak]), why) } : null;
}
