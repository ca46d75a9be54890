/** Per-uplink dampening memory. */
export interface PenaltyRecord {
  /** Penalty when last changed. */
  readonly value: number;
  /** When it was last changed (ms since epoch). */
  readonly at: number;
  /** Whether the uplink was suppressed then. */
  readonly suppressed: boolean;
}

/** Per-uplink back-off after failed switches or trials. */
export interface BackOffRecord {
  /** Consecutive failures. */
  readonly failures: number;
  /** Not tried again before this time (ms since epoch). */
  readonly until: number;
}

/** @deprecated The old name of {@link BackOffRecord}. */
export type BlockRecord = BackOffRecord;

/**
 * What the engine keeps across restarts. The field names are the state
 * file's (schema version 1): `pinned` is the held uplink, `blocks` the
 * back-offs.
 */
export interface PersistedState {
  /** Schema version; a file with another version is treated as unreadable. */
  readonly version: 1;
  /** The active uplink when last saved. */
  readonly active: string | null;
  /** Since when it was active. */
  readonly activeSince: number | null;
  /** When the engine last switched. */
  readonly lastSwitchAt: number | null;
  /** The uplink the operator holds (`hold`). */
  readonly pinned: string | null;
  /** Operator-forbidden uplinks. */
  readonly forbidden: readonly string[];
  /** Dampening penalties by uplink. */
  readonly penalties: Readonly<Record<string, PenaltyRecord>>;
  /** Back-offs by uplink. */
  readonly blocks: Readonly<Record<string, BackOffRecord>>;
}

/** One line of history. */
export interface HistoryEntry {
  /** When (ms since epoch). */
  readonly at: number;
  /** `start`, `stop`, `state`, `dampening`, `switch`, `switch-failed`, `trial`, `hold`, `forbid`, `release`, `role`, `warning`. */
  readonly type: string;
  /** The uplink the entry is about, if any. */
  readonly uplink?: string | undefined;
  /** One readable line. */
  readonly message: string;
  /** Structured details (measurements, reasons). */
  readonly data?: Readonly<Record<string, unknown>> | undefined;
}

/** A filter for reading history. */
export interface HistoryQuery {
  /** Only entries at or after this time. */
  readonly since?: number | undefined;
  /** At most this many, the newest ones. */
  readonly limit?: number | undefined;
}

/**
 * Where the engine keeps state and history. `load` rejects with a
 * `StateCorruptError` when a file exists but cannot be used; the engine then
 * starts with empty state and says so.
 */
export interface StateStore {
  load(): Promise<PersistedState | null>;
  save(state: PersistedState): Promise<void>;
  append(entry: HistoryEntry): Promise<void>;
  history(query?: HistoryQuery): Promise<HistoryEntry[]>;
}
