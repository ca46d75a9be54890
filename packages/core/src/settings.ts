/**
 * Engine settings: their types, their defaults (this file is the one place
 * a default lives) and their validation. All times are milliseconds and all
 * ratios percentages; the agent's YAML layer converts `500ms` and `40%`.
 */
import { ConfigError } from './errors.js';
import { IssueList } from './common/issue-list.js';
import { isValidTimeZone, parseDailyWindow } from './policy/failback-window.js';
import { durationLimit, integerLimit, numberLimit, percentLimit, type Limit } from './common/limits.js';

/** How each uplink is probed. Every field can be overridden per uplink. */
export interface ProbeSettings {
  /** Round interval while the uplink's state is settled. Default 500 ms. */
  readonly intervalMs: number;
  /** Round interval while an `up`/`degraded` uplink is failing rounds. Default 200 ms. */
  readonly failureIntervalMs: number;
  /** Round interval while a `down`/`unknown` uplink is passing rounds. Default 500 ms. */
  readonly recoveryIntervalMs: number;
  /**
   * Per-probe timeout, or `auto`: per target, smoothed RTT plus four times
   * its variation (RFC 6298's RTO), clamped to [`minTimeoutMs`,
   * `maxTimeoutMs`]; `maxTimeoutMs` until the first answer. Default `auto`.
   */
  readonly timeoutMs: number | 'auto';
  /** Lower bound of the automatic timeout. Default 200 ms. */
  readonly minTimeoutMs: number;
  /** Upper bound of the automatic timeout, and its value before any answer. Default 1000 ms. */
  readonly maxTimeoutMs: number;
  /** Targets that must answer (and be within the thresholds) for a round to pass. Default 1. */
  readonly reliability: number;
  /** Random spread of each interval, ± this percentage, so uplinks' rounds do not align. Default 5 %. */
  readonly spreadPct: number;
}

/**
 * Probe settings as a caller gives them: any field may be left out.
 * `jitterPct` is the 0.1 name of `spreadPct` and still read.
 */
export type ProbeSettingsInput = Partial<ProbeSettings> & {
  /** @deprecated Use `spreadPct`: "jitter" is the RTT's deviation, not the schedule's spread. */
  readonly jitterPct?: number | undefined;
};

/** `input` with the deprecated `jitterPct` read as `spreadPct`. @internal */
export function probeInput(input: ProbeSettingsInput | undefined): Partial<ProbeSettings> {
  if (!input) return {};
  const { jitterPct, ...rest } = input;
  return jitterPct === undefined || rest.spreadPct !== undefined ? rest : { ...rest, spreadPct: jitterPct };
}

/** A threshold with separate failure and recovery levels (hysteresis). */
export interface Threshold {
  /** Beyond this an uplink counts as failing. */
  readonly fail: number;
  /** An uplink counts as good again only at or below this. Must not exceed `fail`. */
  readonly recover: number;
}

/** How probe results become uplink states. Every field can be overridden per uplink. */
export interface HealthSettings {
  /** Consecutive bad rounds that make an uplink `down`. Default 4. */
  readonly down: number;
  /** Consecutive good rounds that make an uplink `up` again. Default 6. */
  readonly up: number;
  /** Samples per target in the sliding window that loss, RTT and jitter are computed over. Default 20. */
  readonly window: number;
  /** Loss over the window, percent. Default fail 40, recover 10. */
  readonly lossPct: Threshold;
  /** Mean RTT over the window, ms. Default fail 800, recover 400. */
  readonly latencyMs: Threshold;
  /** RTT standard deviation over the window, ms. Default fail 200, recover 100. */
  readonly jitterMs: Threshold;
  /**
   * State at start-up. `unknown` (default): the uplink must pass `up` rounds
   * before it can carry traffic, and an uplink found active at start-up is
   * kept until it proves `down`. `down`: as `unknown`, but an uplink found
   * active at start-up is left at once if another uplink proves healthy first.
   */
  readonly initialState: 'unknown' | 'down';
}

/** `auto` fails back by itself, `manual` only on an operator's command, `disabled` never. */
export type FailbackMode = 'auto' | 'manual' | 'disabled';

