/**
 * Turns the stream of policy verdicts into events an operator wants: a
 * `decision` only when the verdict changes, `failback:pending` when a
 * failback starts waiting (or its due time moves), `failback:cancelled` when
 * it will not happen after all.
 */
import type { EngineEvents } from '../events.js';
import type { Decision, PendingFailback } from '../policy/policy.js';
import type { UplinkState } from '../uplink.js';

type Emit = <K extends keyof EngineEvents>(event: K, ...args: EngineEvents[K]) => void;

/** What the tracker needs to explain a cancelled failback. */
export interface DecisionContext {
  readonly active: string | null;
  stateOf(uplink: string): UplinkState;
  isForbidden(uplink: string): boolean;
}

const keyOf = (d: Decision | null): string =>
  d === null
    ? ''
    : d.kind === 'switch'
      ? `switch:${d.to}:${d.reason}`
      : `stay:${d.reason}:${d.pending?.uplink ?? ''}:${d.pending?.waitingFor ?? ''}:${d.pending?.dueAt ?? ''}`;

export class DecisionTracker {
  /** The last verdict. */
  last: Decision | null = null;
  /** The failback the last verdict waits for. */
  pending: PendingFailback | null = null;

  constructor(private readonly emit: Emit) {}

  publish(decision: Decision, now: number, ctx: DecisionContext): void {
    if (keyOf(decision) !== keyOf(this.last)) this.emit('decision', { at: now, active: ctx.active, decision });
    this.last = decision;

    const pending = decision.kind === 'stay' ? decision.pending : null;
    const before = this.pending;
    this.pending = pending;
    const moved =
      before?.uplink !== pending?.uplink ||
      before?.dueAt !== pending?.dueAt ||
      before?.waitingFor !== pending?.waitingFor;
    if (pending && moved) this.emit('failback:pending', { at: now, ...pending });
    const returning = decision.kind === 'switch' && decision.to === before?.uplink;
    if (before && pending?.uplink !== before.uplink && !returning) {
      const state = ctx.stateOf(before.uplink);
      const reason = ctx.isForbidden(before.uplink)
        ? 'forbidden by the operator'
        : state !== 'up'
          ? `it is ${state} again`
          : decision.detail;
      this.emit('failback:cancelled', { at: now, uplink: before.uplink, reason });
    }
  }
}
