/**
 * Transitions of the engine's life and of the box's HA role: starting with
 * what the state store and the adapter say, running, stopping, and becoming
 * master or backup.
 */
import { WanwatchError } from '../errors.js';
import type { Role } from '../interfaces/role.js';
import type { PersistedState } from '../interfaces/store.js';
import { restoreLedger, withActive } from '../state/ledger.js';
import { emit, record, save, step, then, type Step } from './effects.js';
import { endTrial } from './trials.js';
import type { EngineState } from './state.js';

/** Starting at `now` (an engine starts once). */
export const starting = (state: EngineState, now: number): Step =>
  step({ ...state, phase: 'starting', startedAt: now });

/** The ledger saved before the last stop taken over (null: none, or unreadable), without uplinks that are gone. */
export function restored(state: EngineState, saved: PersistedState | null): Step {
  if (!saved) return step(state);
  return step({ ...state, ledger: restoreLedger(saved, new Set(state.config.uplinks.map((u) => u.id))) });
}

/** The role read at start-up. */
export const withRole = (state: EngineState, role: Role): Step => step({ ...state, role });

/**
 * The adapter found `found` carrying traffic at start-up: it is kept (no
 * switch because the engine restarted), with its time on the job from the
 * saved state when that agrees.
 */
export function adopted(state: EngineState, found: string | null, saved: PersistedState | null): Step {
  if (found === null) return step(state);
  if (!state.health.has(found)) {
    const error = new WanwatchError('E_UNKNOWN_UPLINK', `the active route belongs to no configured uplink (${found})`);
    return step(state, { kind: 'warn', error });
  }
  let ledger = withActive(state.ledger, found, state.startedAt, false);
  if (saved?.active === found && saved.activeSince !== null) ledger = { ...ledger, activeSince: saved.activeSince };
  return step({ ...state, ledger });
}

/** Probing runs: the engine decides from now on. */
export function started(state: EngineState, now: number): Step {
  const active = state.ledger.active;
  const told = step(
    state,
    { kind: 'sync-probers' },
    record({
      type: 'start',
      uplink: active ?? undefined,
      message: `engine started as ${state.role}; active uplink: ${active ?? 'none'}`,
    }),
  );
  return then(told, (s) => then(save(s, now), (saved) => step({ ...saved, phase: 'running' })));
}

/** Stopping: no more rounds, decisions or trials. */
export function stopping(state: EngineState): Step {
  return then(endTrial(state), (s) => step({ ...s, phase: 'stopped' }, { kind: 'recheck', at: null }));
}

/** Stopped after running: routing stays as it is, and the engine says so. */
export function stopped(state: EngineState, now: number): Step {
  const entry = record({ type: 'stop', message: `engine stopped; routing left on ${state.ledger.active ?? 'none'}` });
  return then(step(state, entry), (s) => save(s, now));
}

/** The box's HA role changed to `role` (the adapter is told next, as an exclusive step). */
export function afterRoleChange(state: EngineState, role: Role, now: number): Step {
  const previous = state.role;
  return step(
    { ...state, role },
    emit('role', { at: now, role, previous }),
    record({ type: 'role', message: `role ${previous} → ${role}` }),
  );
}

/** The adapter is about to enter `role`: a backup runs no trial. */
export const enteringRole = (state: EngineState, role: Role): Step =>
  role === 'backup' ? endTrial(state) : step(state);

/** The adapter entered `role`: a backup carries no traffic. */
export function roleEntered(state: EngineState, role: Role, now: number): Step {
  const ledger = role === 'backup' ? withActive(state.ledger, null, now, true) : state.ledger;
  return then(step({ ...state, ledger }, { kind: 'sync-probers' }), (s) => save(s, now));
}
