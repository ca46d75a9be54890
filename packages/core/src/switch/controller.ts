/**
 * One switch transaction: `pre` hook → `adapter.activate` → verification →
 * `post` hook. Verification asks the adapter which uplink now holds the
 * default route (it must be the new one) and then needs a probe round along
 * the default route to pass. Every step has a time limit. The controller reports what happened; the engine
 * decides what follows (persist, roll back, try the next uplink).
 *
 * Hooks never block a switch: a failing or hanging hook is reported as a
 * warning and the switch goes on, because an operator's notification script
 * must not keep traffic on a dead uplink.
 */
import { describeError, TimeoutError, WanwatchError } from '../errors.js';
import type { SwitchDoneEvent, SwitchFailedEvent, SwitchStartEvent, SwitchStep } from '../events.js';
import type { UplinkHealth } from '../health/tracker.js';
import type { Adapter, SwitchReason } from '../interfaces/adapter.js';
import { sleep, withTimeout, type Clock } from '../interfaces/clock.js';
import type { HookPhase, HookRunner } from '../interfaces/hooks.js';
import type { Probe } from '../interfaces/probe.js';
import type { Role } from '../interfaces/role.js';
import { runRound } from '../probe/scheduler.js';
import type { Settings } from '../settings.js';
import type { Uplink } from '../uplink.js';
import { hookEnvironment, type HookContext, type HookSide } from './hook-env.js';

/** A switch the engine asks for. */
export interface SwitchRequest {
  readonly to: Uplink;
  readonly from: Uplink | null;
  readonly reason: SwitchReason;
  readonly trial: boolean;
  readonly detail: string;
}

/** What a transaction did. `activated`: the adapter switched, even if verification then failed. */
export type SwitchOutcome =
  | { readonly ok: true; readonly event: SwitchDoneEvent }
  | { readonly ok: false; readonly event: SwitchFailedEvent; readonly activated: boolean };

/** What the controller needs from the engine. */
export interface SwitchDeps {
  readonly clock: Clock;
  readonly adapter: Adapter;
  readonly probe: Probe;
  readonly hooks: HookRunner | undefined;
  readonly settings: Settings;
  readonly uplinks: readonly Uplink[];
  health(id: string): UplinkHealth;
  role(): Role;
  onStart(event: SwitchStartEvent): void;
  onWarning(error: WanwatchError): void;
}

const MAX_VERIFY_ROUNDS = 1000;

/** Runs switch transactions. The engine guarantees one at a time. */
export class SwitchController {
  private seq = 0;

  constructor(private readonly deps: SwitchDeps) {}

  /** Runs one transaction to its end. Never rejects. */
  async run(request: SwitchRequest): Promise<SwitchOutcome> {
    const { clock } = this.deps;
    const start: SwitchStartEvent = {
      id: ++this.seq,
      at: clock.now(),
      from: request.from?.id ?? null,
      to: request.to.id,
      reason: request.reason,
      trial: request.trial,
      detail: request.detail,
    };
    this.deps.onStart(start);
    await this.hook('pre', start, request);

    try {
      await this.activate(request);
    } catch (err) {
      return this.fail(start, request, 'activate', err, false);
    }
    let verifyRttMs: number;
    try {
      verifyRttMs = await this.verify(request);
    } catch (err) {
      return this.fail(start, request, 'verify', err, true);
    }
    await this.hook('post', start, request, { ok: true });
    const done: SwitchDoneEvent = { ...start, durationMs: clock.now() - start.at, verifyRttMs };
    return { ok: true, event: done };
  }

  private async activate(request: SwitchRequest): Promise<void> {
    const { clock, adapter, settings } = this.deps;
    const abort = new AbortController();
    const work = adapter.activate(request.to, { previous: request.from, reason: request.reason, signal: abort.signal });
    try {
      await withTimeout(clock, work, settings.switch.activateTimeoutMs, `activating ${request.to.id}`, () =>
        abort.abort(),
      );
    } catch (err) {
      if (err instanceof WanwatchError && !(err instanceof TimeoutError)) throw err;
      throw new WanwatchError('E_ACTIVATE_FAILED', `activating ${request.to.id} failed: ${describeError(err)}`, {
        uplink: request.to.id,
        cause: err,
      });
    }
  }

