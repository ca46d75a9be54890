import type { HealthSnapshot } from './health/tracker.js';
import type { Role } from './interfaces/role.js';
import type { Decision, PendingFailback } from './policy/policy.js';

/** One uplink in {@link EngineStatus}. */
export interface UplinkStatus extends HealthSnapshot {
  readonly id: string;
  readonly priority: number;
  readonly interface: string | null;
  readonly gateway: string | null;
  /** Carries traffic now. */
  readonly active: boolean;
  /** Measured now (false for dark standby uplinks while not active). */
  readonly probing: boolean;
  /** Dampening penalty now. */
  readonly penalty: number;
  readonly suppressed: boolean;
  /** When dampening releases it, if suppressed. */
  readonly reuseAt: number | null;
  /** Backed off after a failed switch or trial until then, if at all. */
  readonly backedOffUntil: number | null;
  /** `path`: its own probes pass but its default path failed verification; `trial`: its trial or verification failed while it was unhealthy (forgiven once up). Left when anything else is usable. */
  readonly broken: 'path' | 'trial' | null;
  readonly held: boolean;
  readonly forbidden: boolean;
}

/** A failback the engine is waiting for, with the time left. */
export interface PendingFailbackStatus extends PendingFailback {
  /** Milliseconds until due, null when it waits for an operator. */
  readonly remainingMs: number | null;
}

/** A trial in progress: the uplink must prove itself before `deadline`. */
export interface TrialStatus {
  readonly uplink: string;
  readonly from: string | null;
  readonly deadline: number;
}

/** Everything the engine knows at one instant; what `wanwatch status` shows. */
export interface EngineStatus {
  readonly at: number;
  readonly role: Role;
  readonly active: string | null;
  readonly activeSince: number | null;
  readonly lastSwitchAt: number | null;
  /** A switch or role change is in progress. */
  readonly busy: boolean;
  readonly standbyProbing: boolean;
  readonly decision: Decision | null;
  readonly pendingFailback: PendingFailbackStatus | null;
  readonly trial: TrialStatus | null;
  readonly uplinks: readonly UplinkStatus[];
}
