/**
 * The health state machine of one uplink.
 *
 * Targets are pooled. A target that is effectively silent (90 % loss or more
 * over at least half a window) while others answer is left out of the pool
 * until its loss is back within the failure threshold, so one dead or
 * rate-limited-to-death target does not weigh on the uplink.
 *
 * Every round gets a level:
 * - `bad`: the carrier is down, fewer than `reliability` targets answered,
 *   fewer than `reliability` targets are in the pool, or the pool is beyond
 *   a failure threshold;
 * - `good`: the pool is within every recovery threshold;
 * - `fair`: in between (the uplink works, but worse than the recovery level).
 *
 * Pooled loss is lost / sent over the windows of the pooled targets; RTT is
 * the mean of their answers; jitter is the root mean square of their
 * per-target standard deviations (targets at different distances are not
 * jitter). Loss, latency and jitter are judged only once the samples number
 * at least half of `window` (one lost probe of two is not "50 % loss"); a
 * hard outage is still seen at once through the answered count.
 *
 * States change only after a streak of rounds. An outage round (too few
 * answers, or no carrier) is urgent; a round that is bad only for quality is
 * not, and quality-only changes wait a whole window: consecutive windows
 * share all but one round of samples, so a shorter streak would turn one
 * unlucky run of losses (or a link sitting at a threshold) into a switch.
 * - `up`/`degraded` → `down` after `down` outage rounds in a row, or
 *   `window` bad rounds in a row;
 * - `up` → `degraded` after `window` rounds in a row that were not good;
 *   `degraded` → `up` after `window` good rounds;
 * - `down`/`unknown` → `up` after `up` good rounds; `unknown` → `down` like
 *   `up`;
 * - `unknown`, or `down` after an outage, → `degraded` after `up` rounds in
 *   a row that were not bad. An uplink that went down for quality comes back
 *   only within the recovery thresholds (hysteresis: at 30 % loss with the
 *   default 40 %/10 % it stays down instead of cycling);
 * - carrier loss → `down` at once; nothing lifts it before the carrier returns;
 * - a round in which every probe failed with `ENETDOWN` or `ENODEV` (the
 *   probe found the device down or gone) → `down` at once, so carrier loss is
 *   caught even where the adapter reports no link events.
 *
 * When an uplink that went down for an outage (no answers, no carrier)
 * passes its first round, its windows are cleared, so recovery is judged on
 * fresh samples rather than held back by the outage (dpinger's 60 s window
 * needs about 48 s after an outage). After a quality failure the windows are
 * kept: the poor samples are the evidence.
 */
import type { ProbeResult } from '../interfaces/probe.js';
import type { HealthSettings, UplinkSettings } from '../settings.js';
import type { Uplink, UplinkState } from '../uplink.js';
import { TargetWindow, type TargetStats } from './window.js';

/** Level of one round, see the module description. */
export type RoundLevel = 'good' | 'fair' | 'bad';

/** Whether an uplink's rounds are pushing it toward a change (which shortens the round interval). */
export type HealthPhase = 'steady' | 'failing' | 'recovering';

/** A state transition of an uplink. */
export interface StateChange {
  readonly uplink: string;
  readonly from: UplinkState;
  readonly to: UplinkState;
  /** Why, in words: the streak and the measurement that decided it. */
  readonly reason: string;
  readonly at: number;
}

/** Pooled measurements of an uplink's targets (see the module description). */
export interface UplinkMetrics {
  readonly rttMs: number | null;
  readonly lossPct: number | null;
  readonly jitterMs: number | null;
}

/** Statistics of one target, with the timeout the next probe will use. */
export interface TargetSnapshot extends TargetStats {
  readonly target: string;
  readonly timeoutMs: number;
  /** Counted in the uplink's pooled measurements (false while silent). */
  readonly pooled: boolean;
}

