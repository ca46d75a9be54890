/**
 * A {@link StateStore} in a directory (the agent uses `/var/lib/wanwatch`):
 *
 * - `state.json`: the {@link PersistedState}, written atomically — a
 *   temporary file in the same directory is written and fsynced, renamed
 *   over the old file, and the directory is fsynced — so a crash or power
 *   loss leaves either the old or the new state, never a torn one.
 * - `history.jsonl`: one JSON object per line, appended and fdatasynced.
 *   A torn last line (crash during a write) is skipped when reading. Rotated
 *   by size into `history.jsonl.1`, `.2`… (see {@link HistoryFiles});
 *   `history()` reads across every file.
 *
 * An unreadable `state.json` (bad JSON, another schema version, wrong
 * shape) is moved aside to `state.json.corrupt-<time>` so the next save
 * cannot overwrite the evidence, and `load` rejects with a
 * {@link StateCorruptError}; the engine then starts with empty state.
 */
import { mkdir, readFile, rename } from 'node:fs/promises';
import { join } from 'node:path';
import { StateCorruptError, WanwatchError, describeError } from '../errors.js';
import type {
  BlockRecord,
  HistoryEntry,
  HistoryQuery,
  PenaltyRecord,
  PersistedState,
  StateStore,
} from '../interfaces/store.js';
import { DEFAULT_HISTORY_ROTATION, HistoryFiles, type HistoryRotation } from './history-files.js';
import { selectHistory } from './memory-store.js';
import { writeFileAtomic } from '../common/atomic-write.js';
import { SerialQueue } from '../common/serial-queue.js';

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isTime = (v: unknown): v is number | null => v === null || (typeof v === 'number' && Number.isFinite(v));
const isId = (v: unknown): v is string | null => v === null || typeof v === 'string';

function recordsOf<T>(
  value: unknown,
  field: string,
  check: (v: Record<string, unknown>) => boolean,
): Record<string, T> {
  if (!isRecord(value)) throw new Error(`${field} is not an object`);
  for (const [k, v] of Object.entries(value)) {
    if (!isRecord(v) || !check(v)) throw new Error(`${field}.${k} has the wrong shape`);
  }
  return value as Record<string, T>;
}

/** Checks the shape of a parsed state file; throws a plain Error naming the first bad field. */
export function parsePersistedState(json: unknown): PersistedState {
  if (!isRecord(json)) throw new Error('not a JSON object');
  if (json.version !== 1) throw new Error(`schema version ${JSON.stringify(json.version)} is not 1`);
  if (!isId(json.active)) throw new Error('active is not a string or null');
  if (!isTime(json.activeSince)) throw new Error('activeSince is not a time');
  if (!isTime(json.lastSwitchAt)) throw new Error('lastSwitchAt is not a time');
  if (!isId(json.pinned)) throw new Error('pinned is not a string or null');
  if (!Array.isArray(json.forbidden) || !json.forbidden.every((f) => typeof f === 'string'))
    throw new Error('forbidden is not a list of uplink ids');
  const penalties = recordsOf<PenaltyRecord>(
    json.penalties,
    'penalties',
    (v) => typeof v.value === 'number' && typeof v.at === 'number' && typeof v.suppressed === 'boolean',
  );
  const blocks = recordsOf<BlockRecord>(
    json.blocks,
    'blocks',
    (v) => typeof v.failures === 'number' && typeof v.until === 'number',
  );
  return {
    version: 1,
    active: json.active,
    activeSince: json.activeSince,
    lastSwitchAt: json.lastSwitchAt,
    pinned: json.pinned,
    forbidden: json.forbidden,
    penalties,
    blocks,
  };
}

/**
 * State and history in files under `dir` (created with mode 0700 if missing).
 *
 * @example
 * ```ts
 * const store = new FileStateStore('/var/lib/wanwatch', Date.now, { maxBytes: 4 * 1024 * 1024, files: 3 });
 * ```
 */
export class FileStateStore implements StateStore {
  /** Path of the state file. */
  readonly stateFile: string;
  /** Path of the live history file. */
  readonly historyFile: string;
  /** The history files (live and rotated). */
  readonly historyFiles: HistoryFiles;
  /** Writes run one after another so they never interleave. */
  private readonly writes = new SerialQueue();

  /** `rotation`: how much history to keep (default {@link DEFAULT_HISTORY_ROTATION}). */
  constructor(
    readonly dir: string,
    private readonly now: () => number = Date.now,
    rotation: HistoryRotation = DEFAULT_HISTORY_ROTATION,
  ) {
    this.stateFile = join(dir, 'state.json');
    this.historyFile = join(dir, 'history.jsonl');
    this.historyFiles = new HistoryFiles(dir, this.historyFile, rotation);
  }

  private ioError(what: string, file: string, err: unknown): WanwatchError {
    return new WanwatchError('E_STATE_IO', `${what} ${file} failed: ${describeError(err)}`, { file, cause: err });
  }

  async load(): Promise<PersistedState | null> {
    let text: string;
    try {
      text = await readFile(this.stateFile, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw this.ioError('reading', this.stateFile, err);
    }
    try {
      return parsePersistedState(JSON.parse(text));
    } catch (err) {
      const aside = `${this.stateFile}.corrupt-${new Date(this.now()).toISOString().replace(/[:.]/g, '-')}`;
      let movedTo: string | undefined = aside;
      try {
        await rename(this.stateFile, aside);
      } catch {
        movedTo = undefined;
      }
      throw new StateCorruptError(this.stateFile, movedTo, err);
    }
  }

  save(state: PersistedState): Promise<void> {
    return this.writes.run(async () => {
      try {
        await mkdir(this.dir, { recursive: true, mode: 0o700 });
        await writeFileAtomic(this.stateFile, `${JSON.stringify(state, null, 2)}\n`, { mode: 0o600 });
      } catch (err) {
        throw this.ioError('writing', this.stateFile, err);
      }
    });
  }

  append(entry: HistoryEntry): Promise<void> {
    return this.writes.run(async () => {
      try {
        await this.historyFiles.append(entry);
      } catch (err) {
        throw this.ioError('appending to', this.historyFile, err);
      }
    });
  }

  async history(query?: HistoryQuery): Promise<HistoryEntry[]> {
    let entries: HistoryEntry[];
    try {
      entries = await this.historyFiles.read();
    } catch (err) {
      throw this.ioError('reading', (err as { path?: string }).path ?? this.historyFile, err);
    }
    return selectHistory(entries, query);
  }
}