/** When the engine returns to a preferred uplink. */
export interface FailbackSettings {
  /** Default `auto`. */
  readonly mode: FailbackMode;
  /** Continuous `up` time the preferred uplink needs before failback (and the first trial delay for dark standby). Default 60 s. */
  readonly delayMs: number;
  /** Optional daily local-time window `HH:MM-HH:MM` outside which the engine does not fail back. Default none. */
  readonly window: string | null;
  /** IANA time zone for `window`; default the process's local zone. */
  readonly timeZone: string | null;
  /** Minimum time on an uplink before a voluntary switch (failback). Failover is never delayed. Default 30 s. */
  readonly minDwellMs: number;
  /** Time a trial switch has to prove the uplink `up` (dark standby, or any uplink not yet measured). Default 30 s. */
  readonly trialWindowMs: number;
  /** Cap of the exponential back-off between failed trials or failed switches to one uplink. Default 15 min. */
  readonly maxBackoffMs: number;
}

/**
 * Flap dampening after RFC 2439: every transition to `down` adds `penalty`;
 * the penalty halves every `halfLifeMs`; above `suppress` the uplink is not
 * chosen until the penalty decays below `reuse`; it is capped so that no
 * uplink stays suppressed longer than `maxSuppressMs`.
 */
export interface DampeningSettings {
  /** Default true. */
  readonly enabled: boolean;
  /** Added per down transition. Default 1000. */
  readonly penalty: number;
  /** Default 60 s. */
  readonly halfLifeMs: number;
  /** Default 2000: three flaps within about a minute suppress an uplink. */
  readonly suppress: number;
  /** Default 750. */
  readonly reuse: number;
  /** Default 15 min. */
  readonly maxSuppressMs: number;
}

/** Time limits of a switch transaction. */
export interface SwitchSettings {
  /** `adapter.activate` time limit. Default 30 s. */
  readonly activateTimeoutMs: number;
  /** Time for the new path to pass one probe round through the default route. Default 3 s. */
  readonly verifyTimeoutMs: number;
  /** Time limit of each pre/post hook. Default 10 s. */
  readonly hookTimeoutMs: number;
  /** First back-off after a failed switch to an uplink; doubles per failure up to `failback.maxBackoffMs`. Default 10 s. */
  readonly retryDelayMs: number;
  /** With no active uplink at start-up, how long to wait for better-priority uplinks still `unknown`. Default 5 s. */
  readonly startupGraceMs: number;
}

/** Every engine setting. */
export interface Settings {
  readonly probe: ProbeSettings;
  readonly health: HealthSettings;
  readonly failback: FailbackSettings;
  readonly dampening: DampeningSettings;
  readonly switch: SwitchSettings;
}

/** Per-uplink health overrides: any field of {@link HealthSettings}, thresholds field by field. */
export type HealthOverrides = Partial<
  Omit<HealthSettings, 'lossPct' | 'latencyMs' | 'jitterMs'> & {
    lossPct: Partial<HealthSettings['lossPct']>;
    latencyMs: Partial<HealthSettings['latencyMs']>;
    jitterMs: Partial<HealthSettings['jitterMs']>;
  }
>;

/** Settings as a caller gives them: any field may be left out. */
export interface SettingsInput {
  readonly probe?: ProbeSettingsInput | undefined;
  readonly health?: HealthOverrides | undefined;
  readonly failback?: Partial<FailbackSettings> | undefined;
  readonly dampening?: Partial<DampeningSettings> | undefined;
  readonly switch?: Partial<SwitchSettings> | undefined;
}

/** The defaults. The README explains each choice. */
export const DEFAULT_SETTINGS: Settings = Object.freeze({
  probe: Object.freeze({
    intervalMs: 500,
    failureIntervalMs: 200,
    recoveryIntervalMs: 500,
    timeoutMs: 'auto',
    minTimeoutMs: 200,
    maxTimeoutMs: 1000,
    reliability: 1,
    spreadPct: 5,
  }),
  health: Object.freeze({
    down: 4,
    up: 6,
    window: 20,
    lossPct: Object.freeze({ fail: 40, recover: 10 }),
    latencyMs: Object.freeze({ fail: 800, recover: 400 }),
    jitterMs: Object.freeze({ fail: 200, recover: 100 }),
    initialState: 'unknown',
  }),
  failback: Object.freeze({
    mode: 'auto',
    delayMs: 60_000,
    window: null,
    timeZone: null,
    minDwellMs: 30_000,
    trialWindowMs: 30_000,
    maxBackoffMs: 15 * 60_000,
  }),
  dampening: Object.freeze({
    enabled: true,
    penalty: 1000,
    halfLifeMs: 60_000,
    suppress: 2000,
    reuse: 750,
    maxSuppressMs: 15 * 60_000,
  }),
  switch: Object.freeze({
    activateTimeoutMs: 30_000,
    verifyTimeoutMs: 3000,
    hookTimeoutMs: 10_000,
    retryDelayMs: 10_000,
    startupGraceMs: 5000,
  }),
});

