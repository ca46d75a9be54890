/**
 * What the engine remembers beyond measurements: the active uplink, operator
 * holds and forbidden uplinks, dampening penalties and back-offs. It converts
 * to and from the persisted form (whose version-1 names are `pinned` for the
 * held uplink and `blocks` for back-offs); the engine saves it after every
 * change.
 */
import type { BackOffRecord, PenaltyRecord, PersistedState } from '../interfaces/store.js';
import { addFlap, isForgettable, penaltyAt, reuseAt, type PenaltyNow } from '../policy/dampening.js';
import type { DampeningSettings } from '../settings.js';

/** The engine's memory. Mutable; owned by one engine. */
export class Ledger {
  active: string | null = null;
  activeSince: number | null = null;
  lastSwitchAt: number | null = null;
  held: string | null = null;
  readonly forbidden = new Set<string>();
  private readonly penalties = new Map<string, PenaltyRecord>();
  private readonly backOffs = new Map<string, BackOffRecord>();

  constructor(private readonly dampening: DampeningSettings) {}

  /** Takes over a persisted state, ignoring uplinks that no longer exist. */
  restore(saved: PersistedState, known: ReadonlySet<string>): void {
    this.lastSwitchAt = saved.lastSwitchAt;
    this.held = saved.pinned !== null && known.has(saved.pinned) ? saved.pinned : null;
    for (const id of saved.forbidden) if (known.has(id)) this.forbidden.add(id);
    for (const [id, p] of Object.entries(saved.penalties)) if (known.has(id)) this.penalties.set(id, p);
    for (const [id, b] of Object.entries(saved.blocks)) if (known.has(id)) this.backOffs.set(id, b);
  }

  /** The persisted form; records that have decayed away are dropped. */
  toPersisted(now: number): PersistedState {
    for (const [id, p] of this.penalties) if (isForgettable(p, now, this.dampening)) this.penalties.delete(id);
    return {
      version: 1,
      active: this.active,
      activeSince: this.activeSince,
      lastSwitchAt: this.lastSwitchAt,
      pinned: this.held,
      forbidden: [...this.forbidden].sort(),
      penalties: Object.fromEntries(this.penalties),
      blocks: Object.fromEntries(this.backOffs),
    };
  }

  /** Makes `id` the active uplink as of `now`. */
  setActive(id: string | null, now: number, switched: boolean): void {
    if (id !== this.active) this.activeSince = id === null ? null : now;
    this.active = id;
    if (switched) this.lastSwitchAt = now;
  }

  /** Records a flap (a transition to down); returns the new penalty. */
  flap(id: string, now: number): PenaltyNow {
    const record = addFlap(this.penalties.get(id), now, this.dampening);
    this.penalties.set(id, record);
    return penaltyAt(record, now, this.dampening);
  }

  penalty(id: string, now: number): PenaltyNow & { reuseAt: number | null } {
    const record = this.penalties.get(id);
    return { ...penaltyAt(record, now, this.dampening), reuseAt: reuseAt(record, now, this.dampening) };
  }

  /**
   * Backs `id` off: `baseMs` after the first failure, doubling per further
   * failure, at most `capMs`. The count lasts until {@link clearBackOff}.
   */
  backOff(id: string, now: number, baseMs: number, capMs: number): BackOffRecord {
    const failures = (this.backOffs.get(id)?.failures ?? 0) + 1;
    const record = { failures, until: now + Math.min(capMs, baseMs * 2 ** (failures - 1)) };
    this.backOffs.set(id, record);
    return record;
  }

  /** Forgets the back-off of `id` (it proved itself). Returns whether there was one. */
  clearBackOff(id: string): boolean {
    return this.backOffs.delete(id);
  }

  backedOffUntil(id: string, now: number): number | null {
    const until = this.backOffs.get(id)?.until;
    return until !== undefined && until > now ? until : null;
  }
}
