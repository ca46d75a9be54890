/**
 * Where the engine writes what happened (history) and what it must remember
 * (state). Disk trouble never stops the engine: a failed write becomes a
 * `warning` and the engine goes on.
 */
import { WanwatchError, describeError } from '../errors.js';
import type { Clock } from '../interfaces/clock.js';
import type { HistoryEntry, HistoryQuery, PersistedState, StateStore } from '../interfaces/store.js';

export class Journal {
  constructor(
    private readonly store: StateStore | undefined,
    private readonly clock: Clock,
    private readonly onWarning: (error: WanwatchError) => void,
  ) {}

  private io(what: string, err: unknown): WanwatchError {
    return err instanceof WanwatchError
      ? err
      : new WanwatchError('E_STATE_IO', `${what}: ${describeError(err)}`, { cause: err });
  }

  /** Appends one history entry, stamped now. */
  record(entry: Omit<HistoryEntry, 'at'>): void {
    this.store?.append({ at: this.clock.now(), ...entry }).catch((err: unknown) => {
      this.onWarning(this.io('history not written', err));
    });
  }

  /** Saves the state (writes are serialised by the store). */
  save(state: PersistedState): void {
    this.store?.save(state).catch((err: unknown) => this.onWarning(this.io('state not saved', err)));
  }

  /** Loads the saved state; an unreadable one is reported and treated as none. */
  async load(): Promise<PersistedState | null> {
    if (!this.store) return null;
    try {
      return await this.store.load();
    } catch (err) {
      this.onWarning(this.io('state not loaded', err));
      return null;
    }
  }

  async history(query?: HistoryQuery): Promise<HistoryEntry[]> {
    return this.store ? this.store.history(query) : [];
  }
}
