/**
 * Transitions after a measurement: a probe round, a carrier report, or a
 * dark uplink forgotten. The uplink's tracker has judged it already; its
 * verdict enters the state here, with what a state change implies (a broken
 * uplink forgiven, a flap counted for dampening).
 */
import type { UplinkStateEvent } from '../events.js';
import type { RoundLevel } from '../health/level.js';
import type { HealthVerdict, RoundResult } from '../health/tracker.js';
import { withFlap } from '../state/ledger.js';
import { emit, record, save, step, then, type Step } from './effects.js';
import type { EngineState } from './state.js';

/** What an uplink's tracker said after it changed. */
export interface Measured {
  readonly uplink: string;
  readonly verdict: HealthVerdict;
  /** The state change, if the tracker made one, with the measurements at it. */
  readonly change: UplinkStateEvent | null;
}

/** A probe round, judged. */
export interface MeasuredRound extends Measured {
  readonly results: readonly RoundResult[];
  readonly level: RoundLevel;
}

/** After a probe round: the `probe` event, then what its verdict implies. */
export function afterRound(state: EngineState, round: MeasuredRound, now: number): Step {
  const probe = emit('probe', {
    at: now,
    uplink: round.uplink,
    results: round.results,
    level: round.level,
    state: round.verdict.state,
  });
  return then(step(state, probe), (s) => afterHealth(s, round, now));
}

/** After any change of an uplink's health: the new verdict, and its state change if any. */
export function afterHealth(state: EngineState, m: Measured, now: number): Step {
  const next = { ...state, health: new Map(state.health).set(m.uplink, m.verdict) };
  return m.change ? afterStateChange(next, m.change, now) : step(next);
}

function afterStateChange(state: EngineState, change: UplinkStateEvent, now: number): Step {
  const { uplink, from, to, metrics } = change;
  let next = state;
  if (to === 'up' && state.broken.get(uplink) === 'trial') {
    const broken = new Map(state.broken);
    broken.delete(uplink);
    next = { ...next, broken };
  }
  const told = step(
    next,
    emit('uplink:state', change),
    record({
      type: 'state',
      uplink,
      message: `${uplink}: ${from} → ${to} (${change.reason})`,
      data: { from, to, ...metrics },
    }),
  );
  if (to !== 'down' || (from !== 'up' && from !== 'degraded')) return told;
  return then(told, (s) => flapped(s, uplink, change.at, now));
}

/** A live uplink went down: one more flap for dampening. */
function flapped(state: EngineState, uplink: string, at: number, now: number): Step {
  const { ledger, penalty } = withFlap(state.ledger, uplink, at, state.config.settings.dampening);
  const next = { ...state, ledger };
  const note = penalty.suppressed
    ? [
        record({
          type: 'dampening',
          uplink,
          message: `${uplink} suppressed by flap dampening (penalty ${Math.round(penalty.value)})`,
        }),
      ]
    : [];
  return then(step(next, ...note), (s) => save(s, now));
}
