/**
 * The instruments: each uplink's tracker (its windows and state machine) and
 * prober (its rounds). Their verdicts enter the engine's state through the
 * transitions in measure.ts; this file only runs them.
 */
import { WanwatchError } from '../errors.js';
import type { UplinkStateEvent } from '../events.js';
import {
  UplinkHealth,
  type HealthSnapshot,
  type HealthVerdict,
  type RoundResult,
  type StateChange,
} from '../health/tracker.js';
import type { Clock } from '../interfaces/clock.js';
import type { Probe } from '../interfaces/probe.js';
import { UplinkProber } from '../probe/scheduler.js';
import type { Settings } from '../settings.js';
import { settingsForUplink, type Uplink } from '../uplink.js';
import type { Measured } from './measure.js';

export class Measurements {
  private readonly trackers = new Map<string, UplinkHealth>();
  private readonly probers = new Map<string, UplinkProber>();

  constructor(uplinks: readonly Uplink[], settings: Settings, now: number) {
    for (const u of uplinks) this.trackers.set(u.id, new UplinkHealth(u, settingsForUplink(settings, u), now));
  }

  /** Every uplink's verdict now. */
  verdicts(): Map<string, HealthVerdict> {
    return new Map([...this.trackers].map(([id, t]) => [id, t.verdict()]));
  }

  /** The tracker of `id`. */
  tracker(id: string): UplinkHealth {
    const t = this.trackers.get(id);
    if (!t) throw new WanwatchError('E_UNKNOWN_UPLINK', `no uplink named "${id}"`, { uplink: id });
    return t;
  }

  has(id: string): boolean {
    return this.trackers.has(id);
  }

  /** What `id`'s tracker says after it changed (by `change`, if it made one). */
  measured(id: string, change: StateChange | null): Measured {
    const t = this.tracker(id);
    const event: UplinkStateEvent | null = change && { ...change, metrics: t.snapshot().metrics };
    return { uplink: id, verdict: t.verdict(), change: event };
  }

  /** Builds the probers (stopped); each finished round goes to `onRound`. */
  createProbers(
    deps: { readonly clock: Clock; readonly probe: Probe; readonly random: () => number },
    onRound: (id: string, results: RoundResult[]) => void,
  ): void {
    for (const [id, t] of this.trackers)
      this.probers.set(id, new UplinkProber(deps, t.uplink, t, (r) => onRound(id, r)));
  }

  /**
   * Probes the uplinks `wanted` says, stops the others; a stopped uplink is
   * forgotten (dark standby cannot see it) and `onForgotten` hears about it.
   */
  sync(wanted: (id: string) => boolean, now: number, onForgotten: (m: Measured) => void): void {
    for (const [id, prober] of this.probers) {
      const want = wanted(id);
      if (want && !prober.active) prober.start();
      if (!want && prober.active) {
        prober.stop();
        onForgotten(this.measured(id, this.tracker(id).forget(now, 'not measured while standby (dark standby)')));
      }
    }
  }

  /** Runs `id`'s next round now if none is in flight. */
  kick(id: string): void {
    this.probers.get(id)?.kick();
  }

  probing(id: string): boolean {
    return this.probers.get(id)?.active ?? false;
  }

  snapshot(id: string): HealthSnapshot {
    return this.tracker(id).snapshot();
  }

  /** Aborts probes in flight and stops every prober for good. */
  close(): void {
    for (const p of this.probers.values()) p.close();
  }
}
