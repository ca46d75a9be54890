/**
 * The engine's loop. It holds the engine's state record and the parts that
 * do I/O — the measurements (trackers and probers), the platform (adapter
 * and role source), the switch controller, the journal, two timers — and
 * turns every event (a round, a link report, a timer, a command, a role
 * change) into a call to a pure transition, whose effects it then applies.
 * Internal: `Engine` is the public face.
 *
 * Read it as a table of contents: one round (`onRound`), one decision
 * (`evaluate`), one switch (`switchTo`), one command (`command`), one role
 * change (`onRole`), each a call into the file that owns the step.
 */
import { WanwatchError } from '../errors.js';
import type { EngineEvents } from '../events.js';
import type { RoundResult } from '../health/tracker.js';
import type { Adapter } from '../interfaces/adapter.js';
import type { Clock, TimerHandle } from '../interfaces/clock.js';
import type { HookRunner } from '../interfaces/hooks.js';
import type { Probe } from '../interfaces/probe.js';
import type { Role, RoleSource } from '../interfaces/role.js';
import type { HistoryEntry, HistoryQuery, StateStore } from '../interfaces/store.js';
import { decide } from '../policy/policy.js';
import type { Settings } from '../settings.js';
import { toPersisted } from '../state/ledger.js';
import type { EngineStatus } from '../status.js';
import { SwitchController, type SwitchOutcome, type SwitchRequest } from '../switch/controller.js';
import type { Uplink } from '../uplink.js';
import { afterCommand, requireUplink, type Command } from './commands.js';
import { afterDecision } from './decisions.js';
import type { Effect, Step, SwitchPlan } from './effects.js';
import { Journal } from './journal.js';
import * as life from './lifecycle.js';
import { afterHealth, afterRound } from './measure.js';
import { Measurements } from './measurements.js';
import { Platform } from './platform.js';
import { initialState, isProbed, policyInput, uplinkNamed, type EngineState } from './state.js';
import { statusOf } from './status-of.js';
import { afterRediscovery, afterSwitch, afterSwitchFailed, beforeSwitch, switchEnded } from './switching.js';
import { checkTrial } from './trials.js';

type Emit = <K extends keyof EngineEvents>(event: K, ...args: EngineEvents[K]) => void;

/** What a runtime is built from (validated settings and uplinks). */
export interface RuntimeParts {
  readonly settings: Settings;
  readonly uplinks: readonly Uplink[];
  readonly clock: Clock;
  readonly adapter: Adapter;
  readonly probe: Probe;
  readonly store: StateStore | undefined;
  readonly hooks: HookRunner | undefined;
  readonly roleSource: RoleSource | undefined;
  readonly random: () => number;
  readonly emit: Emit;
}

/** @internal */
export class Runtime {
  private state: EngineState;
  private readonly clock: Clock;
  private readonly measurements: Measurements;
  private readonly platform: Platform;
  private readonly journal: Journal;
  private readonly controller: SwitchController;
  private readonly unsubscribe: (() => void)[] = [];
  private recheckTimer: TimerHandle | null = null;
  private trialTimer: TimerHandle | null = null;
  /** The switch, command or role change in progress; they run one at a time. */
  private busy: Promise<unknown> | null = null;

  constructor(private readonly parts: RuntimeParts) {
    const { settings, uplinks, adapter, clock } = parts;
    this.clock = clock;
    this.measurements = new Measurements(uplinks, settings, clock.now());
    const config = { settings, uplinks, standbyProbing: adapter.capabilities.standbyProbing };
    this.state = initialState(config, this.measurements.verdicts());
    const limitMs = settings.switch.activateTimeoutMs;
    this.platform = new Platform(adapter, parts.roleSource, uplinks, clock, limitMs, (e) => this.warn(e));
    // Journal trouble is only told, never written to the journal it could not write.
    this.journal = new Journal(parts.store, clock, (error) => parts.emit('warning', { at: clock.now(), error }));
    this.controller = new SwitchController({
      clock,
      adapter,
      probe: parts.probe,
      hooks: parts.hooks,
      settings,
      uplinks,
      health: (id) => this.measurements.tracker(id),
      role: () => this.state.role,
      onStart: (e) => parts.emit('switch:start', e),
      onWarning: (e) => this.warn(e),
    });
  }

  // ---- the loop: a transition's state, then its effects in order -----------

