/**
 * The engine's running state and its reactions: probe rounds come in,
 * health changes, the policy is asked, switches run one at a time, HA roles
 * are applied. Internal to the package: `Engine` is the public face, and the
 * operator commands, trials and status in this folder work on this state.
 * It is one file because every reaction here reads and changes the same few
 * fields (the active uplink, the busy switch, the ledger).
 */
import { WanwatchError, describeError } from '../errors.js';
import type { EngineEvents, SwitchDoneEvent, SwitchFailedEvent } from '../events.js';
import { UplinkHealth, type RoundResult, type StateChange } from '../health/tracker.js';
import type { Adapter, RoleContext, SwitchReason } from '../interfaces/adapter.js';
import { withTimeout, type Clock, type TimerHandle } from '../interfaces/clock.js';
import type { HookRunner } from '../interfaces/hooks.js';
import type { Probe } from '../interfaces/probe.js';
import type { Role, RoleSource } from '../interfaces/role.js';
import type { StateStore } from '../interfaces/store.js';
import { decide, type PolicyInput } from '../policy/policy.js';
import { UplinkProber } from '../probe/scheduler.js';
import type { Settings } from '../settings.js';
import { settingsForUplink } from '../uplink.js';
import { Ledger } from '../state/ledger.js';
import { SwitchController, type SwitchOutcome, type SwitchRequest } from '../switch/controller.js';
import type { Uplink } from '../uplink.js';
import { DecisionTracker } from './decisions.js';
import { Journal } from './journal.js';
import { Trials, type TrialHost } from './trials.js';

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
export class Runtime implements TrialHost {
  readonly settings: Settings;
  readonly uplinks: readonly Uplink[];
  readonly clock: Clock;
  readonly adapter: Adapter;
  readonly emit: Emit;
  readonly ledger: Ledger;
  readonly journal: Journal;
  readonly decisions: DecisionTracker;
  readonly trials: Trials;
  readonly health = new Map<string, UplinkHealth>();
  readonly probers = new Map<string, UplinkProber>();
  /**
   * Uplinks to leave when anything else is usable: `path` — their own probes
   * pass but traffic along the default route did not (until a switch to them
   * verifies); `trial` — their trial or verification failed while they were
   * not healthy (forgiven once they prove `up`).
   */
  readonly broken = new Map<string, 'path' | 'trial'>();
  role: Role = 'master';
  busy: Promise<unknown> | null = null;
  /** Dark standby: the uplink a switch in progress is leaving; the adapter may be taking it down, so its rounds say nothing. */
  private leaving: string | null = null;
  phase: 'new' | 'starting' | 'running' | 'stopped' = 'new';
  private readonly parts: RuntimeParts;
  private readonly controller: SwitchController;
  private readonly unsubscribe: (() => void)[] = [];
  private recheckTimer: TimerHandle | null = null;
  private startedAt = 0;

  constructor(parts: RuntimeParts) {
    this.parts = parts;
    ({
      settings: this.settings,
      uplinks: this.uplinks,
      clock: this.clock,
      adapter: this.adapter,
      emit: this.emit,
    } = parts);
    this.ledger = new Ledger(this.settings.dampening);
    this.journal = new Journal(parts.store, this.clock, (error) =>
      this.emit('warning', { at: this.clock.now(), error }),
    );
    this.decisions = new DecisionTracker(this.emit);
    this.trials = new Trials(this);
    const now = this.clock.now();
    for (const u of this.uplinks) this.health.set(u.id, new UplinkHealth(u, settingsForUplink(this.settings, u), now));
    this.controller = new SwitchController({
      clock: this.clock,
      adapter: this.adapter,
      probe: parts.probe,
      hooks: parts.hooks,
      settings: this.settings,
      uplinks: this.uplinks,
      health: (id) => this.healthOf(id),
      role: () => this.role,
      onStart: (e) => this.emit('switch:start', e),
      onWarning: (e) => this.warn(e),
    });
  }

  healthOf(id: string): UplinkHealth {
    const h = this.health.get(id);
    if (!h) throw new WanwatchError('E_UNKNOWN_UPLINK', `no uplink named "${id}"`, { uplink: id });
    return h;
  }

