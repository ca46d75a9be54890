/**
 * The engine's typed events. The agent's logging, history, metrics and
 * status page are listeners on these; a library user listens to the same.
 * Every payload carries `at` (ms since epoch, from the engine's clock).
 */
import type { WanwatchError } from './errors.js';
import type { RoundLevel, UplinkMetrics } from './health/level.js';
import type { RoundResult, StateChange } from './health/tracker.js';
import type { SwitchReason } from './interfaces/adapter.js';
import type { Role } from './interfaces/role.js';
import type { Decision, PendingFailback } from './policy/policy.js';
import type { UplinkState } from './uplink.js';

/** One probe round of one uplink finished. */
export interface ProbeRoundEvent {
  readonly at: number;
  readonly uplink: string;
  readonly results: readonly RoundResult[];
  /** The round's level (see the health model). */
  readonly level: RoundLevel;
  /** The uplink's state after the round. */
  readonly state: UplinkState;
}

/** An uplink changed state. */
export interface UplinkStateEvent extends StateChange {
  /** The deciding measurements at the change. */
  readonly metrics: UplinkMetrics;
}

/** The policy's verdict changed. */
export interface DecisionEvent {
  readonly at: number;
  readonly active: string | null;
  readonly decision: Decision;
}

/** A switch transaction began. */
export interface SwitchStartEvent {
  /** Sequence number of the switch since the engine started. */
  readonly id: number;
  readonly at: number;
  readonly from: string | null;
  readonly to: string;
  readonly reason: SwitchReason;
  /** The target is not yet measured and must prove itself within the trial window. */
  readonly trial: boolean;
  readonly detail: string;
}

/** A switch transaction completed: `to` carries traffic. */
export interface SwitchDoneEvent extends SwitchStartEvent {
  /** From the start of the transaction to the verified new path. */
  readonly durationMs: number;
  /** RTT of the first answer through the new default route. */
  readonly verifyRttMs: number | null;
}

/** The step at which a switch failed. `trial`: switched, but the uplink did not prove itself in time. */
export type SwitchStep = 'activate' | 'verify' | 'trial';

/** A switch transaction failed. */
export interface SwitchFailedEvent extends SwitchStartEvent {
  readonly durationMs: number;
  readonly step: SwitchStep;
  readonly error: WanwatchError;
  /** The uplink that carries traffic after the failure, as far as the engine knows. */
  readonly active: string | null;
}

/** A better uplink is usable and failback is awaited. */
export interface FailbackPendingEvent extends PendingFailback {
  readonly at: number;
}

/** An awaited failback will not happen (the better uplink left `up`, was forbidden…). */
export interface FailbackCancelledEvent {
  readonly at: number;
  readonly uplink: string;
  readonly reason: string;
}

/** The HA role of the box changed. */
export interface RoleEvent {
  readonly at: number;
  readonly role: Role;
  readonly previous: Role;
}

/** Something went wrong that does not stop the engine (a hook, the state file, an adapter call). */
export interface WarningEvent {
  readonly at: number;
  readonly error: WanwatchError;
}

/**
 * The event map of {@link Engine}.
 *
 * @example
 * ```ts
 * engine.on('switch:done', (e) => console.log(`${e.from} → ${e.to} (${e.reason}) in ${e.durationMs} ms`));
 * ```
 */
export interface EngineEvents {
  probe: [ProbeRoundEvent];
  'uplink:state': [UplinkStateEvent];
  decision: [DecisionEvent];
  'switch:start': [SwitchStartEvent];
  'switch:done': [SwitchDoneEvent];
  'switch:failed': [SwitchFailedEvent];
  'failback:pending': [FailbackPendingEvent];
  'failback:cancelled': [FailbackCancelledEvent];
  role: [RoleEvent];
  warning: [WarningEvent];
}
