/**
 * After the policy's verdict: the events an operator wants from the stream
 * of verdicts (a `decision` only when the verdict changes,
 * `failback:pending` when a failback starts waiting or its due time moves,
 * `failback:cancelled` when it will not happen after all), then the switch
 * to run or the time to ask again.
 */
import type { Decision, PendingFailback } from '../policy/policy.js';
import { emit, step, type Effect, type Step } from './effects.js';
import { stateOf, type EngineState } from './state.js';

const keyOf = (d: Decision | null): string =>
  d === null
    ? ''
    : d.kind === 'switch'
      ? `switch:${d.to}:${d.reason}`
      : `stay:${d.reason}:${d.pending?.uplink ?? ''}:${d.pending?.waitingFor ?? ''}:${d.pending?.dueAt ?? ''}`;

const moved = (a: PendingFailback | null, b: PendingFailback | null): boolean =>
  a?.uplink !== b?.uplink || a?.dueAt !== b?.dueAt || a?.waitingFor !== b?.waitingFor;

/** Why an awaited failback will not happen. */
function cancelReason(state: EngineState, uplink: string, decision: Decision): string {
  if (state.ledger.forbidden.includes(uplink)) return 'forbidden by the operator';
  const health = stateOf(state, uplink);
  return health !== 'up' ? `it is ${health} again` : decision.detail;
}

/** The verdict `decision` at `now`: its events, and the switch or the recheck it calls for. */
export function afterDecision(state: EngineState, decision: Decision, now: number): Step {
  const effects: Effect[] = [];
  if (keyOf(decision) !== keyOf(state.decision))
    effects.push(emit('decision', { at: now, active: state.ledger.active, decision }));
  const before = state.pending;
  const pending = decision.kind === 'stay' ? decision.pending : null;
  if (pending && moved(before, pending)) effects.push(emit('failback:pending', { at: now, ...pending }));
  const returning = decision.kind === 'switch' && decision.to === before?.uplink;
  if (before && pending?.uplink !== before.uplink && !returning)
    effects.push(
      emit('failback:cancelled', {
        at: now,
        uplink: before.uplink,
        reason: cancelReason(state, before.uplink, decision),
      }),
    );
  if (decision.kind === 'switch') {
    const { to, reason, trial, detail } = decision;
    effects.push({ kind: 'recheck', at: null }, { kind: 'switch', plan: { to, reason, trial, detail } });
  } else effects.push({ kind: 'recheck', at: decision.recheckAt });
  return step({ ...state, decision, pending }, ...effects);
}
