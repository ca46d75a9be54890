/**
 * Operator commands as transitions: each checks what it may do (and throws a
 * `WanwatchError` saying why not), changes the ledger, and names the switch
 * to run, if any. The runtime runs them one at a time, never alongside a
 * switch or a role change.
 */
import { WanwatchError } from '../errors.js';
import { failbackCandidate, isBackedOff, isPreferred } from '../policy/policy.js';
import { withForbidden, withHeld, type Ledger } from '../state/ledger.js';
import { record, save, step, then, type Effect, type Step, type SwitchPlan } from './effects.js';
import { isUsable, policyInput, stateOf, uplinkNamed, type EngineState } from './state.js';

/** What an operator can ask for. */
export type Command =
  | { readonly kind: 'failover'; readonly to: string }
  | { readonly kind: 'failback' }
  | { readonly kind: 'hold'; readonly uplink: string }
  | { readonly kind: 'forbid'; readonly uplink: string }
  | { readonly kind: 'release'; readonly uplink?: string | undefined };

/** A command's step, and the switch it asks for (null: none, or the policy's next verdict moves traffic). */
export interface CommandStep extends Step {
  readonly switch: SwitchPlan | null;
}

/** Throws unless `id` names a configured uplink. */
export function requireUplink(state: EngineState, id: string): void {
  if (uplinkNamed(state, id)) return;
  const known = state.config.uplinks.map((x) => x.id).join(', ');
  throw new WanwatchError('E_UNKNOWN_UPLINK', `no uplink named "${id}" (known: ${known})`, { uplink: id });
}

function requireMaster(state: EngineState): void {
  if (state.phase !== 'running') throw new WanwatchError('E_STOPPED', 'the engine is not running');
  if (state.role !== 'master') throw new WanwatchError('E_NOT_MASTER', 'this box is HA backup; act on the master');
}

function requireAllowed(state: EngineState, id: string): void {
  if (state.ledger.forbidden.includes(id))
    throw new WanwatchError('E_UPLINK_UNUSABLE', `${id} is forbidden; release it first`, { uplink: id });
}

const noSwitch = (s: Step): CommandStep => ({ ...s, switch: null });

/** The ledger changed by the operator: written down and saved. */
function overridden(state: EngineState, ledger: Ledger, entry: Effect, now: number): Step {
  return then(step({ ...state, ledger }, entry), (s) => save(s, now));
}

function failover(state: EngineState, to: string): CommandStep {
  requireMaster(state);
  requireAllowed(state, to);
  if (state.ledger.active === to) return noSwitch(step(state));
  const usable = isUsable(state, to);
  if (state.config.standbyProbing && !usable)
    throw new WanwatchError('E_UPLINK_UNUSABLE', `${to} is ${stateOf(state, to)}; it must pass its probes first`, {
      uplink: to,
    });
  return { ...step(state), switch: { to, reason: 'manual', trial: !usable, detail: `operator: failover to ${to}` } };
}

/** The uplink the policy would fail back to, ignoring only dampening (and mode, delay and window, which it never sees here). */
function failback(state: EngineState, now: number): CommandStep {
  requireMaster(state);
  const input = policyInput(state, now);
  const active = input.uplinks.find((u) => u.id === state.ledger.active);
  const target = failbackCandidate(input, active, 'ignore');
  if (!target) {
    const what = state.config.standbyProbing ? 'up' : 'available';
    const waiting = input.uplinks
      .filter((u) => !u.forbidden && isBackedOff(u, now) && (!active || isPreferred(u, active, input.held)))
      .map((u) => `${u.id} is backed off for ${Math.ceil(((u.backedOffUntil ?? now) - now) / 1000)} s`);
    const why = waiting.length > 0 ? ` (${waiting.join(', ')}; a failover to it forces a switch)` : '';
    throw new WanwatchError('E_UPLINK_UNUSABLE', `no uplink better than ${active?.id ?? 'none'} is ${what}${why}`);
  }
  const plan: SwitchPlan = {
    to: target.id,
    reason: 'failback',
    trial: !isUsable(state, target.id),
    detail: `operator: failback to ${target.id}`,
  };
  return { ...step(state), switch: plan };
}

function hold(state: EngineState, id: string, now: number): CommandStep {
  requireMaster(state);
  requireAllowed(state, id);
  const held = overridden(
    state,
    withHeld(state.ledger, id),
    record({ type: 'hold', uplink: id, message: `operator holds ${id}` }),
    now,
  );
  const usable = isUsable(state, id);
  if (state.ledger.active === id || (state.config.standbyProbing && !usable)) return noSwitch(held);
  return { ...held, switch: { to: id, reason: 'hold', trial: !usable, detail: `operator holds ${id}` } };
}

function forbid(state: EngineState, id: string, now: number): CommandStep {
  let ledger = withForbidden(state.ledger, id, true);
  if (ledger.held === id) ledger = withHeld(ledger, null);
  const entry = record({ type: 'forbid', uplink: id, message: `operator forbids ${id}` });
  return noSwitch(overridden(state, ledger, entry, now));
}

function release(state: EngineState, id: string | undefined, now: number): CommandStep {
  let ledger = id === undefined || state.ledger.held === id ? withHeld(state.ledger, null) : state.ledger;
  ledger = id === undefined ? { ...ledger, forbidden: [] } : withForbidden(ledger, id, false);
  const entry = record({ type: 'release', uplink: id, message: `operator released ${id ?? 'every hold and forbid'}` });
  return noSwitch(overridden(state, ledger, entry, now));
}

/** What `command` does now; throws a `WanwatchError` when it cannot be carried out. */
export function afterCommand(state: EngineState, command: Command, now: number): CommandStep {
  switch (command.kind) {
    case 'failover':
      return failover(state, command.to);
    case 'failback':
      return failback(state, now);
    case 'hold':
      return hold(state, command.uplink, now);
    case 'forbid':
      return forbid(state, command.uplink, now);
    case 'release':
      return release(state, command.uplink, now);
  }
}
