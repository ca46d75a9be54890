/**
 * What the engine remembers beyond measurements: the active uplink, operator
 * holds, dampening penalties and back-offs. It converts to and from the
 * persisted form; the engine saves it after every change.
 */
import type { BlockRecord, PenaltyRecord, PersistedState } from '../interfaces/store.js';
import { addFlap, isForgettable, penaltyAt, reuseAt, type PenaltyNow } from '../policy/dampening.js';
import type { DampeningSettings } from '../settings.js';

/** The engine's memory. Mutable; owned by one engine. */
export class Ledger {
  active: string | null = null;
  activeSince: number | null = null;
  lastSwitchAt: number | null = null;
  pinned: string | null = null;
  readonly forbidden = new Set<string>();
  private readonly penalties = new Map<string, PenaltyRecord>();
  private readonly blocks = new Map<string, BlockRecord>();

  constructor(private readonly dampening: DampeningSettings) {}

  /** Takes over a persisted state, ignoring uplinks that no longer exist. */
  restore(saved: PersistedState, known: ReadonlySet<string>): void {
    this.lastSwitchAt = saved.lastSwitchAt;
    this.pinned = saved.pinned !== null && known.has(saved.pinned) ? saved.pinned : null;
    for (const id of saved.forbidden) if (known.has(id)) this.forbidden.add(id);
    for (const [id, p] of Object.entries(saved.penalties)) if (known.has(id)) this.penalties.set(id, p);
    for (const [id, b] of Object.entries(saved.blocks)) if (known.has(id)) this.blocks.set(id, b);
  }

  /** The persisted form; records that have decayed away are dropped. */
  toPersisted(now: number): PersistedState {
    for (const [id, p] of this.penalties) if (isForgettable(p, now, this.dampening)) this.penalties.delete(id);
    return {
      version: 1,
      active: this.active,
      activeSince: this.activeSince,
      lastSwitchAt: this.lastSwitchAt,
      pinned: this.pinned,
      forbidden: [...this.forbidden].sort(),
      penalties: Object.fromEntries(this.penalties),
      blocks: Object.fromEntries(this.blocks),
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
   * failure, at most `capMs`. The count lasts until {@link unblock}.
   */
  block(id: string, now: number, baseMs: number, capMs: number): BlockRecord {
    const failures = (this.blocks.get(id)?.failures ?? 0) + 1;
    const record = { failures, until: now + Math.min(capMs, baseMs * 2 ** (failures - 1)) };
    this.blocks.set(id, record);
    return record;
  }

  /** Forgets the back-off of `id` (it proved itself). Returns whether there was one. */
  unblock(id: string): boolean {
    return this.blocks.delete(id);
  }

  blockedUntil(id: string, now: number): number | null {
    const until = this.blocks.get(id)?.until;
    return until !== undefined && until > now ? until : null;
  }
}