  uplink(id: string): Uplink {
    const u = this.uplinks.find((x) => x.id === id);
    if (u) return u;
    const known = this.uplinks.map((x) => x.id).join(', ');
    throw new WanwatchError('E_UNKNOWN_UPLINK', `no uplink named "${id}" (known: ${known})`, { uplink: id });
  }

  get standbyProbing(): boolean {
    return this.adapter.capabilities.standbyProbing;
  }

  warn(error: WanwatchError): void {
    this.emit('warning', { at: this.clock.now(), error });
    this.journal.record({ type: 'warning', uplink: error.uplink, message: error.message, data: { code: error.code } });
  }

  persist(): void {
    this.journal.save(this.ledger.toPersisted(this.clock.now()));
  }

  // ---- lifecycle ----------------------------------------------------------

  async start(): Promise<void> {
    if (this.phase !== 'new') throw new WanwatchError('E_STOPPED', 'an engine can be started once');
    this.phase = 'starting';
    this.startedAt = this.clock.now();
    const saved = await this.journal.load();
    if (saved) this.ledger.restore(saved, new Set(this.health.keys()));
    // Subscribed before the role is read, so a change while starting is kept and applied once running.
    const whileStarting: { role: Role | null } = { role: null };
    const { adapter, roleSource } = this.parts;
    if (roleSource)
      this.unsubscribe.push(
        roleSource.subscribe((r) => (this.phase === 'starting' ? (whileStarting.role = r) : this.onRole(r))),
      );
    this.role = await this.readRole();
    for (const u of this.uplinks) {
      await this.adapterCall(`preparing probes of ${u.id}`, () => this.adapter.prepareProbing(u), u.id);
    }
    if (this.role === 'master') {
      const found = await this.adapterCall('discovering the active uplink', () => this.adapter.discover(this.uplinks));
      const kept = found === null ? undefined : this.uplinks.find((u) => u.id === found);
      if (kept) {
        this.ledger.setActive(kept.id, this.startedAt, false);
        if (saved?.active === kept.id && saved.activeSince !== null) this.ledger.activeSince = saved.activeSince;
        if (adapter.adopt)
          await this.adapterCall(`adopting ${kept.id}`, (signal) => adapter.adopt!(kept, { signal }), kept.id);
      } else if (found) {
        this.warn(new WanwatchError('E_UNKNOWN_UPLINK', `the active route belongs to no configured uplink (${found})`));
      }
    } else {
      await this.adapterCall('entering backup role', (signal) => this.enterRole('backup', signal));
    }
    if (adapter.linkEvents) this.unsubscribe.push(adapter.linkEvents((e) => this.onLink(e.uplink, e.carrier)));
    const deps = { clock: this.clock, probe: this.parts.probe, random: this.parts.random };
    for (const u of this.uplinks) {
      this.probers.set(u.id, new UplinkProber(deps, u, this.healthOf(u.id), (r) => this.onRound(u.id, r)));
    }
    this.syncProbers();
    const active = this.ledger.active;
    this.journal.record({
      type: 'start',
      uplink: active ?? undefined,
      message: `engine started as ${this.role}; active uplink: ${active ?? 'none'}`,
    });
    this.persist();
    this.phase = 'running';
    if (whileStarting.role !== null) this.onRole(whileStarting.role);
    this.evaluate();
  }

  private async readRole(): Promise<Role> {
    if (!this.parts.roleSource) return 'master';
    try {
      return await this.parts.roleSource.current();
    } catch (err) {
      this.warn(new WanwatchError('E_ADAPTER', `role unknown, assuming master: ${describeError(err)}`, { cause: err }));
      return 'master';
    }
  }

  /** Runs an adapter call with the activation time limit; a failure becomes a warning and `null`. */
  async adapterCall<T>(what: string, call: (signal: AbortSignal) => Promise<T>, uplink?: string): Promise<T | null> {
    const abort = new AbortController();
    try {
      const limit = this.settings.switch.activateTimeoutMs;
      return await withTimeout(this.clock, call(abort.signal), limit, what, () => abort.abort());
    } catch (err) {
      this.warn(new WanwatchError('E_ADAPTER', `${what} failed: ${describeError(err)}`, { uplink, cause: err }));
      return null;
    }
  }

