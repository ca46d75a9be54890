/**
 * The engine's state and its trackers' snapshots as one plain object: what
 * `engine.status()` returns and `wanwatch status` shows.
 */
import type { HealthSnapshot } from '../health/tracker.js';
import type { EngineStatus, UplinkStatus } from '../status.js';
import { backedOffUntil, penaltyOf } from '../state/ledger.js';
import type { EngineState } from './state.js';
import { trialStatus } from './trials.js';

/** What only the runtime knows: the trackers, the probers, the serial queue. */
export interface RuntimeView {
  snapshot(id: string): HealthSnapshot;
  probing(id: string): boolean;
  readonly busy: boolean;
}

/** Everything the engine knows at `now`. */
export function statusOf(state: EngineState, view: RuntimeView, now: number): EngineStatus {
  const { ledger, config } = state;
  const uplinks: UplinkStatus[] = config.uplinks.map((u) => {
    const p = penaltyOf(ledger, u.id, now, config.settings.dampening);
    return {
      ...view.snapshot(u.id),
      id: u.id,
      priority: u.priority,
      interface: u.interface ?? null,
      gateway: u.gateway ?? null,
      active: ledger.active === u.id,
      probing: view.probing(u.id),
      penalty: Math.round(p.value),
      suppressed: p.suppressed,
      reuseAt: p.reuseAt,
      backedOffUntil: backedOffUntil(ledger, u.id, now),
      broken: state.broken.get(u.id) ?? null,
      held: ledger.held === u.id,
      forbidden: ledger.forbidden.includes(u.id),
    };
  });
  const pending = state.pending;
  return {
    at: now,
    role: state.role,
    active: ledger.active,
    activeSince: ledger.activeSince,
    lastSwitchAt: ledger.lastSwitchAt,
    busy: view.busy,
    standbyProbing: config.standbyProbing,
    decision: state.decision,
    pendingFailback: pending && {
      ...pending,
      remainingMs: pending.dueAt === null ? null : Math.max(0, pending.dueAt - now),
    },
    trial: trialStatus(state),
    uplinks,
  };
}
