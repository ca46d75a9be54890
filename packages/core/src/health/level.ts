/**
 * The level of one round, from the answers of the round and the pooled
 * windows of the uplink's targets:
 *
 * - `bad`: no carrier, fewer than `reliability` targets answered (both an
 *   outage), fewer than `reliability` targets in the pool, or a pooled
 *   number beyond its failure threshold;
 * - `good`: every pooled number within its recovery threshold;
 * - `fair`: in between (the uplink works, but worse than the recovery level).
 *
 * Pooled loss is lost / sent over the windows of the pooled targets; RTT is
 * the mean of their answers; jitter is the root mean square of their
 * per-target standard deviations (targets at different distances are not
 * jitter). Loss, latency and jitter are judged only once the samples number
 * at least half of `window` (one lost probe of two is not "50 % loss"); a
 * hard outage is still seen at once through the answered count.
 */
import type { HealthSettings } from '../settings.js';
import type { TargetStats } from './window.js';

/** Level of one round, see the module description. */
export type RoundLevel = 'good' | 'fair' | 'bad';

/** Pooled measurements of an uplink's targets (see the module description). */
export interface UplinkMetrics {
  readonly rttMs: number | null;
  readonly lossPct: number | null;
  readonly jitterMs: number | null;
}

/** Pools target windows: loss over all samples, sample-weighted mean RTT, RMS of the standard deviations. */
export function poolStats(stats: readonly TargetStats[]): UplinkMetrics {
  let samples = 0;
  let lost = 0;
  let answered = 0;
  let rttSum = 0;
  let varSum = 0;
  for (const s of stats) {
    samples += s.samples;
    lost += s.lost;
    const n = s.samples - s.lost;
    if (n > 0 && s.rttMs !== null) {
      answered += n;
      rttSum += s.rttMs * n;
      varSum += (s.jitterMs ?? 0) ** 2 * n;
    }
  }
  return {
    lossPct: samples > 0 ? (lost / samples) * 100 : null,
    rttMs: answered > 0 ? rttSum / answered : null,
    jitterMs: answered > 0 ? Math.sqrt(varSum / answered) : null,
  };
}

type Threshold = 'fail' | 'recover';

/** The first threshold `stats` is beyond at `level`, described, or null. */
function breachOf(stats: UplinkMetrics, h: HealthSettings, level: Threshold): string | null {
  const fmt = (n: number) => (Number.isInteger(n) ? String(n) : n.toFixed(1));
  if (stats.lossPct !== null && stats.lossPct > h.lossPct[level])
    return `loss ${fmt(stats.lossPct)}% > ${h.lossPct[level]}%`;
  if (stats.rttMs !== null && stats.rttMs > h.latencyMs[level])
    return `latency ${fmt(stats.rttMs)} ms > ${h.latencyMs[level]} ms`;
  if (stats.jitterMs !== null && stats.jitterMs > h.jitterMs[level])
    return `jitter ${fmt(stats.jitterMs)} ms > ${h.jitterMs[level]} ms`;
  return null;
}

/** What one round looked like. */
export interface RoundFacts {
  readonly carrier: 'up' | 'down' | 'unknown';
  /** Targets probed and targets that answered. */
  readonly sent: number;
  readonly answered: number;
  /** The failures' details, for the description. */
  readonly failures: readonly string[];
  /** The windows of the targets in the pool, after this round (read only when the answers suffice). */
  pooled(): readonly TargetStats[];
}

/** A round's level, why, and whether it was an outage (no carrier, too few answers). */
export interface RoundJudgement {
  readonly level: RoundLevel;
  readonly why: string;
  readonly outage: boolean;
}

/** Judges one round; `reliability` targets must answer, `minSamples` are needed before the numbers count. */
export function judgeRound(
  round: RoundFacts,
  h: HealthSettings,
  reliability: number,
  minSamples: number,
): RoundJudgement {
  if (round.carrier === 'down') return { level: 'bad', why: 'carrier down', outage: true };
  if (round.answered < reliability) {
    const errors = [...new Set(round.failures)];
    const why = `${round.answered} of ${round.sent} targets answered, ${reliability} needed: ${errors.join(', ')}`;
    return { level: 'bad', why, outage: true };
  }
  const pooled = round.pooled();
  if (pooled.length < reliability)
    return { level: 'bad', why: `${pooled.length} targets answer reliably, ${reliability} needed`, outage: false };
  if (pooled.reduce((n, t) => n + t.samples, 0) < minSamples)
    return { level: 'good', why: 'probes answered', outage: false };
  const metrics = poolStats(pooled);
  const failBreach = breachOf(metrics, h, 'fail');
  if (failBreach) return { level: 'bad', why: `${failBreach} (failure threshold)`, outage: false };
  const breach = breachOf(metrics, h, 'recover');
  if (breach) return { level: 'fair', why: `${breach} (recovery threshold)`, outage: false };
  return { level: 'good', why: 'probes answered within the recovery thresholds', outage: false };
}