/** The probe and health settings that apply to one uplink. */
export interface UplinkSettings {
  readonly probe: ProbeSettings;
  readonly health: HealthSettings;
}

/** `base` with an uplink's health overrides merged in, threshold by threshold. */
export function mergeHealth(base: HealthSettings, over: HealthOverrides | undefined): HealthSettings {
  if (!over) return base;
  return {
    ...base,
    ...over,
    lossPct: { ...base.lossPct, ...over.lossPct },
    latencyMs: { ...base.latencyMs, ...over.latencyMs },
    jitterMs: { ...base.jitterMs, ...over.jitterMs },
  };
}

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/**
 * The range of every numeric setting (see {@link Limit}): what
 * {@link resolveSettings} checks, and what the agent's config schema
 * declares for the same keys. `dampening.maxSuppressMs` must also be at
 * least `halfLifeMs`, `reuse` below `suppress`, `minTimeoutMs` at most
 * `maxTimeoutMs` and a threshold's `recover` at most its `fail`.
 */
export const SETTINGS_LIMITS = Object.freeze({
  probe: Object.freeze({
    intervalMs: durationLimit(10, HOUR),
    failureIntervalMs: durationLimit(10, HOUR),
    recoveryIntervalMs: durationLimit(10, HOUR),
    timeoutMs: durationLimit(1, 60_000),
    minTimeoutMs: durationLimit(1, 60_000),
    maxTimeoutMs: durationLimit(1, 60_000),
    reliability: integerLimit(1, 64),
    spreadPct: percentLimit(0, 50),
  }),
  health: Object.freeze({
    down: integerLimit(1, 100),
    up: integerLimit(1, 100),
    window: integerLimit(1, 1000),
    lossPct: percentLimit(0, 100),
    latencyMs: Object.freeze({ ...numberLimit(0, 60_000), unit: 'ms' as const }),
    jitterMs: Object.freeze({ ...numberLimit(0, 60_000), unit: 'ms' as const }),
  }),
  failback: Object.freeze({
    delayMs: durationLimit(0, DAY),
    minDwellMs: durationLimit(0, DAY),
    trialWindowMs: durationLimit(100, DAY),
    maxBackoffMs: durationLimit(0, 7 * DAY),
  }),
  dampening: Object.freeze({
    penalty: numberLimit(1, 1e6),
    halfLifeMs: durationLimit(1000, DAY),
    suppress: numberLimit(1, 1e9),
    reuse: numberLimit(1, 1e9),
    maxSuppressMs: durationLimit(1000, 7 * DAY),
  }),
  switch: Object.freeze({
    activateTimeoutMs: durationLimit(1, DAY),
    verifyTimeoutMs: durationLimit(1, HOUR),
    hookTimeoutMs: durationLimit(1, HOUR),
    retryDelayMs: durationLimit(0, DAY),
    startupGraceMs: durationLimit(0, HOUR),
  }),
  uplink: Object.freeze({ priority: integerLimit(0, 1_000_000) }),
});

/** Checks one uplink's (or the global) probe settings. @internal (core's own checks) */
export function checkProbe(list: IssueList, p: ProbeSettings, at: string): void {
  const L = SETTINGS_LIMITS.probe;
  list.limit(`${at}.intervalMs`, p.intervalMs, L.intervalMs);
  list.limit(`${at}.failureIntervalMs`, p.failureIntervalMs, L.failureIntervalMs);
  list.limit(`${at}.recoveryIntervalMs`, p.recoveryIntervalMs, L.recoveryIntervalMs);
  if (p.timeoutMs !== 'auto') list.limit(`${at}.timeoutMs`, p.timeoutMs, L.timeoutMs);
  list.limit(`${at}.minTimeoutMs`, p.minTimeoutMs, L.minTimeoutMs);
  list.limit(`${at}.maxTimeoutMs`, p.maxTimeoutMs, L.maxTimeoutMs);
  if (p.minTimeoutMs > p.maxTimeoutMs) list.add(`${at}.minTimeoutMs`, 'must not exceed maxTimeoutMs');
  list.limit(`${at}.reliability`, p.reliability, L.reliability);
  list.limit(`${at}.spreadPct`, p.spreadPct, L.spreadPct);
}

