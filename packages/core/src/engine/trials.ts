/**
 * Trials: a switch to an uplink that could not be measured beforehand (dark
 * standby) is only provisional. The uplink must reach `up` within the trial
 * window (a failover trial may settle for `degraded`, which still beats the
 * dead uplink it replaced). A trial that fails is reported like a failed
 * switch, backs the uplink off (doubling) and marks it broken, so the policy
 * returns traffic at once.
 */
import { WanwatchError } from '../errors.js';
import type { TrialStatus } from '../status.js';
import { withBackOff, withoutBackOff } from '../state/ledger.js';
import type { SwitchRequest } from '../switch/controller.js';
import type { UplinkState } from '../uplink.js';
import { failureReport, record, save, step, then, type Step } from './effects.js';
import { stateOf, type EngineState, type Trial } from './state.js';

/** A trial of `request.to` begins with the switch that made it active. */
export function beginTrial(state: EngineState, request: SwitchRequest, switchId: number, now: number): Step {
  const deadline = now + state.config.settings.failback.trialWindowMs;
  const trial: Trial = {
    uplink: request.to.id,
    from: request.from?.id ?? null,
    reason: request.reason,
    detail: request.detail,
    switchId,
    startedAt: now,
    deadline,
    requireUp: request.reason === 'failback',
  };
  return step({ ...state, trial }, { kind: 'trial-deadline', at: deadline });
}

/** No trial any more (it ended, or this box became HA backup). */
export function endTrial(state: EngineState): Step {
  return step({ ...state, trial: null }, { kind: 'trial-deadline', at: null });
}

/** Ends the trial when its uplink proved itself, went down, or ran out of time. */
export function checkTrial(state: EngineState, now: number): Step {
  const trial = state.trial;
  if (!trial) return step(state);
  const id = trial.uplink;
  const health = stateOf(state, id);
  if (health === 'up' || (!trial.requireUp && health === 'degraded')) {
    const passed = endTrial({ ...state, ledger: withoutBackOff(state.ledger, id) });
    const told = then(passed, (s) =>
      step(s, record({ type: 'trial', uplink: id, message: `${id} passed its trial (${health})` })),
    );
    return then(told, (s) => save(s, now));
  }
  if (health !== 'down' && now < trial.deadline) return step(state);
  return then(endTrial(state), (s) => trialFailed(s, trial, health, now));
}

function trialFailed(state: EngineState, trial: Trial, health: UplinkState, now: number): Step {
  const id = trial.uplink;
  const { failback } = state.config.settings;
  const ledger = withBackOff(state.ledger, id, now, failback.delayMs, failback.maxBackoffMs);
  const broken = health === 'down' ? state.broken : new Map(state.broken).set(id, 'trial' as const);
  const why =
    health === 'down'
      ? 'went down during its trial'
      : `was not ${trial.requireUp ? 'up' : 'usable'} within the trial window`;
  const failed = step(
    { ...state, ledger, broken },
    ...failureReport({
      id: trial.switchId,
      at: now,
      from: trial.from,
      to: id,
      reason: trial.reason,
      trial: true,
      detail: trial.detail,
      durationMs: now - trial.startedAt,
      step: 'trial',
      error: new WanwatchError('E_VERIFY_FAILED', `${id} ${why} (${health})`, { uplink: id }),
      active: ledger.active,
    }),
  );
  return then(failed, (s) => save(s, now));
}

/** The trial in progress, for status. */
export function trialStatus(state: EngineState): TrialStatus | null {
  const t = state.trial;
  return t && { uplink: t.uplink, from: t.from, deadline: t.deadline };
}
