/**
 * The agent's state store: core's FileStateStore, shared by the engines of
 * one process (a reload stops one engine and starts the next), and able to
 * wait for its writes. The engine saves without waiting (disk trouble must
 * never stop it); the agent waits here before the next engine loads the
 * state and before the process exits, so no save is lost or read half done.
 */
import {
  DEFAULT_HISTORY_ROTATION,
  FileStateStore,
  type HistoryRotation,
  type HistoryEntry,
  type HistoryQuery,
  type PersistedState,
  type StateStore,
} from '@wanwatch/core';

export class AgentStateStore implements StateStore {
  private readonly inner: FileStateStore;
  private readonly pending = new Set<Promise<unknown>>();

  constructor(
    readonly dir: string,
    rotation: HistoryRotation = DEFAULT_HISTORY_ROTATION,
  ) {
    this.inner = new FileStateStore(dir, Date.now, rotation);
  }

  private track<T>(work: Promise<T>): Promise<T> {
    this.pending.add(work);
    const forget = () => this.pending.delete(work);
    work.then(forget, forget);
    return work;
  }

  /** Resolves once every write begun so far has ended (failed writes are the engine's to report). */
  async flush(): Promise<void> {
    while (this.pending.size > 0) await Promise.allSettled([...this.pending]);
  }

  async load(): Promise<PersistedState | null> {
    await this.flush();
    return this.inner.load();
  }

  save(state: PersistedState): Promise<void> {
    return this.track(this.inner.save(state));
  }

  append(entry: HistoryEntry): Promise<void> {
    return this.track(this.inner.append(entry));
  }

  async history(query?: HistoryQuery): Promise<HistoryEntry[]> {
    await this.flush();
    return this.inner.history(query);
  }
}