function checkThreshold(list: IssueList, t: Threshold, at: string, limit: Limit): void {
  list.limit(`${at}.fail`, t.fail, limit);
  list.limit(`${at}.recover`, t.recover, limit);
  if (t.recover > t.fail) list.add(`${at}.recover`, `must not exceed fail (${t.fail})`);
}

/** Checks one uplink's (or the global) health settings. @internal (core's own checks) */
export function checkHealth(list: IssueList, h: HealthSettings, at: string): void {
  const L = SETTINGS_LIMITS.health;
  list.limit(`${at}.down`, h.down, L.down);
  list.limit(`${at}.up`, h.up, L.up);
  list.limit(`${at}.window`, h.window, L.window);
  checkThreshold(list, h.lossPct, `${at}.lossPct`, L.lossPct);
  checkThreshold(list, h.latencyMs, `${at}.latencyMs`, L.latencyMs);
  checkThreshold(list, h.jitterMs, `${at}.jitterMs`, L.jitterMs);
  list.oneOf(`${at}.initialState`, h.initialState, ['unknown', 'down']);
}

function checkFailback(list: IssueList, f: FailbackSettings): void {
  const L = SETTINGS_LIMITS.failback;
  list.oneOf('failback.mode', f.mode, ['auto', 'manual', 'disabled']);
  list.limit('failback.delayMs', f.delayMs, L.delayMs);
  if (f.window !== null && (typeof f.window !== 'string' || !parseDailyWindow(f.window)))
    list.add('failback.window', `must be HH:MM-HH:MM with different start and end, got ${JSON.stringify(f.window)}`);
  if (f.timeZone !== null && (typeof f.timeZone !== 'string' || !isValidTimeZone(f.timeZone)))
    list.add('failback.timeZone', `is not a known time zone: ${JSON.stringify(f.timeZone)}`);
  list.limit('failback.minDwellMs', f.minDwellMs, L.minDwellMs);
  list.limit('failback.trialWindowMs', f.trialWindowMs, L.trialWindowMs);
  list.limit('failback.maxBackoffMs', f.maxBackoffMs, L.maxBackoffMs);
}

function checkDampening(list: IssueList, d: DampeningSettings): void {
  const L = SETTINGS_LIMITS.dampening;
  if (typeof d.enabled !== 'boolean') list.add('dampening.enabled', 'must be true or false');
  list.limit('dampening.penalty', d.penalty, L.penalty);
  list.limit('dampening.halfLifeMs', d.halfLifeMs, L.halfLifeMs);
  list.limit('dampening.suppress', d.suppress, L.suppress);
  list.limit('dampening.reuse', d.reuse, L.reuse);
  if (d.reuse >= d.suppress) list.add('dampening.reuse', `must be below suppress (${d.suppress})`);
  list.limit('dampening.maxSuppressMs', d.maxSuppressMs, { ...L.maxSuppressMs, min: d.halfLifeMs });
}

function checkSwitch(list: IssueList, s: SwitchSettings): void {
  const L = SETTINGS_LIMITS.switch;
  list.limit('switch.activateTimeoutMs', s.activateTimeoutMs, L.activateTimeoutMs);
  list.limit('switch.verifyTimeoutMs', s.verifyTimeoutMs, L.verifyTimeoutMs);
  list.limit('switch.hookTimeoutMs', s.hookTimeoutMs, L.hookTimeoutMs);
  list.limit('switch.retryDelayMs', s.retryDelayMs, L.retryDelayMs);
  list.limit('switch.startupGraceMs', s.startupGraceMs, L.startupGraceMs);
}

/**
 * Fills defaults and validates. Throws a {@link ConfigError} listing every
 * problem with its path.
 *
 * @example
 * ```ts
 * const settings = resolveSettings({ failback: { mode: 'manual' } });
 * ```
 */
export function resolveSettings(input: SettingsInput = {}): Settings {
  const d = DEFAULT_SETTINGS;
  const settings: Settings = {
    probe: { ...d.probe, ...probeInput(input.probe) },
    health: mergeHealth(d.health, input.health),
    failback: { ...d.failback, ...input.failback },
    dampening: { ...d.dampening, ...input.dampening },
    switch: { ...d.switch, ...input.switch },
  };
  const list = new IssueList();
  checkProbe(list, settings.probe, 'probe');
  checkHealth(list, settings.health, 'health');
  checkFailback(list, settings.failback);
  checkDampening(list, settings.dampening);
  checkSwitch(list, settings.switch);
  if (list.issues.length > 0) throw new ConfigError(list.issues);
  return settings;
}
