/**
 * The failover policy: a pure function of a snapshot and the time that names
 * the uplink that should be active. It never performs a switch; the engine
 * does, and calls it again after every change.
 *
 * Order of preference among candidates, best first: the uplink the operator holds, then
 * priority (lower first), then position in the configuration.
 *
 * 1. No active uplink (start-up, or after becoming HA master): the best
 *    candidate, but while better-priority uplinks are still `unknown`, wait up
 *    to the start-up grace for their verdict.
 * 2. The active uplink is `down`, forbidden by the operator, or broken (its
 *    path failed verification, or its trial ran out): leave it at once for
 *    the best candidate. Candidates in order: `up`, then `degraded`, then (dark
 *    standby only) not yet measured; suppressed uplinks only as a last resort,
 *    and after them a `down` uplink that still answers (poor beats dead). An
 *    uplink backed off after a failed switch waits out its back-off. With no
 *    candidate, keep the current route and say so.
 * 3. A better uplink is usable again: fail back according to the mode —
 *    `auto` after it has been `up` for the failback delay counted from the
 *    later of its recovery and the last switch, no sooner than the minimum
 *    dwell, and inside the failback window if one is set; `manual` waits for
 *    the operator; `disabled` never. On dark-standby platforms the better
 *    uplink cannot be measured, so failback is a timed trial once its
 *    back-off has expired.
 * 4. `degraded` is never a reason to leave an uplink.
 */
import type { SwitchReason } from '../interfaces/adapter.js';
import type { Role } from '../interfaces/role.js';
import type { FailbackSettings } from '../settings.js';
import type { UplinkState } from '../uplink.js';
import { inDailyWindow, msUntilWindowOpens, parseDailyWindow } from './failback-window.js';

/** What the policy knows about one uplink. */
export interface PolicyUplink {
  readonly id: string;
  readonly priority: number;
  /** Position in the configuration; breaks ties between equal priorities. */
  readonly order: number;
  readonly state: UplinkState;
  /** When the current state began. */
  readonly since: number;
  /** Suppressed by flap dampening: a last resort until its penalty decays. */
  readonly suppressed: boolean;
  /** When dampening releases it, if suppressed. */
  readonly reuseAt: number | null;
  /** Backed off after a failed switch or trial until this time, if at all. */
  readonly backedOffUntil: number | null;
  /** Forbidden by the operator. */
  readonly forbidden: boolean;
  /** Not in an outage: a `down` uplink that still answers is poor, not dead. */
  readonly answering: boolean;
  /** Its path failed verification or its trial since it last carried traffic well: leave it when anything else is usable. */
  readonly broken: boolean;
}

/** The snapshot the policy decides on. */
export interface PolicyInput {
  readonly now: number;
  readonly uplinks: readonly PolicyUplink[];
  readonly active: string | null;
  /** When the active uplink became active. */
  readonly activeSince: number | null;
  /** The operator's held uplink, preferred above every priority. */
  readonly held: string | null;
  /** False on dark-standby platforms (see `AdapterCapabilities`). */
  readonly standbyProbing: boolean;
  readonly failback: FailbackSettings;
  /** When the engine started, and how long to wait for `unknown` better uplinks then. */
  readonly startedAt: number;
  readonly startupGraceMs: number;
  readonly role: Role;
}

/** Why the policy keeps the active uplink. */
export type StayReason =
  | 'steady'
  | 'backup-role'
  | 'awaiting-probes'
  | 'no-usable-uplink'
  | 'failback-pending'
  | 'failback-manual'
  | 'failback-disabled';

/** A failback the policy is waiting for. */
export interface PendingFailback {
  /** The uplink traffic will return to. */
  readonly uplink: string;
  /** When it becomes due, or null when it waits for an operator. */
  readonly dueAt: number | null;
  /** What it waits for. */
  readonly waitingFor: 'delay' | 'dwell' | 'window' | 'operator';
}

/** The policy's verdict. */
export type Decision =
  | {
      readonly kind: 'stay';
      readonly reason: StayReason;
      readonly detail: string;
      readonly pending: PendingFailback | null;
      /** The earliest time the verdict can change without new measurements. */
      readonly recheckAt: number | null;
    }
  | {
      readonly kind: 'switch';
      readonly to: string;
      readonly reason: SwitchReason;
      /** True when the target is not yet measured: it must prove itself within the trial window. */
      readonly trial: boolean;
      readonly detail: string;
    };

/** Backed off after a failed switch or trial: not tried again before `backedOffUntil`. */
export const isBackedOff = (u: PolicyUplink, now: number): boolean =>
  u.backedOffUntil !== null && u.backedOffUntil > now;