  async stop(): Promise<void> {
    if (this.phase === 'stopped') return;
    const wasRunning = this.phase !== 'new';
    this.phase = 'stopped';
    if (this.recheckTimer) this.clock.clearTimeout(this.recheckTimer);
    this.trials.end();
    for (const p of this.probers.values()) p.close();
    for (const off of this.unsubscribe.splice(0)) off();
    while (this.busy) await this.busy.catch(() => undefined);
    if (wasRunning) {
      this.journal.record({ type: 'stop', message: `engine stopped; routing left on ${this.ledger.active ?? 'none'}` });
      this.persist();
    }
    try {
      await this.adapter.close();
      await this.parts.probe.close?.();
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
    if (this.phase !== 'running' || id === this.leaving) return;
    const h = this.healthOf(id);
    const now = this.clock.now();
    const change = h.recordRound(results, now);
    this.emit('probe', { at: now, uplink: id, results, level: h.snapshot().lastLevel ?? 'bad', state: h.state });
    if (change) this.onStateChange(change);
    this.trials.check();
    this.evaluate();
  }

  private onStateChange(change: StateChange): void {
    if (change.to === 'up' && this.broken.get(change.uplink) === 'trial') this.broken.delete(change.uplink);
    const metrics = this.healthOf(change.uplink).snapshot().metrics;
    this.emit('uplink:state', { ...change, metrics });
    this.journal.record({
      type: 'state',
      uplink: change.uplink,
      message: `${change.uplink}: ${change.from} → ${change.to} (${change.reason})`,
      data: { from: change.from, to: change.to, ...metrics },
    });
    if (change.to !== 'down' || (change.from !== 'up' && change.from !== 'degraded')) return;
    const p = this.ledger.flap(change.uplink, change.at);
    if (p.suppressed)
      this.journal.record({
        type: 'dampening',
        uplink: change.uplink,
        message: `${change.uplink} suppressed by flap dampening (penalty ${Math.round(p.value)})`,
      });
    this.persist();
  }

  private onLink(id: string, carrier: 'up' | 'down'): void {
    if (this.phase !== 'running' || !this.health.has(id)) return;
    const change = this.healthOf(id).carrierChanged(carrier, this.clock.now());
    if (change) this.onStateChange(change);
    if (carrier === 'up') {
      const u = this.uplink(id);
      // A link that comes back (PPPoE redial, cable) may need its probe routes again.
      void this.adapterCall(`preparing probes of ${id}`, () => this.adapter.prepareProbing(u), id).then(() =>
        this.probers.get(id)?.kick(),
      );
    }
    this.trials.check();
    this.evaluate();
  }

  // ---- deciding -----------------------------------------------------------

  policyInput(now: number): PolicyInput {
    return {
      now,
      uplinks: this.uplinks.map((u, order) => {
        const snap = this.healthOf(u.id).snapshot();
        const p = this.ledger.penalty(u.id, now);
        return {
          id: u.id,
          priority: u.priority,
          order,
          state: snap.state,
          since: snap.since,
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
  evaluate(): void {
    if (this.phase !== 'running' || this.busy) return;
    const now = this.clock.now();
    const decision = decide(this.policyInput(now));
    this.decisions.publish(decision, now, {
      active: this.ledger.active,
      stateOf: (id) => this.healthOf(id).state,
      isForbidden: (id) => this.ledger.forbidden.has(id),
    });
    if (this.recheckTimer) this.clock.clearTimeout(this.recheckTimer);
    this.recheckTimer = null;
    if (decision.kind === 'switch') {
      void this.exclusive(() => this.switchTo(decision.to, decision.reason, decision.trial, decision.detail));
    } else if (decision.recheckAt !== null) {
      this.recheckTimer = this.clock.setTimeout(() => this.evaluate(), Math.max(0, decision.recheckAt - now));
    }
  }

  // ---- switching ----------------------------------------------------------

  /** Runs `work` when no switch or role change is in progress; one at a time. */
  async exclusive<T>(work: () => Promise<T>): Promise<T> {
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

  async switchTo(to: string, reason: SwitchReason, trial: boolean, detail: string): Promise<SwitchOutcome> {
    const previous = this.ledger.active;
    const request: SwitchRequest = {
      to: this.uplink(to),
      from: previous ? this.uplink(previous) : null,
      reason,
      trial,
      detail,
    };
    if (!this.standbyProbing && previous !== null && previous !== to) this.leaving = previous;
    try {
      const outcome = await this.controller.run(request);
      if (outcome.ok) this.switched(request, outcome.event);
      else await this.switchFailed(request, outcome.event, outcome.activated);
      return outcome;
    } finally {
      this.leaving = null;
    }
  }

  /** Records that traffic now flows through `request.to`. */
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
    if (request.trial) this.trials.begin(request, event.id, now);
    else this.ledger.unblock(to);
    this.syncProbers();
    this.emit('switch:done', event);
    this.journal.record({
      type: 'switch',
      uplink: to,
      message: `switched ${from ?? 'none'} → ${to} (${request.reason}) in ${event.durationMs} ms: ${request.detail}`,
      data: { from, to, reason: request.reason, trial: request.trial, durationMs: event.durationMs },
    });
    this.persist();
  }

  private async switchFailed(request: SwitchRequest, event: SwitchFailedEvent, activated: boolean): Promise<void> {
    const to = request.to.id;
    const { failback, switch: sw } = this.settings;
    const base = request.trial && !this.standbyProbing ? failback.delayMs : sw.retryDelayMs;
    this.ledger.block(to, this.clock.now(), base, failback.maxBackoffMs);
    if (activated) {
      // Own probes pass but the default route does not: the path is broken (a missing NAT
      // rule, say) until a switch to it verifies. Otherwise the uplink is just unhealthy,
      // forgiven like a failed trial once it proves up.
      const ownPass = ['up', 'degraded'].includes(this.healthOf(to).state);
      this.broken.set(to, ownPass ? 'path' : 'trial');
    }
    // Whatever the adapter promised, ask the system where the default route is now.
    const found = await this.adapterCall('re-reading the active uplink', () => this.adapter.discover(this.uplinks));
    const holder = found && this.health.has(found) ? found : activated ? to : this.ledger.active;
    if (holder === to) this.moveActive(request, this.clock.now());
    else if (holder !== this.ledger.active) {
      this.warn(new WanwatchError('E_ADAPTER', `after the failed switch the active uplink is ${holder ?? 'none'}`));
      this.ledger.setActive(holder, this.clock.now(), true);
    }
    this.reportFailure({ ...event, active: this.ledger.active });
    this.syncProbers();
    this.persist();
  }

  reportFailure(event: SwitchFailedEvent): void {
    this.emit('switch:failed', event);
    this.journal.record({
      type: 'switch-failed',
      uplink: event.to,
      message: `switch ${event.from ?? 'none'} → ${event.to} (${event.reason}) failed at ${event.step}: ${event.error.message}`,
      data: { from: event.from, to: event.to, reason: event.reason, step: event.step, code: event.error.code },
    });
  }

  // ---- HA role --------------------------------------------------------------

  private enterRole(role: Role, signal: AbortSignal): Promise<void> {
    const active = this.ledger.active;
    const context: RoleContext = { uplinks: this.uplinks, active: active ? this.uplink(active) : null, signal };
    const step = role === 'backup' ? this.adapter.enterBackup?.(context) : this.adapter.enterMaster?.(context);
    return step ?? Promise.resolve();
  }

  private onRole(role: Role): void {
    if (this.phase !== 'running' || role === this.role) return;
    const previous = this.role;
    this.role = role;
    this.emit('role', { at: this.clock.now(), role, previous });
    this.journal.record({ type: 'role', message: `role ${previous} → ${role}` });
    void this.exclusive(() => this.applyRole(role));
  }

  private async applyRole(role: Role): Promise<void> {
    if (role !== this.role || this.phase !== 'running') return; // superseded while waiting
    if (role === 'backup') this.trials.end();
    await this.adapterCall(`entering ${role} role`, (signal) => this.enterRole(role, signal));
    if (role === 'backup') this.ledger.setActive(null, this.clock.now(), true);
    this.syncProbers();
    this.persist();
  }
}
