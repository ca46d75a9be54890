/**
 * The health of one uplink: a window per target, the round levels
 * (level.ts), the streaks they build and the state machine those drive
 * (transitions.ts).
 *
 * Targets are pooled. A target that is effectively silent (90 % loss or more
 * over at least half a window) while others answer is left out of the pool
 * until its loss is back within the failure threshold, so one dead or
 * rate-limited-to-death target does not weigh on the uplink.
 *
 * Carrier loss makes the uplink `down` at once, and nothing lifts it before
 * the carrier returns. When an uplink that went down for an outage (no
 * answers, no carrier) passes its first round, its windows are cleared, so
 * recovery is judged on fresh samples rather than held back by the outage
 * (dpinger's 60 s window needs about 48 s after an outage). After a quality
 * failure the windows are kept: the poor samples are the evidence.
 */
import type { ProbeFailure, ProbeResult } from '../interfaces/probe.js';
import type { UplinkSettings } from '../settings.js';
import type { Uplink, UplinkState } from '../uplink.js';
import { judgeRound, poolStats, type RoundLevel, type UplinkMetrics } from './level.js';
import { extendStreaks, NO_STREAKS, stateOf, transitionFrom, type Situation, type Streaks } from './transitions.js';
import { TargetWindow, type TargetStats } from './window.js';

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

/** What the engine decides on about an uplink's health (the rest of a {@link HealthSnapshot} is for people). */
export interface HealthVerdict {
  readonly state: UplinkState;
  /** When the current state began. */
  readonly since: number;
  /** Not in an outage (fewer than `down` rounds in a row without answers): a `down` uplink may still pass traffic, only badly. */
  readonly answering: boolean;
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

interface TargetState {
  readonly window: TargetWindow;
  /** Counted in the pool (not silent). */
  pooled: boolean;
}

/** Loss at or above which a target counts as silent. */
const SILENT_LOSS_PCT = 90;

/** Health of one uplink: windows per target, streaks and state. */
export class UplinkHealth {
  private readonly targets = new Map<string, TargetState>();
  private situation: Situation;
  private stateSince: number;
  private stateReason: string;
  private carrier: 'up' | 'down' | 'unknown' = 'unknown';
  private lastLevel: RoundLevel | null = null;
  private streaks: Streaks = NO_STREAKS;
  private rounds = 0;

  constructor(
    readonly uplink: Uplink,
    readonly settings: UplinkSettings,
    now: number,
  ) {
    for (const t of uplink.targets)
      this.targets.set(t, { window: new TargetWindow(settings.health.window), pooled: true });
    this.situation = settings.health.initialState === 'down' ? 'down:outage' : 'unknown';
    this.stateSince = now;
    this.stateReason = 'start-up: not yet measured';
  }

  /** Samples a window needs before its loss, latency and jitter are judged. */
  private get minSamples(): number {
    return Math.ceil(this.settings.health.window / 2);
  }

  /** The current state. */
  get state(): UplinkState {
    return stateOf(this.situation);
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
    const { bad, good, notBad } = this.streaks;
    switch (this.state) {
      case 'up':
        return bad > 0 ? 'failing' : 'steady';
      case 'degraded':
        return bad > 0 ? 'failing' : good > 0 ? 'recovering' : 'steady';
      case 'down':
        return notBad > 0 ? 'recovering' : 'steady';
      case 'unknown':
        return bad > 0 ? 'failing' : 'recovering';
    }
  }

  /** The round interval for the current phase, before the spread. */
  intervalMs(): number {
    const p = this.settings.probe;
    const phase = this.phase();
    return phase === 'failing' ? p.failureIntervalMs : phase === 'recovering' ? p.recoveryIntervalMs : p.intervalMs;
  }

  /** Folds one round into the windows, the streaks and the state machine. */
  recordRound(results: readonly RoundResult[], now: number): StateChange | null {
    const answered = results.filter((r) => r.result.ok).length;
    const firstPass = this.situation === 'down:outage' && this.streaks.notBad === 0;
    if (firstPass && answered >= this.settings.probe.reliability && this.carrier !== 'down') this.clearWindows();
    for (const r of results) this.targets.get(r.target)?.window.push(r.result, now);
    this.poolTargets();
    this.rounds++;
    const judged = judgeRound(
      {
        carrier: this.carrier,
        sent: results.length,
        answered,
        failures: results.flatMap((r) => (r.result.ok ? [] : [r.result.detail])),
        pooled: () => [...this.targets.values()].filter((t) => t.pooled).map((t) => t.window.stats()),
      },
      this.settings.health,
      this.settings.probe.reliability,
      this.minSamples,
    );
    const { level, outage } = judged;
    const failedAs = (...reasons: ProbeFailure[]) =>
      results.length > 0 && results.every((r) => !r.result.ok && reasons.includes(r.result.reason));
    const noDevice = failedAs('no-device');
    const linkDown = failedAs('link-down', 'no-device');
    // A missing device is named as such (`no such device: eth9 does not exist`), not as a failed round.
    const first = results[0]?.result;
    const why =
      noDevice && first && !first.ok ? `no such device: ${first.detail.replace(/^ENODEV:?\s*/, '')}` : judged.why;
    this.lastLevel = level;
    this.streaks = extendStreaks(this.streaks, { level, outage, linkDown, noDevice });
    const next = transitionFrom(this.situation, this.streaks, this.settings.health, why);
    return next && this.enter(next.to, now, next.reason);
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

  private enter(to: Situation, now: number, reason: string): StateChange {
    const change: StateChange = { uplink: this.uplink.id, from: this.state, to: stateOf(to), reason, at: now };
    this.situation = to;
    this.stateSince = now;
    this.stateReason = reason;
    return change;
  }

  /** Applies a carrier report. Loss of carrier makes the uplink `down` at once. */
  carrierChanged(carrier: 'up' | 'down', now: number): StateChange | null {
    this.carrier = carrier;
    if (carrier === 'up') return null;
    this.streaks = { ...this.streaks, notBad: 0, good: 0 };
    if (this.state === 'down') {
      this.situation = 'down:outage';
      return null;
    }
    return this.enter('down:outage', now, 'carrier lost');
  }

  /**
   * Forgets the state of an uplink that will not be measured for a while
   * (dark standby after it stopped being active): it becomes `unknown`.
   */
  forget(now: number, reason: string): StateChange | null {
    this.streaks = NO_STREAKS;
    this.lastLevel = null;
    this.clearWindows();
    if (this.situation === 'unknown') return null;
    return this.enter('unknown', now, reason);
  }

  /** Not in an outage: see {@link HealthVerdict.answering}. */
  private get answering(): boolean {
    // A device that is down or gone carries nothing: it is not "poor but answering".
    return (
      this.rounds > 0 &&
      this.carrier !== 'down' &&
      this.streaks.linkDown === 0 &&
      this.streaks.outage < this.settings.health.down
    );
  }

  /** The verdict now, without the statistics a snapshot computes. */
  verdict(): HealthVerdict {
    return { state: this.state, since: this.stateSince, answering: this.answering };
  }

  /** Level of the last round, null before the first. */
  get level(): RoundLevel | null {
    return this.lastLevel;
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
      state: this.state,
      since: this.stateSince,
      reason: this.stateReason,
      carrier: this.carrier,
      answering: this.answering,
      phase: this.phase(),
      lastLevel: this.lastLevel,
      badStreak: this.streaks.bad,
      goodStreak: this.streaks.good,
      rounds: this.rounds,
      metrics: poolStats(pooled.length > 0 ? pooled : targets),
      targets,
    };
  }
}
