import type { HistoryEntry, HistoryQuery, PersistedState, StateStore } from '../interfaces/store.js';

/** Keeps only the newest `limit` entries of a history list matching `query`. */
export function selectHistory(entries: readonly HistoryEntry[], query: HistoryQuery = {}): HistoryEntry[] {
  const since = query.since;
  const matching = since === undefined ? [...entries] : entries.filter((e) => e.at >= since);
  return query.limit === undefined ? matching : matching.slice(Math.max(0, matching.length - query.limit));
}

/**
 * A {@link StateStore} in memory: for embedding without persistence, and for tests.
 *
 * @example
 * ```ts
 * const store = new MemoryStateStore();
 * const engine = new Engine({ ..., store });
 * ```
 */
export class MemoryStateStore implements StateStore {
  /** The last saved state. */
  state: PersistedState | null;
  /** Every appended entry, oldest first. */
  readonly entries: HistoryEntry[] = [];

  constructor(initial: PersistedState | null = null) {
    this.state = initial;
  }

  async load(): Promise<PersistedState | null> {
    return this.state;
  }

  async save(state: PersistedState): Promise<void> {
    this.state = state;
  }

  async append(entry: HistoryEntry): Promise<void> {
    this.entries.push(entry);
  }

  async history(query?: HistoryQuery): Promise<HistoryEntry[]> {
    return selectHistory(this.entries, query);
  }
}
