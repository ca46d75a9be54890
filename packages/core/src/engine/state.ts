/**
 * The engine's state: one immutable record. It changes only through the
 * transitions beside this file, each a pure function that returns the next
 * record and the effects to run (effects.ts); the runtime applies them.
 */
import type { HealthVerdict } from '../health/tracker.js';
import type { SwitchReason } from '../interfaces/adapter.js';
import type { Role } from '../interfaces/role.js';
import type { Decision, PendingFailback, PolicyInput } from '../policy/policy.js';
import type { Settings } from '../settings.js';
import { backedOffUntil, EMPTY_LEDGER, penaltyOf, type Ledger } from '../state/ledger.js';
import type { Uplink, UplinkState } from '../uplink.js';

/** What the engine was built with; fixed for its lifetime. */
export interface EngineConfig {
  readonly settings: Settings;
  /** In configuration order. */
  readonly uplinks: readonly Uplink[];
  /** False on dark-standby platforms (see `AdapterCapabilities`). */
  readonly standbyProbing: boolean;
}

/**
 * Why an uplink is broken (left whenever anything else is usable): `path` —
 * its own probes pass but traffic along the default route did not, until a
 * switch to it verifies; `trial` — its trial or verification failed while it
 * was not healthy, forgiven once it proves `up`.
 */
export type BrokenCause = 'path' | 'trial';

/** A switch to an uplink that could not be measured first: it must prove itself before `deadline`. */
export interface Trial {
  readonly uplink: string;
  readonly from: string | null;
  readonly reason: SwitchReason;
  readonly detail: string;
  /** The switch that began it. */
  readonly switchId: number;
  readonly startedAt: number;
  readonly deadline: number;
  /** A failback trial must reach `up`; a failover trial may settle for `degraded`. */
  readonly requireUp: boolean;
}

/** Everything the engine decides on. */
export interface EngineState {
  readonly config: EngineConfig;
  readonly phase: 'new' | 'starting' | 'running' | 'stopped';
  readonly role: Role;
  readonly startedAt: number;
  readonly ledger: Ledger;
  /** Each uplink's health as its tracker last judged it. */
  readonly health: ReadonlyMap<string, HealthVerdict>;
  readonly broken: ReadonlyMap<string, BrokenCause>;
  readonly trial: Trial | null;
  /** Dark standby: the uplink a switch in progress is leaving; the adapter may be taking it down, so its rounds say nothing. */
  readonly leaving: string | null;
  /** The policy's last verdict, and the failback it waits for. */
  readonly decision: Decision | null;
  readonly pending: PendingFailback | null;
}

/** A new engine's state: nothing active, every uplink as its tracker starts it. */
export function initialState(config: EngineConfig, health: ReadonlyMap<string, HealthVerdict>): EngineState {
  return {
    config,
    phase: 'new',
    role: 'master',
    startedAt: 0,
    ledger: EMPTY_LEDGER,
    health,
    broken: new Map(),
    trial: null,
    leaving: null,
    decision: null,
    pending: null,
  };
}

/** The state of `id`'s health. */
export const stateOf = (state: EngineState, id: string): UplinkState => state.health.get(id)?.state ?? 'unknown';

/** Usable: `up` or `degraded`. */
export const isUsable = (state: EngineState, id: string): boolean =>
  stateOf(state, id) === 'up' || stateOf(state, id) === 'degraded';

/** The uplink named `id`, if configured. */
export const uplinkNamed = (state: EngineState, id: string): Uplink | undefined =>
  state.config.uplinks.find((u) => u.id === id);

/** Probes run for every uplink when the platform allows it, else only for the active one (and none as backup). */
export const isProbed = (state: EngineState, id: string): boolean =>
  state.config.standbyProbing || (state.role === 'master' && id === state.ledger.active);

/** The snapshot the policy decides on. */
export function policyInput(state: EngineState, now: number): PolicyInput {
  const { config, ledger } = state;
  const { settings } = config;
  return {
    now,
    uplinks: config.uplinks.map((u, order) => {
      const health = state.health.get(u.id) ?? { state: 'unknown', since: state.startedAt, answering: false };
      const p = penaltyOf(ledger, u.id, now, settings.dampening);
      return {
        id: u.id,
        priority: u.priority,
        order,
        state: health.state,
        since: health.since,
        suppressed: p.suppressed,
        reuseAt: p.reuseAt,
        backedOffUntil: backedOffUntil(ledger, u.id, now),
        forbidden: ledger.forbidden.includes(u.id),
        answering: health.answering,
        broken: state.broken.has(u.id),
      };
    }),
    active: ledger.active,
    activeSince: ledger.activeSince,
    held: ledger.held,
    standbyProbing: config.standbyProbing,
    failback: settings.failback,
    startedAt: state.startedAt,
    startupGraceMs: settings.switch.startupGraceMs,
    role: state.role,
  };
}
