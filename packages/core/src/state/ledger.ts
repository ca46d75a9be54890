/**
 * What the engine remembers beyond measurements: the active uplink, the
 * operator's hold and forbidden uplinks, dampening penalties and back-offs.
 * An immutable record with pure updates; it converts to and from the
 * persisted form (whose version-1 names are `pinned` for the held uplink and
 * `blocks` for back-offs).
 */
import type { BackOffRecord, PenaltyRecord, PersistedState } from '../interfaces/store.js';
import { addFlap, isForgettable, penaltyAt, reuseAt, type PenaltyNow } from '../policy/dampening.js';
import type { DampeningSettings } from '../settings.js';

/** The engine's memory, saved after every change. */
export interface Ledger {
  readonly active: string | null;
  /** When the active uplink became active. */
  readonly activeSince: number | null;
  readonly lastSwitchAt: number | null;
  /** The uplink the operator holds: preferred above every priority. */
  readonly held: string | null;
  /** Uplinks the operator forbade, sorted. */
  readonly forbidden: readonly string[];
  readonly penalties: ReadonlyMap<string, PenaltyRecord>;
  readonly backOffs: ReadonlyMap<string, BackOffRecord>;
}

/** Nothing remembered. */
export const EMPTY_LEDGER: Ledger = Object.freeze({
  active: null,
  activeSince: null,
  lastSwitchAt: null,
  held: null,
  forbidden: [],
  penalties: new Map(),
  backOffs: new Map(),
});

const only = <T>(records: Iterable<[string, T]>, keep: (id: string, r: T) => boolean): Map<string, T> =>
  new Map([...records].filter(([id, r]) => keep(id, r)));

/** A persisted state taken over, without uplinks that no longer exist (the active uplink is the adapter's to say). */
export function restoreLedger(saved: PersistedState, known: ReadonlySet<string>): Ledger {
  return {
    ...EMPTY_LEDGER,
    lastSwitchAt: saved.lastSwitchAt,
    held: saved.pinned !== null && known.has(saved.pinned) ? saved.pinned : null,
    forbidden: saved.forbidden.filter((id) => known.has(id)),
    penalties: only(Object.entries(saved.penalties), (id) => known.has(id)),
    backOffs: only(Object.entries(saved.blocks), (id) => known.has(id)),
  };
}

/** The ledger without penalties that have decayed so far they can be forgotten. */
export function pruned(ledger: Ledger, now: number, dampening: DampeningSettings): Ledger {
  const penalties = only(ledger.penalties, (_, p) => !isForgettable(p, now, dampening));
  return penalties.size === ledger.penalties.size ? ledger : { ...ledger, penalties };
}

/** The persisted form. */
export function toPersisted(ledger: Ledger): PersistedState {
  return {
    version: 1,
    active: ledger.active,
    activeSince: ledger.activeSince,
    lastSwitchAt: ledger.lastSwitchAt,
    pinned: ledger.held,
    forbidden: [...ledger.forbidden].sort(),
    penalties: Object.fromEntries(ledger.penalties),
    blocks: Object.fromEntries(ledger.backOffs),
  };
}

/** `id` (or nothing) is the active uplink as of `now`; `switched` also stamps the last switch. */
export function withActive(ledger: Ledger, id: string | null, now: number, switched: boolean): Ledger {
  return {
    ...ledger,
    active: id,
    activeSince: id === ledger.active ? ledger.activeSince : id === null ? null : now,
    lastSwitchAt: switched ? now : ledger.lastSwitchAt,
  };
}

/** One more flap (a transition to down) of `id`, and the penalty after it. */
export function withFlap(
  ledger: Ledger,
  id: string,
  now: number,
  dampening: DampeningSettings,
): { readonly ledger: Ledger; readonly penalty: PenaltyNow } {
  const record = addFlap(ledger.penalties.get(id), now, dampening);
  const penalties = new Map(ledger.penalties).set(id, record);
  return { ledger: { ...ledger, penalties }, penalty: penaltyAt(record, now, dampening) };
}

/** The penalty of `id` now, and when dampening releases it if it is suppressed. */
export function penaltyOf(
  ledger: Ledger,
  id: string,
  now: number,
  dampening: DampeningSettings,
): PenaltyNow & { readonly reuseAt: number | null } {
  const record = ledger.penalties.get(id);
  return { ...penaltyAt(record, now, dampening), reuseAt: reuseAt(record, now, dampening) };
}

/**
 * `id` backed off: `baseMs` after the first failure, doubling per further
 * failure, at most `capMs`. The count lasts until {@link withoutBackOff}.
 */
export function withBackOff(ledger: Ledger, id: string, now: number, baseMs: number, capMs: number): Ledger {
  const failures = (ledger.backOffs.get(id)?.failures ?? 0) + 1;
  const record = { failures, until: now + Math.min(capMs, baseMs * 2 ** (failures - 1)) };
  return { ...ledger, backOffs: new Map(ledger.backOffs).set(id, record) };
}

/** The back-off of `id` forgotten (it proved itself). */
export function withoutBackOff(ledger: Ledger, id: string): Ledger {
  return ledger.backOffs.has(id) ? { ...ledger, backOffs: only(ledger.backOffs, (other) => other !== id) } : ledger;
}

/** Until when `id` is backed off, or null when it is not (any more). */
export function backedOffUntil(ledger: Ledger, id: string, now: number): number | null {
  const until = ledger.backOffs.get(id)?.until;
  return until !== undefined && until > now ? until : null;
}

/** `id` held by the operator (or the hold released with null). */
export const withHeld = (ledger: Ledger, held: string | null): Ledger => ({ ...ledger, held });

/** `id` forbidden (true) or released (false). */
export function withForbidden(ledger: Ledger, id: string, forbidden: boolean): Ledger {
  const rest = ledger.forbidden.filter((f) => f !== id);
  return { ...ledger, forbidden: forbidden ? [...rest, id].sort() : rest };
}