  private apply(step: Step): void {
    this.state = step.state;
    for (const effect of step.effects) this.run(effect);
  }

  private run(effect: Effect): void {
    switch (effect.kind) {
      case 'emit':
        return (this.parts.emit as (name: keyof EngineEvents, payload: unknown) => void)(
          effect.event.name,
          effect.event.payload,
        );
      case 'record':
        return this.journal.record(effect.entry);
      case 'warn':
        return this.warn(effect.error);
      case 'save':
        return this.journal.save(toPersisted(this.state.ledger));
      case 'sync-probers':
        return this.syncProbers();
      case 'trial-deadline':
        this.trialTimer = this.rearm(this.trialTimer, effect.at, () => this.afterMeasurement(this.clock.now()));
        return;
      case 'recheck':
        this.recheckTimer = this.rearm(this.recheckTimer, effect.at, () => this.evaluate());
        return;
      case 'switch':
        void this.exclusive(() => this.switchTo(effect.plan));
        return;
    }
  }

  /** Replaces `timer` with one that calls `fn` at `at` (none for null, or once stopped). */
  private rearm(timer: TimerHandle | null, at: number | null, fn: () => void): TimerHandle | null {
    if (timer) this.clock.clearTimeout(timer);
    if (at === null || this.state.phase === 'stopped') return null;
    return this.clock.setTimeout(fn, Math.max(0, at - this.clock.now()));
  }

  /** A `warning` event and its history line. */
  warn(error: WanwatchError): void {
    this.parts.emit('warning', { at: this.clock.now(), error });
    this.journal.record({ type: 'warning', uplink: error.uplink, message: error.message, data: { code: error.code } });
  }

  // ---- lifecycle ----------------------------------------------------------

  async start(): Promise<void> {
    if (this.state.phase !== 'new') throw new WanwatchError('E_STOPPED', 'an engine can be started once');
    this.apply(life.starting(this.state, this.clock.now()));
    const saved = await this.journal.load();
    this.apply(life.restored(this.state, saved));
    // Followed before the role is read, so that a change while starting is kept and applied once running.
    let early: Role | null = null;
    this.follow(this.platform.followRole((r) => (this.state.phase === 'starting' ? (early = r) : this.onRole(r))));
    this.apply(life.withRole(this.state, await this.platform.role()));
    for (const u of this.parts.uplinks) await this.platform.prepareProbing(u);
    if (this.state.role === 'master') {
      this.apply(life.adopted(this.state, await this.platform.discover('discovering the active uplink'), saved));
      const kept = this.state.ledger.active;
      if (kept !== null) await this.platform.adopt(this.uplink(kept));
    } else await this.platform.enterRole('backup', null);
    this.follow(this.platform.followLinks((id, carrier) => this.onLink(id, carrier)));
    const deps = { clock: this.clock, probe: this.parts.probe, random: this.parts.random };
    this.measurements.createProbers(deps, (id, results) => this.onRound(id, results));
    this.apply(life.started(this.state, this.clock.now()));
    if (early !== null) this.onRole(early);
    this.evaluate();
  }

  private follow(off: (() => void) | null): void {
    if (off) this.unsubscribe.push(off);
  }

  async stop(): Promise<void> {
    if (this.state.phase === 'stopped') return;
    const wasRunning = this.state.phase !== 'new';
    this.apply(life.stopping(this.state));
    this.measurements.close();
    for (const off of this.unsubscribe.splice(0)) off();
    await this.settle();
    if (wasRunning) this.apply(life.stopped(this.state, this.clock.now()));
    await this.platform.close(this.parts.probe);
  }

  // ---- measurements -------------------------------------------------------

  private onRound(id: string, results: RoundResult[]): void {
    if (this.state.phase !== 'running' || id === this.state.leaving) return;
    const now = this.clock.now();
    const tracker = this.measurements.tracker(id);
    const measured = this.measurements.measured(id, tracker.recordRound(results, now));
    this.apply(afterRound(this.state, { ...measured, results, level: tracker.level ?? 'bad' }, now));
    this.afterMeasurement(now);
  }

  private onLink(id: string, carrier: 'up' | 'down'): void {
    if (this.state.phase !== 'running' || !this.measurements.has(id)) return;
    const now = this.clock.now();
    const tracker = this.measurements.tracker(id);
    this.apply(afterHealth(this.state, this.measurements.measured(id, tracker.carrierChanged(carrier, now)), now));
    // A link that comes back (PPPoE redial, cable) may need its probe routes again.
    if (carrier === 'up') void this.platform.prepareProbing(tracker.uplink).then(() => this.measurements.kick(id));
    this.afterMeasurement(now);
  }

