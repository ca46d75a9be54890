/**
 * Probe rounds. A round sends one probe to every target of an uplink in
 * parallel and ends when all have answered or timed out. Rounds of one
 * uplink never overlap: the next starts one interval (± its spread) after the
 * previous started, or at once when the previous took longer than that.
 * The interval follows the uplink's phase: `intervalMs` when settled,
 * `failureIntervalMs` while failing, `recoveryIntervalMs` while recovering.
 */
import { describeError } from '../errors.js';
import type { RoundResult, UplinkHealth } from '../health/tracker.js';
import type { Clock, TimerHandle } from '../interfaces/clock.js';
import type { Probe, ProbeFailure, ProbePath, ProbeResult } from '../interfaces/probe.js';
import type { Uplink } from '../uplink.js';

/** Extra time a probe gets beyond its own timeout before the engine gives up on it. */
export const PROBE_GRACE_MS = 1000;

/** What a round needs. */
export interface RoundDeps {
  readonly clock: Clock;
  readonly probe: Probe;
}

const FAILURES: ReadonlySet<string> = new Set<ProbeFailure>([
  'timeout',
  'link-down',
  'no-device',
  'unreachable',
  'refused',
  'aborted',
  'error',
]);

/** A failure without a known reason (a probe written for the 0.1 shape `{ ok: false, error }`) counts as `error`. */
function checked(r: ProbeResult): ProbeResult {
  if (r.ok || (FAILURES.has(r.reason) && typeof r.detail === 'string')) return r;
  const said: unknown = (r as { detail?: unknown; error?: unknown }).detail ?? (r as { error?: unknown }).error;
  return { ok: false, reason: 'error', detail: typeof said === 'string' ? said : 'the probe gave no reason' };
}

function guardedSend(
  deps: RoundDeps,
  uplink: Uplink,
  target: string,
  timeoutMs: number,
  path: ProbePath,
  signal: AbortSignal | undefined,
): Promise<ProbeResult> {
  return new Promise<ProbeResult>((resolve) => {
    let settled = false;
    const settle = (r: ProbeResult) => {
      if (settled) return;
      settled = true;
      deps.clock.clearTimeout(timer);
      resolve(checked(r));
    };
    const timer = deps.clock.setTimeout(
      () => settle({ ok: false, reason: 'error', detail: 'probe did not return' }),
      timeoutMs + PROBE_GRACE_MS,
    );
    let sending: Promise<ProbeResult>;
    try {
      sending = deps.probe.send({ uplink, target, timeoutMs, path, signal });
    } catch (err) {
      sending = Promise.reject(err instanceof Error ? err : new Error(String(err)));
    }
    sending.then(settle, (err: unknown) =>
      settle({ ok: false, reason: 'error', detail: `probe error: ${describeError(err)}` }),
    );
  });
}

/** Runs one round of `uplink` along `path`. Never rejects. */
export async function runRound(
  deps: RoundDeps,
  uplink: Uplink,
  health: UplinkHealth,
  path: ProbePath,
  signal?: AbortSignal,
): Promise<RoundResult[]> {
  return Promise.all(
    uplink.targets.map(async (target) => ({
      target,
      result: await guardedSend(deps, uplink, target, health.timeoutFor(target), path, signal),
    })),
  );
}

/** Keeps one uplink's rounds going until stopped. */
export class UplinkProber {
  private timer: TimerHandle | null = null;
  private running = false;
  private stopped = true;
  private lastStart = 0;
  private readonly abort = new AbortController();

  constructor(
    private readonly deps: RoundDeps & { readonly random: () => number },
    private readonly uplink: Uplink,
    private readonly health: UplinkHealth,
    private readonly onRound: (results: RoundResult[]) => void,
  ) {}

  /** True between `start` and `stop`. */
  get active(): boolean {
    return !this.stopped;
  }

  /** Starts rounds, the first one now. */
  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.schedule(0);
  }

  /** Stops after the round in flight (whose result is dropped). */
  stop(): void {
    this.stopped = true;
    if (this.timer) this.deps.clock.clearTimeout(this.timer);
    this.timer = null;
  }

  /** Aborts probes in flight and stops for good. */
  close(): void {
    this.stop();
    this.abort.abort();
  }

  /** Runs the next round now if none is in flight (e.g. the carrier came back). */
  kick(): void {
    if (this.stopped || this.running) return;
    this.schedule(0);
  }

  private schedule(delayMs: number): void {
    if (this.timer) this.deps.clock.clearTimeout(this.timer);
    this.timer = this.deps.clock.setTimeout(() => {
      this.timer = null;
      void this.round();
    }, delayMs);
  }

  private async round(): Promise<void> {
    if (this.stopped || this.running) return;
    this.running = true;
    this.lastStart = this.deps.clock.now();
    const results = await runRound(this.deps, this.uplink, this.health, 'uplink', this.abort.signal);
    this.running = false;
    if (this.stopped) return;
    this.onRound(results);
    if (this.stopped) return;
    const spread = this.health.settings.probe.spreadPct / 100;
    const interval = this.health.intervalMs() * (1 + spread * (2 * this.deps.random() - 1));
    this.schedule(Math.max(0, this.lastStart + interval - this.deps.clock.now()));
  }
}
