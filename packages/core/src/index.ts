/**
 * @wanwatch/core — the wanwatch engine: health model, failover policy,
 * switch controller, typed events and state. It does no I/O of its own;
 * probes, adapters, clock, storage, hooks and HA roles come in through the
 * interfaces exported here.
 */
export { Engine, type EngineOptions } from './engine/engine.js';
export * from './errors.js';
export type * from './events.js';
export * from './uplink.js';
export * from './settings.js';
export * from './status.js';
export type * from './interfaces/adapter.js';
export * from './interfaces/clock.js';
export type * from './interfaces/hooks.js';
export type * from './interfaces/probe.js';
export type * from './interfaces/role.js';
export type * from './interfaces/store.js';
export * from './health/window.js';
export * from './health/tracker.js';
export * from './health/level.js';
export { TRANSITIONS, type Situation, type Streaks, type StreakLength, type Transition } from './health/transitions.js';
export * from './policy/policy.js';
export * from './policy/dampening.js';
export * from './policy/failback-window.js';
export { runRound, UplinkProber, PROBE_GRACE_MS, type RoundDeps } from './probe/scheduler.js';
export { SwitchController, type SwitchDeps, type SwitchOutcome, type SwitchRequest } from './switch/controller.js';
export { hookEnvironment, type HookContext, type HookSide } from './switch/hook-env.js';
export { FileStateStore, parsePersistedState } from './state/file-store.js';
export {
  HistoryFiles,
  DEFAULT_HISTORY_ROTATION,
  parseHistoryLines,
  type HistoryRotation,
} from './state/history-files.js';
export { MemoryStateStore, selectHistory } from './state/memory-store.js';
export * from './common/limits.js';
export { SerialQueue } from './common/serial-queue.js';
export {
  writeFileAtomic,
  syncDirectory,
  atomicTempName,
  removeAtomicTemps,
  type AtomicWriteOptions,
} from './common/atomic-write.js';
