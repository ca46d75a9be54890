/**
 * The engine: keeps exactly one uplink active. It runs probe rounds, folds
 * them into each uplink's health, asks the policy which uplink should be
 * active after every change, and runs switch transactions one at a time.
 * It does no I/O itself: probes, adapter, clock, store, hooks and the role
 * source come in through interfaces.
 */
import { EventEmitter } from 'eventemitter3';
import { StateCorruptError, WanwatchError, describeError } from './errors.js';
import type { EngineEvents, SwitchDoneEvent, SwitchFailedEvent } from './events.js';
import { UplinkHealth, type RoundResult, type StateChange } from './health/tracker.js';
import type { Adapter, RoleContext, SwitchReason } from './interfaces/adapter.js';
import { systemClock, withTimeout, type Clock, type TimerHandle } from './interfaces/clock.js';
import type { HookRunner } from './interfaces/hooks.js';
import type { Probe } from './interfaces/probe.js';
import type { Role, RoleSource } from './interfaces/role.js';
import type { HistoryEntry, HistoryQuery, StateStore } from './interfaces/store.js';
import {
  compareUplinks,
  decide,
  isPreferred,
  type Decision,
  type PendingFailback,
  type PolicyInput,
} from './policy/policy.js';
import { UplinkProber } from './probe/scheduler.js';
import { resolveSettings, settingsForUplink, validateUplinks, type Settings, type SettingsInput } from './settings.js';
import type { EngineStatus, UplinkStatus } from './status.js';
import { Ledger } from './state/ledger.js';
import { SwitchController, type SwitchOutcome, type SwitchRequest } from './switch/controller.js';
import type { Uplink } from './uplink.js';

/** Everything an engine is built from. */
export interface EngineOptions {
  readonly uplinks: readonly Uplink[];
  readonly settings?: SettingsInput | undefined;
  readonly probe: Probe;
  readonly adapter: Adapter;
  /** Default: the process clock. */
  readonly clock?: Clock | undefined;
  /** Default: nothing persists. */
  readonly store?: StateStore | undefined;
  readonly hooks?: HookRunner | undefined;
  /** Default: always master. */
  readonly roleSource?: RoleSource | undefined;
  /** Uniform [0, 1) source for interval jitter. Default `Math.random`. */
  readonly random?: (() => number) | undefined;
}

interface Trial {
  readonly uplink: string;
  readonly from: string | null;
  readonly deadline: number;
  /** A failback trial must reach `up`; a failover trial may settle for `degraded`. */
  readonly requireUp: boolean;
  readonly request: SwitchRequest;
  readonly switchId: number;
}

/**
 * The wanwatch engine.
 *
 * @example
 * ```ts
 * const engine = new Engine({ uplinks, probe, adapter, store: new FileStateStore('/var/lib/wanwatch') });
 * engine.on('switch:done', (e) => log(`${e.from} → ${e.to}: ${e.detail}`));
 * await engine.start();
 * // later
 * await engine.stop();
 * ```
 */
export class Engine extends EventEmitter<EngineEvents> {
  /** The resolved settings. */
  readonly settings: Settings;
  /** The uplinks, in configuration order. */
  readonly uplinks: readonly Uplink[];
  private readonly clock: Clock;
  private readonly adapter: Adapter;
  private readonly probe: Probe;
  private readonly store: StateStore | undefined;
  private readonly roleSource: RoleSource | undefined;
  private readonly random: () => number;
  private readonly health = new Map<string, UplinkHealth>();
  private readonly probers = new Map<string, UplinkProber>();
  private readonly ledger: Ledger;
  /**
   * Uplinks to leave when anything else is usable: `path` — their own probes
   * pass but traffic along the default route did not (until a switch to them
   * verifies); `trial` — their trial or verification failed while they were
   * not healthy (forgiven once they prove `up`).
   */
  private readonly broken = new Map<string, 'path' | 'trial'>();
  private readonly controller: SwitchController;
  private readonly unsubscribe: (() => void)[] = [];
  private role: Role = 'master';
  private busy: Promise<unknown> | null = null;
  private trial: Trial | null = null;
  private trialTimer: TimerHandle | null = null;
  private recheckTimer: TimerHandle | null = null;
  private lastDecision: Decision | null = null;
  private lastPending: PendingFailback | null = null;
  private startedAt = 0;
  private phase: 'new' | 'starting' | 'running' | 'stopped' = 'new';

