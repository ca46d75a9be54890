/**
 * Trials: a switch to an uplink that could not be measured beforehand (dark
 * standby) is only provisional. The uplink must reach `up` within the trial
 * window (a failover trial may settle for `degraded`, which still beats the
 * dead uplink it replaced). A trial that fails is reported like a failed
 * switch, backs the uplink off (doubling) and marks it broken, so the policy
 * returns traffic at once.
 */
import { WanwatchError } from '../errors.js';
import type { SwitchFailedEvent } from '../events.js';
import type { UplinkHealth } from '../health/tracker.js';
import type { Clock, TimerHandle } from '../interfaces/clock.js';
import type { Settings } from '../settings.js';
import type { Ledger } from '../state/ledger.js';
import type { TrialStatus } from '../status.js';
import type { SwitchRequest } from '../switch/controller.js';
import type { Journal } from './journal.js';

interface Trial {
  readonly request: SwitchRequest;
  readonly switchId: number;
  readonly startedAt: number;
  readonly deadline: number;
  /** A failback trial must reach `up`; a failover trial may settle for `degraded`. */
  readonly requireUp: boolean;
}

/** What trials need from the engine. */
export interface TrialHost {
  readonly clock: Clock;
  readonly settings: Settings;
  readonly ledger: Ledger;
  readonly journal: Journal;
  readonly broken: Map<string, 'path' | 'trial'>;
  healthOf(id: string): UplinkHealth;
  reportFailure(event: SwitchFailedEvent): void;
  persist(): void;
  evaluate(): void;
}

export class Trials {
  private trial: Trial | null = null;
  private timer: TimerHandle | null = null;

  constructor(private readonly host: TrialHost) {}

  /** The trial in progress, for status. */
  status(): TrialStatus | null {
    const t = this.trial;
    return t && { uplink: t.request.to.id, from: t.request.from?.id ?? null, deadline: t.deadline };
  }

  begin(request: SwitchRequest, switchId: number, now: number): void {
    const { clock, settings } = this.host;
    const deadline = now + settings.failback.trialWindowMs;
    this.trial = { request, switchId, startedAt: now, deadline, requireUp: request.reason === 'failback' };
    if (this.timer) clock.clearTimeout(this.timer);
    this.timer = clock.setTimeout(() => {
      this.check();
      this.host.evaluate();
    }, deadline - now);
  }

  end(): void {
    this.trial = null;
    if (this.timer) this.host.clock.clearTimeout(this.timer);
    this.timer = null;
  }

  /** Ends the trial when its uplink proved itself, went down, or ran out of time. */
  check(): void {
    const trial = this.trial;
    if (!trial) return;
    const { clock, ledger, journal, settings } = this.host;
    const id = trial.request.to.id;
    const now = clock.now();
    const state = this.host.healthOf(id).state;
    if (state === 'up' || (!trial.requireUp && state === 'degraded')) {
      this.end();
      ledger.clearBackOff(id);
      journal.record({ type: 'trial', uplink: id, message: `${id} passed its trial (${state})` });
      this.host.persist();
      return;
    }
    if (state !== 'down' && now < trial.deadline) return;
    this.end();
    ledger.backOff(id, now, settings.failback.delayMs, settings.failback.maxBackoffMs);
    if (state !== 'down') this.host.broken.set(id, 'trial');
    const why =
      state === 'down'
        ? 'went down during its trial'
        : `was not ${trial.requireUp ? 'up' : 'usable'} within the trial window`;
    const r = trial.request;
    this.host.reportFailure({
      id: trial.switchId,
      at: now,
      from: r.from?.id ?? null,
      to: id,
      reason: r.reason,
      trial: true,
      detail: r.detail,
      durationMs: now - trial.startedAt,
      step: 'trial',
      error: new WanwatchError('E_VERIFY_FAILED', `${id} ${why} (${state})`, { uplink: id }),
      active: ledger.active,
    });
    this.host.persist();
  }
}