/** Everything known about an uplink's health at one instant. */
export interface HealthSnapshot {
  readonly state: UplinkState;
  /** When the current state began. */
  readonly since: number;
  /** Why the current state began. */
  readonly reason: string;
  readonly carrier: 'up' | 'down' | 'unknown';
  /** Not in an outage (fewer than `down` rounds in a row without answers): a `down` uplink may still pass traffic, only badly. */
  readonly answering: boolean;
  readonly phase: HealthPhase;
  /** Level of the last round, null before the first. */
  readonly lastLevel: RoundLevel | null;
  /** Consecutive bad rounds (toward `down`). */
  readonly badStreak: number;
  /** Consecutive good rounds (toward `up`). */
  readonly goodStreak: number;
  readonly rounds: number;
  readonly metrics: UplinkMetrics;
  readonly targets: readonly TargetSnapshot[];
}

/** One probe result of a round, with its target. */
export interface RoundResult {
  readonly target: string;
  readonly result: ProbeResult;
}

type Level = 'fail' | 'recover';

/** The first threshold `stats` is beyond at `level`, described, or null. */
function breachOf(stats: UplinkMetrics, h: HealthSettings, level: Level): string | null {
  const fmt = (n: number) => (Number.isInteger(n) ? String(n) : n.toFixed(1));
  if (stats.lossPct !== null && stats.lossPct > h.lossPct[level])
    return `loss ${fmt(stats.lossPct)}% > ${h.lossPct[level]}%`;
  if (stats.rttMs !== null && stats.rttMs > h.latencyMs[level])
    return `latency ${fmt(stats.rttMs)} ms > ${h.latencyMs[level]} ms`;
  if (stats.jitterMs !== null && stats.jitterMs > h.jitterMs[level])
    return `jitter ${fmt(stats.jitterMs)} ms > ${h.jitterMs[level]} ms`;
  return null;
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

interface TargetState {
  readonly window: TargetWindow;
  /** Counted in the pool (not silent). */
  pooled: boolean;
}

/** Loss at or above which a target counts as silent. */
const SILENT_LOSS_PCT = 90;
/** Probe errors that mean the uplink's device is down or gone, not just that nothing answered. */
const LINK_GONE = /^(ENETDOWN|ENODEV)\b/;
/** The device does not exist: `ENODEV: eth9 does not exist`. */
const NO_DEVICE = /^ENODEV\b:?\s*/;

/** Health of one uplink: windows per target, streaks and state. */
export class UplinkHealth {
  private readonly targets = new Map<string, TargetState>();
  private current: UplinkState;
  private stateSince: number;
  private stateReason: string;
  private carrier: 'up' | 'down' | 'unknown' = 'unknown';
  private lastLevel: RoundLevel | null = null;
  /** Consecutive rounds without enough answers (or without carrier). */
  private outageStreak = 0;
  /** The last round's probes all found the device down or gone. */
  private linkGone = false;
  /** The last round's probes all found no device at all: what they said (`eth9 does not exist`), else null. */
  private noDevice: string | null = null;
  /** Why the uplink last went down: decides whether recovery starts from clean windows. */
  private downCause: 'outage' | 'quality' = 'outage';
  private bad = 0;
  private notGood = 0;
  private ok = 0;
  private good = 0;
  private rounds = 0;

  constructor(
    readonly uplink: Uplink,
    readonly settings: UplinkSettings,
    now: number,
  ) {
    for (const t of uplink.targets)
      this.targets.set(t, { window: new TargetWindow(settings.health.window), pooled: true });
    this.current = settings.health.initialState;
    this.stateSince = now;
    this.stateReason = 'start-up: not yet measured';
  }

  /** Samples a window needs before its loss, latency and jitter are judged. */
  private get minSamples(): number {
    return Math.ceil(this.settings.health.window / 2);
  }

  /** The current state. */
  get state(): UplinkState {
    return this.current;
  }

  /** When the current state began. */
  get since(): number {
    return this.stateSince;
  }

  /** The timeout the next probe of `target` uses. */
  timeoutFor(target: string): number {
    const p = this.settings.probe;
    if (p.timeoutMs !== 'auto') return p.timeoutMs;
    return this.targets.get(target)?.window.autoTimeout(p.minTimeoutMs, p.maxTimeoutMs) ?? p.maxTimeoutMs;
  }

  /** Where the uplink is heading; decides the next round interval. */
  phase(): HealthPhase {
    switch (this.current) {
      case 'up':
        return this.bad > 0 ? 'failing' : 'steady';
      case 'degraded':
        return this.bad > 0 ? 'failing' : this.good > 0 ? 'recovering' : 'steady';
      case 'down':
        return this.ok > 0 ? 'recovering' : 'steady';
      case 'unknown':
        return this.bad > 0 ? 'failing' : 'recovering';
    }
  }

  /** The round interval for the current phase, before jitter. */
  intervalMs(): number {
    const p = this.settings.probe;
    const phase = this.phase();
    return phase === 'failing' ? p.failureIntervalMs : phase === 'recovering' ? p.recoveryIntervalMs : p.intervalMs;
  }

  /** Folds one round into the windows and the state machine. */
  recordRound(results: readonly RoundResult[], now: number): StateChange | null {
    const answered = results.filter((r) => r.result.ok).length;
    const recovering = this.current === 'down' && this.ok === 0 && this.downCause === 'outage';
    if (recovering && answered >= this.settings.probe.reliability && this.carrier !== 'down') this.clearWindows();
    for (const r of results) this.targets.get(r.target)?.window.push(r.result, now);
    this.poolTargets();
    this.rounds++;
    const { level, why, outage } = this.levelOf(results, answered);
    this.linkGone = results.length > 0 && results.every((r) => !r.result.ok && LINK_GONE.test(r.result.error));
    const first = results[0]?.result;
    this.noDevice =
      first && !first.ok && results.every((r) => !r.result.ok && NO_DEVICE.test(r.result.error))
        ? first.error.replace(NO_DEVICE, '')
        : null;
    this.lastLevel = level;
    this.outageStreak = outage ? this.outageStreak + 1 : 0;
    this.bumpStreaks(level);
    return this.transition(now, why);
  }

  private clearWindows(): void {
    for (const t of this.targets.values()) {
      t.window.clear();
      t.pooled = true;
    }
  }

  /** Leaves silent targets out of the pool; takes them back once within the failure threshold. */
  private poolTargets(): void {
    const failLoss = this.settings.health.lossPct.fail;
    for (const t of this.targets.values()) {
      const stats = t.window.stats();
      if (stats.samples < this.minSamples) continue;
      t.pooled = t.pooled ? stats.lossPct < SILENT_LOSS_PCT : stats.lossPct <= failLoss;
    }
  }

  private levelOf(
    results: readonly RoundResult[],
    answered: number,
  ): { level: RoundLevel; why: string; outage: boolean } {
    const reliability = this.settings.probe.reliability;
    if (this.carrier === 'down') return { level: 'bad', why: 'carrier down', outage: true };
    if (answered < reliability) {
      const errors = [...new Set(results.flatMap((r) => (r.result.ok ? [] : [r.result.error])))];
      const why = `${answered} of ${results.length} targets answered, ${reliability} needed: ${errors.join(', ')}`;
      return { level: 'bad', why, outage: true };
    }
    const pooled = [...this.targets.values()].filter((t) => t.pooled).map((t) => t.window.stats());
    if (pooled.length < reliability)
      return { level: 'bad', why: `${pooled.length} targets answer reliably, ${reliability} needed`, outage: false };
    if (pooled.reduce((n, t) => n + t.samples, 0) < this.minSamples)
      return { level: 'good', why: 'probes answered', outage: false };
    const metrics = poolStats(pooled);
    const failBreach = breachOf(metrics, this.settings.health, 'fail');
    if (failBreach) return { level: 'bad', why: `${failBreach} (failure threshold)`, outage: false };
    const breach = breachOf(metrics, this.settings.health, 'recover');
    if (breach) return { level: 'fair', why: `${breach} (recovery threshold)`, outage: false };
    return { level: 'good', why: 'probes answered within the recovery thresholds', outage: false };
  }

  private bumpStreaks(level: RoundLevel): void {
    this.bad = level === 'bad' ? this.bad + 1 : 0;
    this.notGood = level === 'good' ? 0 : this.notGood + 1;
    this.ok = level === 'bad' ? 0 : this.ok + 1;
    this.good = level === 'good' ? this.good + 1 : 0;
  }

  private transition(now: number, why: string): StateChange | null {
    const { down, up, window } = this.settings.health;
    const rounds = (n: number) => `${n} round${n === 1 ? '' : 's'}`;
    const settle = Math.max(down, up, window);
    const failed = (): StateChange | null => {
      if (this.noDevice !== null)
        return this.enter('down', now, `no such device${this.noDevice ? `: ${this.noDevice}` : ''}`, 'outage');
      if (this.linkGone) return this.enter('down', now, `link down: ${why}`, 'outage');
      if (this.outageStreak >= down)
        return this.enter('down', now, `${rounds(this.outageStreak)} failed: ${why}`, 'outage');
      if (this.bad >= settle) return this.enter('down', now, `${rounds(this.bad)} failed: ${why}`, 'quality');
      return null;
    };
    switch (this.current) {
      case 'up':
        return (
          failed() ??
          (this.notGood >= settle ? this.enter('degraded', now, `${rounds(this.notGood)} below par: ${why}`) : null)
        );
      case 'degraded':
        return failed() ?? (this.good >= settle ? this.enter('up', now, `${rounds(this.good)} good`) : null);
      case 'unknown':
      case 'down':
        if (this.current === 'unknown') {
          const change = failed();
          if (change) return change;
        }
        if (this.good >= up) return this.enter('up', now, `${rounds(this.good)} good`);
        if (this.current === 'down' && this.downCause === 'quality') return null;
        if (this.ok >= up) return this.enter('degraded', now, `${rounds(this.ok)} answered, but ${why}`);
        return null;
    }
  }

  private enter(to: UplinkState, now: number, reason: string, cause: 'outage' | 'quality' = 'outage'): StateChange {
    if (to === 'down') this.downCause = cause;
    const change: StateChange = { uplink: this.uplink.id, from: this.current, to, reason, at: now };
    this.current = to;
    this.stateSince = now;
    this.stateReason = reason;
    return change;
  }

  /** Applies a carrier report. Loss of carrier makes the uplink `down` at once. */
  carrierChanged(carrier: 'up' | 'down', now: number): StateChange | null {
    this.carrier = carrier;
    if (carrier === 'up') return null;
    this.ok = 0;
    this.good = 0;
    if (this.current === 'down') {
      this.downCause = 'outage';
      return null;
    }
    return this.enter('down', now, 'carrier lost', 'outage');
  }

  /**
   * Forgets the state of an uplink that will not be measured for a while
   * (dark standby after it stopped being active): it becomes `unknown`.
   */
  forget(now: number, reason: string): StateChange | null {
    this.bad = this.notGood = this.ok = this.good = 0;
    this.lastLevel = null;
    this.outageStreak = 0;
    this.clearWindows();
    if (this.current === 'unknown') return null;
    return this.enter('unknown', now, reason);
  }

  /** Everything known now. */
  snapshot(): HealthSnapshot {
    const targets: TargetSnapshot[] = [...this.targets.entries()].map(([target, t]) => ({
      target,
      timeoutMs: this.timeoutFor(target),
      pooled: t.pooled,
      ...t.window.stats(),
    }));
    const pooled = targets.filter((t) => t.pooled);
    return {
      state: this.current,
      since: this.stateSince,
      reason: this.stateReason,
      carrier: this.carrier,
      // A device that is down or gone carries nothing: it is not "poor but answering".
      answering:
        this.rounds > 0 && this.carrier !== 'down' && !this.linkGone && this.outageStreak < this.settings.health.down,
      phase: this.phase(),
      lastLevel: this.lastLevel,
      badStreak: this.bad,
      goodStreak: this.good,
      rounds: this.rounds,
      metrics: poolStats(pooled.length > 0 ? pooled : targets),
      targets,
    };
  }
}