  /** Validates everything; throws a `ConfigError` listing every problem. */
  constructor(options: EngineOptions) {
    super();
    this.settings = resolveSettings(options.settings);
    validateUplinks(options.uplinks, this.settings);
    this.uplinks = [...options.uplinks];
    this.clock = options.clock ?? systemClock;
    this.adapter = options.adapter;
    this.probe = options.probe;
    this.store = options.store;
    this.roleSource = options.roleSource;
    this.random = options.random ?? Math.random;
    this.ledger = new Ledger(this.settings.dampening);
    const now = this.clock.now();
    for (const u of this.uplinks) this.health.set(u.id, new UplinkHealth(u, settingsForUplink(this.settings, u), now));
    this.controller = new SwitchController({
      clock: this.clock,
      adapter: this.adapter,
      probe: this.probe,
      hooks: options.hooks,
      settings: this.settings,
      uplinks: this.uplinks,
      health: (id) => this.healthOf(id),
      role: () => this.role,
      onStart: (e) => this.emit('switch:start', e),
      onWarning: (e) => this.warn(e),
    });
  }

  /** Listener errors are reported as warnings instead of breaking the engine. */
  override emit<K extends keyof EngineEvents>(event: K, ...args: EngineEvents[K]): boolean {
    const listeners = this.listeners(event) as ((...a: EngineEvents[K]) => void)[];
    for (const listener of listeners) {
      try {
        listener(...args);
      } catch (err) {
        if (event !== 'warning')
          this.warn(new WanwatchError('E_ADAPTER', `a listener of ${String(event)} threw: ${describeError(err)}`));
      }
    }
    return listeners.length > 0;
  }

  private healthOf(id: string): UplinkHealth {
    const h = this.health.get(id);
    if (!h) throw new WanwatchError('E_UNKNOWN_UPLINK', `no uplink named "${id}"`, { uplink: id });
    return h;
  }

  private uplink(id: string): Uplink {
    const u = this.uplinks.find((x) => x.id === id);
    if (!u) {
      const known = this.uplinks.map((x) => x.id).join(', ');
      throw new WanwatchError('E_UNKNOWN_UPLINK', `no uplink named "${id}" (known: ${known})`, { uplink: id });
    }
    return u;
  }

  private get standbyProbing(): boolean {
    return this.adapter.capabilities.standbyProbing;
  }

  private warn(error: WanwatchError): void {
    this.emit('warning', { at: this.clock.now(), error });
    this.record({ type: 'warning', uplink: error.uplink, message: error.message, data: { code: error.code } });
  }

  private record(entry: Omit<HistoryEntry, 'at'>): void {
    if (!this.store) return;
    const full: HistoryEntry = { at: this.clock.now(), ...entry };
    this.store.append(full).catch((err: unknown) => {
      this.emit('warning', {
        at: this.clock.now(),
        error: new WanwatchError('E_STATE_IO', `history not written: ${describeError(err)}`, { cause: err }),
      });
    });
  }

  private persist(): void {
    if (!this.store) return;
    this.store.save(this.ledger.toPersisted(this.clock.now())).catch((err: unknown) => {
      const error =
        err instanceof WanwatchError
          ? err
          : new WanwatchError('E_STATE_IO', `state not saved: ${describeError(err)}`, { cause: err });
      this.emit('warning', { at: this.clock.now(), error });
    });
  }

  // ---- lifecycle ----------------------------------------------------------

