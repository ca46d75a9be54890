/**
 * @wanwatch/core/testing — what we test the engine with, for library users
 * to test their own integrations the same way: a simulated network (probe
 * and adapter on the engine's clock), a seeded random source, a recording
 * hook runner, a hand-set role source and an in-memory state store.
 */
export * from '../sim/index.js';
export { RecordingHooks, type HookCall } from './recording-hooks.js';
export { ManualRole } from './manual-role.js';
export { MemoryStateStore } from '../state/memory-store.js';