  /** After anything that may change health: the trial's verdict, then the policy's. */
  private afterMeasurement(now: number): void {
    this.apply(checkTrial(this.state, now));
    this.evaluate();
  }

  /** Probes what the state wants probed; a dark uplink no longer probed is forgotten. */
  private syncProbers(): void {
    if (this.state.phase === 'stopped') return;
    const now = this.clock.now();
    this.measurements.sync(
      (id) => isProbed(this.state, id),
      now,
      (forgotten) => this.apply(afterHealth(this.state, forgotten, now)),
    );
  }

  // ---- deciding and switching ----------------------------------------------

  /** Asks the policy and acts on its verdict. Called after every change. */
  private evaluate(): void {
    if (this.state.phase !== 'running' || this.busy) return;
    const now = this.clock.now();
    this.apply(afterDecision(this.state, decide(policyInput(this.state, now)), now));
  }

  /** Runs `work` when no switch, command or role change is in progress; one at a time. */
  private async exclusive<T>(work: () => Promise<T>): Promise<T> {
    // Checked and claimed in one synchronous stretch: no await between the last check and `busy = run`.
    while (this.busy) await this.busy.catch(() => undefined);
    const run = work();
    this.busy = run;
    try {
      return await run;
    } finally {
      this.busy = null;
      this.evaluate();
    }
  }

  /** Resolves once no switch, command or role change is in progress. */
  async settle(): Promise<void> {
    while (this.busy) await this.busy.catch(() => undefined);
  }

  private async switchTo(plan: SwitchPlan): Promise<SwitchOutcome> {
    const active = this.state.ledger.active;
    const request: SwitchRequest = { ...plan, to: this.uplink(plan.to), from: active ? this.uplink(active) : null };
    this.apply(beforeSwitch(this.state, request));
    try {
      const outcome = await this.controller.run(request);
      if (outcome.ok) this.apply(afterSwitch(this.state, request, outcome.event, this.clock.now()));
      else {
        this.apply(afterSwitchFailed(this.state, request, outcome.activated, this.clock.now()));
        // Whatever the adapter promised, ask the system where the default route is now.
        const found = await this.platform.discover('re-reading the active uplink');
        this.apply(afterRediscovery(this.state, request, outcome.event, outcome.activated, found, this.clock.now()));
      }
      return outcome;
    } finally {
      this.apply(switchEnded(this.state));
    }
  }

  private uplink(id: string): Uplink {
    requireUplink(this.state, id);
    return uplinkNamed(this.state, id)!;
  }

  // ---- operator commands and HA roles ---------------------------------------

  /** Runs an operator command as an exclusive step; resolves with the switch it made, if any. */
  async command(command: Command): Promise<SwitchOutcome | null> {
    const named = command.kind === 'failover' ? command.to : command.kind === 'failback' ? undefined : command.uplink;
    if (named !== undefined) requireUplink(this.state, named);
    return this.exclusive(async () => {
      const planned = afterCommand(this.state, command, this.clock.now());
      this.apply(planned);
      return planned.switch ? this.switchTo(planned.switch) : null;
    });
  }

  private onRole(role: Role): void {
    if (this.state.phase !== 'running' || role === this.state.role) return;
    this.apply(life.afterRoleChange(this.state, role, this.clock.now()));
    void this.exclusive(() => this.applyRole(role));
  }

  private async applyRole(role: Role): Promise<void> {
    if (role !== this.state.role || this.state.phase !== 'running') return; // superseded while waiting
    this.apply(life.enteringRole(this.state, role));
    const active = this.state.ledger.active;
    await this.platform.enterRole(role, active === null ? null : this.uplink(active));
    this.apply(life.roleEntered(this.state, role, this.clock.now()));
  }

  // ---- reading ----------------------------------------------------------------

  status(): EngineStatus {
    const m = this.measurements;
    const view = {
      snapshot: (id: string) => m.snapshot(id),
      probing: (id: string) => m.probing(id),
      busy: !!this.busy,
    };
    return statusOf(this.state, view, this.clock.now());
  }

  history(query?: HistoryQuery): Promise<HistoryEntry[]> {
    return this.journal.history(query);
  }
}
