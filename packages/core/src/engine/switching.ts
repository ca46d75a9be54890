/**
 * Transitions around a switch transaction (switch/controller.ts runs it):
 * before it, when it completed, when it failed, and once the system has said
 * where the default route is after a failure.
 */
import { WanwatchError } from '../errors.js';
import type { SwitchDoneEvent, SwitchFailedEvent } from '../events.js';
import { backedOffUntil, withActive, withBackOff, withoutBackOff, type Ledger } from '../state/ledger.js';
import type { SwitchRequest } from '../switch/controller.js';
import { emit, failureReport, record, save, step, then, type Effect, type Step } from './effects.js';
import { isUsable, stateOf, type EngineState } from './state.js';
import { beginTrial } from './trials.js';

/** A switch begins. On dark standby the uplink it leaves is not judged while it runs. */
export function beforeSwitch(state: EngineState, request: SwitchRequest): Step {
  const from = request.from?.id ?? null;
  const leaving = !state.config.standbyProbing && from !== null && from !== request.to.id ? from : null;
  return step({ ...state, leaving });
}

/** The switch is over, whatever its outcome: every uplink's rounds count again. */
export function switchEnded(state: EngineState): Step {
  return step(state.leaving === null ? state : { ...state, leaving: null });
}

/**
 * Traffic now flows through `request.to`. A dark uplink left because it died
 * is tried again after the failback delay (doubling while its trials keep
 * failing; a passed trial or switch clears the count).
 */
function moveActive(state: EngineState, request: SwitchRequest, now: number): Ledger {
  const from = request.from?.id ?? null;
  const { failback } = state.config.settings;
  const ledger = withActive(state.ledger, request.to.id, now, true);
  const leftDead = from !== null && stateOf(state, from) === 'down' && !backedOffUntil(ledger, from, now);
  return !state.config.standbyProbing && leftDead
    ? withBackOff(ledger, from, now, failback.delayMs, failback.maxBackoffMs)
    : ledger;
}

/** The switch completed: `request.to` carries traffic (on trial, if it was not measured). */
export function afterSwitch(state: EngineState, request: SwitchRequest, event: SwitchDoneEvent, now: number): Step {
  const to = request.to.id;
  const from = request.from?.id ?? null;
  const broken = new Map(state.broken);
  broken.delete(to);
  const moved = { ...state, ledger: moveActive(state, request, now), broken };
  const trial = request.trial
    ? beginTrial(moved, request, event.id, now)
    : step({ ...moved, ledger: withoutBackOff(moved.ledger, to) });
  const told = then(trial, (s) =>
    step(
      s,
      { kind: 'sync-probers' },
      emit('switch:done', event),
      record({
        type: 'switch',
        uplink: to,
        message: `switched ${from ?? 'none'} → ${to} (${request.reason}) in ${event.durationMs} ms: ${request.detail}`,
        data: { from, to, reason: request.reason, trial: request.trial, durationMs: event.durationMs },
      }),
    ),
  );
  return then(told, (s) => save(s, now));
}

/**
 * The switch failed: `request.to` is backed off. When the adapter had moved
 * the route (`activated`), the uplink is also broken: `path` when its own
 * probes pass but the default route did not (a missing NAT rule, say) —
 * until a switch to it verifies; `trial` otherwise, forgiven like a failed
 * trial once it proves up.
 */
export function afterSwitchFailed(state: EngineState, request: SwitchRequest, activated: boolean, now: number): Step {
  const to = request.to.id;
  const { failback, switch: sw } = state.config.settings;
  const base = request.trial && !state.config.standbyProbing ? failback.delayMs : sw.retryDelayMs;
  const ledger = withBackOff(state.ledger, to, now, base, failback.maxBackoffMs);
  const broken = activated ? new Map(state.broken).set(to, isUsable(state, to) ? 'path' : 'trial') : state.broken;
  return step({ ...state, ledger, broken });
}

/**
 * After a failed switch the system says `found` holds the default route
 * (null: it could not say; then the route is where the adapter left it).
 * The engine believes it, and reports the failure with where traffic is.
 */
export function afterRediscovery(
  state: EngineState,
  request: SwitchRequest,
  event: SwitchFailedEvent,
  activated: boolean,
  found: string | null,
  now: number,
): Step {
  const to = request.to.id;
  const active = state.ledger.active;
  const holder = found !== null && state.health.has(found) ? found : activated ? to : active;
  const elsewhere = holder !== to && holder !== active;
  const ledger =
    holder === to
      ? moveActive(state, request, now)
      : elsewhere
        ? withActive(state.ledger, holder, now, true)
        : state.ledger;
  const warning: Effect[] = elsewhere
    ? [
        {
          kind: 'warn',
          error: new WanwatchError('E_ADAPTER', `after the failed switch the active uplink is ${holder ?? 'none'}`),
        },
      ]
    : [];
  const told = step({ ...state, ledger }, ...warning, ...failureReport({ ...event, active: ledger.active }), {
    kind: 'sync-probers',
  });
  return then(told, (s) => save(s, now));
}