  /** Confirms the route moved, then probe rounds along it until one passes; resolves with the fastest RTT. */
  private async verify(request: SwitchRequest): Promise<number> {
    const { clock, settings, adapter } = this.deps;
    const uplink = request.to;
    const health = this.deps.health(uplink.id);
    const probeSettings = health.settings.probe;
    const limit = request.trial ? settings.failback.trialWindowMs : settings.switch.verifyTimeoutMs;
    const deadline = clock.now() + limit;
    const holder = await withTimeout(clock, adapter.discover(this.deps.uplinks), limit, 'reading the active uplink');
    if (holder !== uplink.id)
      throw new WanwatchError(
        'E_VERIFY_FAILED',
        `after activating ${uplink.id} the default route belongs to ${holder ?? 'no uplink'}`,
        { uplink: uplink.id },
      );
    let lastErrors = 'no round completed';
    for (let i = 0; i < MAX_VERIFY_ROUNDS && clock.now() < deadline; i++) {
      const roundStart = clock.now();
      const results = await runRound(this.deps, uplink, health, 'default');
      const rtts = results.flatMap((r) => (r.result.ok ? [r.result.rttMs] : []));
      if (rtts.length >= probeSettings.reliability) return Math.min(...rtts);
      lastErrors = results.map((r) => `${r.target}: ${r.result.ok ? 'ok' : r.result.detail}`).join(', ');
      const wait = Math.min(deadline, roundStart + probeSettings.recoveryIntervalMs) - clock.now();
      if (wait > 0) await sleep(clock, wait);
    }
    throw new WanwatchError(
      'E_VERIFY_FAILED',
      `no traffic through ${uplink.id} along the default route within ${limit} ms (${lastErrors})`,
      { uplink: uplink.id },
    );
  }

  private async fail(
    start: SwitchStartEvent,
    request: SwitchRequest,
    step: SwitchStep,
    err: unknown,
    activated: boolean,
  ): Promise<SwitchOutcome> {
    const error =
      err instanceof WanwatchError
        ? err
        : new WanwatchError('E_ADAPTER', describeError(err), { uplink: request.to.id, cause: err });
    await this.hook('post', start, request, { ok: false, error: error.message });
    const event: SwitchFailedEvent = {
      ...start,
      durationMs: this.deps.clock.now() - start.at,
      step,
      error,
      active: activated ? request.to.id : (request.from?.id ?? null),
    };
    return { ok: false, event, activated };
  }

  private side(uplink: Uplink): HookSide {
    const snap = this.deps.health(uplink.id).snapshot();
    return { uplink, state: snap.state, reason: snap.reason, metrics: snap.metrics };
  }

  private async hook(
    phase: HookPhase,
    start: SwitchStartEvent,
    request: SwitchRequest,
    result?: HookContext['result'],
  ): Promise<void> {
    const { hooks, clock, settings } = this.deps;
    if (!hooks) return;
    const env = hookEnvironment({
      phase,
      switchId: start.id,
      reason: request.reason,
      detail: request.detail,
      trial: request.trial,
      from: request.from ? this.side(request.from) : null,
      to: this.side(request.to),
      role: this.deps.role(),
      at: clock.now(),
      result,
    });
    const limit = settings.switch.hookTimeoutMs;
    let problem: string | null = null;
    try {
      // The runner kills a hook at the limit; the extra second covers a runner that does not.
      const outcome = await withTimeout(clock, hooks.run(phase, env, limit), limit + 1000, `${phase} hook`);
      if (!outcome.ok) problem = outcome.error ?? `exit code ${outcome.exitCode ?? '?'}`;
    } catch (err) {
      problem = describeError(err);
    }
    if (problem !== null)
      this.deps.onWarning(
        new WanwatchError(
          'E_HOOK_FAILED',
          `${phase} hook for switch ${start.id} to ${request.to.id} failed: ${problem}`,
          {
            uplink: request.to.id,
          },
        ),
      );
  }
}