  /**
   * Loads state, reads the role, prepares probing, adopts the uplink the
   * adapter reports active (no switch at start-up), starts probing and
   * decides.
   */
  async start(): Promise<void> {
    if (this.phase !== 'new') throw new WanwatchError('E_STOPPED', 'an engine can be started once');
    this.phase = 'starting';
    this.startedAt = this.clock.now();
    const saved = await this.loadState();
    this.role = await this.readRole();
    for (const u of this.uplinks) {
      await this.adapterCall(`preparing probes of ${u.id}`, () => this.adapter.prepareProbing(u), u.id);
    }
    if (this.role === 'master') {
      const found = await this.adapterCall('discovering the active uplink', () => this.adapter.discover(this.uplinks));
      if (found && this.health.has(found)) {
        this.ledger.setActive(found, this.startedAt, false);
        if (saved?.active === found && saved.activeSince !== null) this.ledger.activeSince = saved.activeSince;
      } else if (found) {
        this.warn(new WanwatchError('E_UNKNOWN_UPLINK', `the active route belongs to no configured uplink (${found})`));
      }
    } else {
      await this.adapterCall(
        'entering backup role',
        (signal) => this.adapter.enterBackup?.(this.roleContext(signal)) ?? Promise.resolve(),
      );
    }
    if (this.adapter.linkEvents)
      this.unsubscribe.push(this.adapter.linkEvents((e) => this.onLink(e.uplink, e.carrier)));
    if (this.roleSource) this.unsubscribe.push(this.roleSource.subscribe((r) => this.onRole(r)));
    for (const u of this.uplinks) {
      const h = this.healthOf(u.id);
      const deps = { clock: this.clock, probe: this.probe, random: this.random };
      this.probers.set(u.id, new UplinkProber(deps, u, h, (r) => this.onRound(u.id, r)));
    }
    this.syncProbers();
    this.record({
      type: 'start',
      uplink: this.ledger.active ?? undefined,
      message: `engine started as ${this.role}; active uplink: ${this.ledger.active ?? 'none'}`,
    });
    this.persist();
    this.phase = 'running';
    this.evaluate();
  }

  private async loadState() {
    if (!this.store) return null;
    try {
      const saved = await this.store.load();
      if (saved) this.ledger.restore(saved, new Set(this.health.keys()));
      return saved;
    } catch (err) {
      this.warn(
        err instanceof StateCorruptError || err instanceof WanwatchError
          ? err
          : new WanwatchError('E_STATE_IO', `state not loaded: ${describeError(err)}`, { cause: err }),
      );
      return null;
    }
  }

  private async readRole(): Promise<Role> {
    if (!this.roleSource) return 'master';
    try {
      return await this.roleSource.current();
    } catch (err) {
      this.warn(new WanwatchError('E_ADAPTER', `role unknown, assuming master: ${describeError(err)}`, { cause: err }));
      return 'master';
    }
  }

  /** Runs an adapter call with the activation time limit; a failure becomes a warning and `null`. */
  private async adapterCall<T>(
    what: string,
    call: (signal: AbortSignal) => Promise<T>,
    uplink?: string,
  ): Promise<T | null> {
    const abort = new AbortController();
    try {
      const limit = this.settings.switch.activateTimeoutMs;
      return await withTimeout(this.clock, call(abort.signal), limit, what, () => abort.abort());
    } catch (err) {
      this.warn(new WanwatchError('E_ADAPTER', `${what} failed: ${describeError(err)}`, { uplink, cause: err }));
      return null;
    }
  }

  /**
   * Stops probing and deciding, waits for a switch in progress to end, saves
   * state and closes adapter and probe. Routing is left as it is.
   */
  async stop(): Promise<void> {
    if (this.phase === 'stopped') return;
    const wasRunning = this.phase !== 'new';
    this.phase = 'stopped';
    for (const t of [this.recheckTimer, this.trialTimer]) if (t) this.clock.clearTimeout(t);
    for (const p of this.probers.values()) p.close();
    for (const off of this.unsubscribe.splice(0)) off();
    while (this.busy) await this.busy.catch(() => undefined);
    if (wasRunning) {
      this.record({ type: 'stop', message: `engine stopped; routing left on ${this.ledger.active ?? 'none'}` });
      this.persist();
    }
    try {
      await this.adapter.close();
      await this.probe.close?.();
    } catch (err) {
      this.warn(new WanwatchError('E_ADAPTER', `closing failed: ${describeError(err)}`, { cause: err }));
    }
  }

