/**
 * Flap dampening after RFC 2439, as pure functions of a penalty record and
 * the time. A penalty decays as P(t) = P0 · 2^(−Δt / halfLife). It is capped
 * at reuse · 2^(maxSuppress / halfLife), so that an uplink is never
 * suppressed longer than `maxSuppress` after its last flap.
 */
import type { PenaltyRecord } from '../interfaces/store.js';
import type { DampeningSettings } from '../settings.js';

/** Penalty and suppression at an instant. */
export interface PenaltyNow {
  readonly value: number;
  readonly suppressed: boolean;
}

/** The highest penalty an uplink can carry. */
export function penaltyCeiling(s: DampeningSettings): number {
  return s.reuse * 2 ** (s.maxSuppressMs / s.halfLifeMs);
}

function decayed(record: PenaltyRecord, now: number, s: DampeningSettings): number {
  const elapsed = Math.max(0, now - record.at);
  return record.value * 2 ** (-elapsed / s.halfLifeMs);
}

/** The penalty and suppression of `record` at `now`. */
export function penaltyAt(record: PenaltyRecord | undefined, now: number, s: DampeningSettings): PenaltyNow {
  if (!record || !s.enabled) return { value: 0, suppressed: false };
  const value = decayed(record, now, s);
  const suppressed = record.suppressed ? value >= s.reuse : value > s.suppress;
  return { value, suppressed };
}

/** The record after one more flap at `now`. */
export function addFlap(record: PenaltyRecord | undefined, now: number, s: DampeningSettings): PenaltyRecord {
  const before = penaltyAt(record, now, s);
  const value = Math.min(penaltyCeiling(s), before.value + s.penalty);
  return { value, at: now, suppressed: before.suppressed || value > s.suppress };
}

/** When a suppressed uplink becomes usable again, or null if it is not suppressed. */
export function reuseAt(record: PenaltyRecord | undefined, now: number, s: DampeningSettings): number | null {
  const current = penaltyAt(record, now, s);
  if (!record || !current.suppressed) return null;
  return record.at + Math.ceil(s.halfLifeMs * Math.log2(record.value / s.reuse)) + 1;
}

/** True when the record has decayed so far that it can be forgotten (below half of `reuse`, as IOS does). */
export function isForgettable(record: PenaltyRecord, now: number, s: DampeningSettings): boolean {
  const current = penaltyAt(record, now, s);
  return !current.suppressed && current.value < s.reuse / 2;
}
