/**
 * What a transition asks the runtime to do. A transition never does I/O: it
 * returns the next state and a list of these, which the runtime applies in
 * order (emit an event, write history, save the state, start or stop
 * probers, arm a timer, run a switch).
 */
import type { WanwatchError } from '../errors.js';
import type { EngineEvents, SwitchFailedEvent } from '../events.js';
import type { SwitchReason } from '../interfaces/adapter.js';
import type { HistoryEntry } from '../interfaces/store.js';
import { pruned } from '../state/ledger.js';
import type { EngineState } from './state.js';

/** One typed engine event. */
export type EngineEvent = {
  [K in keyof EngineEvents]: { readonly name: K; readonly payload: EngineEvents[K][0] };
}[keyof EngineEvents];

/** A switch the policy or an operator asks for. */
export interface SwitchPlan {
  readonly to: string;
  readonly reason: SwitchReason;
  /** The target is not measured yet: it must prove itself within the trial window. */
  readonly trial: boolean;
  readonly detail: string;
}

/** Something for the runtime to do. */
export type Effect =
  | { readonly kind: 'emit'; readonly event: EngineEvent }
  | { readonly kind: 'record'; readonly entry: Omit<HistoryEntry, 'at'> }
  /** A `warning` event and its history line. */
  | { readonly kind: 'warn'; readonly error: WanwatchError }
  /** Save the ledger as the state now has it. */
  | { readonly kind: 'save' }
  /** Start and stop probers as the state now wants them (dark standby probes only the active uplink). */
  | { readonly kind: 'sync-probers' }
  /** Check the trial at `at` (null: no trial, no timer). */
  | { readonly kind: 'trial-deadline'; readonly at: number | null }
  /** Ask the policy again at `at` (null: only after the next change). */
  | { readonly kind: 'recheck'; readonly at: number | null }
  /** Run a switch transaction, one at a time. */
  | { readonly kind: 'switch'; readonly plan: SwitchPlan };

/** A transition's result: the next state, and what to do about it. */
export interface Step {
  readonly state: EngineState;
  readonly effects: readonly Effect[];
}

/** The step to `state` with `effects`. */
export const step = (state: EngineState, ...effects: Effect[]): Step => ({ state, effects });

/** `first`, then `next` on its state; the effects in order. */
export function then(first: Step, next: (state: EngineState) => Step): Step {
  const second = next(first.state);
  return { state: second.state, effects: [...first.effects, ...second.effects] };
}

/** Emits `name` with `payload`. */
export const emit = <K extends keyof EngineEvents>(name: K, payload: EngineEvents[K][0]): Effect =>
  ({ kind: 'emit', event: { name, payload } }) as Effect;

/** Writes one history line. */
export const record = (entry: Omit<HistoryEntry, 'at'>): Effect => ({ kind: 'record', entry });

/** Saves the ledger, forgetting penalties that have decayed away (as the saved file does). */
export function save(state: EngineState, now: number): Step {
  return step({ ...state, ledger: pruned(state.ledger, now, state.config.settings.dampening) }, { kind: 'save' });
}

/** A failed switch or trial: the `switch:failed` event and its history line. */
export function failureReport(event: SwitchFailedEvent): Effect[] {
  const { from, to, reason, step: at, error } = event;
  return [
    emit('switch:failed', event),
    record({
      type: 'switch-failed',
      uplink: to,
      message: `switch ${from ?? 'none'} → ${to} (${reason}) failed at ${at}: ${error.message}`,
      data: { from, to, reason, step: at, code: error.code },
    }),
  ];
}