  /** Probes run for every uplink when the platform allows it, else only for the active one. */
  private syncProbers(): void {
    if (this.phase === 'stopped') return;
    for (const [id, prober] of this.probers) {
      const wanted = this.standbyProbing || (this.role === 'master' && id === this.ledger.active);
      if (wanted && !prober.active) prober.start();
      if (!wanted && prober.active) {
        prober.stop();
        const change = this.healthOf(id).forget(this.clock.now(), 'not measured while standby (dark standby)');
        if (change) this.onStateChange(change);
      }
    }
  }

  // ---- measurements -------------------------------------------------------

  private onRound(id: string, results: RoundResult[]): void {
    if (this.phase !== 'running') return;
    const h = this.healthOf(id);
    const now = this.clock.now();
    const change = h.recordRound(results, now);
    const snap = h.snapshot();
    this.emit('probe', { at: now, uplink: id, results, level: snap.lastLevel ?? 'bad', state: h.state });
    if (change) this.onStateChange(change);
    this.checkTrial();
    this.evaluate();
  }

  private onStateChange(change: StateChange): void {
    if (change.to === 'up' && this.broken.get(change.uplink) === 'trial') this.broken.delete(change.uplink);
    const metrics = this.healthOf(change.uplink).snapshot().metrics;
    this.emit('uplink:state', { ...change, metrics });
    this.record({
      type: 'state',
      uplink: change.uplink,
      message: `${change.uplink}: ${change.from} → ${change.to} (${change.reason})`,
      data: { from: change.from, to: change.to, ...metrics },
    });
    if (change.to === 'down' && (change.from === 'up' || change.from === 'degraded')) {
      const p = this.ledger.flap(change.uplink, change.at);
      if (p.suppressed)
        this.record({
          type: 'dampening',
          uplink: change.uplink,
          message: `${change.uplink} suppressed by flap dampening (penalty ${Math.round(p.value)})`,
        });
      this.persist();
    }
  }

  private onLink(id: string, carrier: 'up' | 'down'): void {
    if (this.phase !== 'running' || !this.health.has(id)) return;
    const change = this.healthOf(id).carrierChanged(carrier, this.clock.now());
    if (change) this.onStateChange(change);
    if (carrier === 'up') {
      const u = this.uplink(id);
      void this.adapterCall(`preparing probes of ${id}`, () => this.adapter.prepareProbing(u), id).then(() =>
        this.probers.get(id)?.kick(),
      );
    }
    this.checkTrial();
    this.evaluate();
  }

  // ---- deciding -----------------------------------------------------------

  private policyInput(now: number): PolicyInput {
    return {
      now,
      uplinks: this.uplinks.map((u, order) => {
        const h = this.healthOf(u.id);
        const p = this.ledger.penalty(u.id, now);
        const snap = h.snapshot();
        return {
          id: u.id,
          priority: u.priority,
          order,
          state: h.state,
          since: h.since,
          suppressed: p.suppressed,
          reuseAt: p.reuseAt,
          blockedUntil: this.ledger.blockedUntil(u.id, now),
          forbidden: this.ledger.forbidden.has(u.id),
          answering: snap.answering,
          broken: this.broken.has(u.id),
        };
      }),
      active: this.ledger.active,
      activeSince: this.ledger.activeSince,
      pinned: this.ledger.pinned,
      standbyProbing: this.standbyProbing,
      failback: this.settings.failback,
      startedAt: this.startedAt,
      startupGraceMs: this.settings.switch.startupGraceMs,
      role: this.role,
    };
  }