/** What ranks an uplink: the operator's hold, priority, configuration order. */
export type Ranked = Pick<PolicyUplink, 'id' | 'priority' | 'order'>;

/** Sort order of preference: held first, then lower priority, then configuration order. */
export function compareUplinks(a: Ranked, b: Ranked, held: string | null): number {
  const rank = (u: Ranked) => (u.id === held ? 0 : 1);
  return rank(a) - rank(b) || a.priority - b.priority || a.order - b.order;
}

/** Strictly preferred: held over not held, then lower priority. Configuration order never makes an uplink better. */
export function isPreferred(a: Ranked, b: Ranked, held: string | null): boolean {
  const rank = (u: Ranked) => (u.id === held ? 0 : 1);
  return rank(a) !== rank(b) ? rank(a) < rank(b) : a.priority < b.priority;
}

function best<T extends Ranked>(list: readonly T[], held: string | null): T | undefined {
  return [...list].sort((a, b) => compareUplinks(a, b, held))[0];
}

/** The best uplink to move to, other than `exclude`, in tiers of preference. */
function failoverCandidate(input: PolicyInput, exclude: string | null): PolicyUplink | undefined {
  const { now, held } = input;
  const pool = input.uplinks.filter((u) => u.id !== exclude && !u.forbidden);
  const fresh = pool.filter((u) => !u.suppressed && !isBackedOff(u, now));
  const tiers: PolicyUplink[][] = [
    fresh.filter((u) => u.state === 'up'),
    fresh.filter((u) => u.state === 'degraded'),
    input.standbyProbing ? [] : fresh.filter((u) => u.state === 'unknown'),
    // Suppressed uplinks only as a last resort. A backed-off one is never retried
    // early: its activation just failed, and retrying at once would be a storm.
    pool.filter((u) => u.state === 'up' && u.suppressed && !isBackedOff(u, now)),
    pool.filter((u) => u.state === 'degraded' && u.suppressed && !isBackedOff(u, now)),
    // Down for poor quality still beats an uplink that does not answer at all.
    pool.filter((u) => u.state === 'down' && u.answering && !isBackedOff(u, now)),
  ];
  for (const tier of tiers) {
    const choice = best(tier, held);
    if (choice) return choice;
  }
  return undefined;
}

/** The earliest future instant at which dampening or a back-off releases an uplink. */
function nextRelease(input: PolicyInput): number | null {
  let at: number | null = null;
  for (const u of input.uplinks) {
    for (const t of [u.reuseAt, u.backedOffUntil]) {
      if (t !== null && t > input.now && (at === null || t < at)) at = t;
    }
  }
  return at;
}

function minTime(...times: (number | null)[]): number | null {
  const real = times.filter((t): t is number => t !== null);
  return real.length ? Math.min(...real) : null;
}

function stay(
  input: PolicyInput,
  reason: StayReason,
  detail: string,
  pending: PendingFailback | null = null,
  at: number | null = null,
): Decision {
  return { kind: 'stay', reason, detail, pending, recheckAt: minTime(at, nextRelease(input)) };
}

function switchTo(target: PolicyUplink, reason: SwitchReason, detail: string): Decision {
  return { kind: 'switch', to: target.id, reason, trial: target.state === 'unknown', detail };
}

function chooseInitial(input: PolicyInput): Decision {
  const choice = failoverCandidate(input, null);
  if (!choice) return stay(input, 'no-usable-uplink', 'no uplink is usable yet; waiting for probes');
  if (input.standbyProbing) {
    const graceEnds = input.startedAt + input.startupGraceMs;
    const waitingFor = input.uplinks.filter(
      (u) => u.state === 'unknown' && !u.forbidden && isPreferred(u, choice, input.held),
    );
    if (waitingFor.length > 0 && input.now < graceEnds)
      return stay(
        input,
        'awaiting-probes',
        `waiting for ${waitingFor.map((u) => u.id).join(', ')} to be measured before choosing ${choice.id}`,
        null,
        graceEnds,
      );
  }
  return switchTo(choice, 'initial', `no active uplink; ${choice.id} is the best usable (${choice.state})`);
}

function mustLeave(active: PolicyUplink): { reason: SwitchReason; why: string } | null {
  if (active.state === 'down') return { reason: 'failover', why: `${active.id} is down` };
  if (active.forbidden) return { reason: 'forbid', why: `${active.id} is forbidden by the operator` };
  if (active.broken) return { reason: 'rollback', why: `${active.id} failed its switch verification or trial` };
  return null;
}

