/**
 * The public face of the engine: construction and validation, the typed
 * events, the lifecycle, operator commands and status. The work is done by
 * the runtime and the modules beside this file.
 */
import { EventEmitter } from 'eventemitter3';
import { WanwatchError, describeError } from '../errors.js';
import type { EngineEvents } from '../events.js';
import { systemClock, type Clock } from '../interfaces/clock.js';
import type { Adapter } from '../interfaces/adapter.js';
import type { HookRunner } from '../interfaces/hooks.js';
import type { Probe } from '../interfaces/probe.js';
import type { RoleSource } from '../interfaces/role.js';
import type { HistoryEntry, HistoryQuery, StateStore } from '../interfaces/store.js';
import { resolveSettings, type Settings, type SettingsInput } from '../settings.js';
import type { EngineStatus } from '../status.js';
import type { SwitchOutcome } from '../switch/controller.js';
import { validateUplinks, type Uplink } from '../uplink.js';
import { Runtime } from './runtime.js';

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
  /** Uniform [0, 1) source for the spread of round intervals. Default `Math.random`. */
  readonly random?: (() => number) | undefined;
}

/**
 * The wanwatch engine: keeps exactly one uplink active.
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
  private readonly rt: Runtime;

  /** Validates everything; throws a `ConfigError` listing every problem. */
  constructor(options: EngineOptions) {
    super();
    this.settings = resolveSettings(options.settings);
    validateUplinks(options.uplinks, this.settings);
    this.uplinks = [...options.uplinks];
    this.rt = new Runtime({
      settings: this.settings,
      uplinks: this.uplinks,
      clock: options.clock ?? systemClock,
      adapter: options.adapter,
      probe: options.probe,
      store: options.store,
      hooks: options.hooks,
      roleSource: options.roleSource,
      random: options.random ?? Math.random,
      emit: (event, ...args) => void this.emit(event, ...args),
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
          this.rt.warn(new WanwatchError('E_ADAPTER', `a listener of ${String(event)} threw: ${describeError(err)}`));
      }
    }
    return listeners.length > 0;
  }

  /**
   * Loads state, reads the HA role, prepares probing, adopts the uplink the
   * adapter reports active (no switch at start-up), starts probing and
   * decides. An engine starts once.
   */
  start(): Promise<void> {
    return this.rt.start();
  }

  /**
   * Stops probing and deciding, waits for a switch in progress to end, saves
   * state and closes adapter and probe. Routing is left as it is.
   */
  stop(): Promise<void> {
    return this.rt.stop();
  }

  /** Everything the engine knows now; what `wanwatch status` shows. */
  status(): EngineStatus {
    return this.rt.status();
  }

  /** History from the store (empty without one). */
  history(query?: HistoryQuery): Promise<HistoryEntry[]> {
    return this.rt.history(query);
  }

  /** Resolves once no switch or role change is in progress. */
  settle(): Promise<void> {
    return this.rt.settle();
  }

  /**
   * Switches to `to` now. Afterwards the normal rules apply: with failback
   * `auto` the engine returns to a better uplink after the failback delay
   * (use {@link hold} to stay). Resolves with the switch's outcome, or null
   * when `to` is already active. Rejects when `to` is unknown, forbidden, or
   * measured and not usable, or when this box is HA backup.
   */
  failover(to: string): Promise<SwitchOutcome | null> {
    return this.rt.command({ kind: 'failover', to });
  }

  /**
   * Fails back now to the uplink the policy would fail back to, ignoring the
   * failback mode, delay, window and dampening; an uplink backed off after a
   * failed switch or trial waits out its back-off ({@link failover} forces
   * it). Rejects when there is none.
   */
  failback(): Promise<SwitchOutcome> {
    return this.rt.command({ kind: 'failback' }) as Promise<SwitchOutcome>;
  }

  /**
   * Holds `id`: it is preferred above every priority until released,
   * and traffic moves to it now if it is usable. Resolves with the switch's
   * outcome, or null when no switch was needed.
   */
  hold(id: string): Promise<SwitchOutcome | null> {
    return this.rt.command({ kind: 'hold', uplink: id });
  }

  /** Forbids `id`: never chosen; traffic leaves it now if another uplink is usable. */
  async forbid(id: string): Promise<void> {
    await this.rt.command({ kind: 'forbid', uplink: id });
    await this.rt.settle(); // the switch away from it, if any
  }

  /** Releases the hold or the forbid of `id`, or every hold and forbid when `id` is omitted. */
  async release(id?: string): Promise<void> {
    await this.rt.command({ kind: 'release', uplink: id });
    await this.rt.settle();
  }
}