  /** Asks the policy and acts on its verdict. Called after every change. */
  private evaluate(): void {
    if (this.phase !== 'running' || this.busy) return;
    const now = this.clock.now();
    const decision = decide(this.policyInput(now));
    this.publishDecision(decision, now);
    if (this.recheckTimer) this.clock.clearTimeout(this.recheckTimer);
    this.recheckTimer = null;
    if (decision.kind === 'switch') {
      void this.exclusive(() => this.switchTo(decision.to, decision.reason, decision.trial, decision.detail));
    } else if (decision.recheckAt !== null) {
      this.recheckTimer = this.clock.setTimeout(() => this.evaluate(), Math.max(0, decision.recheckAt - now));
    }
  }

  private publishDecision(decision: Decision, now: number): void {
    const key = (d: Decision | null) =>
      d === null
        ? ''
        : d.kind === 'switch'
          ? `switch:${d.to}:${d.reason}`
          : `stay:${d.reason}:${d.pending?.uplink ?? ''}:${d.pending?.waitingFor ?? ''}:${d.pending?.dueAt ?? ''}`;
    if (key(decision) !== key(this.lastDecision))
      this.emit('decision', { at: now, active: this.ledger.active, decision });
    this.lastDecision = decision;

    const pending = decision.kind === 'stay' ? decision.pending : null;
    const before = this.lastPending;
    this.lastPending = pending;
    if (
      pending &&
      (before?.uplink !== pending.uplink || before.dueAt !== pending.dueAt || before.waitingFor !== pending.waitingFor)
    ) {
      this.emit('failback:pending', { at: now, ...pending });
    }
    const returning = decision.kind === 'switch' && decision.to === before?.uplink;
    if (before && pending?.uplink !== before.uplink && !returning) {
      const snap = this.healthOf(before.uplink);
      const why = this.ledger.forbidden.has(before.uplink)
        ? 'forbidden by the operator'
        : snap.state !== 'up'
          ? `it is ${snap.state} again`
          : decision.detail;
      this.emit('failback:cancelled', { at: now, uplink: before.uplink, reason: why });
    }
  }

  // ---- switching ----------------------------------------------------------

