import type { ProbeResult } from '../interfaces/probe.js';

/**
 * The measurements of one target of one uplink.
 *
 * A ring holds the last `size` probe results. Over the ring:
 * - `lossPct` = lost / results × 100 (every result counts; a probe is lost
 *   when it did not answer within its timeout);
 * - `rttMs` = mean RTT of the answered probes;
 * - `jitterMs` = population standard deviation of those RTTs;
 * both `null` while nothing in the ring answered.
 *
 * Separately, and never cleared, an RTT estimator after RFC 6298 (SRTT and
 * RTTVAR with gains 1/8 and 1/4) gives the automatic probe timeout.
 */
export interface TargetStats {
  /** Results in the ring. */
  readonly samples: number;
  /** Lost results in the ring. */
  readonly lost: number;
  /** Loss in percent, 0 with no samples. */
  readonly lossPct: number;
  /** Mean RTT of answered results, ms. */
  readonly rttMs: number | null;
  /** Standard deviation of answered RTTs, ms. */
  readonly jitterMs: number | null;
  /** Time of the last answer (ms since epoch). */
  readonly lastSuccessAt: number | null;
  /** Reason of the last failure, if the last result failed. */
  readonly lastError: string | null;
}

interface Sample {
  readonly ok: boolean;
  readonly rttMs: number;
}

/** Sliding window and RTT estimator of one target. */
export class TargetWindow {
  private readonly ring: (Sample | undefined)[];
  private next = 0;
  private count = 0;
  private srtt: number | null = null;
  private rttvar = 0;
  private lastSuccessAt: number | null = null;
  private lastError: string | null = null;

  constructor(size: number) {
    this.ring = new Array<Sample | undefined>(size);
  }

  /** Records one probe result at time `at`. */
  push(result: ProbeResult, at: number): void {
    this.ring[this.next] = { ok: result.ok, rttMs: result.ok ? result.rttMs : 0 };
    this.next = (this.next + 1) % this.ring.length;
    this.count = Math.min(this.count + 1, this.ring.length);
    if (result.ok) {
      this.lastSuccessAt = at;
      this.lastError = null;
      this.updateEstimator(result.rttMs);
    } else {
      this.lastError = result.detail;
    }
  }

  private updateEstimator(rtt: number): void {
    if (this.srtt === null) {
      this.srtt = rtt;
      this.rttvar = rtt / 2;
    } else {
      this.rttvar = 0.75 * this.rttvar + 0.25 * Math.abs(this.srtt - rtt);
      this.srtt = 0.875 * this.srtt + 0.125 * rtt;
    }
  }

  /** Forgets the ring (not the RTT estimator), so quality is judged on fresh samples. */
  clear(): void {
    this.ring.fill(undefined);
    this.next = 0;
    this.count = 0;
  }

  /** The automatic timeout: SRTT + 4·RTTVAR clamped to [min, max]; `max` before the first answer. */
  autoTimeout(minMs: number, maxMs: number): number {
    if (this.srtt === null) return maxMs;
    return Math.round(Math.min(maxMs, Math.max(minMs, this.srtt + 4 * this.rttvar)));
  }

  /** Statistics over the ring. */
  stats(): TargetStats {
    let lost = 0;
    let n = 0;
    let sum = 0;
    let sum2 = 0;
    for (const s of this.ring) {
      if (!s) continue;
      if (!s.ok) {
        lost++;
        continue;
      }
      n++;
      sum += s.rttMs;
      sum2 += s.rttMs * s.rttMs;
    }
    const mean = n > 0 ? sum / n : null;
    const variance = mean === null ? null : Math.max(0, sum2 / n - mean * mean);
    return {
      samples: this.count,
      lost,
      lossPct: this.count > 0 ? (lost / this.count) * 100 : 0,
      rttMs: mean,
      jitterMs: variance === null ? null : Math.sqrt(variance),
      lastSuccessAt: this.lastSuccessAt,
      lastError: this.lastError,
    };
  }
}
