import type { EngineStatus, UplinkStatus } from '../status.js';
import type { Runtime } from './runtime.js';

/** Everything the runtime knows now, as one plain object. */
export function statusOf(rt: Runtime): EngineStatus {
  const now = rt.clock.now();
  const { ledger } = rt;
  const uplinks: UplinkStatus[] = rt.uplinks.map((u) => {
    const p = ledger.penalty(u.id, now);
    return {
      ...rt.healthOf(u.id).snapshot(),
      id: u.id,
      priority: u.priority,
      interface: u.interface ?? null,
      gateway: u.gateway ?? null,
      active: ledger.active === u.id,
      probing: rt.probers.get(u.id)?.active ?? false,
      penalty: Math.round(p.value),
      suppressed: p.suppressed,
      reuseAt: p.reuseAt,
      backedOffUntil: ledger.backedOffUntil(u.id, now),
      broken: rt.broken.get(u.id) ?? null,
      held: ledger.held === u.id,
      forbidden: ledger.forbidden.has(u.id),
    };
  });
  const pending = rt.decisions.pending;
  return {
    at: now,
    role: rt.role,
    active: ledger.active,
    activeSince: ledger.activeSince,
    lastSwitchAt: ledger.lastSwitchAt,
    busy: rt.busy !== null,
    standbyProbing: rt.standbyProbing,
    decision: rt.decisions.last,
    pendingFailback: pending && {
      ...pending,
      remainingMs: pending.dueAt === null ? null : Math.max(0, pending.dueAt - now),
    },
    trial: rt.trials.status(),
    uplinks,
  };
}