  /** Runs `work` when no switch or role change is in progress; one at a time. */
  private async exclusive<T>(work: () => Promise<T>): Promise<T> {
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

  private async switchTo(to: string, reason: SwitchReason, trial: boolean, detail: string): Promise<SwitchOutcome> {
    const previous = this.ledger.active;
    const request: SwitchRequest = {
      to: this.uplink(to),
      from: previous ? this.uplink(previous) : null,
      reason,
      trial,
      detail,
    };
    const outcome = await this.controller.run(request);
    if (outcome.ok) this.switched(request, outcome.event);
    else await this.switchFailed(request, outcome.event, outcome.activated);
    return outcome;
  }

  /** Records that traffic now flows through `to` after a switch that left `request.from`. */
  private moveActive(request: SwitchRequest, now: number): void {
    const from = request.from?.id ?? null;
    this.ledger.setActive(request.to.id, now, true);
    if (!this.standbyProbing && from && this.healthOf(from).state === 'down' && !this.ledger.blockedUntil(from, now)) {
      // A dark uplink we leave because it died is tried again after the failback delay
      // (doubling while its trials keep failing; a passed trial or switch clears the count).
      this.ledger.block(from, now, this.settings.failback.delayMs, this.settings.failback.maxBackoffMs);
    }
  }

  private switched(request: SwitchRequest, event: SwitchDoneEvent): void {
    const now = this.clock.now();
    const to = request.to.id;
    const from = request.from?.id ?? null;
    this.moveActive(request, now);
    this.broken.delete(to);
    if (request.trial) this.beginTrial(request, event.id, now);
    else this.ledger.unblock(to);
    this.syncProbers();
    this.emit('switch:done', event);
    this.record({
      type: 'switch',
      uplink: to,
      message: `switched ${from ?? 'none'} → ${to} (${request.reason}) in ${event.durationMs} ms: ${request.detail}`,
      data: { from, to, reason: request.reason, trial: request.trial, durationMs: event.durationMs },
    });
    this.persist();
  }

  private async switchFailed(request: SwitchRequest, event: SwitchFailedEvent, activated: boolean): Promise<void> {
    const now = this.clock.now();
    const base =
      request.trial && !this.standbyProbing ? this.settings.failback.delayMs : this.settings.switch.retryDelayMs;
    this.ledger.block(request.to.id, now, base, this.settings.failback.maxBackoffMs);
    if (activated) {
      // Own probes pass but the default route does not: the path is broken (a missing NAT
      // rule, say) until a switch to it verifies. Otherwise the uplink is just unhealthy,
      // forgiven like a failed trial once it proves up.
      const ownPass = ['up', 'degraded'].includes(this.healthOf(request.to.id).state);
      this.broken.set(request.to.id, ownPass ? 'path' : 'trial');
    }
    // Whatever the adapter promised, ask the system where the default route is now.
    const found = await this.adapterCall('re-reading the active uplink', () => this.adapter.discover(this.uplinks));
    const holder = found && this.health.has(found) ? found : activated ? request.to.id : this.ledger.active;
    if (holder === request.to.id) this.moveActive(request, this.clock.now());
    else if (holder !== this.ledger.active) {
      this.warn(new WanwatchError('E_ADAPTER', `after the failed switch the active uplink is ${holder ?? 'none'}`));
      this.ledger.setActive(holder, this.clock.now(), true);
    }
    this.reportFailure({ ...event, active: this.ledger.active });
    this.syncProbers();
    this.persist();
  }

  private reportFailure(event: SwitchFailedEvent): void {
    this.emit('switch:failed', event);
    this.record({
      type: 'switch-failed',
      uplink: event.to,
      message: `switch ${event.from ?? 'none'} → ${event.to} (${event.reason}) failed at ${event.step}: ${event.error.message}`,
      data: { from: event.from, to: event.to, reason: event.reason, step: event.step, code: event.error.code },
    });
  }

  // ---- trials -------------------------------------------------------------

  private beginTrial(request: SwitchRequest, switchId: number, now: number): void {
    const deadline = now + this.settings.failback.trialWindowMs;
    this.trial = {
      uplink: request.to.id,
      from: request.from?.id ?? null,
      deadline,
      requireUp: request.reason === 'failback',
      request,
      switchId,
    };
    if (this.trialTimer) this.clock.clearTimeout(this.trialTimer);
    this.trialTimer = this.clock.setTimeout(() => {
      this.checkTrial();
      this.evaluate();
    }, deadline - now);
  }

  /** Ends a trial when its uplink proved itself, failed, or ran out of time. */
  private checkTrial(): void {
    const trial = this.trial;
    if (!trial) return;
    const now = this.clock.now();
    const state = this.healthOf(trial.uplink).state;
    const proven = state === 'up' || (!trial.requireUp && state === 'degraded');
    if (proven) {
      this.endTrial();
      this.ledger.unblock(trial.uplink);
      this.record({ type: 'trial', uplink: trial.uplink, message: `${trial.uplink} passed its trial (${state})` });
      this.persist();
      return;
    }
    if (state !== 'down' && now < trial.deadline) return;
    this.endTrial();
    this.ledger.block(trial.uplink, now, this.settings.failback.delayMs, this.settings.failback.maxBackoffMs);
    if (state !== 'down') this.broken.set(trial.uplink, 'trial');
    const r = trial.request;
    const why =
      state === 'down'
        ? 'went down during its trial'
        : `was not ${trial.requireUp ? 'up' : 'usable'} within the trial window`;
    this.reportFailure({
      id: trial.switchId,
      at: now,
      from: trial.from,
      to: trial.uplink,
      reason: r.reason,
      trial: true,
      detail: r.detail,
      durationMs: now - (trial.deadline - this.settings.failback.trialWindowMs),
      step: 'trial',
      error: new WanwatchError('E_VERIFY_FAILED', `${trial.uplink} ${why} (${state})`, { uplink: trial.uplink }),
      active: this.ledger.active,
    });
    this.persist();
  }

  private endTrial(): void {
    this.trial = null;
    if (this.trialTimer) this.clock.clearTimeout(this.trialTimer);
    this.trialTimer = null;
  }

  // ---- HA role --------------------------------------------------------------

  private roleContext(signal: AbortSignal): RoleContext {
    const active = this.ledger.active;
    return { uplinks: this.uplinks, active: active ? this.uplink(active) : null, signal };
  }

  private onRole(role: Role): void {
    if (this.phase !== 'running' || role === this.role) return;
    const previous = this.role;
    this.role = role;
    this.emit('role', { at: this.clock.now(), role, previous });
    this.record({ type: 'role', message: `role ${previous} → ${role}` });
    void this.exclusive(() => this.applyRole(role));
  }

  private async applyRole(role: Role): Promise<void> {
    if (role !== this.role || this.phase !== 'running') return; // superseded while waiting
    if (role === 'backup') {
      this.endTrial();
      await this.adapterCall(
        'entering backup role',
        (signal) => this.adapter.enterBackup?.(this.roleContext(signal)) ?? Promise.resolve(),
      );
      this.ledger.setActive(null, this.clock.now(), true);
    } else {
      await this.adapterCall(
        'entering master role',
        (signal) => this.adapter.enterMaster?.(this.roleContext(signal)) ?? Promise.resolve(),
      );
    }
    this.syncProbers();
    this.persist();
  }

  // ---- operator commands ----------------------------------------------------

  private requireMaster(): void {
    if (this.phase !== 'running') throw new WanwatchError('E_STOPPED', 'the engine is not running');
    if (this.role !== 'master') throw new WanwatchError('E_NOT_MASTER', 'this box is HA backup; act on the master');
  }

  private usable(id: string): boolean {
    const state = this.healthOf(id).state;
    return state === 'up' || state === 'degraded';
  }

  /**
   * Switches to `to` now. Afterwards the normal rules apply: with failback
   * `auto` the engine returns to a better uplink after the failback delay
   * (use {@link hold} to stay). Resolves with the switch's outcome, or null
   * when `to` is already active. Rejects when `to` is unknown, forbidden, or
   * measured and not usable.
   */
  async failover(to: string): Promise<SwitchOutcome | null> {
    this.uplink(to);
    return this.exclusive(async () => {
      this.requireMaster();
      if (this.ledger.forbidden.has(to))
        throw new WanwatchError('E_UPLINK_UNUSABLE', `${to} is forbidden; release it first`, { uplink: to });
      if (this.ledger.active === to) return null;
      const usable = this.usable(to);
      if (this.standbyProbing && !usable)
        throw new WanwatchError(
          'E_UPLINK_UNUSABLE',
          `${to} is ${this.healthOf(to).state}; it must pass its probes first`,
          {
            uplink: to,
          },
        );
      return this.switchTo(to, 'manual', !usable, `operator: failover to ${to}`);
    });
  }

  /**
   * Fails back now to the best uplink better than the active one, ignoring
   * the failback mode, delay, window and dampening. Rejects when there is none.
   */
  async failback(): Promise<SwitchOutcome> {
    return this.exclusive(async () => {
      this.requireMaster();
      const input = this.policyInput(this.clock.now());
      const active = input.uplinks.find((u) => u.id === this.ledger.active);
      const candidates = input.uplinks.filter(
        (u) =>
          u.id !== active?.id &&
          !u.forbidden &&
          (this.standbyProbing ? u.state === 'up' : u.state !== 'down') &&
          (!active || isPreferred(u, active, input.pinned)),
      );
      const target = candidates.sort((a, b) => compareUplinks(a, b, input.pinned))[0];
      if (!target)
        throw new WanwatchError(
          'E_UPLINK_UNUSABLE',
          `no uplink better than ${active?.id ?? 'none'} is ${this.standbyProbing ? 'up' : 'available'}`,
        );
      return this.switchTo(target.id, 'failback', !this.usable(target.id), `operator: failback to ${target.id}`);
    });
  }

  /**
   * Pins (holds) `id`: it is preferred above every priority until released,
   * and traffic moves to it now if it is usable. Resolves with the switch's
   * outcome, or null when no switch was needed.
   */
  async hold(id: string): Promise<SwitchOutcome | null> {
    this.uplink(id);
    return this.exclusive(async () => {
      this.requireMaster();
      if (this.ledger.forbidden.has(id))
        throw new WanwatchError('E_UPLINK_UNUSABLE', `${id} is forbidden; release it first`, { uplink: id });
      this.ledger.pinned = id;
      this.record({ type: 'hold', uplink: id, message: `operator holds ${id}` });
      this.persist();
      const usable = this.usable(id);
      if (this.ledger.active === id || (this.standbyProbing && !usable)) return null;
      return this.switchTo(id, 'hold', !usable, `operator holds ${id}`);
    });
  }

  /** Forbids `id`: never chosen; traffic leaves it now if another uplink is usable. */
  async forbid(id: string): Promise<void> {
    this.uplink(id);
    await this.exclusive(async () => {
      this.ledger.forbidden.add(id);
      if (this.ledger.pinned === id) this.ledger.pinned = null;
      this.record({ type: 'hold', uplink: id, message: `operator forbids ${id}` });
      this.persist();
    });
    await this.settle();
  }

  /** Releases the pin or ban of `id`, or every hold when `id` is omitted. */
  async release(id?: string): Promise<void> {
    if (id !== undefined) this.uplink(id);
    await this.exclusive(async () => {
      if (id === undefined || this.ledger.pinned === id) this.ledger.pinned = null;
      if (id === undefined) this.ledger.forbidden.clear();
      else this.ledger.forbidden.delete(id);
      this.record({ type: 'hold', uplink: id, message: `operator released ${id ?? 'all holds'}` });
      this.persist();
    });
    await this.settle();
  }

  /** Resolves once no switch or role change is in progress. */
  async settle(): Promise<void> {
    while (this.busy) await this.busy.catch(() => undefined);
  }

  /** History from the store (empty without one). */
  async history(query?: HistoryQuery): Promise<HistoryEntry[]> {
    return this.store ? this.store.history(query) : [];
  }

  /** Everything the engine knows now. */
  status(): EngineStatus {
    const now = this.clock.now();
    const pending = this.lastPending;
    const uplinks: UplinkStatus[] = this.uplinks.map((u) => {
      const p = this.ledger.penalty(u.id, now);
      return {
        ...this.healthOf(u.id).snapshot(),
        id: u.id,
        priority: u.priority,
        interface: u.interface ?? null,
        gateway: u.gateway ?? null,
        active: this.ledger.active === u.id,
        probing: this.probers.get(u.id)?.active ?? false,
        penalty: Math.round(p.value),
        suppressed: p.suppressed,
        reuseAt: p.reuseAt,
        blockedUntil: this.ledger.blockedUntil(u.id, now),
        broken: this.broken.get(u.id) ?? null,
        pinned: this.ledger.pinned === u.id,
        forbidden: this.ledger.forbidden.has(u.id),
      };
    });
    return {
      at: now,
      role: this.role,
      active: this.ledger.active,
      activeSince: this.ledger.activeSince,
      lastSwitchAt: this.ledger.lastSwitchAt,
      busy: this.busy !== null,
      standbyProbing: this.standbyProbing,
      decision: this.lastDecision,
      pendingFailback: pending && {
        ...pending,
        remainingMs: pending.dueAt === null ? null : Math.max(0, pending.dueAt - now),
      },
      trial: this.trial && { uplink: this.trial.uplink, from: this.trial.from, deadline: this.trial.deadline },
      uplinks,
    };
  }
}