/** The failback due time for `better`, and what it waits for. */
function failbackDue(better: PolicyUplink, active: PolicyUplink, input: PolicyInput): PendingFailback {
  const f = input.failback;
  const activeSince = input.activeSince ?? active.since;
  // Live standby: the better uplink must have been up for the delay since it
  // recovered and since we last switched. Dark standby: it cannot be seen, so
  // the delay runs from the switch (its back-off keeps it out of the candidates).
  const provenAt = (input.standbyProbing ? Math.max(better.since, activeSince) : activeSince) + f.delayMs;
  const dwellAt = activeSince + f.minDwellMs;
  if (provenAt >= dwellAt && provenAt > input.now) return { uplink: better.id, dueAt: provenAt, waitingFor: 'delay' };
  if (dwellAt > input.now) return { uplink: better.id, dueAt: dwellAt, waitingFor: 'dwell' };
  const window = f.window ? parseDailyWindow(f.window) : null;
  if (window && !inDailyWindow(window, input.now, f.timeZone)) {
    return {
      uplink: better.id,
      dueAt: input.now + msUntilWindowOpens(window, input.now, f.timeZone),
      waitingFor: 'window',
    };
  }
  return { uplink: better.id, dueAt: input.now, waitingFor: 'delay' };
}

/**
 * The best uplink to fail back to from `active` (the best of all without
 * one): preferred over it, not forbidden, not backed off, and `up` (dark
 * standby: not `down`, it is tried by a trial). Suppressed uplinks are
 * candidates only with `dampening: 'ignore'`, as for an operator's failback.
 */
export function failbackCandidate(
  input: PolicyInput,
  active: PolicyUplink | undefined,
  dampening: 'respect' | 'ignore' = 'respect',
): PolicyUplink | undefined {
  const { now, held } = input;
  const candidates = input.uplinks.filter(
    (u) =>
      u.id !== active?.id &&
      !u.forbidden &&
      (dampening === 'ignore' || !u.suppressed) &&
      !isBackedOff(u, now) &&
      (input.standbyProbing ? u.state === 'up' : u.state !== 'down') &&
      (!active || isPreferred(u, active, held)),
  );
  return best(candidates, held);
}

function considerFailback(active: PolicyUplink, input: PolicyInput): Decision {
  const { now } = input;
  const better = failbackCandidate(input, active);
  if (!better) return stay(input, 'steady', `${active.id} is the best usable uplink (${active.state})`);
  const what = `${better.id} is better than ${active.id}`;
  if (input.failback.mode === 'disabled') return stay(input, 'failback-disabled', `${what}; failback is disabled`);
  if (input.failback.mode === 'manual')
    return stay(input, 'failback-manual', `${what}; failback waits for an operator`, {
      uplink: better.id,
      dueAt: null,
      waitingFor: 'operator',
    });
  const pending = failbackDue(better, active, input);
  if (pending.dueAt !== null && pending.dueAt > now)
    return stay(
      input,
      'failback-pending',
      `${what}; failback waits for the ${pending.waitingFor}`,
      pending,
      pending.dueAt,
    );
  const how = input.standbyProbing ? `up since ${new Date(better.since).toISOString()}` : 'trying it (dark standby)';
  return switchTo(better, 'failback', `${what}; ${how}`);
}

/**
 * Decides which uplink should be active.
 *
 * @example
 * ```ts
 * const d = decide({ now, uplinks, active: 'lte', activeSince, held: null, standbyProbing: true,
 *                    failback: settings.failback, startedAt, startupGraceMs: 5000, role: 'master' });
 * if (d.kind === 'switch') console.log(`switch to ${d.to}: ${d.detail}`);
 * ```
 */
export function decide(input: PolicyInput): Decision {
  if (input.role === 'backup') return stay(input, 'backup-role', 'this box is HA backup; the master owns the uplinks');
  const active = input.uplinks.find((u) => u.id === input.active);
  if (!active) return chooseInitial(input);
  const leave = mustLeave(active);
  if (leave) {
    const candidate = failoverCandidate(input, active.id);
    // A poor (down but answering) uplink only replaces one that does not answer at all.
    const worse = candidate?.state === 'down' && !(active.state === 'down' && !active.answering);
    const target = worse ? undefined : candidate;
    if (target)
      return switchTo(target, leave.reason, `${leave.why}; ${target.id} is the best usable (${target.state})`);
    return stay(input, 'no-usable-uplink', `${leave.why}, but no other uplink is usable; keeping the current route`);
  }
  return considerFailback(active, input);
}
