/**
 * Operator commands. Each runs as an exclusive step (never alongside a switch
 * or a role change) and refuses, with a clear error, what cannot be done.
 */
import { WanwatchError } from '../errors.js';
import { failbackCandidate, isBackedOff, isPreferred } from '../policy/policy.js';
import type { SwitchOutcome } from '../switch/controller.js';
import type { Runtime } from './runtime.js';

function requireMaster(rt: Runtime): void {
  if (rt.phase !== 'running') throw new WanwatchError('E_STOPPED', 'the engine is not running');
  if (rt.role !== 'master') throw new WanwatchError('E_NOT_MASTER', 'this box is HA backup; act on the master');
}

function requireAllowed(rt: Runtime, id: string): void {
  if (rt.ledger.forbidden.has(id))
    throw new WanwatchError('E_UPLINK_UNUSABLE', `${id} is forbidden; release it first`, { uplink: id });
}

const usable = (rt: Runtime, id: string) => ['up', 'degraded'].includes(rt.healthOf(id).state);

/** Resolves once no switch or role change is in progress. */
export async function settle(rt: Runtime): Promise<void> {
  while (rt.busy) await rt.busy.catch(() => undefined);
}

export async function failover(rt: Runtime, to: string): Promise<SwitchOutcome | null> {
  rt.uplink(to);
  return rt.exclusive(async () => {
    requireMaster(rt);
    requireAllowed(rt, to);
    if (rt.ledger.active === to) return null;
    const ok = usable(rt, to);
    if (rt.standbyProbing && !ok)
      throw new WanwatchError('E_UPLINK_UNUSABLE', `${to} is ${rt.healthOf(to).state}; it must pass its probes first`, {
        uplink: to,
      });
    return rt.switchTo(to, 'manual', !ok, `operator: failover to ${to}`);
  });
}

export async function failback(rt: Runtime): Promise<SwitchOutcome> {
  return rt.exclusive(async () => {
    requireMaster(rt);
    const now = rt.clock.now();
    const input = rt.policyInput(now);
    const active = input.uplinks.find((u) => u.id === rt.ledger.active);
    // The policy's own choice, ignoring only dampening (and mode, delay and window, which it never sees here).
    const target = failbackCandidate(input, active, 'ignore');
    if (!target) {
      const state = rt.standbyProbing ? 'up' : 'available';
      const waiting = input.uplinks
        .filter((u) => !u.forbidden && isBackedOff(u, now) && (!active || isPreferred(u, active, input.held)))
        .map((u) => `${u.id} is backed off for ${Math.ceil(((u.backedOffUntil ?? now) - now) / 1000)} s`);
      const why = waiting.length > 0 ? ` (${waiting.join(', ')}; a failover to it forces a switch)` : '';
      throw new WanwatchError('E_UPLINK_UNUSABLE', `no uplink better than ${active?.id ?? 'none'} is ${state}${why}`);
    }
    return rt.switchTo(target.id, 'failback', !usable(rt, target.id), `operator: failback to ${target.id}`);
  });
}

export async function hold(rt: Runtime, id: string): Promise<SwitchOutcome | null> {
  rt.uplink(id);
  return rt.exclusive(async () => {
    requireMaster(rt);
    requireAllowed(rt, id);
    rt.ledger.held = id;
    rt.journal.record({ type: 'hold', uplink: id, message: `operator holds ${id}` });
    rt.persist();
    const ok = usable(rt, id);
    if (rt.ledger.active === id || (rt.standbyProbing && !ok)) return null;
    return rt.switchTo(id, 'hold', !ok, `operator holds ${id}`);
  });
}

export async function forbid(rt: Runtime, id: string): Promise<void> {
  rt.uplink(id);
  await rt.exclusive(async () => {
    rt.ledger.forbidden.add(id);
    if (rt.ledger.held === id) rt.ledger.held = null;
    rt.journal.record({ type: 'forbid', uplink: id, message: `operator forbids ${id}` });
    rt.persist();
  });
  await settle(rt); // the switch away from it, if any
}

export async function release(rt: Runtime, id?: string): Promise<void> {
  if (id !== undefined) rt.uplink(id);
  await rt.exclusive(async () => {
    if (id === undefined || rt.ledger.held === id) rt.ledger.held = null;
    if (id === undefined) rt.ledger.forbidden.clear();
    else rt.ledger.forbidden.delete(id);
    rt.journal.record({ type: 'release', uplink: id, message: `operator released ${id ?? 'every hold and forbid'}` });
    rt.persist();
  });
  await settle(rt);
}
